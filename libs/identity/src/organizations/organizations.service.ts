import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Clock, CLOCK, ForbiddenError, newId, NotFoundError, regionLevel, ValidationError, type FieldError } from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import { type Principal, oversees, oversightOf } from '@zjp/platform';
import { Repository } from 'typeorm';
import { isKnownRegion } from '../domain/regions';
import { CreateOrganizationDto, UpdateOrganizationDto } from './dto/create-organization.dto';
import { ListOrganizationsQuery } from './dto/list-organizations.query';
import { Organization } from './organization.entity';

/** Rules on an organisation's shape that depend on its type. Returns every problem, not the first. */
export function organizationProblems(dto: CreateOrganizationDto): FieldError[] {
  const problems: FieldError[] = [];
  if (!isKnownRegion(dto.regionCode)) {
    problems.push({ field: 'regionCode', code: 'unknownRegion', message: `${dto.regionCode} is not a GB/T 2260 division` });
  }
  const only = (field: keyof CreateOrganizationDto, type: string) => {
    if (dto[field] !== undefined && dto.type !== type)
      problems.push({ field, code: 'notApplicable', message: `${field} applies to ${type} organisations only` });
  };
  only('holderCategory', 'holder');
  only('highLevelPlatform', 'holder');
  only('sme', 'enterprise');
  only('authorityLevel', 'authority');
  if (dto.type === 'holder' && !dto.holderCategory) {
    problems.push({ field: 'holderCategory', code: 'required', message: 'a holder needs a category: university, institute or enterprise_lab' });
  }
  if (dto.type === 'authority') {
    if (!dto.authorityLevel) problems.push({ field: 'authorityLevel', code: 'required', message: 'an authority needs a level: province, city or county' });
    else if (problems.every((p) => p.field !== 'regionCode') && regionLevel(dto.regionCode) !== dto.authorityLevel) {
      problems.push({ field: 'regionCode', code: 'levelMismatch', message: `a ${dto.authorityLevel} authority needs a ${dto.authorityLevel} region code` });
    }
  }
  return problems;
}

