import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { Omittable, QueryBoolean } from '@zjp/platform';

export class ListNotificationsQuery {
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
