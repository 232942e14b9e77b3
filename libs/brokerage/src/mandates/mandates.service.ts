import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, ConflictError, ForbiddenError, isUuid, LocalDate, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { recordAudit, TransactionRunner, type ActingAgent } from '@zjp/database';
import type { ActsForRule, Principal } from '@zjp/platform';
import { DataSource } from 'typeorm';
import { covers, grantErrors, MAX_MANDATE_YEARS, type MandatePermission, type PrincipalType, type ResourceKeys } from '../domain/mandate';
import type { GrantMandateDto } from './dto/mandates.dto';
import * as repo from './mandates.repository';

type Page = { limit: number; offset: number };

/**
 * Mandates (委托): a holder or an enterprise grants a broker organisation the right to act for it
 * on named achievements or lots, for some actions, until a date; the principal revokes it; it lapses
 * after its end date. `resolve` is the one check every request a broker makes for a principal
 * passes (the access guard calls it); `recordAction` writes what the broker did on the mandate.
 */
@Injectable()
export class MandatesService {
  constructor(
    private readonly db: DataSource,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private today(): string {
    return todayInShanghai(this.clock).toString();
  }

  async grant(actor: Principal, dto: GrantMandateDto): Promise<repo.MandateRow> {
    if (actor.organizationType !== 'holder' && actor.organizationType !== 'enterprise')
      throw new ForbiddenError('FORBIDDEN_ROLE', 'Only a holder or an enterprise grants a mandate');
    const principalType: PrincipalType = actor.organizationType;
    const achievementIds = [...new Set(dto.achievementIds ?? [])];
    const lotIds = [...new Set(dto.lotIds ?? [])];
    const permissions = [...new Set(dto.permissions)] as MandatePermission[];
    const today = this.today();
    const errors = grantErrors(
      principalType,
      { permissions, achievementIds, lotIds, endsOn: dto.endsOn, rateBp: dto.commissionRateBp, fixedFen: dto.commissionFixedFen },
      today,
      LocalDate.parse(today).plusYears(MAX_MANDATE_YEARS).toString(),
    );
    if (dto.commissionFixedFen !== undefined && BigInt(dto.commissionFixedFen) <= 0n)
      errors.push({ field: 'commissionFixedFen', code: 'notPositive', message: 'a fixed commission is more than 0 fen' });
    const broker = await repo.organization(this.db, dto.brokerOrganizationId);
    if (!broker || broker.type !== 'broker') errors.push({ field: 'brokerOrganizationId', code: 'notABroker', message: 'no broker organisation with this id' });
    // a holder names only its own achievements and lots; an enterprise names ones that exist
    const owner = principalType === 'holder' ? actor.organizationId : null;
    const knownA = await repo.knownAchievements(this.db, achievementIds, owner);
    const unknownA = achievementIds.filter((id) => !knownA.has(id));
    if (unknownA.length)
      errors.push({
        field: 'achievementIds',
        code: owner ? 'notYours' : 'unknown',
        message: `not ${owner ? 'your' : 'known'} achievements: ${unknownA.join(', ')}`,
      });
    const knownL = await repo.knownLots(this.db, lotIds, owner);
    const unknownL = lotIds.filter((id) => !knownL.has(id));
    if (unknownL.length)
      errors.push({ field: 'lotIds', code: owner ? 'notYours' : 'unknown', message: `not ${owner ? 'your' : 'known'} lots: ${unknownL.join(', ')}` });
    if (errors.length) throw new ValidationError(errors);
    const id = newId(this.clock);
    await this.tx.run(async (m) => {
      const now = this.clock.now();
      await repo.insertMandate(m, {
        id,
        principalOrganizationId: actor.organizationId,
        principalType,
        brokerOrganizationId: dto.brokerOrganizationId,
        achievementIds,
        lotIds,
        permissions,
        endsOn: dto.endsOn,
        rateBp: dto.commissionRateBp ?? null,
        fixedFen: dto.commissionFixedFen ?? null,
        note: dto.note ?? '',
        grantedBy: actor.userId,
        grantedAt: now,
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'mandate.granted',
        subjectType: 'mandate',
        subjectId: id,
        data: { brokerOrganizationId: dto.brokerOrganizationId, achievementIds, lotIds, permissions, endsOn: dto.endsOn },
        occurredAt: now,
      });
    });
    return (await repo.mandateById(this.db, id, this.today()))!;
  }

  /** The mandate, when the caller is its principal, its broker or the operator; otherwise it does not exist for the caller. */
  async get(actor: Principal, id: string): Promise<repo.MandateRow> {
    const m = isUuid(id) ? await repo.mandateById(this.db, id, this.today()) : undefined;
    const visible =
      m && (actor.roles.includes('platform_admin') || m.principalOrganizationId === actor.organizationId || m.brokerOrganizationId === actor.organizationId);
    if (!m || !visible) throw new NotFoundError('MANDATE_NOT_FOUND', 'No such mandate');
    return m;
  }

  list(actor: Principal, status: string | undefined, page: Page) {
    const v: repo.Visibility = actor.roles.includes('platform_admin') ? { kind: 'all' } : { kind: 'organization', organizationId: actor.organizationId };
    return repo.listMandates(this.db, v, status ?? null, this.today(), page);
  }

  async revoke(actor: Principal, id: string, reason: string | undefined): Promise<repo.MandateRow> {
    const m = await this.get(actor, id);
    // only the principal revokes (the broker may ask it to)
    if (m.principalOrganizationId !== actor.organizationId) throw new NotFoundError('MANDATE_NOT_FOUND', 'No such mandate');
    await this.tx.run(async (tm) => {
      const now = this.clock.now();
      if (!(await repo.revokeMandate(tm, id, now, actor.userId, reason ?? null, this.today())))
        throw new ConflictError('MANDATE_ALREADY_ENDED', `The mandate is already ${m.status}`);
      await recordAudit(tm, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'mandate.revoked',
        subjectType: 'mandate',
        subjectId: id,
        reason: reason ?? null,
        occurredAt: now,
      });
    });
    return (await repo.mandateById(this.db, id, this.today()))!;
  }

