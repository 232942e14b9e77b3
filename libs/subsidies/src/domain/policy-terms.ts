import { type FieldError, LocalDate, Rate, type RegionLevel } from '@zjp/core';

/*
 * A subsidy policy as data (P-SUB, P-DON). The JSON document below is what administrators send,
 * export and import; PolicyTerms is the same thing parsed into exact values for the engine.
 */

export const POLICY_KINDS = ['contract', 'research_funding'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export const SELLER_CATEGORIES = ['any', 'university_or_institute', 'high_level_platform', 'out_of_province'] as const;
export type SellerCategory = (typeof SELLER_CATEGORIES)[number];

export const CONTRACT_TYPES = ['transfer', 'license', 'equity', 'use_first', 'free_license'] as const;
export type ContractType = (typeof CONTRACT_TYPES)[number];

export const BASES = ['actual_paid', 'registered_value', 'equity_valuation', 'research_funding'] as const;
export type Base = (typeof BASES)[number];

export const RATE_KINDS = ['single', 'progressive', 'banded'] as const;
export type RateKind = (typeof RATE_KINDS)[number];

export const STACKING_RULES = ['combinable', 'exclusive'] as const;
export type Stacking = (typeof STACKING_RULES)[number];

export const THROUGH_PLATFORM = ['any', 'required', 'excluded'] as const;
export type ThroughPlatform = (typeof THROUGH_PLATFORM)[number];

export const FUNDING_MODES = ['naming', 'donation', 'joint_fund'] as const;
export type FundingMode = (typeof FUNDING_MODES)[number];

/** P-DON: the province pays 10% of what an enterprise actually put into basic research. */
export const P_DON_RATE = '0.1';

/** A cap on what one band of a tiered rate pays, on its own (like the policy's caps, for that band only). */
export interface BandCaps {
  perContractFen: bigint | null;
  perEnterprisePerYearFen: bigint | null;
}

export interface Tier {
  fromFen: bigint;
  rate: Rate;
  caps: BandCaps;
}

/**
 * single: one rate on the whole base. progressive: each band of the base at its own rate (like
 * income tax). banded: the whole base at the rate of the band it falls in.
 */
export type RateRule = { kind: 'single'; rate: Rate } | { kind: 'progressive' | 'banded'; tiers: Tier[] };

export interface Eligibility {
  sellerCategory: SellerCategory;
  contractTypes: ContractType[];
  /** 认定登记: required, and optionally on or before a date and/or within N days of signing. */
  registration: { required: boolean; onOrBefore: LocalDate | null; withinDaysOfSigning: number | null };
  throughPlatform: ThroughPlatform;
  minContractValueFen: bigint | null;
  buyerMustBeSme: boolean;
  buyerMustBeHighTech: boolean;
  /** research_funding only: which ways of funding count (冠名、捐赠、联合基金). */
  fundingModes: FundingMode[];
}

export interface PolicyTerms {
  kind: PolicyKind;
  authority: { level: RegionLevel; regionCode: string };
  effectiveFrom: LocalDate;
  effectiveTo: LocalDate | null;
  eligibility: Eligibility;
  base: Base;
  rate: RateRule;
  caps: { perContractFen: bigint | null; perEnterprisePerYearFen: bigint | null };
  stacking: Stacking;
}

/** The policy's JSON document (money as fen strings, rates as decimal strings, dates YYYY-MM-DD). */
export interface PolicyDocument {
  kind: PolicyKind;
  name: string;
  documentNumber: string;
  effectiveFrom: string;
  effectiveTo?: string | null;
  eligibility?: {
    sellerCategory?: SellerCategory;
    contractTypes?: ContractType[];
    registration?: { required?: boolean; onOrBefore?: string | null; withinDaysOfSigning?: number | null };
    throughPlatform?: ThroughPlatform;
    minContractValueFen?: string | null;
    buyerMustBeSme?: boolean;
    buyerMustBeHighTech?: boolean;
    fundingModes?: FundingMode[];
  };
  base?: Base;
  rate?: {
    kind: RateKind;
    rate?: string;
    tiers?: { fromFen: string; rate: string; caps?: { perContractFen?: string | null; perEnterprisePerYearFen?: string | null } }[];
  };
  caps?: { perContractFen?: string | null; perEnterprisePerYearFen?: string | null };
  budgetFen: string;
  stacking?: Stacking;
}

const ONE = Rate.parse('1');

function parseRate(value: unknown, field: string, errors: FieldError[]): Rate | null {
  try {
    const rate = Rate.parse(value as string);
    if (rate.compare(ONE) > 0) {
      errors.push({ field, code: 'rateAboveOne', message: `${field} must be at most 1 (100%)` });
      return null;
    }
    return rate;
  } catch {
    errors.push({ field, code: 'isRate', message: `${field} must be a decimal rate such as "0.05" or "5%"` });
    return null;
  }
}

function parseDate(value: unknown, field: string, errors: FieldError[]): LocalDate | null {
  try {
    return LocalDate.parse(value as string);
  } catch {
    errors.push({ field, code: 'isLocalDate', message: `${field} must be a date written YYYY-MM-DD` });
    return null;
  }
}

function parseFen(value: unknown, field: string, errors: FieldError[], positive = true): bigint | null {
  if (typeof value !== 'string' || !/^(0|[1-9]\d{0,15})$/.test(value)) {
    errors.push({ field, code: 'isFen', message: `${field} must be a whole number of fen written as digits` });
    return null;
  }
  const fen = BigInt(value);
  if (positive && fen <= 0n) {
    errors.push({ field, code: 'positive', message: `${field} must be more than 0` });
    return null;
  }
  return fen;
}

function parseRateRule(doc: PolicyDocument, errors: FieldError[]): RateRule | null {
  const rule = doc.rate ?? (doc.kind === 'research_funding' ? { kind: 'single' as const, rate: P_DON_RATE } : undefined);
  if (!rule) {
    errors.push({ field: 'rate', code: 'required', message: 'rate is required' });
    return null;
  }
  if (rule.kind === 'single') {
    if (rule.tiers !== undefined) errors.push({ field: 'rate.tiers', code: 'notWithSingleRate', message: 'a single rate has no tiers' });
    if (rule.rate === undefined) {
      errors.push({ field: 'rate.rate', code: 'required', message: 'rate.rate is required for a single rate' });
      return null;
    }
    const rate = parseRate(rule.rate, 'rate.rate', errors);
    return rate ? { kind: 'single', rate } : null;
  }
  if (rule.rate !== undefined) errors.push({ field: 'rate.rate', code: 'notWithTiers', message: 'tiered rates carry their rates in tiers' });
  const tiers = rule.tiers ?? [];
  if (tiers.length === 0) {
    errors.push({ field: 'rate.tiers', code: 'required', message: 'tiered rates need at least one tier' });
    return null;
  }
  const parsed: Tier[] = [];
  tiers.forEach((tier, i) => {
    const fromFen = parseFen(tier.fromFen, `rate.tiers[${i}].fromFen`, errors, false);
    const rate = parseRate(tier.rate, `rate.tiers[${i}].rate`, errors);
    const capField = (name: keyof BandCaps) => {
      const value = tier.caps?.[name];
      return value == null ? null : parseFen(value, `rate.tiers[${i}].caps.${name}`, errors);
    };
    const caps = { perContractFen: capField('perContractFen'), perEnterprisePerYearFen: capField('perEnterprisePerYearFen') };
    if (fromFen === null || rate === null) return;
    if (i === 0 && fromFen !== 0n) errors.push({ field: 'rate.tiers[0].fromFen', code: 'firstTierFromZero', message: 'the first tier must start at 0' });
    const previous = parsed[parsed.length - 1];
    if (previous && fromFen <= previous.fromFen)
      errors.push({ field: `rate.tiers[${i}].fromFen`, code: 'tiersAscending', message: 'tiers must start at strictly increasing amounts' });
    parsed.push({ fromFen, rate, caps });
  });
  return parsed.length === tiers.length ? { kind: rule.kind, tiers: parsed } : null;
}

/**
 * Parses and checks a policy document: every problem is reported with its field, so an API
 * caller (or an import) gets one 400 naming them all. Shape checks (types, enums) are done by the
 * DTO at the edge; this adds the rules that span fields.
 */
export function parsePolicyDocument(
  doc: PolicyDocument,
  authority: { level: RegionLevel; regionCode: string },
): { terms: PolicyTerms; budgetFen: bigint } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const effectiveFrom = parseDate(doc.effectiveFrom, 'effectiveFrom', errors);
  const effectiveTo = doc.effectiveTo == null ? null : parseDate(doc.effectiveTo, 'effectiveTo', errors);
  if (effectiveFrom && effectiveTo && effectiveTo.isBefore(effectiveFrom)) {
    errors.push({ field: 'effectiveTo', code: 'beforeEffectiveFrom', message: 'effectiveTo cannot be before effectiveFrom' });
  }
  const e = doc.eligibility ?? {};
  const base: Base = doc.base ?? (doc.kind === 'research_funding' ? 'research_funding' : 'actual_paid');
  const contractTypes = [...new Set(e.contractTypes ?? [])];
  const fundingModes = [...new Set(e.fundingModes ?? (doc.kind === 'research_funding' ? FUNDING_MODES : []))];

  if (doc.kind === 'research_funding') {
    if (base !== 'research_funding')
      errors.push({ field: 'base', code: 'baseForKind', message: 'a research_funding policy (P-DON) has base research_funding' });
    if (contractTypes.length > 0)
      errors.push({ field: 'eligibility.contractTypes', code: 'notForKind', message: 'contract types do not apply to research funding' });
    if (authority.level !== 'province') errors.push({ field: 'kind', code: 'provinceOnly', message: 'P-DON subsidies are paid by the province' });
  } else {
    if (base === 'research_funding') errors.push({ field: 'base', code: 'baseForKind', message: 'research_funding is the base of P-DON policies only' });
    if (contractTypes.length === 0) errors.push({ field: 'eligibility.contractTypes', code: 'required', message: 'name at least one contract type' });
    if (base === 'equity_valuation' && contractTypes.some((t) => t !== 'equity')) {
      errors.push({ field: 'eligibility.contractTypes', code: 'equityBaseNeedsEquity', message: 'an equity-valuation base applies to equity contracts only' });
    }
    if (e.fundingModes !== undefined && e.fundingModes.length > 0)
      errors.push({ field: 'eligibility.fundingModes', code: 'notForKind', message: 'funding modes apply to research funding only' });
  }

  const registration = e.registration ?? {};
  const onOrBefore = registration.onOrBefore == null ? null : parseDate(registration.onOrBefore, 'eligibility.registration.onOrBefore', errors);
  const withinDays = registration.withinDaysOfSigning ?? null;
  if (withinDays !== null && (!Number.isSafeInteger(withinDays) || withinDays < 0 || withinDays > 3660)) {
    errors.push({
      field: 'eligibility.registration.withinDaysOfSigning',
      code: 'dayCount',
      message: 'withinDaysOfSigning must be a whole number of days, 0 to 3660',
    });
  }
  const minContractValueFen = e.minContractValueFen == null ? null : parseFen(e.minContractValueFen, 'eligibility.minContractValueFen', errors, false);
  const perContractFen = doc.caps?.perContractFen == null ? null : parseFen(doc.caps.perContractFen, 'caps.perContractFen', errors);
  const perEnterprisePerYearFen =
    doc.caps?.perEnterprisePerYearFen == null ? null : parseFen(doc.caps.perEnterprisePerYearFen, 'caps.perEnterprisePerYearFen', errors);
  const budgetFen = parseFen(doc.budgetFen, 'budgetFen', errors);
  const rate = parseRateRule(doc, errors);

  if (errors.length > 0 || !effectiveFrom || !rate || budgetFen === null) return { errors };
  return {
    budgetFen,
    terms: {
      kind: doc.kind,
      authority,
      effectiveFrom,
      effectiveTo,
      eligibility: {
        sellerCategory: e.sellerCategory ?? 'any',
        contractTypes,
        registration: {
          // A date or a day limit for registration implies that registration is required.
          required: Boolean(registration.required) || onOrBefore !== null || withinDays !== null,
          onOrBefore,
          withinDaysOfSigning: withinDays,
        },
        throughPlatform: e.throughPlatform ?? 'any',
        minContractValueFen,
        buyerMustBeSme: e.buyerMustBeSme ?? false,
        buyerMustBeHighTech: e.buyerMustBeHighTech ?? false,
        fundingModes,
      },
      base,
      rate,
      caps: { perContractFen, perEnterprisePerYearFen },
      stacking: doc.stacking ?? 'exclusive',
    },
  };
}

