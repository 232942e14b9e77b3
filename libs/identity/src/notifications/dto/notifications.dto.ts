import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { Omittable, PageQuery, QueryBoolean } from '@zjp/platform';

export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional() @Omittable() @QueryBoolean() @IsBoolean() unreadOnly?: boolean;
}

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

/** One notice of the organisation's inbox. */
export class NotificationDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'rule_state_changed' }) kind!: string;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what the notice is about (ids), by kind' }) data!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) readAt!: string | null;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] }) items!: NotificationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
