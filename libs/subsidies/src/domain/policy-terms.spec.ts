import { parsePolicyDocument, policyTermsToDocument, type PolicyDocument } from './policy-terms';

const COUNTY = { level: 'county' as const, regionCode: '330603' };
const base: PolicyDocument = {
  kind: 'contract',
  name: '柯桥区技术交易补助',
  documentNumber: '柯科〔2026〕12号',
  effectiveFrom: '2026-01-01',
  effectiveTo: '2026-12-31',
  eligibility: { contractTypes: ['transfer', 'license'] },
  rate: {
    kind: 'progressive',
    tiers: [
      { fromFen: '0', rate: '10%' },
      { fromFen: '100000000', rate: '0.05' },
    ],
  },
  caps: { perContractFen: '50000000' },
  budgetFen: '1000000000',
  stacking: 'combinable',
};
const errorsOf = (doc: Partial<PolicyDocument>, authority = COUNTY) => {
  const r = parsePolicyDocument({ ...base, ...doc } as PolicyDocument, authority);
  return 'errors' in r ? r.errors.map((e) => `${e.field}:${e.code}`) : [];
};

describe('parsePolicyDocument', () => {
  it('parses a document with defaults and writes it back canonically', () => {
    const r = parsePolicyDocument(base, COUNTY);
    if ('errors' in r) throw new Error('unexpected errors');
    expect(r.terms).toMatchObject({
      base: 'actual_paid',
      stacking: 'combinable',
      eligibility: { sellerCategory: 'any', throughPlatform: 'any', registration: { required: false } },
    });
    const doc = policyTermsToDocument(r.terms, { name: base.name, documentNumber: base.documentNumber, budgetFen: r.budgetFen });
    expect(doc.rate).toEqual({
      kind: 'progressive',
      tiers: [
        { fromFen: '0', rate: '0.1' },
        { fromFen: '100000000', rate: '0.05' },
      ],
    });
    expect(parsePolicyDocument(doc, COUNTY)).toEqual(r);
  });

  it('treats a registration date or day limit as requiring registration', () => {
    const r = parsePolicyDocument({ ...base, eligibility: { contractTypes: ['license'], registration: { withinDaysOfSigning: 30 } } }, COUNTY);
    expect('terms' in r && r.terms.eligibility.registration).toEqual({ required: true, onOrBefore: null, withinDaysOfSigning: 30 });
  });

  it.each`
    doc                                                                                                    | expected
    ${{ effectiveTo: '2025-12-31' }}                                                                       | ${['effectiveTo:beforeEffectiveFrom']}
    ${{ effectiveFrom: '2026-02-30' }}                                                                     | ${['effectiveFrom:isLocalDate']}
    ${{ rate: { kind: 'single', rate: '0.1.2' } }}                                                         | ${['rate.rate:isRate']}
    ${{ rate: { kind: 'single', rate: '1.5' } }}                                                           | ${['rate.rate:rateAboveOne']}
    ${{ rate: { kind: 'single' } }}                                                                        | ${['rate.rate:required']}
    ${{ rate: { kind: 'banded', tiers: [] } }}                                                             | ${['rate.tiers:required']}
    ${{ rate: { kind: 'banded', tiers: [{ fromFen: '5', rate: '0.1' }] } }}                                | ${['rate.tiers[0].fromFen:firstTierFromZero']}
    ${{ rate: { kind: 'banded', tiers: [{ fromFen: '0', rate: '0.1' }, { fromFen: '0', rate: '0.2' }] } }} | ${['rate.tiers[1].fromFen:tiersAscending']}
    ${{ budgetFen: '0' }}                                                                                  | ${['budgetFen:positive']}
    ${{ caps: { perEnterprisePerYearFen: '12.5' } }}                                                       | ${['caps.perEnterprisePerYearFen:isFen']}
    ${{ eligibility: { contractTypes: [] } }}                                                              | ${['eligibility.contractTypes:required']}
    ${{ base: 'equity_valuation' }}                                                                        | ${['eligibility.contractTypes:equityBaseNeedsEquity']}
    ${{ base: 'research_funding' }}                                                                        | ${['base:baseForKind']}
    ${{ kind: 'research_funding', eligibility: {}, base: undefined }}                                      | ${['kind:provinceOnly']}
  `('names $expected', ({ doc, expected }: { doc: Partial<PolicyDocument>; expected: string[] }) => {
    expect(errorsOf(doc)).toEqual(expected);
  });

  it('reports every problem at once', () => {
    expect(errorsOf({ effectiveTo: '2025-01-01', budgetFen: '-1', rate: { kind: 'single', rate: 'x' } })).toEqual([
      'effectiveTo:beforeEffectiveFrom',
      'budgetFen:isFen',
      'rate.rate:isRate',
    ]);
  });

  it('gives a P-DON policy its 10% rate and funding base by default', () => {
    const r = parsePolicyDocument(
      { ...base, kind: 'research_funding', eligibility: {}, rate: undefined, base: undefined },
      { level: 'province', regionCode: '330000' },
    );
    expect('terms' in r && r.terms).toMatchObject({
      base: 'research_funding',
      rate: { kind: 'single' },
      eligibility: { fundingModes: ['naming', 'donation', 'joint_fund'] },
    });
    expect('terms' in r && r.terms.rate.kind === 'single' && r.terms.rate.rate.toString()).toBe('0.1');
  });
});

describe('band caps in the policy document', () => {
  const doc = (tiers: NonNullable<PolicyDocument['rate']>['tiers']): PolicyDocument => ({
    kind: 'contract',
    name: '技术交易补助',
    documentNumber: '柯科〔2026〕2号',
    effectiveFrom: '2026-01-01',
    eligibility: { contractTypes: ['transfer'] },
    rate: { kind: 'banded', tiers },
    budgetFen: '100000000000',
  });
  const authority = { level: 'county' as const, regionCode: '330603' };

  it("reads each band's caps and writes them back in the canonical document (uncapped bands stay without caps)", () => {
    const r = parsePolicyDocument(
      doc([
        { fromFen: '0', rate: '0.1', caps: { perEnterprisePerYearFen: '50000000' } },
        { fromFen: '500000000', rate: '0.25' },
      ]),
      authority,
    );
    if ('errors' in r) throw new Error(JSON.stringify(r.errors));
    expect(r.terms.rate.kind !== 'single' && r.terms.rate.tiers.map((t) => t.caps)).toEqual([
      { perContractFen: null, perEnterprisePerYearFen: 50_000_000n },
      { perContractFen: null, perEnterprisePerYearFen: null },
    ]);
    const written = policyTermsToDocument(r.terms, { name: 'n', documentNumber: 'd', budgetFen: r.budgetFen });
    expect(written.rate?.tiers).toEqual([
      { fromFen: '0', rate: '0.1', caps: { perContractFen: null, perEnterprisePerYearFen: '50000000' } },
      { fromFen: '500000000', rate: '0.25' },
    ]);
  });

  it('names the band and the cap that is wrong', () => {
    const r = parsePolicyDocument(
      doc([
        { fromFen: '0', rate: '0.1' },
        { fromFen: '500000000', rate: '0.25', caps: { perContractFen: '0', perEnterprisePerYearFen: '1.5' } },
      ]),
      authority,
    );
    expect('errors' in r && r.errors.map((e) => [e.field, e.code])).toEqual([
      ['rate.tiers[1].caps.perContractFen', 'positive'],
      ['rate.tiers[1].caps.perEnterprisePerYearFen', 'isFen'],
    ]);
  });
});
