import { Body, Controller, Get, HttpCode, Inject, Injectable, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { Clock, CLOCK, ConflictError, ForbiddenError, NotFoundError } from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import { CurrentPrincipal, IsFen, ParseIdPipe, Public, Roles, type Principal, Omittable, OrgScope } from '@zjp/platform';
import { DataSource, EntityManager } from 'typeorm';

export class SetPriceDto {
  @ApiProperty({ example: '80000000', description: 'fen' }) @IsFen() priceFen!: string;
}

export class WithdrawListingDto {
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}

export class ListListingsQuery {
  @ApiPropertyOptional() @Omittable() @Matches(/^[0-9a-f-]{36}$/i, { message: 'achievementId must be a UUID' }) achievementId?: string;
}

export interface ListingView {
  id: string;
  achievementId: string;
  holderId: string;
  mode: string;
  forced: boolean;
  ruleClause: string | null;
  priceFen: string | null;
  priceDeadline: string | null;
  status: string;
  statusReason: string | null;
  createdAt: string;
}

const SELECT = `SELECT id, achievement_id AS "achievementId", holder_id AS "holderId", mode, forced, rule_clause AS "ruleClause",
  price_fen::text AS "priceFen", to_char(price_deadline, 'YYYY-MM-DD') AS "priceDeadline", status, status_reason AS "statusReason", created_at AS "createdAt" FROM listings`;

/**
 * Listings on the market. For now: the forced fixed-price listings that P-2Y opens (the scan
 * creates them); auctions and negotiated listings come with the market issue.
 */
@Injectable()
export class ListingsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(achievementId?: string): Promise<ListingView[]> {
    return (await this.db.query(`${SELECT} WHERE status IN ('active', 'suspended') AND ($1::uuid IS NULL OR achievement_id = $1) ORDER BY created_at DESC LIMIT 100`, [achievementId ?? null])) as ListingView[];
  }

  async get(id: string): Promise<ListingView> {
    const rows = (await this.db.query(`${SELECT} WHERE id = $1`, [id])) as ListingView[];
    if (!rows[0]) throw new NotFoundError('LISTING_NOT_FOUND', 'No such listing');
    return rows[0];
  }

  /** The holder sets the price of a forced listing flagged "price to be set". */
  async setPrice(actor: Principal, id: string, priceFen: bigint): Promise<ListingView> {
    return this.tx.run(async (m) => {
      const l = await this.lock(m, id);
      if (!(actor.organizationId === l.holder_id && actor.roles.includes('holder_admin')) && !actor.roles.includes('platform_admin')) {
        throw new ForbiddenError('ORGANIZATION_BOUNDARY', "Only the holder's administrator sets this price");
      }
      if (l.status !== 'active') throw new ConflictError('LISTING_NOT_ACTIVE', `The listing is ${l.status}`);
      await m.query(`UPDATE listings SET price_fen = $2, price_deadline = NULL, updated_at = now() WHERE id = $1`, [id, priceFen.toString()]);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'listing.price_set', subjectType: 'listing', subjectId: id, data: { priceFen: priceFen.toString() }, occurredAt: this.clock.now() });
      return ((await m.query(`${SELECT} WHERE id = $1`, [id])) as ListingView[])[0];
    });
  }

  /** A forced listing (P-2Y) can be withdrawn only by the operator; an ordinary one by its holder too. */
  async withdraw(actor: Principal, id: string, reason: string): Promise<ListingView> {
    return this.tx.run(async (m) => {
      const l = await this.lock(m, id);
      const isOperator = actor.roles.includes('platform_admin');
      if (l.forced && !isOperator) throw new ForbiddenError('FORCED_LISTING', 'A listing forced by P-2Y can only be withdrawn by an administrator');
      if (!isOperator && !(actor.organizationId === l.holder_id && actor.roles.includes('holder_admin'))) throw new ForbiddenError('ORGANIZATION_BOUNDARY', 'Not your listing');
      if (l.status === 'withdrawn' || l.status === 'closed') throw new ConflictError('LISTING_NOT_ACTIVE', `The listing is ${l.status}`);
      await m.query(`UPDATE listings SET status = 'withdrawn', status_reason = $2, updated_at = now() WHERE id = $1`, [id, reason]);
      await recordAudit(m, { actorUserId: actor.userId, actorOrganizationId: actor.organizationId, action: 'listing.withdrawn', subjectType: 'listing', subjectId: id, reason, occurredAt: this.clock.now() });
      return ((await m.query(`${SELECT} WHERE id = $1`, [id])) as ListingView[])[0];
    });
  }

  private async lock(m: EntityManager, id: string): Promise<{ holder_id: string; forced: boolean; status: string }> {
    const rows = (await m.query(`SELECT holder_id, forced, status FROM listings WHERE id = $1 FOR UPDATE`, [id])) as { holder_id: string; forced: boolean; status: string }[];
    if (!rows[0]) throw new NotFoundError('LISTING_NOT_FOUND', 'No such listing');
    return rows[0];
  }
}

@ApiTags('listings')
@Controller('listings')
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Public()
  @OrgScope.none()
  @Get()
  list(@Query() query: ListListingsQuery): Promise<ListingView[]> {
    return this.listings.list(query.achievementId);
  }

  @Public()
  @OrgScope.none()
  @Get(':id')
  get(@Param('id', ParseIdPipe) id: string): Promise<ListingView> {
    return this.listings.get(id);
  }

  @ApiBearerAuth()
  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('listing')
  @Put(':id/price')
  setPrice(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: SetPriceDto): Promise<ListingView> {
    return this.listings.setPrice(actor, id, BigInt(body.priceFen));
  }

  @ApiBearerAuth()
  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('listing')
  @Post(':id/withdraw')
  @HttpCode(200)
  withdraw(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: WithdrawListingDto): Promise<ListingView> {
    return this.listings.withdraw(actor, id, body.reason);
  }
}
