import { LocalDate, type RegionLevel } from '@zjp/core';
import type { ContractFacts, PartyFacts, ResearchFundingFacts } from './facts';
import { parsePolicyDocument, type PolicyDocument, type PolicyTerms } from './policy-terms';
import { resolveStacking, stackingConflict } from './stacking';
import { calculateSequence, calculateSubsidy, type SubsidyInput } from './subsidy-calculation';

const d = LocalDate.parse;
type Authority = { level: RegionLevel; regionCode: string };
const KEQIAO: Authority = { level: 'county', regionCode: '330603' };
const SHAOXING: Authority = { level: 'city', regionCode: '330600' };
const ZHEJIANG: Authority = { level: 'province', regionCode: '330000' };

function policy(overrides: Partial<PolicyDocument> = {}, authority: Authority = KEQIAO): PolicyTerms {
  const parsed = parsePolicyDocument(
    {
      kind: 'contract',
      name: '技术交易补助',
      documentNumber: '柯科〔2026〕1号',
      effectiveFrom: '2026-01-01',
      effectiveTo: '2027-12-31',
      eligibility: { contractTypes: ['transfer', 'license', 'equity', 'use_first'] },
      rate: { kind: 'single', rate: '0.1' },
      budgetFen: '100000000000',
      ...overrides,
    },
    authority,
  );
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.terms;
}

const enterprise = (p: Partial<PartyFacts> = {}): PartyFacts => ({
  organizationId: 'buyer-1',
  organizationType: 'enterprise',
  regionCode: '330603',
  holderCategory: null,
  highLevelPlatform: false,
  sme: true,
  highTech: true,
  ...p,
});
const university = (p: Partial<PartyFacts> = {}): PartyFacts => ({
  organizationId: 'seller-1',
  organizationType: 'holder',
  regionCode: '330106',
  holderCategory: 'university',
  highLevelPlatform: true,
  sme: false,
  highTech: false,
  ...p,
});

function contract(c: Partial<ContractFacts> = {}): ContractFacts {
  return {
    contractId: 'c-1',
    type: 'license',
    buyer: enterprise(),
    seller: university(),
    signedOn: d('2026-03-01'),
    registration: { number: 'JS-330603-2026-0001', registeredOn: d('2026-03-20') },
    terminated: false,
    throughPlatform: true,
    contractValueFen: 100_000_000n,
    registeredValueFen: 100_000_000n,
    equityValuationFen: null,
    payments: [{ amountFen: 100_000_000n, paidOn: d('2026-04-01') }],
    ...c,
  };
}

function run(terms: PolicyTerms, c: ContractFacts = contract(), extra: Partial<SubsidyInput> = {}) {
  return calculateSubsidy({
    policy: terms,
    subject: { kind: 'contract', facts: c },
    year: 2026,
    enterpriseYearToDateFen: 0n,
    remainingBudgetFen: 10n ** 12n,
    ...extra,
  });
}

