import { LocalDate, Rate, type FieldError } from '@zjp/core';

/*
 * The terms of a technology contract, as stored (JSON: money as strings of fen, dates as
 * YYYY-MM-DD, rates as decimal strings) and checked here before they can be signed.
 */

export const CONTRACT_TYPES = ['transfer', 'license', 'equity', 'use_first', 'free_license'] as const;
export type ContractType = (typeof CONTRACT_TYPES)[number];

export const LICENSE_TYPES = ['exclusive', 'sole', 'ordinary'] as const;
export type LicenseType = (typeof LICENSE_TYPES)[number];

/** 技术转让: 专利权, 专利申请权, 技术秘密. */
export const TRANSFER_OBJECTS = ['patent_right', 'patent_application_right', 'technical_secret'] as const;
export type TransferObject = (typeof TRANSFER_OBJECTS)[number];

/** Months per royalty reporting period. */
export const ROYALTY_PERIOD_MONTHS = { month: 1, quarter: 3, half_year: 6, year: 12 } as const;
export type RoyaltyPeriod = keyof typeof ROYALTY_PERIOD_MONTHS;

export interface LicenseTerms {
  licenseType: LicenseType;
  /** The licence term, both days included. */
  startsOn: string;
  endsOn: string;
  territory: string;
  fieldOfUse: string;
  sublicensing: boolean;
}

export interface TransferTerms {
  object: TransferObject;
}

export interface EquityTerms {
  /** 作价: the value at which the achievement is contributed. */
  valuationFen: string;
  /** Share of the target company's registered capital, a decimal in (0, 1], e.g. "0.125". */
  capitalShare: string;
  targetCompany: string;
  targetCreditCode?: string | null;
}

/** 先用后转: the enterprise uses the achievement first; fees are deferred until it converts. */
export interface UseFirstTerms {
  /** The trial runs this many months from the day the contract takes effect. */
  trialMonths: number;
}

/** When a fixed amount is due: a date, or a number of days after the fees start (signing; for use-first, conversion). */
export interface Due {
  dueOn?: string | null;
  dueDays?: number | null;
}

export type FeeComponent =
  | ({ kind: 'lump_sum'; amountFen: string } & Due)
  | { kind: 'instalments'; instalments: ({ amountFen: string } & Due)[] }
  | { kind: 'royalty'; rate: string; period: RoyaltyPeriod; minimumFen?: string | null; dueDays: number }
  | { kind: 'milestones'; milestones: { key: string; description: string; amountFen: string; dueDays: number }[] };

export interface ContractTerms {
  transfer?: TransferTerms | null;
  license?: LicenseTerms | null;
  equity?: EquityTerms | null;
  useFirst?: UseFirstTerms | null;
  /** Combinations allowed: e.g. a lump sum plus a running royalty. A free licence has none. */
  fees: FeeComponent[];
  specialTerms?: string | null;
}

const FEN = /^(0|[1-9]\d{0,15})$/;
const MILESTONE_KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const MAX_DUE_DAYS = 3650;

function parseDate(value: unknown): LocalDate | null {
  try {
    return typeof value === 'string' ? LocalDate.parse(value) : null;
  } catch {
    return null;
  }
}

function parseRate(value: unknown): Rate | null {
  try {
    return typeof value === 'string' ? Rate.parse(value) : null;
  } catch {
    return null;
  }
}

const positiveFen = (value: unknown): boolean => typeof value === 'string' && FEN.test(value) && BigInt(value) > 0n;

/**
 * Every problem that keeps these terms from being signed, as field errors (`terms.…` paths).
 * Which sections a type needs: transfer → transfer; license → license; equity → equity;
 * use_first → license + useFirst (fees due only after conversion, so no fixed dates);
 * free_license (P-3Y) → an ordinary licence and no fee at all.
 */
