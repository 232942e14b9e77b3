import { Injectable } from '@nestjs/common';
import { LocalDate } from '@zjp/core';
import { TransactionRunner } from '@zjp/database';
import { NotificationsService, type NewNotification } from '@zjp/identity';
import { applyForcedListingChanges } from '@zjp/market';
import type { EntityManager } from 'typeorm';
import { applyIdleRule, countExamined, lockScan, type ScanDigest } from './idle-scan.repository';

/** Days the holder has to set a price on a forced listing when it gave no asking price. */
export const FORCED_LISTING_PRICE_DAYS = 30;

export interface ScanResult {
  scanDate: string;
  examined: number;
  changed: number;
  transitions: Record<string, number>;
}

/** What a scan for another day would do: nothing of it is written. */
export interface ScanPreview extends ScanResult {
  preview: true;
  /** By what would happen: put on the use-first list (and listed), made free-licence eligible, suspended, released (back to clear). */
  counts: { listed: number; eligible: number; suspended: number; released: number };
  /** The achievements that would change, by holder digest (at most 1,000). */
  achievements: { holderId: string; toState: string; achievementIds: string[] }[];
}

/** Thrown to roll a preview's transaction back after reading what it did. */
class PreviewRolledBack extends Error {
  constructor(readonly preview: ScanPreview) {
    super('preview rolled back');
  }
}

/**
 * P-2Y / P-3Y applied to every achievement in one set-based statement. The state it computes is
 * the same as `evaluateIdleRule` in domain/ (an integration test checks that they agree):
 *  - only registered, applied achievements with a valid IP right are subject;
 *  - age counts from the earliest valid grantedOn; "full N years" holds from the day after
 *    grantedOn + N years (PostgreSQL clamps 29 February to the 28th, as the Civil Code does);
 *  - an effective transformation on or before the scan date makes it not idle;
 *  - an approved justification ending on or after the scan date suspends the rule.
 * Only achievements whose state changes are written, so a second run (or a concurrent one, which
 * waits on the advisory lock) finds nothing to do. Each change writes a rule event, a digest notification
 * to the holder (one per kind of change and scan), and opens, suspends, reopens or closes the forced listing.
 */
@Injectable()
export class IdleScanService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly notifications: NotificationsService,
  ) {}

  async scan(scanDate: LocalDate, achievementId?: string): Promise<ScanResult> {
    return this.tx.run((m) => this.scanIn(m, scanDate, achievementId));
  }

  /**
   * The scan for a day other than today, as a preview: the same statement runs in a transaction
   * that is then rolled back, so the report is exactly what the scan would do on that date while
   * the live state stays today's (issue 18: a past date must not rewrite history, a future one
   * must not make anything eligible early).
   */
  async preview(scanDate: LocalDate): Promise<ScanPreview> {
    try {
      await this.tx.run(async (m) => {
        const { result, digests } = await this.scanWithDigests(m, scanDate);
        const count = (to: string) => digests.filter((d) => d.toState === to).reduce((n, d) => n + d.count, 0);
        let budget = 1_000;
        const achievements = digests.map((d) => {
          const ids = d.achievementIds.slice(0, Math.max(0, budget));
          budget -= ids.length;
          return { holderId: d.holderId, toState: d.toState, achievementIds: ids };
        });
        throw new PreviewRolledBack({
          ...result,
          preview: true,
          counts: { listed: count('use_first'), eligible: count('free_license_eligible'), suspended: count('suspended'), released: count('clear') },
          achievements: achievements.filter((a) => a.achievementIds.length > 0),
        });
      });
    } catch (e) {
      if (e instanceof PreviewRolledBack) return e.preview;
      throw e;
    }
    throw new Error('unreachable: a preview always rolls back');
  }

  /** Inside a caller's transaction, e.g. right after a justification is approved. */
  async scanIn(m: EntityManager, scanDate: LocalDate, achievementId?: string): Promise<ScanResult> {
    return (await this.scanWithDigests(m, scanDate, achievementId)).result;
  }

  private async scanWithDigests(m: EntityManager, scanDate: LocalDate, achievementId?: string): Promise<{ result: ScanResult; digests: ScanDigest[] }> {
    await lockScan(m);
    const { transitions: rows, digests, changes } = await applyIdleRule(m, scanDate.toString(), achievementId ?? null);
    // The market opens, suspends, reopens or closes the forced listings of the changed achievements, in this transaction.
    await applyForcedListingChanges(m, scanDate.toString(), FORCED_LISTING_PRICE_DAYS, changes);
    // One notification per holder and kind of change per scan (a digest), not one per achievement:
    // a holder whose 300 patents cross the line on the same night gets one message listing them.
    await this.notifications.notifyMany(
      m,
      digests.map((d) => ruleChangeNotice(d, scanDate)),
    );
    const examined = await countExamined(m, achievementId ?? null);
    const transitions: Record<string, number> = {};
    let changed = 0;
    for (const r of rows) {
      transitions[`${r.fromState}->${r.toState}`] = r.n;
      changed += r.n;
    }
    return { result: { scanDate: scanDate.toString(), examined, changed, transitions }, digests };
  }
}

/** What a holder is told of its achievements that moved to one rule state in a scan. */
export function ruleChangeNotice(d: ScanDigest, scanDate: LocalDate): NewNotification {
  const title =
    {
      use_first: `${d.count} 项成果已纳入"先用后转"实施清单并在浙江拍挂牌`,
      free_license_eligible: `${d.count} 项成果满3年未转化，企业可申请无偿实施`,
      suspended: `${d.count} 项成果因正当理由暂不适用强制转化规则`,
    }[d.toState] ?? `${d.count} 项成果已不再适用强制转化规则`;
  return {
    organizationId: d.holderId,
    kind: `rule.${d.toState}`,
    title,
    body: d.titles,
    data: { toState: d.toState, scanDate: scanDate.toString(), count: d.count, achievementIds: d.achievementIds },
  };
}
