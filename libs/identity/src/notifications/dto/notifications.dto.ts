import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { Omittable, PageQuery, QueryBoolean } from '@zjp/platform';

export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'only the notices not read yet' }) @Omittable() @QueryBoolean() @IsBoolean() unreadOnly?: boolean;
}

/** The stable codes of the notices (`kind`); the text is Chinese, for display. */
export const NOTIFICATION_KINDS = [
  'outbid',
  'lot_starting_soon',
  'lot_won',
  'lot_lost',
  'deposit_released',
  'deposit_applied',
  'contract_ready_to_sign',
  'payment_received',
  'subsidy_decision',
] as const;

/** One notice of the organisation's inbox; also the payload of the socket event `notification`. */
export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    description: `a stable code: ${NOTIFICATION_KINDS.join(', ')} (enterprises); rule.<state>, free_license.applied|approved|rejected (the registry's)`,
    example: 'outbid',
  })
  kind!: string;
  @ApiProperty({ example: '您的出价已被超越' }) title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'what the notice is about, for a link: { lotId }, { contractId }, { applicationId }, { depositId }, amounts in fen as strings',
    example: { lotId: '0193a0a0-0000-7000-8000-000000000000', currentFen: '1060000' },
  })
  data!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readAt!: string | null;
}

export class ReadAllNotificationsDto {
  @ApiProperty({ description: 'how many notices were marked read' }) marked!: number;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationView] }) items!: NotificationView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
