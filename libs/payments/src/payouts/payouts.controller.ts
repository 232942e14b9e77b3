import { Body, Controller, Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, IsUUID, Length } from 'class-validator';
import type { Response } from 'express';
import { CurrentPrincipal, IsFen, IsLocalDate, PageQuery, ParseIdPipe, Roles, type Principal, Omittable, OrgScope } from '@zjp/platform';
import { Payout, PayoutsService } from './payouts.service';

export class RecordPayoutDto {
  @ApiProperty({ format: 'uuid', description: 'the organisation paid (the seller)' }) @IsUUID('all') organizationId!: string;
  @ApiProperty({ example: '900000', description: 'fen' }) @IsFen() amountFen!: string;
  @ApiProperty({ example: 'ICBC-OUT-20260310-000001', description: "the bank's reference of the transfer out" })
  @IsString()
  @Length(1, 100)
  bankReference!: string;
  @ApiProperty({ example: '2026-03-10', description: 'the day the transfer was made (Asia/Shanghai), not in the future' }) @IsLocalDate() paidOn!: string;
  @ApiPropertyOptional({ example: '合同价款结算' }) @Omittable() @IsString() @Length(1, 2000) note?: string;
  @ApiProperty({ description: 'the same key again returns the same payout' }) @IsString() @Length(8, 100) idempotencyKey!: string;
}

/** A payout to a seller, made by bank transfer and recorded by the operator. */
export class PayoutDto {
  @ApiProperty() id!: string;
  @ApiProperty() organizationId!: string;
  @ApiProperty({ description: 'fen' }) amountFen!: string;
  @ApiProperty() bankReference!: string;
  @ApiProperty({ format: 'date' }) paidOn!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class PayoutPageDto {
  @ApiProperty({ type: [PayoutDto] }) items!: PayoutDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** What an organisation may be paid out (P-PAY: proceeds less refunds in flight). */
export class PayoutBalanceDto {
  @ApiProperty() organizationId!: string;
  @ApiProperty({ description: 'fen: contract proceeds received for it and not yet paid out' }) proceedsFen!: string;
  @ApiProperty({ description: 'fen: refunds asked of the provider and not answered yet' }) pendingRefundsFen!: string;
  @ApiProperty({ description: 'fen: what may be paid out now' }) availableFen!: string;
  @ApiProperty({ description: 'fen: paid out so far' }) paidOutFen!: string;
}

export interface PayoutView {
  id: string;
  organizationId: string;
  amountFen: string;
  bankReference: string;
  paidOn: string;
  note: string | null;
  createdAt: Date;
}

export const toPayoutView = (p: Payout): PayoutView => ({
  id: p.id,
  organizationId: p.organizationId,
  amountFen: p.amountFen.toString(),
  bankReference: p.bankReference,
  paidOn: p.paidOn,
  note: p.note,
  createdAt: p.createdAt,
});

const PAYEE_READERS = ['holder_admin', 'holder_member', 'platform_admin'] as const;

@ApiTags('payments')
@ApiBearerAuth()
@Controller()
export class PayoutsController {
  constructor(private readonly payouts: PayoutsService) {}

  /**
   * An administrator records a payout to a seller made by bank transfer: at most what the seller
   * has available (its contract proceeds less refunds in flight). 201 when recorded, 200 when the
   * same idempotency key returns the payout recorded before.
   */
  @Roles('platform_admin')
  @OrgScope.none()
  @Post('payouts')
  @ApiCreatedResponse({ type: PayoutDto })
  async record(@CurrentPrincipal() actor: Principal, @Body() body: RecordPayoutDto, @Res({ passthrough: true }) res: Response): Promise<PayoutView> {
    const { payout, created } = await this.payouts.record(actor, { ...body, amountFen: BigInt(body.amountFen) });
    res.status(created ? 201 : 200);
    return toPayoutView(payout);
  }

  /** What an organisation has been paid out and may still be paid out: its own users, and administrators. */
  @Roles(...PAYEE_READERS)
  @OrgScope.owned('organization')
  @Get('organizations/:id/payouts')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: PayoutPageDto })
  async list(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: PageQuery): Promise<PayoutPageDto> {
    const { items, total } = await this.payouts.page(actor, id, query);
    return { items: items.map(toPayoutView), total, limit: query.limit, offset: query.offset };
  }

  /** What the organisation may be paid out now (the summary beside its payouts). */
  @Roles(...PAYEE_READERS)
  @OrgScope.owned('organization')
  @Get('organizations/:id/payout-balance')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: PayoutBalanceDto })
  async balance(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<PayoutBalanceDto> {
    const b = await this.payouts.balance(actor, id);
    return {
      organizationId: id,
      proceedsFen: b.proceedsFen.toString(),
      pendingRefundsFen: b.pendingRefundsFen.toString(),
      availableFen: b.availableFen.toString(),
      paidOutFen: b.paidOutFen.toString(),
    };
  }
}
