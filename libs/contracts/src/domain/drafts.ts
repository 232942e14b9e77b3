import type { FieldError, LocalDate } from '@zjp/core';
import type { ContractTerms, ContractType, LicenseType, TransferObject } from './terms';

/*
 * The first draft of a contract, from what the market concluded: the parties amend it before
 * they sign. A hammer, listed or agreed price becomes a lump sum due 30 days after signing
 * (an auction winner's deposit is applied to it at signing).
 */

export const DEFAULT_PAYMENT_DAYS = 30;
export const DEFAULT_LICENSE_YEARS = 5;
/** P-3Y free licences: the term the draft proposes. */
export const DEFAULT_FREE_LICENSE_YEARS = 3;
export const DEFAULT_TRIAL_MONTHS = 12;
export const DEFAULT_TERRITORY = '中华人民共和国境内';
export const DEFAULT_FIELD_OF_USE = '不限';

export interface DealFacts {
  dealType: 'transfer' | 'license' | 'equity';
  licenseType: LicenseType | null;
  priceFen: bigint;
  concludedOn: LocalDate;
  /** From the achievement's IP rights: a granted patent, a pending application, a technical secret. */
  transferObject: TransferObject;
  /** The listing was a forced (P-2Y) listing of the use-first list (先用后转 实施清单). */
  fromUseFirstList: boolean;
  /** The buyer is a small or micro enterprise. */
  buyerIsSme: boolean;
}

const licenseTerm = (startsOn: LocalDate, years: number, licenseType: LicenseType) => ({
  licenseType,
  startsOn: startsOn.toString(),
  endsOn: startsOn.plusYears(years).plusDays(-1).toString(),
  territory: DEFAULT_TERRITORY,
  fieldOfUse: DEFAULT_FIELD_OF_USE,
  sublicensing: false,
});

/**
 * The draft of a deal's contract. A licence taken from the use-first list by a small or micro
 * enterprise is a use-first contract (P-PRICE: universities are encouraged to license to SMEs
 * on a use-first-pay-later basis): the price is deferred until the enterprise converts.
 */
export function draftFromDeal(deal: DealFacts): { type: ContractType; terms: ContractTerms } {
  const lump = { kind: 'lump_sum' as const, amountFen: deal.priceFen.toString(), dueDays: DEFAULT_PAYMENT_DAYS };
  switch (deal.dealType) {
    case 'transfer':
      return { type: 'transfer', terms: { transfer: { object: deal.transferObject }, fees: [lump] } };
    case 'equity':
      // The share of registered capital and the target company are for the parties to fill in.
      return { type: 'equity', terms: { equity: { valuationFen: deal.priceFen.toString(), capitalShare: '', targetCompany: '' }, fees: [] } };
    case 'license': {
      const license = licenseTerm(deal.concludedOn, DEFAULT_LICENSE_YEARS, deal.licenseType ?? 'ordinary');
      if (deal.fromUseFirstList && deal.buyerIsSme)
        return { type: 'use_first', terms: { license, useFirst: { trialMonths: DEFAULT_TRIAL_MONTHS }, fees: [lump] } };
      return { type: 'license', terms: { license, fees: [lump] } };
    }
  }
}

/** P-3Y 无偿实施: an ordinary licence, free of charge, from the day the application was approved. */
export function draftFreeLicense(approvedOn: LocalDate): { type: ContractType; terms: ContractTerms } {
  return { type: 'free_license', terms: { license: licenseTerm(approvedOn, DEFAULT_FREE_LICENSE_YEARS, 'ordinary'), fees: [] } };
}

const ALLOWED = {
  terms: ['transfer', 'license', 'equity', 'useFirst', 'fees', 'specialTerms'],
  transfer: ['object'],
  license: ['licenseType', 'startsOn', 'endsOn', 'territory', 'fieldOfUse', 'sublicensing'],
  equity: ['valuationFen', 'capitalShare', 'targetCompany', 'targetCreditCode'],
  useFirst: ['trialMonths'],
  lump_sum: ['kind', 'amountFen', 'dueOn', 'dueDays'],
  instalments: ['kind', 'instalments'],
  instalment: ['amountFen', 'dueOn', 'dueDays'],
  royalty: ['kind', 'rate', 'period', 'minimumFen', 'dueDays'],
  milestones: ['kind', 'milestones'],
  milestone: ['key', 'description', 'amountFen', 'dueDays'],
} as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Terms as received: a JSON object with only the known fields (unknown ones are refused, as everywhere in the API). */
export function checkTermsShape(raw: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const check = (value: unknown, allowed: readonly string[], path: string) => {
    if (!isObject(value)) {
      errors.push({ field: path, code: 'isObject', message: `${path} must be an object` });
      return false;
    }
    for (const key of Object.keys(value))
      if (!allowed.includes(key)) errors.push({ field: `${path}.${key}`, code: 'unknownField', message: `${path}.${key} is not a known field` });
    return true;
  };
  if (!check(raw, ALLOWED.terms, 'terms')) return errors;
  const t = raw as Record<string, unknown>;
  for (const section of ['transfer', 'license', 'equity', 'useFirst'] as const)
    if (t[section] !== undefined && t[section] !== null) check(t[section], ALLOWED[section], `terms.${section}`);
  if (t.specialTerms !== undefined && t.specialTerms !== null && (typeof t.specialTerms !== 'string' || t.specialTerms.length > 4000)) {
    errors.push({ field: 'terms.specialTerms', code: 'length', message: 'specialTerms must be text of at most 4000 characters' });
  }
  if (!Array.isArray(t.fees)) {
    errors.push({ field: 'terms.fees', code: 'isArray', message: 'terms.fees must be a list' });
    return errors;
  }
  if (t.fees.length > 10) errors.push({ field: 'terms.fees', code: 'size', message: 'at most 10 fee components' });
  t.fees.forEach((fee: unknown, i) => {
    const path = `terms.fees[${i}]`;
    const kind = isObject(fee) ? fee.kind : undefined;
    if (kind !== 'lump_sum' && kind !== 'instalments' && kind !== 'royalty' && kind !== 'milestones') {
      errors.push({ field: `${path}.kind`, code: 'isIn', message: 'kind must be lump_sum, instalments, royalty or milestones' });
      return;
    }
    check(fee, ALLOWED[kind], path);
    const f = fee as Record<string, unknown>;
    if (kind === 'instalments' && Array.isArray(f.instalments))
      f.instalments.forEach((x: unknown, j) => check(x, ALLOWED.instalment, `${path}.instalments[${j}]`));
    if (kind === 'milestones' && Array.isArray(f.milestones)) f.milestones.forEach((x: unknown, j) => check(x, ALLOWED.milestone, `${path}.milestones[${j}]`));
  });
  return errors;
}