describe('calculateSubsidy: rates (P-SUB)', () => {
  it('applies a single rate to the actual paid value', () => {
    const r = run(policy({ rate: { kind: 'single', rate: '5%' } }));
    expect(r).toMatchObject({ eligible: true, failedCondition: null, amountFen: 5_000_000n });
    expect(r.explanation.base).toMatchObject({ kind: 'actual_paid', fen: '100000000' });
    expect(r.explanation.rate).toMatchObject({ kind: 'single', rate: '0.05' });
    expect(r.explanation.conditions.every((c) => c.passed)).toBe(true);
  });

  const tiers = [
    { fromFen: '0', rate: '0.1' },
    { fromFen: '50000000', rate: '0.05' },
    { fromFen: '200000000', rate: '0.02' },
  ];

  it('applies progressive tiers band by band', () => {
    // 1,500,000 yuan: 500,000 × 10% + 1,000,000 × 5% = 100,000 yuan
    const r = run(policy({ rate: { kind: 'progressive', tiers } }), contract({ payments: [{ amountFen: 150_000_000n, paidOn: d('2026-05-01') }] }));
    expect(r.amountFen).toBe(10_000_000n);
    expect(r.explanation.rate.steps).toEqual([
      { fromFen: '0', toFen: '50000000', rate: '0.1', portionFen: '50000000', exactFen: '5000000' },
      { fromFen: '50000000', toFen: '200000000', rate: '0.05', portionFen: '100000000', exactFen: '5000000' },
    ]);
  });

  it('applies the progressive top band open-ended above its start', () => {
    const r = run(policy({ rate: { kind: 'progressive', tiers } }), contract({ payments: [{ amountFen: 300_000_000n, paidOn: d('2026-05-01') }] }));
    // 50万×10% + 150万×5% + 100万×2% = 5万 + 7.5万 + 2万
    expect(r.amountFen).toBe(14_500_000n);
    expect(r.explanation.rate.steps).toHaveLength(3);
  });

  it.each`
    baseFen         | expected       | behaviour
    ${49_999_999n}  | ${4_999_999.9} | ${'one fen below a band boundary takes the lower band'}
    ${50_000_000n}  | ${2_500_000}   | ${'a base exactly at a band start takes that band, on the whole base'}
    ${300_000_000n} | ${6_000_000}   | ${'the top band applies to the whole base'}
  `('banded (flat by band): $behaviour', ({ baseFen, expected }: { baseFen: bigint; expected: number }) => {
    const r = run(policy({ rate: { kind: 'banded', tiers } }), contract({ payments: [{ amountFen: baseFen, paidOn: d('2026-05-01') }] }));
    expect(r.explanation.exactFen).toBe(String(expected));
    expect(r.explanation.rate.steps).toHaveLength(1);
    expect(r.amountFen).toBe(BigInt(Math.round(expected)));
  });

  it('bases the subsidy on the registered value or the equity valuation when the policy says so', () => {
    expect(run(policy({ base: 'registered_value' }), contract({ registeredValueFen: 80_000_000n })).amountFen).toBe(8_000_000n);
    const equity = contract({ type: 'equity', equityValuationFen: 300_000_000n, payments: [] });
    const r = run(policy({ base: 'equity_valuation', eligibility: { contractTypes: ['equity'] } }), equity);
    expect(r.amountFen).toBe(30_000_000n);
    expect(r.explanation.base).toMatchObject({ kind: 'equity_valuation', fen: '300000000', items: [{ date: '2026-03-01', counted: true }] });
  });
});

describe('calculateSubsidy: rounding', () => {
  it.each`
    paidFen | rate        | exact       | rounded | behaviour
    ${15n}  | ${'0.1'}    | ${'1.5'}    | ${2n}   | ${'half a fen rounds up'}
    ${14n}  | ${'0.1'}    | ${'1.4'}    | ${1n}   | ${'less than half rounds down'}
    ${25n}  | ${'0.1'}    | ${'2.5'}    | ${3n}   | ${'half rounds up, not to even'}
    ${333n} | ${'0.125'}  | ${'41.625'} | ${42n}  | ${'more decimals than a fen'}
    ${7n}   | ${'0.0714'} | ${'0.4998'} | ${0n}   | ${'just under half a fen rounds to zero'}
  `('$behaviour', ({ paidFen, rate, exact, rounded }: { paidFen: bigint; rate: string; exact: string; rounded: bigint }) => {
    const r = run(policy({ rate: { kind: 'single', rate } }), contract({ payments: [{ amountFen: paidFen, paidOn: d('2026-04-01') }] }));
    expect(r.explanation.exactFen).toBe(exact);
    expect(r.explanation.rounding).toEqual({ mode: 'half_up', exactFen: exact, roundedFen: rounded.toString() });
    expect(r.amountFen).toBe(rounded);
  });

  it('rounds once at the end, not per band', () => {
    // 0.5 fen + 0.5 fen would be 1 + 1 = 2 if each band were rounded; exactly 1 fen rounded once.
    const r = run(
      policy({
        rate: {
          kind: 'progressive',
          tiers: [
            { fromFen: '0', rate: '0.1' },
            { fromFen: '5', rate: '0.1' },
          ],
        },
      }),
      contract({ payments: [{ amountFen: 10n, paidOn: d('2026-04-01') }] }),
    );
    expect(r.explanation.rate.steps.map((s) => s.exactFen)).toEqual(['0.5', '0.5']);
    expect(r.amountFen).toBe(1n);
  });
});

