import { InjectQueue } from '@nestjs/bullmq';
import { Body, Controller, Get, HttpCode, Inject, Injectable, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { Clock, CLOCK, ConflictError, ForbiddenError, LocalDate, newId, NotFoundError, todayInShanghai, ValidationError } from '@zjp/core';
import { isUniqueViolation, recordAudit, TransactionRunner } from '@zjp/database';
import { CurrentPrincipal, IsFen, IsLocalDate, ParseIdPipe, QUEUES, Roles, type Principal, Omittable, OrgScope, overseesSql, oversightOf } from '@zjp/platform';
import { SUBSIDY_JOBS, type ComputeCandidatesJob } from '../jobs';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { SubsidyAttachmentDto } from '../applications/applications.dto';
import { FUNDING_MODES } from '../domain';

export class ResearchFundingDto {
  @ApiProperty({ description: 'the high-level platform (a holder) that received the money' }) @IsUUID() platformId!: string;
  @ApiProperty({ enum: FUNDING_MODES, description: '冠名 naming, 捐赠 donation, 联合基金 joint fund' }) @IsIn(FUNDING_MODES) mode!: (typeof FUNDING_MODES)[number];
  @ApiProperty({ example: '存算一体芯片基础理论联合基金' }) @IsString() @Length(1, 2000) purpose!: string;
  @ApiPropertyOptional({ example: 'ZJLAB-JJ-2026-007' }) @Omittable() @IsString() @Length(1, 100) agreementNumber?: string;
  @ApiProperty({ example: '500000000' }) @IsFen() amountFen!: string;
  @ApiProperty({ example: '2026-06-30', description: 'the day the platform received the money' }) @IsLocalDate() receivedOn!: string;
  @ApiProperty({ type: [SubsidyAttachmentDto], description: 'the documents (agreement, bank statement): at least one' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => SubsidyAttachmentDto) documents!: SubsidyAttachmentDto[];
}

export class FundingDecisionDto {
  @ApiProperty({ example: '已到账，用于基础研究' }) @IsString() @Length(1, 2000) reason!: string;
}

export class HighTechCertificateDto {
  @ApiProperty() @IsUUID() organizationId!: string;
  @ApiProperty({ example: 'GR202633001234' }) @IsString() @Length(1, 50) certificateNumber!: string;
  @ApiProperty({ example: '2026-01-15' }) @IsLocalDate() issuedOn!: string;
  @ApiProperty({ example: '2029-01-14' }) @IsLocalDate() expiresOn!: string;
}

export class CertificatesQuery {
  @ApiPropertyOptional() @Omittable() @IsUUID() organizationId?: string;
}

export interface ResearchFundingView {
  id: string;
  enterpriseId: string;
  platformId: string;
  mode: string;
  purpose: string;
  agreementNumber: string | null;
  amountFen: string;
  receivedOn: string;
  documents: unknown[];
  status: string;
  declaredAt: Date;
  decidedAt: Date | null;
  decisionReason: string | null;
}

const SELECT = `SELECT id, enterprise_id AS "enterpriseId", platform_id AS "platformId", mode, purpose, agreement_number AS "agreementNumber", amount_fen::text AS "amountFen",
  to_char(received_on, 'YYYY-MM-DD') AS "receivedOn", documents, status, declared_at AS "declaredAt", decided_at AS "decidedAt", decision_reason AS "decisionReason" FROM research_fundings`;

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
    if (LocalDate.parse(dto.receivedOn).isAfter(todayInShanghai(this.clock))) throw new ValidationError([{ field: 'receivedOn', code: 'inFuture', message: 'receivedOn cannot be in the future' }]);
    if (BigInt(dto.amountFen) <= 0n) throw new ValidationError([{ field: 'amountFen', code: 'positive', message: 'amountFen must be more than 0' }]);
    const [platform] = (await this.db.query(`SELECT type FROM organization_directory WHERE id = $1`, [dto.platformId])) as { type: string }[];
    if (platform?.type !== 'holder') throw new ValidationError([{ field: 'platformId', code: 'notAPlatform', message: 'platformId must be a holder organisation (a university, institute or platform)' }]);
    const id = newId(this.clock);
    await this.tx.run(async (m) => {
      const now = this.clock.now();
      await m.query(
        `INSERT INTO research_fundings (id, enterprise_id, platform_id, mode, purpose, agreement_number, amount_fen, received_on, documents, declared_by, declared_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [id, actor.organizationId, dto.platformId, dto.mode, dto.purpose, dto.agreementNumber ?? null, dto.amountFen, dto.receivedOn, JSON.stringify(dto.documents), actor.userId, now],
      );
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'research_funding.declared', subjectType: 'research_funding', subjectId: id, data: { amountFen: dto.amountFen, platformId: dto.platformId }, occurredAt: now });
    });
    return this.get(actor, id);
  }

  /** The receiving platform confirms (or disputes) the money; a confirmation triggers the candidates. */
  async decide(actor: Principal, id: string, confirm: boolean, reason: string): Promise<ResearchFundingView> {
    await this.tx.run(async (m) => {
      const rows = (await m.query(`SELECT platform_id, status FROM research_fundings WHERE id = $1 FOR UPDATE`, [id])) as { platform_id: string; status: string }[];
      if (!rows[0]) throw new NotFoundError('FUNDING_NOT_FOUND', 'No such research funding');
      if (rows[0].platform_id !== actor.organizationId) throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Only the receiving platform confirms a funding');
      if (rows[0].status !== 'declared') throw new ConflictError('FUNDING_ALREADY_DECIDED', `This funding is already ${rows[0].status}`);
      const now = this.clock.now();
      await m.query(`UPDATE research_fundings SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1`, [id, confirm ? 'confirmed' : 'rejected', actor.userId, now, reason]);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: confirm ? 'research_funding.confirmed' : 'research_funding.rejected', subjectType: 'research_funding', subjectId: id, reason, occurredAt: now });
    });
    if (confirm) {
      await this.queue.add(SUBSIDY_JOBS.computeCandidates, { subjectType: 'research_funding', subjectId: id }, { jobId: `candidates-research_funding-${id}-${Date.now()}`, removeOnComplete: 100, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
    }
    return this.get(actor, id);
  }

  async get(actor: Principal, id: string): Promise<ResearchFundingView> {
    const rows = (await this.db.query(`${SELECT} WHERE id = $1`, [id])) as ResearchFundingView[];
    const r = rows[0];
    const readable = overseesSql(await oversightOf(this.db, actor), 'o', 2);
    const visible = r && ((await this.db.query(`SELECT 1 FROM organization_directory o WHERE o.id = ANY($1::uuid[]) AND ${readable.sql}`, [[r.enterpriseId, r.platformId], ...readable.params])) as unknown[]).length > 0;
    if (!visible) throw new NotFoundError('FUNDING_NOT_FOUND', 'No such research funding');
    return r;
  }

  async list(actor: Principal): Promise<ResearchFundingView[]> {
    // the operator all; an authority those with a party in its region; anyone else their own
    const readable = overseesSql(await oversightOf(this.db, actor), 'o', 1);
    return (await this.db.query(`${SELECT} WHERE EXISTS (SELECT 1 FROM organization_directory o WHERE o.id IN (enterprise_id, platform_id) AND ${readable.sql}) ORDER BY declared_at DESC LIMIT 500`, readable.params)) as ResearchFundingView[];
  }

  async recordCertificate(actor: Principal, dto: HighTechCertificateDto) {
    if (!LocalDate.parse(dto.expiresOn).isAfter(LocalDate.parse(dto.issuedOn))) throw new ValidationError([{ field: 'expiresOn', code: 'afterIssuedOn', message: 'expiresOn must be after issuedOn' }]);
    const [org] = (await this.db.query(`SELECT type FROM organization_directory WHERE id = $1`, [dto.organizationId])) as { type: string }[];
    if (org?.type !== 'enterprise') throw new ValidationError([{ field: 'organizationId', code: 'notAnEnterprise', message: 'a high-tech certificate belongs to an enterprise' }]);
    const id = newId(this.clock);
    await this.tx.run(async (m) => {
      const now = this.clock.now();
      try {
        await m.query(`INSERT INTO high_tech_certificates (id, organization_id, certificate_number, issued_on, expires_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
          id, dto.organizationId, dto.certificateNumber.trim(), dto.issuedOn, dto.expiresOn, actor.userId, now,
        ]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('CERTIFICATE_NUMBER_TAKEN', `Certificate ${dto.certificateNumber} is already recorded`);
        throw err;
      }
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'high_tech_certificate.recorded', subjectType: 'organization', subjectId: dto.organizationId, data: { certificateNumber: dto.certificateNumber }, occurredAt: now });
    });
    return (await this.certificates(actor, dto.organizationId)).find((c) => c.id === id);
  }

  async certificates(actor: Principal, organizationId?: string) {
    const admin = actor.roles.includes('platform_admin') || actor.roles.includes('authority_admin');
    const org = admin ? (organizationId ?? null) : actor.organizationId;
    const readable = overseesSql(await oversightOf(this.db, actor), 'o', 2);
    return (await this.db.query(
      `SELECT id, organization_id AS "organizationId", certificate_number AS "certificateNumber", to_char(issued_on, 'YYYY-MM-DD') AS "issuedOn", to_char(expires_on, 'YYYY-MM-DD') AS "expiresOn", recorded_at AS "recordedAt"
       FROM high_tech_certificates WHERE ($1::uuid IS NULL OR organization_id = $1) AND EXISTS (SELECT 1 FROM organization_directory o WHERE o.id = organization_id AND ${readable.sql}) ORDER BY issued_on DESC LIMIT 500`,
      [org, ...readable.params],
    )) as { id: string; organizationId: string; certificateNumber: string; issuedOn: string; expiresOn: string; recordedAt: Date }[];
  }
}

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller()
export class ResearchFundingsController {
  constructor(private readonly fundings: ResearchFundingsService) {}

