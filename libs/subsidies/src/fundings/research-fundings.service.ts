import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, ConflictError, ForbiddenError, LocalDate, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import { type PageOf, QUEUES, type Principal } from '@zjp/platform';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { readableOrgs } from '../access';
import { SUBSIDY_JOBS, type ComputeCandidatesJob } from '../jobs';
import { type CertificateRow, findCertificate, insertCertificate, listReadableCertificates } from './certificates.repository';
import type { HighTechCertificateDto, ResearchFundingDto } from './dto/research-funding.dto';
import {
  anyOrganizationReadable,
  decideResearchFunding,
  findResearchFunding,
  insertResearchFunding,
  listReadableResearchFundings,
  lockResearchFunding,
  organizationType,
  type ResearchFundingRow,
} from './research-fundings.repository';

/** What the API answers: the repository's row as it is. */
export type ResearchFundingView = ResearchFundingRow;

/**
 * P-DON's base: an enterprise declares the money it put into basic research at a high-level
 * platform, with its documents; the platform confirms receipt; the worker then computes the
 * candidates under the province's P-DON policies. Also 高新技术企业 certificates, which
 * policies may require of the buyer.
 */
@Injectable()
export class ResearchFundingsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @InjectQueue(QUEUES.subsidies) private readonly queue: Queue<ComputeCandidatesJob>,
  ) {}

  async declare(actor: Principal, dto: ResearchFundingDto): Promise<ResearchFundingView> {
    if (LocalDate.parse(dto.receivedOn).isAfter(todayInShanghai(this.clock)))
      throw new ValidationError([{ field: 'receivedOn', code: 'inFuture', message: 'receivedOn cannot be in the future' }]);
    if (BigInt(dto.amountFen) <= 0n) throw new ValidationError([{ field: 'amountFen', code: 'positive', message: 'amountFen must be more than 0' }]);
    if ((await organizationType(this.db, dto.platformId)) !== 'holder')
      throw new ValidationError([
        { field: 'platformId', code: 'notAPlatform', message: 'platformId must be a holder organisation (a university, institute or platform)' },
      ]);
    const id = newId(this.clock);
    await this.tx.run(async (m) => {
      const now = this.clock.now();
      await insertResearchFunding(m, {
        id,
        enterpriseId: actor.organizationId,
        platformId: dto.platformId,
        mode: dto.mode,
        purpose: dto.purpose,
        agreementNumber: dto.agreementNumber ?? null,
        amountFen: dto.amountFen,
        receivedOn: dto.receivedOn,
        documents: dto.documents,
        declaredBy: actor.userId,
        declaredAt: now,
      });
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'research_funding.declared',
        subjectType: 'research_funding',
        subjectId: id,
        data: { amountFen: dto.amountFen, platformId: dto.platformId },
        occurredAt: now,
      });
    });
    return this.get(actor, id);
  }

  /** The receiving platform confirms (or disputes) the money; a confirmation triggers the candidates. */
  async decide(actor: Principal, id: string, confirm: boolean, reason: string): Promise<ResearchFundingView> {
    await this.tx.run(async (m) => {
      const funding = await lockResearchFunding(m, id);
      if (!funding) throw new NotFoundError('FUNDING_NOT_FOUND', 'No such research funding');
      if (funding.platform_id !== actor.organizationId) throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the receiving platform confirms a funding');
      if (funding.status !== 'declared') throw new ConflictError('FUNDING_ALREADY_DECIDED', `This funding is already ${funding.status}`);
      const now = this.clock.now();
      await decideResearchFunding(m, id, confirm ? 'confirmed' : 'rejected', actor.userId, now, reason);
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: confirm ? 'research_funding.confirmed' : 'research_funding.rejected',
        subjectType: 'research_funding',
        subjectId: id,
        reason,
        occurredAt: now,
      });
    });
    if (confirm) {
      await this.queue.add(
        SUBSIDY_JOBS.computeCandidates,
        { subjectType: 'research_funding', subjectId: id },
        {
          jobId: `candidates-research_funding-${id}-${Date.now()}`,
          removeOnComplete: 100,
          removeOnFail: 1000,
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
        },
      );
    }
    return this.get(actor, id);
  }

  async get(actor: Principal, id: string): Promise<ResearchFundingView> {
    const r = await findResearchFunding(this.db, id);
    const readable = await readableOrgs(this.db, actor);
    const visible = r && (await anyOrganizationReadable(this.db, [r.enterpriseId, r.platformId], readable));
    if (!visible) throw new NotFoundError('FUNDING_NOT_FOUND', 'No such research funding');
    return r;
  }

  async list(actor: Principal, page: { limit: number; offset: number }): Promise<PageOf<ResearchFundingView>> {
    // the operator all; an authority those with a party in its region; anyone else their own
    const { rows, total } = await listReadableResearchFundings(this.db, await readableOrgs(this.db, actor), page);
    return { items: rows, total, limit: page.limit, offset: page.offset };
  }

  async recordCertificate(actor: Principal, dto: HighTechCertificateDto) {
    if (!LocalDate.parse(dto.expiresOn).isAfter(LocalDate.parse(dto.issuedOn)))
      throw new ValidationError([{ field: 'expiresOn', code: 'afterIssuedOn', message: 'expiresOn must be after issuedOn' }]);
    if ((await organizationType(this.db, dto.organizationId)) !== 'enterprise')
      throw new ValidationError([{ field: 'organizationId', code: 'notAnEnterprise', message: 'a high-tech certificate belongs to an enterprise' }]);
    const id = newId(this.clock);
    await this.tx.run(async (m) => {
      const now = this.clock.now();
      try {
        await insertCertificate(m, {
          id,
          organizationId: dto.organizationId,
          certificateNumber: dto.certificateNumber.trim(),
          issuedOn: dto.issuedOn,
          expiresOn: dto.expiresOn,
          recordedBy: actor.userId,
          recordedAt: now,
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('CERTIFICATE_NUMBER_TAKEN', `Certificate ${dto.certificateNumber} is already recorded`);
        throw err;
      }
      await recordAudit(m, {
        actorUserId: actor.userId,
        actorOrganizationId: actor.organizationId,
        action: 'high_tech_certificate.recorded',
        subjectType: 'organization',
        subjectId: dto.organizationId,
        data: { certificateNumber: dto.certificateNumber },
        occurredAt: now,
      });
    });
    return (await findCertificate(this.db, id)) as CertificateRow;
  }

  async certificates(actor: Principal, query: { organizationId?: string; limit: number; offset: number }): Promise<PageOf<CertificateRow>> {
    const admin = actor.roles.includes('platform_admin') || actor.roles.includes('authority_admin');
    const org = admin ? (query.organizationId ?? null) : actor.organizationId;
    const page = { limit: query.limit, offset: query.offset };
    const { rows, total } = await listReadableCertificates(this.db, org, await readableOrgs(this.db, actor), page);
    return { items: rows, total, ...page };
  }
}