describe('calculateSubsidy: caps', () => {
  const terms = policy({ caps: { perContractFen: '3000000', perEnterprisePerYearFen: '5000000' } });

  it('leaves caps alone when the amount is below them, and says so', () => {
    const r = run(terms, contract({ payments: [{ amountFen: 10_000_000n, paidOn: d('2026-04-01') }] }));
    expect(r.amountFen).toBe(1_000_000n);
    expect(r.explanation.caps.map((c) => [c.name, c.bit])).toEqual([
      ['perContract', false],
      ['perEnterprisePerYear', false],
      ['budget', false],
    ]);
  });

  it('bites at the per-contract cap, counting what other years already got', () => {
    expect(run(terms).amountFen).toBe(3_000_000n);
    const r = run(terms, contract(), { priorForSubjectFen: 2_000_000n });
    expect(r.amountFen).toBe(1_000_000n);
    expect(r.explanation.caps[0]).toEqual({ name: 'perContract', limitFen: '3000000', usedFen: '2000000', availableFen: '1000000', bit: true });
  });

  it('bites at the per-enterprise yearly cap given the year to date', () => {
    const r = run(terms, contract(), { enterpriseYearToDateFen: 4_500_000n });
    expect(r.amountFen).toBe(500_000n);
    expect(r.explanation.caps.find((c) => c.name === 'perEnterprisePerYear')).toMatchObject({ availableFen: '500000', bit: true });
    expect(run(terms, contract(), { enterpriseYearToDateFen: 6_000_000n }).amountFen).toBe(0n);
  });

  it('bites at the remaining budget', () => {
    const r = run(policy(), contract(), { remainingBudgetFen: 1_234_567n });
    expect(r.amountFen).toBe(1_234_567n);
    expect(r.explanation.caps).toEqual([{ name: 'budget', limitFen: '1234567', usedFen: '0', availableFen: '1234567', bit: true }]);
    expect(r.eligible).toBe(true);
  });

  it('never lets rounding lift an amount past a cap', () => {
    const r = run(policy({ rate: { kind: 'single', rate: '0.1' } }), contract({ payments: [{ amountFen: 15n, paidOn: d('2026-04-01') }] }), {
      remainingBudgetFen: 1n,
    });
    expect(r.amountFen).toBe(1n);
  });

  it('runs out of budget part-way through a batch', () => {
    const terms2 = policy({ caps: { perEnterprisePerYearFen: '15000000' } });
    const claim = (enterpriseId: string, paidFen: bigint) => ({
      enterpriseId,
      year: 2026,
      subject: {
        kind: 'contract' as const,
        facts: contract({
          contractId: `c-${enterpriseId}-${paidFen}`,
          buyer: enterprise({ organizationId: enterpriseId }),
          payments: [{ amountFen: paidFen, paidOn: d('2026-06-01') }],
        }),
      },
    });
    const results = calculateSequence(
      terms2,
      [claim('a', 100_000_000n), claim('b', 100_000_000n), claim('a', 100_000_000n), claim('c', 100_000_000n), claim('d', 10_000_000n)],
      {
        remainingBudgetFen: 25_000_000n,
      },
    );
    // a: 10万; b: 10万; a again: 5万 left of its 15万 yearly cap; c: nothing left (budget 25万 used up); d: nothing
    expect(results.map((r) => r.amountFen)).toEqual([10_000_000n, 10_000_000n, 5_000_000n, 0n, 0n]);
    expect(results[2].explanation.caps.find((c) => c.bit)?.name).toBe('perEnterprisePerYear');
    expect(results[3].explanation.caps.find((c) => c.name === 'budget')).toMatchObject({ availableFen: '0', bit: true });
    expect(results.reduce((s, r) => s + r.amountFen, 0n)).toBe(25_000_000n);
  });
});

