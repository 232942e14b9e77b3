import { LocalDate, regionCovers, type Rate } from '@zjp/core';
import { ExactFen } from './exact-fen';
import type { ContractFacts, PartyFacts, PaymentFact, ResearchFundingFacts, SubsidySubject } from './facts';
import { inForceDuring, inForceOn, type PolicyTerms, type RateRule, type Tier } from './policy-terms';

/*
 * The subsidy engine (P-SUB, P-DON): a pure function of the policy, the subject (a contract with
 * its payments and parties, or a research funding), the claim year, what the enterprise already
 * got under the policy that year, and the budget left. It returns the amount in fen and an
 * explanation of every step, so an enterprise and a reviewer can see why.
 */

export interface ConditionCheck {
  name: string;
  passed: boolean;
  actual: string | null;
  required: string;
}

export interface BaseItem {
  date: string;
  amountFen: string;
  counted: boolean;
  /** Why an item was left out: another year, or outside the policy's effective period. */
  excludedBecause?: 'other_year' | 'outside_effective_period';
}

export interface RateStep {
  fromFen: string;
  toFen: string | null;
  rate: string;
  portionFen: string;
  exactFen: string;
  /** Where the band has caps of its own: the step after them. */
  cappedFen?: string;
}

export interface CapCheck {
  name: 'bandPerContract' | 'bandPerEnterprisePerYear' | 'perContract' | 'perEnterprisePerYear' | 'budget';
  /** For a band's cap: the band (its fromFen). */
  band?: string;
  limitFen: string;
  usedFen: string;
  availableFen: string;
  bit: boolean;
}

/** How much of the final amount each band paid, in whole fen (sums to amountFen): what the band caps count as used. */
export interface BandShare {
  fromFen: string;
  amountFen: string;
}

export interface SubsidyExplanation {
  policyKind: PolicyTerms['kind'];
  year: number;
  conditions: ConditionCheck[];
  base: { kind: PolicyTerms['base']; fen: string; items: BaseItem[] };
  rate: { kind: RateRule['kind']; rate: string; steps: RateStep[] };
  /** base × rate, exact (fen with a decimal fraction where the rate leaves one). */
  exactFen: string;
  caps: CapCheck[];
  rounding: { mode: 'half_up'; exactFen: string; roundedFen: string };
  amountFen: string;
  /** Tiered rates only: the amount by band. */
  bands?: BandShare[];
}

export interface SubsidyInput {
  policy: PolicyTerms;
  subject: SubsidySubject;
  /** The claim year (Asia/Shanghai calendar year): for actual_paid, the year whose payments count. */
  year: number;
  /** What the enterprise already has under this policy in this year (approved or paid, other claims). */
  enterpriseYearToDateFen: bigint;
  /** What this subject already has under this policy in other years (for the per-contract cap). */
  priorForSubjectFen?: bigint;
  remainingBudgetFen: bigint;
  /** Band caps' inputs, by band (fromFen as a string): what the enterprise has from the band this year (other subjects), and this subject in other years. */
  bandYearToDateFen?: ReadonlyMap<string, bigint>;
  bandPriorForSubjectFen?: ReadonlyMap<string, bigint>;
}

export interface SubsidyCalculation {
  eligible: boolean;
  /** The first condition that failed, when not eligible. */
  failedCondition: string | null;
  amountFen: bigint;
  explanation: SubsidyExplanation;
}

const check = (name: string, passed: boolean, actual: string | null, required: string): ConditionCheck => ({ name, passed, actual, required });

function yearBounds(year: number): { first: LocalDate; last: LocalDate } {
  return { first: LocalDate.of(year, 1, 1), last: LocalDate.of(year, 12, 31) };
}

function regionRequirement(policy: PolicyTerms): string {
  return `registered within ${policy.authority.regionCode} (${policy.authority.level})`;
}

function describeParty(p: PartyFacts): string {
  const flags = [p.organizationType, p.holderCategory, p.highLevelPlatform ? 'high_level_platform' : null, p.regionCode].filter(Boolean);
  return flags.join(', ');
}