const ORG_ADMIN_ROLES = ['holder_admin', 'enterprise_admin'] as const;

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(actor: Principal | null, dto: CreateOrganizationDto): Promise<Organization> {
    const problems = organizationProblems(dto);
    if (problems.length) throw new ValidationError(problems);
    if (actor) await this.assertMayCreate(actor, dto);
    return this.tx.run(async (m) => {
      const org = m.create(Organization, {
        id: newId(this.clock),
        type: dto.type,
        name: dto.name.trim(),
        creditCode: dto.creditCode ?? null,
        regionCode: dto.regionCode,
        holderCategory: dto.holderCategory ?? null,
        highLevelPlatform: dto.highLevelPlatform ?? false,
        sme: dto.sme ?? false,
        authorityLevel: dto.authorityLevel ?? null,
      });
      await m.insert(Organization, org);
      await recordAudit(m, {
        actorUserId: actor?.userId,
        actorOrganizationId: actor?.organizationId,
        action: 'organization.created',
        subjectType: 'organization',
        subjectId: org.id,
        data: { type: org.type, name: org.name, regionCode: org.regionCode },
        occurredAt: this.clock.now(),
      });
      return m.findOneByOrFail(Organization, { id: org.id });
    });
  }

  async update(actor: Principal, id: string, dto: UpdateOrganizationDto): Promise<Organization> {
    const o = await oversightOf(this.organizations.manager, actor);
    return this.tx.run(async (m) => {
      const org = await m.findOne(Organization, { where: { id }, lock: { mode: 'pessimistic_write' } });
      // an authority changes the organisations of its region (not authorities, not its own); the operator any
      if (o.kind !== 'all' && !(org && org.type !== 'authority' && org.id !== actor.organizationId && oversees(o, org)))
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'You may only change organisations in your region');
      if (!org) throw new NotFoundError('ORGANIZATION_NOT_FOUND', 'No such organisation');
      const problems: FieldError[] = [];
      if (dto.highLevelPlatform !== undefined && org.type !== 'holder')
        problems.push({ field: 'highLevelPlatform', code: 'notApplicable', message: 'applies to holders only' });
      if (dto.sme !== undefined && org.type !== 'enterprise') problems.push({ field: 'sme', code: 'notApplicable', message: 'applies to enterprises only' });
      if (problems.length) throw new ValidationError(problems);
      const before = { name: org.name, highLevelPlatform: org.highLevelPlatform, sme: org.sme };
      if (dto.name !== undefined) org.name = dto.name.trim();
      if (dto.highLevelPlatform !== undefined) org.highLevelPlatform = dto.highLevelPlatform;
      if (dto.sme !== undefined) org.sme = dto.sme;
      await m.save(Organization, org);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'organization.updated',
        subjectType: 'organization',
        subjectId: id,
        data: { before, after: { name: org.name, highLevelPlatform: org.highLevelPlatform, sme: org.sme } },
        occurredAt: this.clock.now(),
      });
      return org;
    });
  }

  async list(query: ListOrganizationsQuery, actor?: Principal): Promise<{ items: Organization[]; total: number }> {
    const qb = this.organizations.createQueryBuilder('o').orderBy('o.name', 'ASC').addOrderBy('o.id').take(query.limit).skip(query.offset);
    if (actor) {
      // an authority sees the organisations of its region (jurisdiction), the operator all
      const o = await oversightOf(this.organizations.manager, actor);
      if (o.kind !== 'all')
        qb.andWhere(`(o.id = :own OR (:prefix::text IS NOT NULL AND o.region_code LIKE :prefix || '%'))`, {
          own: o.organizationId,
          prefix: o.kind === 'region' ? o.prefix : null,
        });
    }
    if (query.type) qb.andWhere('o.type = :type', { type: query.type });
    if (query.q) qb.andWhere(`(o.name ILIKE '%' || :q || '%' OR o.credit_code = :q)`, { q: query.q.trim() });
    if (query.region) {
      const digits = { province: 2, city: 4, county: 6 }[regionLevel(query.region)];
      qb.andWhere('left(o.region_code, :digits) = :prefix', { digits, prefix: query.region.slice(0, digits) });
    }
    const [items, total] = await qb.getManyAndCount();
    return { items, total };
  }

  /** Administrators see every organisation; anyone else only their own. */
  async get(actor: Principal, id: string): Promise<Organization> {
    const o = await oversightOf(this.organizations.manager, actor);
    const org = await this.organizations.findOneBy({ id });
    // organisation ids are not secret: outside what the caller oversees is 403, whether it exists or not
    if (o.kind !== 'all' && !(org && oversees(o, org)))
      throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'You may only see your own organisation and those you oversee');
    if (!org) throw new NotFoundError('ORGANIZATION_NOT_FOUND', 'No such organisation');
    return org;
  }

  /** Platform administrators manage everyone; an organisation's admin manages only its own users. */
  async assertCanManageUsers(actor: Principal, organizationId: string): Promise<void> {
    if (actor.roles.includes('platform_admin')) return;
    if (actor.organizationId === organizationId && ORG_ADMIN_ROLES.some((r) => actor.roles.includes(r))) return;
    // an authority manages the users of the holders, enterprises and brokers of its region
    if (actor.roles.includes('authority_admin')) {
      const o = await oversightOf(this.organizations.manager, actor);
      const org = await this.organizations.findOneBy({ id: organizationId });
      if (org && org.type !== 'authority' && oversees(o, org)) return;
    }
    throw new ForbiddenError('ORGANIZATION_BOUNDARY', "You may only manage your own organisation's users");
  }

  /** The operator creates any organisation; an authority creates holders, enterprises and brokers within its region. */
  private async assertMayCreate(actor: Principal, dto: CreateOrganizationDto): Promise<void> {
    const o = await oversightOf(this.organizations.manager, actor);
    if (o.kind === 'all') return;
    if (o.kind === 'region' && dto.type !== 'authority') {
      if (dto.regionCode.startsWith(o.prefix)) return;
      throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'You may only create organisations in your region', { field: 'regionCode' });
    }
    throw new ForbiddenError('FORBIDDEN_ROLE', 'Only the platform operator creates authorities');
  }
}
