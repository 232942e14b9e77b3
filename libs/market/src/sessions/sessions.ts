import { Body, Controller, Get, Inject, Injectable, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDateString, IsIn, IsString, Length } from 'class-validator';
import { Clock, CLOCK, newId, NotFoundError } from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import { CurrentPrincipal, ParseIdPipe, Public, Roles, type Principal, OrgScope } from '@zjp/platform';
import { DataSource } from 'typeorm';

export const SESSION_THEMES = ['regular', 'yangtze_delta', 'three_highlands', 'corridor', 'hightech_zone', 'other'] as const;

export class CreateSessionDto {
  @ApiProperty({ example: '2026长三角拍·新材料专场' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: SESSION_THEMES, description: '长三角拍 / 三大高地拍 / 大走廊拍 / 高新区拍' }) @IsIn(SESSION_THEMES) theme!: string;
  @ApiProperty({ enum: ['sequential', 'parallel'], description: 'sequential: live, one lot after another with an auctioneer; parallel: timed' }) @IsIn(['sequential', 'parallel']) runMode!: string;
  @ApiProperty({ example: '2026-12-10T01:30:00Z' }) @IsDateString({ strict: true }) startsAt!: string;
}

/** 专场: themed sessions grouping lots with a schedule. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(actor: Principal, dto: CreateSessionDto): Promise<unknown> {
    return this.tx.run(async (m) => {
      const id = newId(this.clock);
      await m.query(`INSERT INTO auction_sessions (id, name, theme, run_mode, starts_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`, [id, dto.name, dto.theme, dto.runMode, new Date(dto.startsAt), actor.userId]);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'session.created', subjectType: 'auction_session', subjectId: id, occurredAt: this.clock.now() });
      return this.get(id);
    });
  }

  async list(): Promise<unknown[]> {
    return this.db.query(`SELECT id, name, theme, run_mode AS "runMode", starts_at AS "startsAt", (SELECT count(*)::int FROM lots WHERE session_id = s.id) AS "lotCount" FROM auction_sessions s ORDER BY starts_at DESC LIMIT 100`);
  }

  async get(id: string): Promise<unknown> {
    const rows = (await this.db.query(`SELECT id, name, theme, run_mode AS "runMode", starts_at AS "startsAt" FROM auction_sessions WHERE id = $1`, [id])) as Record<string, unknown>[];
    if (!rows[0]) throw new NotFoundError('SESSION_NOT_FOUND', 'No such session');
    const lots = await this.db.query(
      `SELECT id, title, status, starts_at AS "startsAt", ends_at AS "endsAt", current_fen::text AS "currentFen", bid_count AS "bidCount" FROM lots WHERE session_id = $1 ORDER BY starts_at, id`,
      [id],
    );
    return { ...rows[0], lots };
  }
}

@ApiTags('auctions')
@Controller('auction-sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post()
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateSessionDto): Promise<unknown> {
    return this.sessions.create(actor, body);
  }

  @Public()
  @OrgScope.none()
  @Get()
  list(): Promise<unknown[]> {
    return this.sessions.list();
  }

  @Public()
  @OrgScope.none()
  @Get(':id')
  get(@Param('id', ParseIdPipe) id: string): Promise<unknown> {
    return this.sessions.get(id);
  }
}