function sellerMatches(policy: PolicyTerms, seller: PartyFacts): boolean {
  switch (policy.eligibility.sellerCategory) {
    case 'any':
      return true;
    case 'university_or_institute':
      return seller.organizationType === 'holder' && (seller.holderCategory === 'university' || seller.holderCategory === 'institute');
    case 'high_level_platform':
      return seller.highLevelPlatform;
    case 'out_of_province':
      // A holder outside the issuing authority's province.
      return seller.regionCode.slice(0, 2) !== policy.authority.regionCode.slice(0, 2);
  }
}

function buyerChecks(policy: PolicyTerms, buyer: PartyFacts): ConditionCheck[] {
  const checks = [
    check('buyerIsEnterprise', buyer.organizationType === 'enterprise', buyer.organizationType, 'enterprise'),
    check('buyerRegion', regionCovers(policy.authority.regionCode, buyer.regionCode), buyer.regionCode, regionRequirement(policy)),
  ];
  if (policy.eligibility.buyerMustBeSme) checks.push(check('buyerSme', buyer.sme, String(buyer.sme), 'true'));
  if (policy.eligibility.buyerMustBeHighTech) checks.push(check('buyerHighTech', buyer.highTech, String(buyer.highTech), 'true'));
  return checks;
}

function contractConditions(policy: PolicyTerms, c: ContractFacts): ConditionCheck[] {
  const e = policy.eligibility;
  const checks: ConditionCheck[] = [
    check('contractType', e.contractTypes.includes(c.type), c.type, e.contractTypes.join('|')),
    check('contractNotTerminated', !c.terminated, c.terminated ? 'terminated' : 'in force', 'not terminated'),
    ...buyerChecks(policy, c.buyer),
    check('sellerCategory', sellerMatches(policy, c.seller), describeParty(c.seller), e.sellerCategory),
  ];
  const reg = c.registration;
  if (e.registration.required) {
    checks.push(check('registered', reg !== null, reg ? `${reg.number} on ${reg.registeredOn.toString()}` : 'not registered', 'registered (认定登记)'));
  }
  if (e.registration.onOrBefore) {
    checks.push(
      check(
        'registeredOnOrBefore',
        reg !== null && !reg.registeredOn.isAfter(e.registration.onOrBefore),
        reg?.registeredOn.toString() ?? null,
        `on or before ${e.registration.onOrBefore.toString()}`,
      ),
    );
  }
  if (e.registration.withinDaysOfSigning !== null) {
    const days = e.registration.withinDaysOfSigning;
    const deadline = c.signedOn?.plusDays(days) ?? null;
    checks.push(
      check(
        'registeredWithinDaysOfSigning',
        reg !== null && deadline !== null && !reg.registeredOn.isAfter(deadline),
        reg ? `${reg.registeredOn.toString()} (signed ${c.signedOn?.toString() ?? 'never'})` : null,
        `within ${days} days of signing${deadline ? ` (by ${deadline.toString()})` : ''}`,
      ),
    );
  }
  const through = e.throughPlatform;
  checks.push(check('throughPlatform', through === 'any' || (through === 'required') === c.throughPlatform, String(c.throughPlatform), through));
  if (e.minContractValueFen !== null) {
    checks.push(
      check('minContractValue', c.contractValueFen >= e.minContractValueFen, c.contractValueFen.toString(), `at least ${e.minContractValueFen.toString()} fen`),
    );
  }
  return checks;
}

function fundingConditions(policy: PolicyTerms, f: ResearchFundingFacts): ConditionCheck[] {
  return [
    ...buyerChecks(policy, f.enterprise),
    check('recipientHighLevelPlatform', f.platform.highLevelPlatform, describeParty(f.platform), 'high_level_platform'),
    check('fundingMode', policy.eligibility.fundingModes.includes(f.mode), f.mode, policy.eligibility.fundingModes.join('|')),
    check('fundingConfirmed', f.confirmed, String(f.confirmed), 'receipt confirmed by the platform'),
    check('fundingDocumented', f.documentCount > 0, `${f.documentCount} documents`, 'at least one document'),
  ];
}

