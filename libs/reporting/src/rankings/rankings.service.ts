import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, todayInShanghai } from '@zjp/core';
import { jurisdictionPrefix } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { RANKING_METHOD, rankHolders, type Contribution, type IndicatorKey } from './domain/holder-score';
import type { RankedHolderDto, RankingsPageDto, RankingsQuery } from './dto/rankings.dto';
import { holderIndicators, type HolderIndicatorRow } from './rankings.repository';

const asString = (v: number | string | null): string | null => (v === null ? null : String(v));

/** P-MKT holder rankings: indicators from PostgreSQL, score and rank from domain/holder-score.ts. */
@Injectable()
export class RankingsService {
  constructor(
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async rankings(query: RankingsQuery): Promise<RankingsPageDto> {
    const today = todayInShanghai(this.clock);
    const year = query.year ?? today.year;
    const rows = await holderIndicators(this.db, {
      regionPrefix: query.region ? jurisdictionPrefix(query.region) : null,
      holderType: query.holderType ?? null,
      year,
      today: today.toString(),
    });
    const ranked = rankHolders(rows);
    const items = ranked.slice(query.offset, query.offset + query.limit).map((r): RankedHolderDto => {
      const h = r.holder as HolderIndicatorRow;
      return {
        rank: r.rank,
        tied: r.tied,
        score: r.scoreHundredths / 100,
        holderId: h.holderId,
        holderName: h.holderName,
        holderKind: h.kind,
        regionCode: h.regionCode,
        highLevelPlatform: h.highLevelPlatform,
        inputs: {
          listings: h.listings,
          contractsInForce: h.contractsInForce,
          contractValueFen: h.contractValueFen,
          transformedShare: h.transformedShare,
          useFirstShare: h.useFirstShare,
          registrationTimeliness: h.registrationTimeliness,
        },
        contributions: r.contributions.map((c: Contribution) => ({
          key: c.key,
          weight: c.weight,
          value: asString(c.value),
          min: asString(c.min),
          max: asString(c.max),
          normalized: c.normalized,
          points: c.pointsHundredths / 100,
          noData: c.noData,
        })),
      };
    });
    return {
      year,
      region: query.region ?? null,
      holderType: query.holderType ?? null,
      asOf: today.toString(),
      method: RANKING_METHOD.map((m) => ({ key: m.key as IndicatorKey, weight: m.weight, better: m.better })),
      items,
      total: ranked.length,
      limit: query.limit,
      offset: query.offset,
    };
  }
}