describe('calculateSubsidy: caps of each band on its own', () => {
  // 500万元以下按10%、每年最高50万元；500万元以上按25%、最高500万元 (the whole value at its band's rate).
  const WAN = 1_000_000n; // 1万元 in fen
  const cappedBands = [
    { fromFen: '0', rate: '0.1', caps: { perEnterprisePerYearFen: String(50n * WAN) } },
    { fromFen: String(500n * WAN), rate: '0.25', caps: { perEnterprisePerYearFen: String(500n * WAN) } },
  ];
  const paid = (fen: bigint) => contract({ payments: [{ amountFen: fen, paidOn: d('2026-05-01') }] });

  it('pays a band at its rate while its cap is not reached, and says the band cap did not bite', () => {
    const r = run(policy({ rate: { kind: 'banded', tiers: cappedBands } }), paid(400n * WAN));
    expect(r.amountFen).toBe(40n * WAN);
    expect(r.explanation.caps[0]).toEqual({
      name: 'bandPerEnterprisePerYear',
      band: '0',
      limitFen: String(50n * WAN),
      usedFen: '0',
      availableFen: String(50n * WAN),
      bit: false,
    });
    expect(r.explanation.rate.steps[0].cappedFen).toBe(String(40n * WAN));
    expect(r.explanation.bands).toEqual([{ fromFen: '0', amountFen: String(40n * WAN) }]);
  });

  it("limits a band to what is left of its yearly cap after the enterprise's other claims from that band", () => {
    const r = run(policy({ rate: { kind: 'banded', tiers: cappedBands } }), paid(400n * WAN), { bandYearToDateFen: new Map([['0', 30n * WAN]]) });
    expect(r.amountFen).toBe(20n * WAN);
    expect(r.explanation.caps[0]).toMatchObject({
      name: 'bandPerEnterprisePerYear',
      band: '0',
      usedFen: String(30n * WAN),
      availableFen: String(20n * WAN),
      bit: true,
    });
  });

  it("does not count another band's claims against this band's cap", () => {
    const r = run(policy({ rate: { kind: 'banded', tiers: cappedBands } }), paid(400n * WAN), {
      bandYearToDateFen: new Map([[String(500n * WAN), 500n * WAN]]),
    });
    expect(r.amountFen).toBe(40n * WAN);
  });

  it('caps the upper band with its own, larger cap', () => {
    const r = run(policy({ rate: { kind: 'banded', tiers: cappedBands } }), paid(3_000n * WAN));
    expect(r.explanation.rate.steps[0]).toMatchObject({ fromFen: String(500n * WAN), exactFen: String(750n * WAN), cappedFen: String(500n * WAN) });
    expect(r.amountFen).toBe(500n * WAN);
  });

  it("carries each band's use from one claim to the next in a sequence (one enterprise, one year)", () => {
    const terms = policy({ rate: { kind: 'banded', tiers: cappedBands } });
    const item = (id: string) => ({
      subject: { kind: 'contract' as const, facts: { ...paid(400n * WAN), contractId: id } },
      enterpriseId: 'buyer-1',
      year: 2026,
    });
    const [a, b, c] = calculateSequence(terms, [item('c-1'), item('c-2'), item('c-3')], { remainingBudgetFen: 10n ** 12n });
    expect([a.amountFen, b.amountFen, c.amountFen]).toEqual([40n * WAN, 10n * WAN, 0n]);
  });

  it('caps each step of a progressive scale on its own, and the policy caps then take from the top band first', () => {
    const terms = policy({
      rate: {
        kind: 'progressive',
        tiers: [
          { fromFen: '0', rate: '0.1', caps: { perContractFen: '3000000' } },
          { fromFen: '50000000', rate: '0.05' },
        ],
      },
      caps: { perContractFen: '6000000' },
    });
    // 0.1 × 50,000,000 = 5,000,000 capped to 3,000,000; 0.05 × 100,000,000 = 5,000,000; sum 8,000,000 capped to 6,000,000.
    const r = run(terms, paid(150_000_000n));
    expect(r.explanation.rate.steps.map((s) => [s.exactFen, s.cappedFen])).toEqual([
      ['5000000', '3000000'],
      ['5000000', undefined],
    ]);
    expect(r.explanation.caps.map((c) => [c.name, c.bit])).toEqual([
      ['bandPerContract', true],
      ['perContract', true],
      ['budget', false],
    ]);
    expect(r.amountFen).toBe(6_000_000n);
    expect(r.explanation.bands).toEqual([
      { fromFen: '0', amountFen: '3000000' },
      { fromFen: '50000000', amountFen: '3000000' },
    ]);
  });

  it("counts a band's per-contract cap against what the same contract got from that band in other years", () => {
    const terms = policy({ rate: { kind: 'progressive', tiers: [{ fromFen: '0', rate: '0.1', caps: { perContractFen: '3000000' } }] } });
    const r = run(terms, paid(50_000_000n), { bandPriorForSubjectFen: new Map([['0', 2_500_000n]]) });
    expect(r.amountFen).toBe(500_000n);
  });

  it('splits a fraction of a fen over the bands so that the shares add up to the rounded amount', () => {
    const terms = policy({
      rate: {
        kind: 'progressive',
        tiers: [
          { fromFen: '0', rate: '0.1' },
          { fromFen: '5', rate: '0.1' },
        ],
      },
    });
    const r = run(terms, paid(10n));
    expect(r.amountFen).toBe(1n);
    expect(r.explanation.bands?.reduce((n, b) => n + BigInt(b.amountFen), 0n)).toBe(1n);
  });
});

