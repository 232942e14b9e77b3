import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, todayInShanghai } from '@zjp/core';
import type { Principal } from '@zjp/platform';
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

  async byHolder(actor: Principal, holderId?: string): Promise<HolderRegistryRow[]> {
    const only = isAdministrator(actor) ? (holderId ?? null) : actor.organizationId;
    if (holderId) await assertMayReadHolder(this.db, actor, holderId);
    const readable = await readableOrgs(this.db, actor);
    return registryByHolder(this.db, { holderId: only, today: todayInShanghai(this.clock).toString(), ...readable });
  }
}
