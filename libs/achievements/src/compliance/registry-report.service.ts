import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, todayInShanghai } from '@zjp/core';
import type { PageOf, Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { assertMayReadHolder, isAdministrator, readableOrgs } from '../access';
import { registryByHolder, type HolderRegistryRow } from '../achievements/achievements.repository';

/**
 * P-REG per holder: registered on or before obtainedOn + 30 days (on time) or after (late); drafts
 * still within the 30 days (pending) or past them (overdue, unregistered). Same rule as
 * domain/registration-deadline.ts.
 */
@Injectable()
export class RegistryReportService {
  constructor(
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async byHolder(actor: Principal, query: { holderId?: string; sort?: string; limit: number; offset: number }): Promise<PageOf<HolderRegistryRow>> {
    const only = isAdministrator(actor) ? (query.holderId ?? null) : actor.organizationId;
    if (query.holderId) await assertMayReadHolder(this.db, actor, query.holderId);
    const readable = await readableOrgs(this.db, actor);
    const page = { limit: query.limit, offset: query.offset };
    const { rows, total } = await registryByHolder(
      this.db,
      { holderId: only, today: todayInShanghai(this.clock).toString(), sort: query.sort ?? null, ...readable },
      page,
    );
    return { items: rows, total, ...page };
  }
}
