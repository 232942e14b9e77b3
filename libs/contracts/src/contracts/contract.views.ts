import type { CommissionRow } from './commissions.repository';
import type { ContractStatus, ContractTerms, ContractType, ScheduleSummary } from '../domain';
import type { ContractRow } from './contract-row';

export interface SignatureView {
  party: 'seller' | 'buyer';
  version: number;
  organizationId: string;
  userId: string;
  signerName: string;
  signedAt: Date;
  termsSha256: string;
}

export interface ObligationView {
  key: string;
  kind: string;
  amountFen: string;
  paidFen: string;
  outstandingFen: string;
  dueOn: string | null;
  status: string;
}

export interface MoneyView {
  /** Fees known so far (fixed amounts and reported royalties). */
  totalFeesFen: string;
  /** Equity: the valuation at which the achievement is contributed. */
  equityValuationFen: string | null;
  /** 实际成交额: succeeded payments (an applied deposit included) less refunds. */
  actualValueFen: string;
  outstandingFen: string;
  dueFen: string;
  overdueFen: string;
  feesDeferred: boolean;
  royaltyReportsMissing: number[];
  settled: boolean;
  obligations: ObligationView[];
}

export interface ContractView {
  id: string;
  contractNumber: string;
  type: ContractType;
  source: string;
  dealId: string | null;
  freeLicenseApplicationId: string | null;
  title: string;
  achievement: { id: string; title: string };
  seller: { id: string; name: string };
  buyer: { id: string; name: string; sme: boolean };
  status: ContractStatus;
  version: number;
  terms: ContractTerms;
  priceFen: string;
  depositFen: string;
  signatures: SignatureView[];
  signedAt: Date | null;
  tookEffectOn: string | null;
  useFirst: { trialEndsOn: string | null; convertedOn: string | null } | null;
  registration: { number: string; registeredOn: string; registry: string; registeredAt: Date } | null;
  termination: { kind: string; reason: string; terminatedAt: Date } | null;
  document: { signedSha256: string | null; signedTermsSha256: string | null };
  money: MoneyView;
  /** 佣金 of the brokers through whose mandates the deal was made (each party sees its own; administrators all). */
  commissions: CommissionRow[];
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ContractListItem {
  id: string;
  contractNumber: string;
  type: ContractType;
  title: string;
  status: ContractStatus;
  sellerId: string;
  buyerId: string;
  achievementId: string;
  dealId: string | null;
  registrationNumber: string | null;
  createdAt: Date;
}

export function toMoneyView(c: ContractRow, summary: ScheduleSummary, actualValueFen: bigint): MoneyView {
  return {
    totalFeesFen: summary.totalFeesFen.toString(),
    equityValuationFen: c.terms.equity?.valuationFen || null,
    actualValueFen: actualValueFen.toString(),
    outstandingFen: summary.outstandingFen.toString(),
    dueFen: summary.dueFen.toString(),
    overdueFen: summary.overdueFen.toString(),
    feesDeferred: c.type === 'use_first' && !c.convertedOn,
    royaltyReportsMissing: summary.royaltyReportsMissing,
    settled: summary.settled,
    obligations: summary.obligations.map((o) => ({
      key: o.key,
      kind: o.kind,
      amountFen: o.amountFen.toString(),
      paidFen: o.paidFen.toString(),
      outstandingFen: o.outstandingFen.toString(),
      dueOn: o.dueOn?.toString() ?? null,
      status: o.status,
    })),
  };
}

export function toContractView(
  c: ContractRow,
  signatures: SignatureView[],
  money: MoneyView,
  signedSha256: string | null,
  commissions: CommissionRow[] = [],
): ContractView {
  return {
    id: c.id,
    contractNumber: c.contractNumber,
    type: c.type,
    source: c.source,
    dealId: c.dealId,
    freeLicenseApplicationId: c.freeLicenseApplicationId,
    title: c.title,
    achievement: { id: c.achievementId, title: c.achievementTitle },
    seller: { id: c.sellerId, name: c.sellerName },
    buyer: { id: c.buyerId, name: c.buyerName, sme: c.buyerSme },
    status: c.status,
    version: c.version,
    terms: c.terms,
    priceFen: c.priceFen,
    depositFen: c.depositFen,
    signatures,
    signedAt: c.signedAt,
    tookEffectOn: c.tookEffectOn,
    useFirst: c.type === 'use_first' ? { trialEndsOn: c.trialEndsOn, convertedOn: c.convertedOn } : null,
    registration: c.registrationNumber
      ? { number: c.registrationNumber, registeredOn: c.registeredOn!, registry: c.registry!, registeredAt: c.registeredAt! }
      : null,
    termination: c.terminatedAt ? { kind: c.terminationKind!, reason: c.terminationReason!, terminatedAt: c.terminatedAt } : null,
    document: { signedSha256, signedTermsSha256: c.signedTermsSha256 },
    money,
    commissions,
    completedAt: c.completedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