/** A dated amount counts when it falls in the claim year and in the policy's effective period. */
function dated(policy: PolicyTerms, year: number, date: LocalDate, amountFen: bigint): BaseItem {
  const { first, last } = yearBounds(year);
  const item: BaseItem = { date: date.toString(), amountFen: amountFen.toString(), counted: true };
  if (date.isBefore(first) || date.isAfter(last)) return { ...item, counted: false, excludedBecause: 'other_year' };
  if (!inForceOn(policy, date)) return { ...item, counted: false, excludedBecause: 'outside_effective_period' };
  return item;
}

interface BaseResult {
  fen: bigint;
  items: BaseItem[];
  /** A base fixed at one date (registered value, valuation, funding) must fall in the year and period. */
  dateCheck?: ConditionCheck;
}

function onePointBase(policy: PolicyTerms, year: number, name: string, date: LocalDate | null, amountFen: bigint | null): BaseResult {
  if (date === null || amountFen === null) {
    return { fen: 0n, items: [], dateCheck: check('baseKnown', false, null, `${name} and its date`) };
  }
  const item = dated(policy, year, date, amountFen);
  return {
    fen: item.counted ? amountFen : 0n,
    items: [item],
    dateCheck: check('baseDate', item.counted, date.toString(), `in ${year} and in the policy's effective period`),
  };
}

function baseOf(policy: PolicyTerms, subject: SubsidySubject, year: number): BaseResult {
  if (subject.kind === 'research_funding') {
    const f = subject.facts;
    return onePointBase(policy, year, 'funding received', f.receivedOn, f.amountFen);
  }
  const c = subject.facts;
  switch (policy.base) {
    case 'actual_paid': {
      // 实际成交额: what was paid in the claim year, within the effective period; refunds count negative.
      const items = [...c.payments].sort((a, b) => a.paidOn.compare(b.paidOn)).map((p: PaymentFact) => dated(policy, year, p.paidOn, p.amountFen));
      const sum = items.filter((i) => i.counted).reduce((s, i) => s + BigInt(i.amountFen), 0n);
      return { fen: sum > 0n ? sum : 0n, items };
    }
    case 'registered_value':
      return onePointBase(policy, year, 'registered contract value', c.registration?.registeredOn ?? null, c.registeredValueFen);
    case 'equity_valuation':
      return onePointBase(policy, year, 'equity valuation', c.signedOn, c.equityValuationFen);
    case 'research_funding':
      return { fen: 0n, items: [], dateCheck: check('baseKnown', false, 'contract', 'research funding') };
  }
}

interface RatedStep {
  step: Omit<RateStep, 'cappedFen'>;
  tier: Tier | null;
  exact: ExactFen;
}

function applyRate(rule: RateRule, baseFen: bigint): { kind: RateRule['kind']; rate: string; steps: RatedStep[] } {
  if (rule.kind === 'single') {
    const exact = ExactFen.product(baseFen, rule.rate);
    return {
      kind: 'single',
      rate: rule.rate.toString(),
      steps: [
        { tier: null, exact, step: { fromFen: '0', toFen: null, rate: rule.rate.toString(), portionFen: baseFen.toString(), exactFen: exact.toString() } },
      ],
    };
  }
  const bands = rule.tiers.map((t, i) => ({ tier: t, from: t.fromFen, to: rule.tiers[i + 1]?.fromFen ?? null, rate: t.rate }));
  if (rule.kind === 'banded') {
    // The whole base at the rate of the band it falls in.
    const band = [...bands].reverse().find((b) => baseFen >= b.from) ?? bands[0];
    const exact = ExactFen.product(baseFen, band.rate);
    return {
      kind: 'banded',
      rate: band.rate.toString(),
      steps: [
        {
          tier: band.tier,
          exact,
          step: {
            fromFen: band.from.toString(),
            toFen: band.to?.toString() ?? null,
            rate: band.rate.toString(),
            portionFen: baseFen.toString(),
            exactFen: exact.toString(),
          },
        },
      ],
    };
  }
  // Progressive: each band's portion of the base at that band's rate.
  const steps: RatedStep[] = [];
  for (const band of bands) {
    if (baseFen <= band.from) break;
    const top = band.to === null || baseFen < band.to ? baseFen : band.to;
    const portion = top - band.from;
    const part = ExactFen.product(portion, band.rate as Rate);
    steps.push({
      tier: band.tier,
      exact: part,
      step: {
        fromFen: band.from.toString(),
        toFen: band.to?.toString() ?? null,
        rate: band.rate.toString(),
        portionFen: portion.toString(),
        exactFen: part.toString(),
      },
    });
  }
  return { kind: 'progressive', rate: steps.map((s) => s.step.rate).join('+') || rule.tiers[0].rate.toString(), steps };
}

