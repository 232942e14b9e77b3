import type { LocalDate } from '@zjp/core';
import type { ContractType, FundingMode } from './policy-terms';

/*
 * What the engine needs to know about the thing subsidised, as plain data. The subsidies
 * context builds these from the contracts tables (or research-funding records); the engine never
 * reads a database, so it is tested on these alone.
 */

export interface PartyFacts {
  organizationId: string;
  organizationType: 'holder' | 'enterprise' | 'authority' | 'broker';
  regionCode: string;
  holderCategory: 'university' | 'institute' | 'enterprise_lab' | null;
  highLevelPlatform: boolean;
  sme: boolean;
  /** 高新技术企业: a certificate valid on the date that matters (signing, or receipt of funding). */
  highTech: boolean;
}

/** One payment under the contract on its Asia/Shanghai date; a refund is a negative amount. */
export interface PaymentFact {
  amountFen: bigint;
  paidOn: LocalDate;
}

export interface ContractFacts {
  contractId: string;
  type: ContractType;
  buyer: PartyFacts;
  seller: PartyFacts;
  signedOn: LocalDate | null;
  /** 技术合同认定登记: number and date, when registered. */
  registration: { number: string; registeredOn: LocalDate } | null;
  /** Terminated (e.g. the buyer defaulted): no subsidy is due on it. */
  terminated: boolean;
  /** Concluded through 浙江拍 (an auction, a fixed-price sale or a negotiated listing on the platform). */
  throughPlatform: boolean;
  /** The contract's total value under its terms. */
  contractValueFen: bigint;
  /** The transaction value recorded at registration (登记成交额). */
  registeredValueFen: bigint | null;
  /** 作价投资: the valuation of the achievement contributed as equity. */
  equityValuationFen: bigint | null;
  payments: PaymentFact[];
}

/** P-DON: an enterprise's documented funding of basic research at a high-level platform. */
export interface ResearchFundingFacts {
  fundingId: string;
  enterprise: PartyFacts;
  platform: PartyFacts;
  mode: FundingMode;
  amountFen: bigint;
  receivedOn: LocalDate;
  /** The platform confirmed receipt. */
  confirmed: boolean;
  documentCount: number;
}

export type SubsidySubject = { kind: 'contract'; facts: ContractFacts } | { kind: 'research_funding'; facts: ResearchFundingFacts };