describe('calculateSubsidy: instalments across two years', () => {
  const instalments = contract({
    payments: [
      { amountFen: 40_000_000n, paidOn: d('2026-11-30') },
      { amountFen: 25_000_000n, paidOn: d('2026-12-31') },
      { amountFen: 35_000_000n, paidOn: d('2027-01-01') },
    ],
  });

  it("bases each year's subsidy on what was paid that year", () => {
    const y2026 = run(policy(), instalments, { year: 2026 });
    const y2027 = run(policy(), instalments, { year: 2027 });
    expect(y2026.explanation.base.fen).toBe('65000000');
    expect(y2026.amountFen).toBe(6_500_000n);
    expect(y2026.explanation.base.items.map((i) => i.counted)).toEqual([true, true, false]);
    expect(y2026.explanation.base.items[2].excludedBecause).toBe('other_year');
    expect(y2027.explanation.base.fen).toBe('35000000');
    expect(y2027.amountFen).toBe(3_500_000n);
  });

  it('counts only payments inside the policy period, and nets refunds', () => {
    const terms = policy({ effectiveFrom: '2026-12-01', effectiveTo: '2026-12-31' });
    const r = run(terms, contract({ payments: [...instalments.payments, { amountFen: -5_000_000n, paidOn: d('2026-12-31') }] }), { year: 2026 });
    expect(r.explanation.base.fen).toBe('20000000');
    expect(r.explanation.base.items.find((i) => i.date === '2026-11-30')?.excludedBecause).toBe('outside_effective_period');
    expect(r.amountFen).toBe(2_000_000n);
  });
});