/** A cap of `limitFen` of which `usedFen` is used: what is left (never below 0). */
function availableOf(limitFen: bigint, usedFen: bigint): bigint {
  return limitFen - usedFen > 0n ? limitFen - usedFen : 0n;
}

/**
 * Splits the final (capped) exact amount over the bands, lowest band first, each up to what it
 * yielded after its own caps, so the whole-policy caps take away from the top bands; then into
 * whole fen by rounding the running total, so the shares add up to the rounded amount exactly.
 */
function bandShares(steps: readonly { fromFen: string; capped: ExactFen }[], total: ExactFen): BandShare[] {
  let left = total;
  let running = ExactFen.zero();
  let roundedSoFar = 0n;
  return steps.map(({ fromFen, capped }) => {
    const part = capped.min(left.compare(ExactFen.zero()) > 0 ? left : ExactFen.zero());
    left = left.subtract(part);
    running = running.add(part);
    const rounded = running.roundHalfUp();
    const share = rounded - roundedSoFar;
    roundedSoFar = rounded;
    return { fromFen, amountFen: share.toString() };
  });
}

export function calculateSubsidy(input: SubsidyInput): SubsidyCalculation {
  const { policy, subject, year } = input;
  const conditions: ConditionCheck[] = [
    check('policyInForce', inForceDuring(policy, year), String(year), `${policy.effectiveFrom.toString()}..${policy.effectiveTo?.toString() ?? 'open'}`),
  ];
  if (subject.kind === 'contract') {
    if (policy.kind !== 'contract') conditions.push(check('subjectKind', false, 'contract', policy.kind));
    else conditions.push(...contractConditions(policy, subject.facts));
  } else if (policy.kind !== 'research_funding') {
    conditions.push(check('subjectKind', false, 'research_funding', policy.kind));
  } else {
    conditions.push(...fundingConditions(policy, subject.facts));
  }

  const base = baseOf(policy, subject, year);
  if (base.dateCheck) conditions.push(base.dateCheck);
  conditions.push(check('basePositive', base.fen > 0n, base.fen.toString(), 'more than 0 fen'));

  const rated = applyRate(policy.rate, base.fen);
  const failed = conditions.find((c) => !c.passed);
  const caps: CapCheck[] = [];

  // Each band's own caps first (per contract across years, per enterprise in the year), on that band's part.
  const bandSteps = rated.steps.map(({ step, tier, exact: part }) => {
    let capped = part;
    if (!failed && tier) {
      const bandCap = (name: 'bandPerContract' | 'bandPerEnterprisePerYear', limitFen: bigint | null, usedFen: bigint) => {
        if (limitFen === null) return;
        const available = availableOf(limitFen, usedFen);
        const { value, bit } = capped.limitTo(available);
        caps.push({ name, band: step.fromFen, limitFen: limitFen.toString(), usedFen: usedFen.toString(), availableFen: available.toString(), bit });
        capped = value;
      };
      bandCap('bandPerContract', tier.caps.perContractFen, input.bandPriorForSubjectFen?.get(step.fromFen) ?? 0n);
      bandCap('bandPerEnterprisePerYear', tier.caps.perEnterprisePerYearFen, input.bandYearToDateFen?.get(step.fromFen) ?? 0n);
    }
    const hasCaps = tier !== null && (tier.caps.perContractFen !== null || tier.caps.perEnterprisePerYearFen !== null);
    return { step: hasCaps ? { ...step, cappedFen: capped.toString() } : step, capped };
  });
  const exact = rated.steps.reduce((sum, s) => sum.add(s.exact), ExactFen.zero());
  const rate: SubsidyExplanation['rate'] = { kind: rated.kind, rate: rated.rate, steps: bandSteps.map((s) => s.step) };
  let capped = failed ? ExactFen.zero() : bandSteps.reduce((sum, s) => sum.add(s.capped), ExactFen.zero());

  if (!failed) {
    const limit = (name: CapCheck['name'], limitFen: bigint, usedFen: bigint) => {
      const available = availableOf(limitFen, usedFen);
      const { value, bit } = capped.limitTo(available);
      caps.push({ name, limitFen: limitFen.toString(), usedFen: usedFen.toString(), availableFen: available.toString(), bit });
      capped = value;
    };
    if (policy.caps.perContractFen !== null) limit('perContract', policy.caps.perContractFen, input.priorForSubjectFen ?? 0n);
    if (policy.caps.perEnterprisePerYearFen !== null) limit('perEnterprisePerYear', policy.caps.perEnterprisePerYearFen, input.enterpriseYearToDateFen);
    limit('budget', input.remainingBudgetFen > 0n ? input.remainingBudgetFen : 0n, 0n);
  }

  // Rounded once, at the end. Caps are whole fen, so rounding never lifts an amount past one.
  const amountFen = capped.roundHalfUp();
  return {
    eligible: !failed,
    failedCondition: failed?.name ?? null,
    amountFen,
    explanation: {
      policyKind: policy.kind,
      year,
      conditions,
      base: { kind: policy.base, fen: base.fen.toString(), items: base.items },
      rate,
      exactFen: exact.toString(),
      caps,
      rounding: { mode: 'half_up', exactFen: capped.toString(), roundedFen: amountFen.toString() },
      amountFen: amountFen.toString(),
      ...(policy.rate.kind === 'single'
        ? {}
        : {
            bands: bandShares(
              bandSteps.map((s) => ({ fromFen: s.step.fromFen, capped: s.capped })),
              capped,
            ),
          }),
    },
  };
}

