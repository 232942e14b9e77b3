import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { NotFoundError } from '@zjp/core';
import { Authenticated, CurrentPrincipal, ParseIdPipe, type Principal, Omittable, QueryBoolean, OrgScope } from '@zjp/platform';
import { DataSource } from 'typeorm';

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

/** The organisation's in-app inbox (rule changes, applications, decisions). Email comes later. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly db: DataSource) {}

  @Authenticated()
  @OrgScope.filtered('notification')
  @Get()
  async list(@CurrentPrincipal() actor: Principal, @Query() query: ListNotificationsQuery): Promise<NotificationView[]> {
    return (await this.db.query(
      `SELECT id, kind, title, body, data, created_at AS "createdAt", read_at AS "readAt" FROM notifications
        WHERE organization_id = $1 AND (NOT $2 OR read_at IS NULL) ORDER BY created_at DESC, id LIMIT 100`,
      [actor.organizationId, query.unreadOnly ?? false],
    )) as NotificationView[];
  }

  @Authenticated()
  @OrgScope.owned('notification')
  @Post(':id/read')
  @HttpCode(204)
  async read(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    const [, count] = (await this.db.query(`UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND organization_id = $2`, [id, actor.organizationId])) as [unknown, number];
    if (count === 0) throw new NotFoundError('NOTIFICATION_NOT_FOUND', 'No such notification');
  }
}