  @Roles('enterprise_admin')
  @OrgScope.none()
  @Post('research-fundings')
  declare(@CurrentPrincipal() actor: Principal, @Body() body: ResearchFundingDto): Promise<ResearchFundingView> {
    return this.fundings.declare(actor, body);
  }

  @Roles('enterprise_admin', 'enterprise_member', 'holder_admin', 'holder_member', 'authority_admin', 'platform_admin')
  @OrgScope.filtered('researchFunding')
  @Get('research-fundings')
  list(@CurrentPrincipal() actor: Principal): Promise<ResearchFundingView[]> {
    return this.fundings.list(actor);
  }

  @Roles('enterprise_admin', 'enterprise_member', 'holder_admin', 'holder_member', 'authority_admin', 'platform_admin')
  @OrgScope.owned('researchFunding')
  @Get('research-fundings/:id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<ResearchFundingView> {
    return this.fundings.get(actor, id);
  }

  @Roles('holder_admin')
  @OrgScope.owned('researchFunding')
  @Post('research-fundings/:id/confirm')
  @HttpCode(200)
  confirm(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: FundingDecisionDto): Promise<ResearchFundingView> {
    return this.fundings.decide(actor, id, true, body.reason);
  }

  @Roles('holder_admin')
  @OrgScope.owned('researchFunding')
  @Post('research-fundings/:id/reject')
  @HttpCode(200)
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: FundingDecisionDto): Promise<ResearchFundingView> {
    return this.fundings.decide(actor, id, false, body.reason);
  }

  @Roles('authority_admin', 'platform_admin')
  @OrgScope.none()
  @Post('high-tech-certificates')
  recordCertificate(@CurrentPrincipal() actor: Principal, @Body() body: HighTechCertificateDto) {
    return this.fundings.recordCertificate(actor, body);
  }

  @Roles('authority_admin', 'platform_admin', 'enterprise_admin', 'enterprise_member')
  @OrgScope.filtered('highTechCertificate')
  @Get('high-tech-certificates')
  certificates(@CurrentPrincipal() actor: Principal, @Query() query: CertificatesQuery) {
    return this.fundings.certificates(actor, query.organizationId);
  }
}
