import { Inject, Injectable } from '@nestjs/common';
import { type Clock, CLOCK, NotFoundError, todayInShanghai } from '@zjp/core';
import type { Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import type { Queryable } from '@zjp/database';
import {
  PRICING_DEAL_TYPES,
  priceGuidance,
  type PriceGuidance,
  type PricingDealType,
  type PricingOptions,
  type PricingSubject,
  remainingTermYears,
} from '../domain';
import { candidateDeals, pricingSubject, type PricingSubjectRow } from './price-guidance.repository';

export interface PriceGuidanceResult {
  subject: PricingSubjectRow & { dealType: PricingDealType; remainingYears: number | null };
  asOf: string;
  guidance: PriceGuidance;
}

/**
 * The guidance for one achievement as of a date: load the subject and the candidate deals (SQL),
 * score them (the pure domain function). The bench (bench/pricing.ts) calls exactly this.
 */
export async function computePriceGuidance(
  db: Queryable,
  subject: PricingSubjectRow,
  dealType: PricingDealType,
  asOf: { date: string; before: Date },
  options: Partial<PricingOptions> = {},
): Promise<PriceGuidanceResult> {
  const dealTypes = (options.otherDealTypeFactor ?? 0) > 0 ? PRICING_DEAL_TYPES : [dealType];
  const deals = await candidateDeals(db, subject.technical_field, dealTypes, subject.id, asOf.before);
  const remainingYears = remainingTermYears(subject.ip_type, subject.ip_number, asOf.date);
  const s: PricingSubject = {
    technicalField: subject.technical_field,
    ipcClasses: subject.ipc_classes,
    ipType: subject.ip_type,
    maturity: subject.maturity,
    remainingYears,
    dealType,
  };
  return { subject: { ...subject, dealType, remainingYears }, asOf: asOf.date, guidance: priceGuidance(s, deals, options) };
}

/** 初始化定价 (P-PRICE) for a holder preparing a listing. */
@Injectable()
export class PriceGuidanceService {
  constructor(
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** For the holder organisation of the achievement (a broker acting for it under a mandate) and the operator; anyone else: 404. */
  async forAchievement(actor: Principal, achievementId: string, dealType: PricingDealType): Promise<PriceGuidanceResult> {
    const subject = await pricingSubject(this.db, achievementId);
    if (!subject || (!actor.roles.includes('platform_admin') && actor.organizationId !== subject.holder_id)) {
      throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
    }
    const now = this.clock.now();
    return computePriceGuidance(this.db, subject, dealType, { date: todayInShanghai(this.clock).toString(), before: now });
  }
}