describe('calculateSubsidy: eligibility', () => {
  const fullPolicy = policy(
    {
      eligibility: {
        sellerCategory: 'high_level_platform',
        contractTypes: ['transfer', 'license'],
        registration: { required: true, onOrBefore: '2026-12-31', withinDaysOfSigning: 30 },
        throughPlatform: 'required',
        minContractValueFen: '10000000',
        buyerMustBeSme: true,
        buyerMustBeHighTech: true,
      },
    },
    SHAOXING,
  );

  it('passes a contract meeting every condition, listing each check with its value', () => {
    const r = run(fullPolicy);
    expect(r.eligible).toBe(true);
    expect(r.explanation.conditions.map((c) => c.name)).toEqual([
      'policyInForce',
      'contractType',
      'contractNotTerminated',
      'buyerIsEnterprise',
      'buyerRegion',
      'buyerSme',
      'buyerHighTech',
      'sellerCategory',
      'registered',
      'registeredOnOrBefore',
      'registeredWithinDaysOfSigning',
      'throughPlatform',
      'minContractValue',
      'basePositive',
    ]);
    expect(r.explanation.conditions.find((c) => c.name === 'buyerRegion')).toEqual({
      name: 'buyerRegion',
      passed: true,
      actual: '330603',
      required: 'registered within 330600 (city)',
    });
  });

  it.each`
    failed                             | facts                                                                                          | year
    ${'policyInForce'}                 | ${{ payments: [{ amountFen: 100_000_000n, paidOn: d('2028-04-01') }] }}                        | ${2028}
    ${'contractType'}                  | ${{ type: 'equity' }}                                                                          | ${2026}
    ${'contractNotTerminated'}         | ${{ terminated: true }}                                                                        | ${2026}
    ${'buyerIsEnterprise'}             | ${{ buyer: enterprise({ organizationType: 'holder' }) }}                                       | ${2026}
    ${'buyerRegion'}                   | ${{ buyer: enterprise({ regionCode: '330106' }) }}                                             | ${2026}
    ${'buyerSme'}                      | ${{ buyer: enterprise({ sme: false }) }}                                                       | ${2026}
    ${'buyerHighTech'}                 | ${{ buyer: enterprise({ highTech: false }) }}                                                  | ${2026}
    ${'sellerCategory'}                | ${{ seller: university({ highLevelPlatform: false }) }}                                        | ${2026}
    ${'registered'}                    | ${{ registration: null }}                                                                      | ${2026}
    ${'registeredOnOrBefore'}          | ${{ signedOn: d('2026-12-20'), registration: { number: 'x', registeredOn: d('2027-01-02') } }} | ${2026}
    ${'registeredWithinDaysOfSigning'} | ${{ registration: { number: 'x', registeredOn: d('2026-04-01') } }}                            | ${2026}
    ${'throughPlatform'}               | ${{ throughPlatform: false }}                                                                  | ${2026}
    ${'minContractValue'}              | ${{ contractValueFen: 9_999_999n }}                                                            | ${2026}
    ${'basePositive'}                  | ${{ payments: [] }}                                                                            | ${2026}
  `('gives 0 and names $failed when only that condition fails', ({ failed, facts, year }: { failed: string; facts: Partial<ContractFacts>; year: number }) => {
    const r = run(fullPolicy, contract(facts), { year });
    expect(r).toMatchObject({ eligible: false, failedCondition: failed, amountFen: 0n });
    // an unregistered contract also fails the registration date checks that depend on it; out of force, no payment counts
    const implied = { registered: ['registeredOnOrBefore', 'registeredWithinDaysOfSigning'], policyInForce: ['basePositive'] }[failed] ?? [];
    expect(r.explanation.conditions.filter((c) => !c.passed).map((c) => c.name)).toEqual([failed, ...implied]);
    expect(r.explanation.caps).toEqual([]);
  });

  it('counts registration on the 30th day after signing as in time, the 31st as late', () => {
    expect(run(fullPolicy, contract({ registration: { number: 'x', registeredOn: d('2026-03-31') } })).eligible).toBe(true);
    expect(run(fullPolicy, contract({ registration: { number: 'x', registeredOn: d('2026-04-01') } })).failedCondition).toBe('registeredWithinDaysOfSigning');
  });

  it('covers a city its counties, the province all of Zhejiang, a county only itself', () => {
    const buyerIn = (regionCode: string, authority: Authority) => run(policy({}, authority), contract({ buyer: enterprise({ regionCode }) })).eligible;
    expect(buyerIn('330603', KEQIAO)).toBe(true);
    expect(buyerIn('330602', KEQIAO)).toBe(false);
    expect(buyerIn('330602', SHAOXING)).toBe(true);
    expect(buyerIn('330106', SHAOXING)).toBe(false);
    expect(buyerIn('330106', ZHEJIANG)).toBe(true);
    expect(buyerIn('320106', ZHEJIANG)).toBe(false);
  });

  it.each`
    category                     | seller                                                            | eligible
    ${'university_or_institute'} | ${university({ highLevelPlatform: false })}                       | ${true}
    ${'university_or_institute'} | ${university({ holderCategory: 'institute' })}                    | ${true}
    ${'university_or_institute'} | ${university({ holderCategory: 'enterprise_lab' })}               | ${false}
    ${'out_of_province'}         | ${university({ regionCode: '310104' })}                           | ${true}
    ${'out_of_province'}         | ${university()}                                                   | ${false}
    ${'any'}                     | ${enterprise({ organizationId: 'seller', regionCode: '330100' })} | ${true}
  `(
    'seller category $category: $eligible for $seller.holderCategory in $seller.regionCode',
    ({ category, seller, eligible }: { category: 'any'; seller: PartyFacts; eligible: boolean }) => {
      expect(run(policy({ eligibility: { contractTypes: ['license'], sellerCategory: category } }), contract({ seller })).eligible).toBe(eligible);
    },
  );

  it('refuses contracts concluded through 浙江拍 when the policy is for off-platform deals', () => {
    const offPlatformOnly = policy({ eligibility: { contractTypes: ['license'], throughPlatform: 'excluded' } });
    expect(run(offPlatformOnly).failedCondition).toBe('throughPlatform');
    expect(run(offPlatformOnly, contract({ throughPlatform: false })).eligible).toBe(true);
  });

  it('refuses a registered-value base dated in another year', () => {
    const r = run(policy({ base: 'registered_value' }), contract({ registration: { number: 'x', registeredOn: d('2027-02-01') } }));
    expect(r.failedCondition).toBe('baseDate');
  });
});

