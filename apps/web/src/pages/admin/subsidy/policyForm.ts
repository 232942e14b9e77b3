import type { components } from '../../../api/schema';
import { fenFromYuan } from '../../../lib/format';
import { shiftLeft, shiftRight } from './area';

export type PolicyDocument = components['schemas']['PolicyDocumentDto'];

/** The editor's form: the policy document with money in 元 and rates in percent (as people write them). */
export interface PolicyForm {
  kind: PolicyDocument['kind'];
  name: string;
  documentNumber: string;
  effectiveFrom: string;
  effectiveTo?: string;
  eligibility: {
    sellerCategory: string;
    contractTypes: string[];
    registration: { required: boolean; onOrBefore?: string; withinDaysOfSigning?: number | null };
    throughPlatform: string;
    minContractValueFen?: string;
    buyerMustBeSme: boolean;
    buyerMustBeHighTech: boolean;
    fundingModes: string[];
  };
  base: string;
  rate: {
    kind: 'single' | 'progressive' | 'banded';
    rate?: string;
    tiers?: { fromFen?: string; rate?: string; caps?: { perContractFen?: string; perEnterprisePerYearFen?: string } }[];
  };
  caps: { perContractFen?: string; perEnterprisePerYearFen?: string };
  budgetFen: string;
  stacking: PolicyDocument['stacking'];
  changeReason?: string;
}

const blank = (v: string | null | undefined) => v === undefined || v === null || String(v).trim() === '';

/** 元 typed by a person → fen for the API; what is not an amount is sent as typed, for the API to name the field. */
function fen(yuan: string | null | undefined): string | null {
  if (blank(yuan)) return null;
  const value = fenFromYuan(yuan);
  return value === null ? String(yuan) : value.toString();
}

const rate = (pct: string | undefined) => (blank(pct) ? undefined : `${String(pct).trim().replace(/%$/, '')}%`);
const yuanOf = (f: string | null | undefined) => (blank(f) ? undefined : shiftLeft(String(f), 2));
const pctOf = (r: string | undefined) => (r === undefined ? undefined : r.endsWith('%') ? r.slice(0, -1) : shiftRight(r, 2));

export function toDocument(f: PolicyForm): PolicyDocument & { changeReason?: string } {
  const e = f.eligibility;
  const doc = {
    kind: f.kind,
    name: f.name ?? '',
    documentNumber: f.documentNumber ?? '',
    effectiveFrom: f.effectiveFrom ?? '',
    effectiveTo: blank(f.effectiveTo) ? null : f.effectiveTo,
    eligibility: {
      sellerCategory: e.sellerCategory,
      contractTypes: e.contractTypes,
      registration: {
        required: e.registration.required,
        onOrBefore: blank(e.registration.onOrBefore) ? null : e.registration.onOrBefore,
        withinDaysOfSigning: e.registration.withinDaysOfSigning ?? null,
      },
      throughPlatform: e.throughPlatform,
      minContractValueFen: fen(e.minContractValueFen),
      buyerMustBeSme: e.buyerMustBeSme,
      buyerMustBeHighTech: e.buyerMustBeHighTech,
      ...(f.kind === 'research_funding' ? { fundingModes: e.fundingModes } : {}),
    },
    base: f.base,
    rate:
      f.rate.kind === 'single'
        ? { kind: 'single', rate: rate(f.rate.rate) }
        : {
            kind: f.rate.kind,
            tiers: (f.rate.tiers ?? []).map((t) => ({
              fromFen: fen(t?.fromFen) ?? '',
              rate: rate(t?.rate) ?? '',
              caps: { perContractFen: fen(t?.caps?.perContractFen), perEnterprisePerYearFen: fen(t?.caps?.perEnterprisePerYearFen) },
            })),
          },
    caps: { perContractFen: fen(f.caps?.perContractFen), perEnterprisePerYearFen: fen(f.caps?.perEnterprisePerYearFen) },
    budgetFen: fen(f.budgetFen) ?? '',
    stacking: f.stacking,
    ...(blank(f.changeReason) ? {} : { changeReason: f.changeReason }),
  };
  return doc as unknown as PolicyDocument & { changeReason?: string };
}

export function fromDocument(d: PolicyDocument): PolicyForm {
  const e = d.eligibility;
  const r = d.rate as
    { kind: PolicyForm['rate']['kind']; rate?: string; tiers?: { fromFen: string; rate: string; caps?: Record<string, string | null> }[] } | undefined;
  return {
    kind: d.kind,
    name: d.name,
    documentNumber: d.documentNumber,
    effectiveFrom: d.effectiveFrom,
    effectiveTo: (d.effectiveTo as string | null | undefined) ?? undefined,
    eligibility: {
      sellerCategory: e?.sellerCategory ?? 'any',
      contractTypes: e?.contractTypes ?? ['transfer', 'license'],
      registration: {
        required: e?.registration?.required ?? true,
        onOrBefore: (e?.registration?.onOrBefore as string | null | undefined) ?? undefined,
        withinDaysOfSigning: (e?.registration?.withinDaysOfSigning as number | null | undefined) ?? null,
      },
      throughPlatform: e?.throughPlatform ?? 'any',
      minContractValueFen: yuanOf(e?.minContractValueFen as string | null | undefined),
      buyerMustBeSme: e?.buyerMustBeSme ?? false,
      buyerMustBeHighTech: e?.buyerMustBeHighTech ?? false,
      fundingModes: e?.fundingModes ?? ['naming', 'donation', 'joint_fund'],
    },
    base: d.base,
    rate: {
      kind: r?.kind ?? 'single',
      rate: pctOf(r?.rate),
      tiers: (r?.tiers ?? []).map((t) => ({
        fromFen: yuanOf(t.fromFen),
        rate: pctOf(t.rate),
        caps: { perContractFen: yuanOf(t.caps?.perContractFen), perEnterprisePerYearFen: yuanOf(t.caps?.perEnterprisePerYearFen) },
      })),
    },
    caps: {
      perContractFen: yuanOf(d.caps?.perContractFen as string | null | undefined),
      perEnterprisePerYearFen: yuanOf(d.caps?.perEnterprisePerYearFen as string | null | undefined),
    },
    budgetFen: yuanOf(d.budgetFen) ?? '',
    stacking: d.stacking,
  };
}

/** A new policy's starting point: this year, registered contracts, 10%. */
export function newPolicyForm(today: string): PolicyForm {
  return {
    kind: 'contract',
    name: '',
    documentNumber: '',
    effectiveFrom: `${today.slice(0, 4)}-01-01`,
    effectiveTo: `${today.slice(0, 4)}-12-31`,
    eligibility: {
      sellerCategory: 'any',
      contractTypes: ['transfer', 'license'],
      registration: { required: true, withinDaysOfSigning: null },
      throughPlatform: 'any',
      buyerMustBeSme: false,
      buyerMustBeHighTech: false,
      fundingModes: ['naming', 'donation', 'joint_fund'],
    },
    base: 'actual_paid',
    rate: { kind: 'single', rate: '10', tiers: [] },
    caps: {},
    budgetFen: '',
    stacking: 'exclusive',
  };
}
