import { Body, Controller, Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { CurrentPrincipal, IsFen, IsLocalDate, ParseIdPipe, Roles, type Principal, Omittable, OrgScope } from '@zjp/platform';
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

export class ListPayoutsQuery {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  @ApiPropertyOptional({ default: 0, minimum: 0 }) @Omittable() @Type(() => Number) @IsInt() @Min(0) @Max(100_000) offset?: number;
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
  async list(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: ListPayoutsQuery) {
    const o = await this.payouts.overview(actor, id, { limit: query.limit ?? 20, offset: query.offset ?? 0 });
    return {
      organizationId: id,
      proceedsFen: o.proceedsFen.toString(),
      pendingRefundsFen: o.pendingRefundsFen.toString(),
      availableFen: o.availableFen.toString(),
      paidOutFen: o.paidOutFen.toString(),
      items: o.items.map(toPayoutView),
      total: o.total,
    };
  }
}
