import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Clock, CLOCK, ConflictError, LocalDate, newId, NotFoundError, todayInShanghai, ValidationError, type FieldError } from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import type { Principal } from '@zjp/platform';
import { Between, EntityManager, type FindOptionsOrder, type FindOptionsWhere, ILike, In, Repository } from 'typeorm';
import { assertActsForHolder, assertMayReadHolder, isAdministrator, readableOrgs } from '../access';
import { parsePatentNumber, patentTypeMatches, REGISTRATION_PERIOD_DAYS } from '../domain';
import { Achievement } from './achievement.entity';
import { holdersReadable, rightsForDocument, validRightsOf } from './achievements.repository';
import { IpRightDto, ListAchievementsQuery, RegisterAchievementDto, UpdateAchievementDto } from './dto/register-achievement.dto';
import { IpRight, IpRightStatus } from './ip-right.entity';

const PATENT_TYPES = new Set(['invention_patent', 'utility_model', 'design_patent']);

export interface AchievementWithRights {
  achievement: Achievement;
  ipRights: IpRight[];
}

@Injectable()
export class AchievementsService {
  constructor(
    @InjectRepository(Achievement) private readonly achievements: Repository<Achievement>,
    @InjectRepository(IpRight) private readonly ipRights: Repository<IpRight>,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  today(): LocalDate {
    return todayInShanghai(this.clock);
  }

  /** Validates IP rights: patent numbers carry a check digit and a type digit; dates are not in the future. */
  normalizeIpRights(rights: IpRightDto[], fieldPrefix: string): { rights: IpRightDto[]; problems: FieldError[] } {
    const problems: FieldError[] = [];
    const today = this.today();
    const normalized = rights.map((r, i) => {
      const field = (name: string) => `${fieldPrefix}[${i}].${name}`;
      let number = r.number?.trim();
      if (r.type !== 'technical_secret' && !number)
        problems.push({ field: field('number'), code: 'required', message: 'a number is required for this type of right' });
      if (number && PATENT_TYPES.has(r.type)) {
        try {
          const parsed = parsePatentNumber(number, field('number'));
          if (!patentTypeMatches(r.type as 'invention_patent' | 'utility_model' | 'design_patent', parsed)) {
            problems.push({ field: field('number'), code: 'patentTypeMismatch', message: `the number is not that of a ${r.type.replace('_', ' ')}` });
          }
          number = parsed.normalized;
        } catch (err) {
          if (err instanceof ValidationError) problems.push(...err.details);
          else throw err;
        }
      }
      if (r.grantedOn && LocalDate.parse(r.grantedOn).isAfter(today)) {
        problems.push({ field: field('grantedOn'), code: 'inFuture', message: 'grantedOn cannot be in the future' });
      }
      return { ...r, number };
    });
    return { rights: normalized, problems };
  }

  async register(actor: Principal, dto: RegisterAchievementDto): Promise<AchievementWithRights> {
    assertActsForHolder(actor, actor.organizationId);
    if (actor.organizationType !== 'holder')
      throw new ValidationError([{ field: 'holder', code: 'notAHolder', message: 'only holder organisations register achievements' }]);
    const today = this.today();
    const problems: FieldError[] = [];
    if (LocalDate.parse(dto.obtainedOn).isAfter(today)) problems.push({ field: 'obtainedOn', code: 'inFuture', message: 'obtainedOn cannot be in the future' });
    const { rights, problems: rightProblems } = this.normalizeIpRights(dto.ipRights ?? [], 'ipRights');
    problems.push(...rightProblems);
    const numbers = rights.map((r) => r.number).filter(Boolean);
    if (new Set(numbers).size !== numbers.length)
      problems.push({ field: 'ipRights', code: 'duplicateNumber', message: 'the same IP right number appears twice' });
    if (problems.length) throw new ValidationError(problems);

    return this.tx.run(async (m) => {
      const id = newId(this.clock);
      const submit = dto.submit ?? true;
      await m.insert(Achievement, {
        id,
        holderId: actor.organizationId,
        title: dto.title.trim(),
        abstract: dto.abstract ?? '',
        technicalField: dto.technicalField,
        ipcClasses: dto.ipcClasses ?? [],
        keywords: dto.keywords ?? [],
        kind: dto.kind,
        publiclyFunded: dto.publiclyFunded,
        obtainedOn: dto.obtainedOn,
        inventors: dto.inventors ?? [],
        maturity: dto.maturity ?? 'lab',
        askingPriceFen: dto.askingPriceFen === undefined ? null : BigInt(dto.askingPriceFen),
        attachments: dto.attachments ?? [],
        registrationStatus: submit ? 'registered' : 'draft',
        registeredOn: submit ? today.toString() : null,
        ruleState: 'clear',
      });
      await this.insertRights(m, id, rights);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: submit ? 'achievement.registered' : 'achievement.drafted',
        subjectType: 'achievement',
        subjectId: id,
        occurredAt: this.clock.now(),
      });
      return this.load(m, id);
    });
  }

  private async insertRights(m: EntityManager, achievementId: string, rights: IpRightDto[]): Promise<void> {
    for (const r of rights) {
      const taken = r.number ? await m.existsBy(IpRight, { number: r.number }) : false;
      if (taken)
        throw new ConflictError('IP_RIGHT_NUMBER_TAKEN', `IP right ${r.number} is already registered on the platform`, { field: 'number', number: r.number });
      await m.insert(IpRight, {
        id: newId(this.clock),
        achievementId,
        type: r.type,
        number: r.number ?? null,
        grantedOn: r.grantedOn ?? null,
        status: r.status ?? 'valid',
      });
    }
  }

  /** Drafts become registered; the registration date is today's (P-REG timeliness is judged on it). */
  async submit(actor: Principal, id: string): Promise<AchievementWithRights> {
    return this.tx.run(async (m) => {
      const a = await this.lockOwned(m, actor, id);
      if (a.registrationStatus !== 'draft') throw new ConflictError('NOT_A_DRAFT', 'Only a draft can be registered');
      await m.update(Achievement, { id }, { registrationStatus: 'registered', registeredOn: this.today().toString() });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'achievement.registered',
        subjectType: 'achievement',
        subjectId: id,
        occurredAt: this.clock.now(),
      });
      return this.load(m, id);
    });
  }

  async update(actor: Principal, id: string, dto: UpdateAchievementDto): Promise<AchievementWithRights> {
    return this.tx.run(async (m) => {
      const a = await this.lockOwned(m, actor, id);
      if (a.registrationStatus === 'withdrawn') throw new ConflictError('ACHIEVEMENT_WITHDRAWN', 'A withdrawn achievement cannot be changed');
      const changes: Partial<Achievement> = {};
      if (dto.title !== undefined) changes.title = dto.title.trim();
      if (dto.abstract !== undefined) changes.abstract = dto.abstract;
      if (dto.technicalField !== undefined) changes.technicalField = dto.technicalField;
      if (dto.ipcClasses !== undefined) changes.ipcClasses = dto.ipcClasses;
      if (dto.keywords !== undefined) changes.keywords = dto.keywords;
      if (dto.inventors !== undefined) changes.inventors = dto.inventors;
      if (dto.maturity !== undefined) changes.maturity = dto.maturity;
      if (dto.askingPriceFen !== undefined) changes.askingPriceFen = dto.askingPriceFen === null ? null : BigInt(dto.askingPriceFen); // null clears it
      if (dto.attachments !== undefined) changes.attachments = dto.attachments;
      if (Object.keys(changes).length) await m.update(Achievement, { id }, changes);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'achievement.updated',
        subjectType: 'achievement',
        subjectId: id,
        data: { fields: Object.keys(changes) },
        occurredAt: this.clock.now(),
      });
      return this.load(m, id);
    });
  }

  /** P-REG: a publicly funded achievement stays in the registry; one under P-2Y / P-3Y cannot escape it. */
  async withdraw(actor: Principal, id: string, reason: string): Promise<AchievementWithRights> {
    return this.tx.run(async (m) => {
      const a = await this.lockOwned(m, actor, id);
      if (a.registrationStatus === 'withdrawn') throw new ConflictError('ACHIEVEMENT_WITHDRAWN', 'Already withdrawn');
      if (a.publiclyFunded) throw new ConflictError('PUBLICLY_FUNDED', 'A publicly funded achievement cannot be withdrawn from the registry (P-REG)');
      if (a.ruleState !== 'clear') throw new ConflictError('UNDER_IDLE_RULE', `The achievement is ${a.ruleState} under P-2Y / P-3Y and cannot be withdrawn`);
      await m.update(Achievement, { id }, { registrationStatus: 'withdrawn', withdrawnAt: this.clock.now() });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'achievement.withdrawn',
        subjectType: 'achievement',
        subjectId: id,
        reason,
        occurredAt: this.clock.now(),
      });
      return this.load(m, id);
    });
  }

  async addIpRight(actor: Principal, id: string, dto: IpRightDto): Promise<AchievementWithRights> {
    const { rights, problems } = this.normalizeIpRights([dto], 'ipRight');
    if (problems.length) throw new ValidationError(problems.map((p) => ({ ...p, field: p.field.replace('ipRight[0].', '') })));
    return this.tx.run(async (m) => {
      const a = await this.lockOwned(m, actor, id);
      if (a.registrationStatus === 'withdrawn') throw new ConflictError('ACHIEVEMENT_WITHDRAWN', 'A withdrawn achievement cannot be changed');
      await this.insertRights(m, id, rights);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'ip_right.added',
        subjectType: 'achievement',
        subjectId: id,
        data: { number: rights[0].number },
        occurredAt: this.clock.now(),
      });
      return this.load(m, id);
    });
  }

  async setIpRightStatus(actor: Principal, ipRightId: string, status: IpRightStatus): Promise<AchievementWithRights> {
    return this.tx.run(async (m) => {
      const right = await m.findOneBy(IpRight, { id: ipRightId });
      if (!right) throw new NotFoundError('IP_RIGHT_NOT_FOUND', 'No such IP right');
      await this.lockOwned(m, actor, right.achievementId);
      await m.update(IpRight, { id: ipRightId }, { status });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'ip_right.status_changed',
        subjectType: 'achievement',
        subjectId: right.achievementId,
        data: { ipRightId, from: right.status, to: status },
        occurredAt: this.clock.now(),
      });
      return this.load(m, right.achievementId);
    });
  }

  /** Registered achievements are public; drafts and withdrawn ones only to their holder and administrators. */
  /** The achievement's valid IP rights (type, granted), in the caller's transaction: what a contract transfers follows from them. */
  validRights(m: EntityManager, achievementId: string): Promise<{ type: string; granted: boolean }[]> {
    return validRightsOf(m, achievementId);
  }

  /** The technical field and every IP right of an achievement (a contract document prints them). */
  rightsForDocument(m: EntityManager, achievementId: string): ReturnType<typeof rightsForDocument> {
    return rightsForDocument(m, achievementId);
  }

  async get(actor: Principal | null, id: string): Promise<AchievementWithRights> {
    const found = await this.load(this.achievements.manager, id);
    if (found.achievement.registrationStatus !== 'registered') {
      if (!actor) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
      await assertMayReadHolder(this.achievements.manager, actor, found.achievement.holderId);
    }
    return found;
  }

  /** The registry: a holder sees its own (with drafts); administrators see any holder's. */
  async list(actor: Principal, query: ListAchievementsQuery): Promise<{ items: AchievementWithRights[]; total: number }> {
    const holderId = isAdministrator(actor) ? query.holderId : actor.organizationId;
    if (query.holderId) await assertMayReadHolder(this.achievements.manager, actor, query.holderId);
    // an authority without a holder named: the holders in its region
    const inRegion =
      !holderId && actor.roles.includes('authority_admin') && !actor.roles.includes('platform_admin') ? await this.holdersInJurisdiction(actor) : null;
    const where: FindOptionsWhere<Achievement> = holderId ? { holderId } : inRegion ? { holderId: In(inRegion) } : {};
    if (query.registrationStatus) where.registrationStatus = query.registrationStatus as Achievement['registrationStatus'];
    if (query.ruleState) where.ruleState = query.ruleState;
    if (query.q) where.title = ILike(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (query.dueWithinDays !== undefined) {
      // P-REG: the deadline is obtainedOn + 30 days; due within N days = a draft obtained between today - 30 and today - 30 + N
      const first = this.today().plusDays(-REGISTRATION_PERIOD_DAYS);
      where.registrationStatus = 'draft';
      where.obtainedOn = Between(first.toString(), first.plusDays(query.dueWithinDays).toString());
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const sort = query.sort ?? 'createdAt';
    const order: FindOptionsOrder<Achievement> =
      sort === 'title' ? { title: direction, id: 'ASC' } : sort === 'createdAt' ? { createdAt: direction, id: 'ASC' } : { obtainedOn: direction, id: 'ASC' };
    const [items, total] = await this.achievements.findAndCount({
      where,
      order,
      take: query.limit,
      skip: query.offset,
    });
    const rights = items.length ? await this.ipRights.find({ where: { achievementId: In(items.map((a) => a.id)) }, order: { createdAt: 'ASC' } }) : [];
    return { items: items.map((a) => ({ achievement: a, ipRights: rights.filter((r) => r.achievementId === a.id) })), total };
  }

  private async holdersInJurisdiction(actor: Principal): Promise<string[]> {
    const readable = await readableOrgs(this.achievements.manager, actor);
    const ids = await holdersReadable(this.achievements.manager, readable.organizationId, readable.regionPrefix);
    return ids.length ? ids : ['00000000-0000-0000-0000-000000000000'];
  }

  private async lockOwned(m: EntityManager, actor: Principal, id: string): Promise<Achievement> {
    const a = await m.findOne(Achievement, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!a) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
    assertActsForHolder(actor, a.holderId);
    return a;
  }

  private async load(m: EntityManager, id: string): Promise<AchievementWithRights> {
    const achievement = await m.findOneBy(Achievement, { id });
    if (!achievement) throw new NotFoundError('ACHIEVEMENT_NOT_FOUND', 'No such achievement');
    const ipRights = await m.find(IpRight, { where: { achievementId: id }, order: { createdAt: 'ASC' } });
    return { achievement, ipRights };
  }
}