export interface SequenceItem {
  subject: SubsidySubject;
  enterpriseId: string;
  year: number;
  priorForSubjectFen?: bigint;
  bandPriorForSubjectFen?: ReadonlyMap<string, bigint>;
}

/**
 * Several claims under one policy, in order (a settlement batch, or the candidates of a run):
 * each one consumes budget and the enterprise's yearly allowance (the policy's and each band's)
 * before the next is computed, so the budget runs out part-way through rather than being
 * promised twice.
 */
export function calculateSequence(
  policy: PolicyTerms,
  items: readonly SequenceItem[],
  start: { remainingBudgetFen: bigint; yearToDateFen?: ReadonlyMap<string, bigint>; bandYearToDateFen?: ReadonlyMap<string, ReadonlyMap<string, bigint>> },
): SubsidyCalculation[] {
  let remaining = start.remainingBudgetFen;
  const ytd = new Map(start.yearToDateFen ?? []);
  const bandYtd = new Map([...(start.bandYearToDateFen ?? [])].map(([k, v]) => [k, new Map(v)]));
  return items.map((item) => {
    const key = `${item.enterpriseId}:${item.year}`;
    const bands = bandYtd.get(key) ?? new Map<string, bigint>();
    const result = calculateSubsidy({
      policy,
      subject: item.subject,
      year: item.year,
      enterpriseYearToDateFen: ytd.get(key) ?? 0n,
      priorForSubjectFen: item.priorForSubjectFen,
      remainingBudgetFen: remaining,
      bandYearToDateFen: bands,
      bandPriorForSubjectFen: item.bandPriorForSubjectFen,
    });
    remaining -= result.amountFen;
    ytd.set(key, (ytd.get(key) ?? 0n) + result.amountFen);
    for (const share of result.explanation.bands ?? []) bands.set(share.fromFen, (bands.get(share.fromFen) ?? 0n) + BigInt(share.amountFen));
    bandYtd.set(key, bands);
    return result;
  });
}