export function validateTerms(type: ContractType, terms: ContractTerms): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, code: string, message: string) => errors.push({ field: `terms.${field}`, code, message });
  const needs = {
    transfer: type === 'transfer',
    license: type === 'license' || type === 'use_first' || type === 'free_license',
    equity: type === 'equity',
    useFirst: type === 'use_first',
  };
  for (const section of ['transfer', 'license', 'equity', 'useFirst'] as const) {
    const present = terms[section] !== undefined && terms[section] !== null;
    if (needs[section] && !present) add(section, 'required', `a ${type} contract needs ${section} terms`);
    if (!needs[section] && present) add(section, 'notAllowed', `a ${type} contract has no ${section} terms`);
  }

  if (needs.transfer && terms.transfer && !TRANSFER_OBJECTS.includes(terms.transfer.object)) {
    add('transfer.object', 'isIn', `object must be one of ${TRANSFER_OBJECTS.join(', ')}`);
  }

  if (needs.license && terms.license) {
    const l = terms.license;
    if (!LICENSE_TYPES.includes(l.licenseType)) add('license.licenseType', 'isIn', `licenseType must be one of ${LICENSE_TYPES.join(', ')}`);
    if (type === 'free_license' && l.licenseType !== 'ordinary')
      add('license.licenseType', 'freeLicenseIsOrdinary', 'a P-3Y free licence is an ordinary (non-exclusive) licence');
    const licenseStart = parseDate(l.startsOn);
    const end = parseDate(l.endsOn);
    if (!licenseStart) add('license.startsOn', 'isLocalDate', 'startsOn must be a date written YYYY-MM-DD');
    if (!end) add('license.endsOn', 'isLocalDate', 'endsOn must be a date written YYYY-MM-DD');
    if (licenseStart && end && !end.isAfter(licenseStart)) add('license.endsOn', 'afterStart', 'the licence must end after it starts');
    if (typeof l.territory !== 'string' || l.territory.trim().length === 0)
      add('license.territory', 'required', 'territory is required (e.g. 中华人民共和国境内)');
    if (typeof l.fieldOfUse !== 'string' || l.fieldOfUse.trim().length === 0) add('license.fieldOfUse', 'required', 'fieldOfUse is required');
    if (typeof l.sublicensing !== 'boolean') add('license.sublicensing', 'isBoolean', 'sublicensing must be true or false');
  }

  if (needs.equity && terms.equity) {
    const e = terms.equity;
    if (!positiveFen(e.valuationFen)) add('equity.valuationFen', 'min', 'valuationFen must be a positive number of fen');
    const share = parseRate(e.capitalShare);
    if (!share || share.isZero() || share.compare(Rate.parse('1')) > 0)
      add('equity.capitalShare', 'range', 'capitalShare must be a decimal above 0 and at most 1, e.g. "0.125"');
    if (typeof e.targetCompany !== 'string' || e.targetCompany.trim().length === 0) add('equity.targetCompany', 'required', 'targetCompany is required');
  }

  if (needs.useFirst && terms.useFirst) {
    const months = terms.useFirst.trialMonths;
    if (!Number.isInteger(months) || months < 1 || months > 36) add('useFirst.trialMonths', 'range', 'trialMonths must be a whole number from 1 to 36');
  }

  const fees = Array.isArray(terms.fees) ? terms.fees : [];
  if (!Array.isArray(terms.fees)) add('fees', 'isArray', 'fees must be a list');
  if (type === 'free_license' && fees.length > 0) add('fees', 'freeLicenseHasNoFee', 'a P-3Y free licence is free of charge (无偿实施)');
  if ((type === 'transfer' || type === 'license' || type === 'use_first') && fees.length === 0)
    add('fees', 'required', `a ${type} contract needs at least one fee`);
  const kinds = fees.map((f) => f?.kind);
  for (const kind of ['lump_sum', 'royalty', 'milestones', 'instalments'] as const) {
    if (kinds.filter((k) => k === kind).length > 1) add('fees', 'duplicateKind', `at most one ${kind} component`);
  }

  const checkDue = (path: string, due: Due) => {
    const hasDate = due.dueOn !== undefined && due.dueOn !== null;
    const hasDays = due.dueDays !== undefined && due.dueDays !== null;
    if (hasDate === hasDays) add(path, 'dueOnOrDueDays', 'give exactly one of dueOn (a date) or dueDays (days after the fees start)');
    if (hasDate && !parseDate(due.dueOn)) add(`${path}.dueOn`, 'isLocalDate', 'dueOn must be a date written YYYY-MM-DD');
    if (hasDate && type === 'use_first') add(`${path}.dueOn`, 'deferredFee', 'use-first fees fall due after conversion: give dueDays');
    if (hasDays && !(Number.isInteger(due.dueDays) && due.dueDays! >= 0 && due.dueDays! <= MAX_DUE_DAYS))
      add(`${path}.dueDays`, 'range', `dueDays must be a whole number from 0 to ${MAX_DUE_DAYS}`);
  };

  fees.forEach((fee, i) => {
    const at = `fees[${i}]`;
    switch (fee?.kind) {
      case 'lump_sum':
        if (!positiveFen(fee.amountFen)) add(`${at}.amountFen`, 'min', 'amountFen must be a positive number of fen');
        checkDue(at, fee);
        break;
      case 'instalments':
        if (!Array.isArray(fee.instalments) || fee.instalments.length < 1 || fee.instalments.length > 60) {
          add(`${at}.instalments`, 'size', 'from 1 to 60 instalments');
          break;
        }
        fee.instalments.forEach((inst, j) => {
          if (!positiveFen(inst.amountFen)) add(`${at}.instalments[${j}].amountFen`, 'min', 'amountFen must be a positive number of fen');
          checkDue(`${at}.instalments[${j}]`, inst);
        });
        break;
      case 'royalty': {
        const rate = parseRate(fee.rate);
        if (!rate || rate.isZero() || rate.compare(Rate.parse('1')) > 0)
          add(`${at}.rate`, 'range', 'rate must be a decimal share of sales above 0 and at most 1, e.g. "0.05"');
        if (!(fee.period in ROYALTY_PERIOD_MONTHS)) add(`${at}.period`, 'isIn', `period must be one of ${Object.keys(ROYALTY_PERIOD_MONTHS).join(', ')}`);
        if (fee.minimumFen !== undefined && fee.minimumFen !== null && !(typeof fee.minimumFen === 'string' && FEN.test(fee.minimumFen))) {
          add(`${at}.minimumFen`, 'isFen', 'minimumFen must be a whole number of fen');
        }
        if (!(Number.isInteger(fee.dueDays) && fee.dueDays >= 0 && fee.dueDays <= MAX_DUE_DAYS))
          add(`${at}.dueDays`, 'range', `dueDays must be a whole number from 0 to ${MAX_DUE_DAYS}`);
        if (!needs.license) add(at, 'royaltyNeedsLicense', 'a running royalty is reported over a licence term');
        break;
      }
      case 'milestones': {
        if (!Array.isArray(fee.milestones) || fee.milestones.length < 1 || fee.milestones.length > 20) {
          add(`${at}.milestones`, 'size', 'from 1 to 20 milestones');
          break;
        }
        const keys = new Set<string>();
        fee.milestones.forEach((ms, j) => {
          if (typeof ms.key !== 'string' || !MILESTONE_KEY.test(ms.key))
            add(`${at}.milestones[${j}].key`, 'matches', 'key must be lower-case letters, digits, _ or -');
          else if (keys.has(ms.key)) add(`${at}.milestones[${j}].key`, 'duplicate', `milestone ${ms.key} appears twice`);
          keys.add(ms.key);
          if (typeof ms.description !== 'string' || ms.description.trim().length === 0)
            add(`${at}.milestones[${j}].description`, 'required', 'description is required');
          if (!positiveFen(ms.amountFen)) add(`${at}.milestones[${j}].amountFen`, 'min', 'amountFen must be a positive number of fen');
          if (!(Number.isInteger(ms.dueDays) && ms.dueDays >= 0 && ms.dueDays <= MAX_DUE_DAYS))
            add(`${at}.milestones[${j}].dueDays`, 'range', `dueDays must be a whole number from 0 to ${MAX_DUE_DAYS}`);
        });
        break;
      }
      default:
        add(`${at}.kind`, 'isIn', 'kind must be lump_sum, instalments, royalty or milestones');
    }
  });
  return errors;
}

/** What the contract takes effect as, for the registry (ContractTookEffect): use-first and free licences are licences. */
export function transformationOf(type: ContractType, terms: ContractTerms): { kind: 'transfer' | 'license' | 'equity'; licenseType?: LicenseType } {
  if (type === 'transfer') return { kind: 'transfer' };
  if (type === 'equity') return { kind: 'equity' };
  return { kind: 'license', licenseType: terms.license?.licenseType ?? 'ordinary' };
}