describe('calculateSubsidy: research funding (P-DON)', () => {
  const pDon = policy({ kind: 'research_funding', eligibility: {}, rate: undefined, base: undefined }, ZHEJIANG);
  const funding = (f: Partial<ResearchFundingFacts> = {}): ResearchFundingFacts => ({
    fundingId: 'f-1',
    enterprise: enterprise({ regionCode: '330106' }),
    platform: university(),
    mode: 'donation',
    amountFen: 123_456_789n,
    receivedOn: d('2026-07-01'),
    confirmed: true,
    documentCount: 2,
    ...f,
  });
  const runFunding = (f: ResearchFundingFacts) =>
    calculateSubsidy({
      policy: pDon,
      subject: { kind: 'research_funding', facts: f },
      year: 2026,
      enterpriseYearToDateFen: 0n,
      remainingBudgetFen: 10n ** 12n,
    });

  it('pays 10% of the money actually put in, rounded half-up once', () => {
    const r = runFunding(funding());
    expect(r.explanation.rate.rate).toBe('0.1');
    expect(r.explanation.exactFen).toBe('12345678.9');
    expect(r.amountFen).toBe(12_345_679n);
  });

  it.each`
    failed                          | facts
    ${'recipientHighLevelPlatform'} | ${{ platform: university({ highLevelPlatform: false }) }}
    ${'fundingConfirmed'}           | ${{ confirmed: false }}
    ${'fundingDocumented'}          | ${{ documentCount: 0 }}
    ${'buyerRegion'}                | ${{ enterprise: enterprise({ regionCode: '310104' }) }}
    ${'baseDate'}                   | ${{ receivedOn: d('2025-12-31') }}
  `('refuses funding when $failed fails', ({ failed, facts }: { failed: string; facts: Partial<ResearchFundingFacts> }) => {
    expect(runFunding(funding(facts))).toMatchObject({ eligible: false, failedCondition: failed, amountFen: 0n });
  });

  it('does not apply a contract policy to funding or the reverse', () => {
    expect(
      calculateSubsidy({
        policy: policy(),
        subject: { kind: 'research_funding', facts: funding() },
        year: 2026,
        enterpriseYearToDateFen: 0n,
        remainingBudgetFen: 1n,
      }).failedCondition,
    ).toBe('subjectKind');
    expect(
      calculateSubsidy({ policy: pDon, subject: { kind: 'contract', facts: contract() }, year: 2026, enterpriseYearToDateFen: 0n, remainingBudgetFen: 1n })
        .eligible,
    ).toBe(false);
  });
});

describe('stacking', () => {
  it('pays every combinable policy together (stacking on)', () => {
    const county = run(policy({ stacking: 'combinable', rate: { kind: 'single', rate: '0.05' } }, KEQIAO));
    const city = run(policy({ stacking: 'combinable', rate: { kind: 'single', rate: '0.03' } }, SHAOXING));
    expect(
      resolveStacking([
        { policyId: 'county', stacking: 'combinable', amountFen: county.amountFen },
        { policyId: 'city', stacking: 'combinable', amountFen: city.amountFen },
      ]),
    ).toEqual({ applied: ['county', 'city'], totalFen: 8_000_000n, superseded: [] });
  });

  it('pays only the highest when a policy may not be combined (stacking off)', () => {
    expect(
      resolveStacking([
        { policyId: 'county', stacking: 'exclusive', amountFen: 5_000_000n },
        { policyId: 'city', stacking: 'combinable', amountFen: 3_000_000n },
        { policyId: 'province', stacking: 'combinable', amountFen: 1_000_000n },
      ]),
    ).toEqual({ applied: ['county'], totalFen: 5_000_000n, superseded: ['city', 'province'] });
    expect(
      resolveStacking([
        { policyId: 'county', stacking: 'exclusive', amountFen: 3_000_000n },
        { policyId: 'city', stacking: 'combinable', amountFen: 3_000_000n },
        { policyId: 'province', stacking: 'combinable', amountFen: 1_000_000n },
      ]),
    ).toEqual({ applied: ['city', 'province'], totalFen: 4_000_000n, superseded: ['county'] });
  });

  it('refuses to grant an exclusive policy beside another, but not beside itself in another year', () => {
    expect(stackingConflict({ policyId: 'a', stacking: 'exclusive' }, [{ policyId: 'b', stacking: 'combinable' }])).toBe('b');
    expect(stackingConflict({ policyId: 'a', stacking: 'combinable' }, [{ policyId: 'b', stacking: 'exclusive' }])).toBe('b');
    expect(stackingConflict({ policyId: 'a', stacking: 'combinable' }, [{ policyId: 'b', stacking: 'combinable' }])).toBeNull();
    expect(stackingConflict({ policyId: 'a', stacking: 'exclusive' }, [{ policyId: 'a', stacking: 'exclusive' }])).toBeNull();
  });
});
