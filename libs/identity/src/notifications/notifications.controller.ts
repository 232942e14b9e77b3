import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, ParseIdPipe, type Principal, OrgScope } from '@zjp/platform';
import { ListNotificationsQuery, NotificationPageDto } from './dto/notifications.dto';
import { NotificationsService } from './notifications.service';

export { ListNotificationsQuery, type NotificationView } from './dto/notifications.dto';

/** The organisation's in-app inbox (rule changes, applications, decisions). Email comes later. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Authenticated()
  @OrgScope.filtered('notification')
  @Get()
  @ApiOkResponse({ type: NotificationPageDto })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListNotificationsQuery): Promise<NotificationPageDto> {
    return this.notifications.list(actor, query);
  }

  @Authenticated()
  @OrgScope.owned('notification')
  @Post(':id/read')
  @HttpCode(204)
  read(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.notifications.read(actor, id);
  }
}