  async actions(actor: Principal, id: string, page: Page) {
    await this.get(actor, id);
    return repo.listActions(this.db, id, page);
  }

  brokers(q: string | undefined, page: Page) {
    return repo.listBrokers(this.db, q ?? null, page);
  }

  /**
   * A broker's request for a principal: an active mandate of that principal to this broker must
   * allow the route's action on the resource it names. Answers the principal as the acting party
   * (its administrator's role, the broker's user, the broker as agent) and the agent for the audit
   * log; otherwise refuses as a cross-organisation request is (403).
   */
  async resolve(
    broker: Principal,
    principalOrganizationId: string,
    request: { rule: ActsForRule | undefined; resourceId: unknown; operation: string },
  ): Promise<{ principal: Principal; agent: ActingAgent }> {
    if (broker.organizationType !== 'broker' || !broker.roles.includes('broker'))
      throw new ForbiddenError('NOT_A_BROKER', 'Only a broker organisation acts for another organisation');
    const { rule } = request;
    if (!rule) throw new ForbiddenError('MANDATE_NOT_DELEGABLE', `${request.operation} is done by the organisation itself, never by a broker`);
    if (!isUuid(principalOrganizationId)) throw new ForbiddenError('MANDATE_NOT_ACTIVE', 'X-On-Behalf-Of must name the principal organisation by its id');
    const mandates = await repo.activeMandates(this.db, broker.organizationId, principalOrganizationId, this.today());
    if (!mandates.length) throw new ForbiddenError('MANDATE_NOT_ACTIVE', 'No active mandate of that organisation (never granted, revoked or lapsed)');
    const resourceId = request.resourceId;
    if (typeof resourceId !== 'string' || !isUuid(resourceId))
      throw new ValidationError([{ field: rule.at.split(':')[1], code: 'invalid', message: `a ${rule.resource} id is required` }]);
    const keys = await this.keysOf(rule.resource, resourceId);
    let refusal: 'MANDATE_ACTION_NOT_GRANTED' | 'MANDATE_SCOPE_EXCLUDES' = 'MANDATE_ACTION_NOT_GRANTED';
    for (const m of mandates) {
      const c = covers(m, rule.action, keys);
      if (c.ok) {
        const org = (await repo.organization(this.db, principalOrganizationId))!;
        const principalType = org.type as 'holder' | 'enterprise';
        return {
          principal: {
            userId: broker.userId,
            organizationId: principalOrganizationId,
            organizationType: principalType,
            roles: [principalType === 'holder' ? 'holder_admin' : 'enterprise_admin'],
            sessionId: broker.sessionId,
            agent: { organizationId: broker.organizationId, mandateId: m.id },
          },
          agent: {
            brokerOrganizationId: broker.organizationId,
            brokerUserId: broker.userId,
            principalOrganizationId,
            mandateId: m.id,
            action: rule.action,
            operation: request.operation,
            resourceType: rule.resource,
            resourceId,
            achievementId: keys.achievementId,
          },
        };
      }
      if (c.code === 'MANDATE_SCOPE_EXCLUDES') refusal = c.code;
    }
    throw new ForbiddenError(
      refusal,
      refusal === 'MANDATE_SCOPE_EXCLUDES' ? `The ${rule.resource} is outside the mandate` : `The mandate does not allow ${rule.action}`,
    );
  }

  private async keysOf(resource: ActsForRule['resource'], id: string): Promise<ResourceKeys> {
    if (resource === 'lot') {
      const lot = await repo.lotFacts(this.db, id);
      return lot ? { lotIds: [id], achievementId: lot.achievementId } : { lotIds: [id], achievementId: null };
    }
    if (resource === 'listing') {
      const listing = await repo.listingFacts(this.db, id);
      return listing ? { lotIds: listing.lotIds, achievementId: listing.achievementId } : { lotIds: [], achievementId: null };
    }
    return { lotIds: [], achievementId: id };
  }

  /** After the operation succeeded: the action on the mandate, and an audit entry "mandate.acted" by the broker for the principal. */
  async recordAction(agent: ActingAgent): Promise<void> {
    await this.tx.run(async (m) => {
      const at = this.clock.now();
      const id = await repo.insertAction(m, {
        mandateId: agent.mandateId,
        action: agent.action,
        operation: agent.operation,
        resourceType: agent.resourceType,
        resourceId: agent.resourceId,
        achievementId: agent.achievementId,
        actorUserId: agent.brokerUserId,
        at,
      });
      await recordAudit(m, {
        actorUserId: agent.brokerUserId,
        actorOrganizationId: agent.principalOrganizationId,
        action: 'mandate.acted',
        subjectType: 'mandate',
        subjectId: agent.mandateId,
        data: { actionId: id, action: agent.action, operation: agent.operation, resourceType: agent.resourceType, resourceId: agent.resourceId },
        occurredAt: at,
      });
    });
  }

  deskLots(actor: Principal, page: Page) {
    return repo.deskLots(this.db, actor.organizationId, this.today(), page);
  }

  deskDeals(actor: Principal, page: Page) {
    return repo.deskDeals(this.db, actor.organizationId, page);
  }

  commissions(actor: Principal, page: Page) {
    return repo.commissions(this.db, actor.organizationId, page);
  }
}
