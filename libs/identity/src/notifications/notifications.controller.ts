import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, ParseIdPipe, type Principal, OrgScope } from '@zjp/platform';
import { ListNotificationsQuery, NotificationPageDto, ReadAllNotificationsDto } from './dto/notifications.dto';
import { NotificationsService } from './notifications.service';

export { ListNotificationsQuery, NotificationView, ReadAllNotificationsDto } from './dto/notifications.dto';

/**
 * The organisation's in-app inbox (rule changes, applications, decisions, auctions, deposits,
 * contracts, payments, subsidies), newest first. Each new notice is also pushed to the users'
 * sockets as the event `notification`. Email comes later.
 */
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
  @OrgScope.none()
  @ApiOkResponse({ type: ReadAllNotificationsDto })
  @Post('read-all')
  @HttpCode(200)
  async readAll(@CurrentPrincipal() actor: Principal): Promise<ReadAllNotificationsDto> {
    return { marked: await this.notifications.readAll(actor) };
  }

  @Authenticated()
  @OrgScope.owned('notification')
  @ApiNoContentResponse()
  @Post(':id/read')
  @HttpCode(204)
  read(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.notifications.read(actor, id);
  }
}