/** The canonical document of parsed terms (what is stored and exported). */
export function policyTermsToDocument(terms: PolicyTerms, meta: { name: string; documentNumber: string; budgetFen: bigint }): PolicyDocument {
  const rate =
    terms.rate.kind === 'single'
      ? { kind: 'single' as const, rate: terms.rate.rate.toString() }
      : {
          kind: terms.rate.kind,
          tiers: terms.rate.tiers.map((t) => ({
            fromFen: t.fromFen.toString(),
            rate: t.rate.toString(),
            // Written only when a band has a cap, so documents of uncapped policies stay as they were.
            ...(t.caps.perContractFen !== null || t.caps.perEnterprisePerYearFen !== null
              ? {
                  caps: {
                    perContractFen: t.caps.perContractFen?.toString() ?? null,
                    perEnterprisePerYearFen: t.caps.perEnterprisePerYearFen?.toString() ?? null,
                  },
                }
              : {}),
          })),
        };
  const e = terms.eligibility;
  return {
    kind: terms.kind,
    name: meta.name,
    documentNumber: meta.documentNumber,
    effectiveFrom: terms.effectiveFrom.toString(),
    effectiveTo: terms.effectiveTo?.toString() ?? null,
    eligibility: {
      sellerCategory: e.sellerCategory,
      contractTypes: e.contractTypes,
      registration: {
        required: e.registration.required,
        onOrBefore: e.registration.onOrBefore?.toString() ?? null,
        withinDaysOfSigning: e.registration.withinDaysOfSigning,
      },
      throughPlatform: e.throughPlatform,
      minContractValueFen: e.minContractValueFen?.toString() ?? null,
      buyerMustBeSme: e.buyerMustBeSme,
      buyerMustBeHighTech: e.buyerMustBeHighTech,
      fundingModes: e.fundingModes,
    },
    base: terms.base,
    rate,
    caps: { perContractFen: terms.caps.perContractFen?.toString() ?? null, perEnterprisePerYearFen: terms.caps.perEnterprisePerYearFen?.toString() ?? null },
    budgetFen: meta.budgetFen.toString(),
    stacking: terms.stacking,
  };
}

/** Whether the policy is in force on any day of the given calendar year. */
export function inForceDuring(terms: Pick<PolicyTerms, 'effectiveFrom' | 'effectiveTo'>, year: number): boolean {
  const first = LocalDate.of(year, 1, 1);
  const last = LocalDate.of(year, 12, 31);
  return !terms.effectiveFrom.isAfter(last) && (terms.effectiveTo === null || !terms.effectiveTo.isBefore(first));
}

/** Whether a date lies in the policy's effective window. */
export function inForceOn(terms: Pick<PolicyTerms, 'effectiveFrom' | 'effectiveTo'>, date: LocalDate): boolean {
  return !date.isBefore(terms.effectiveFrom) && (terms.effectiveTo === null || !date.isAfter(terms.effectiveTo));
}
