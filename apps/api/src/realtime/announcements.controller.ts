import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, IsUUID, Length } from 'class-validator';
import { Clock, CLOCK, newId } from '@zjp/core';
import { Roles, Omittable, OrgScope } from '@zjp/platform';
import { AnnouncementEvent, RealtimePublisher, SERVER_EVENTS } from '@zjp/realtime';

export class CreateAnnouncementDto {
  @ApiProperty({ example: '长三角拍专场 10 分钟后开始' }) @IsString() @Length(1, 500) message!: string;
  @ApiPropertyOptional({ description: 'only to the watchers of this lot' }) @Omittable() @IsUUID() lotId?: string;
}

/** Operator announcements, pushed live to every connected client or to one lot's room. */
@ApiTags('realtime')
@ApiBearerAuth()
@Controller('realtime/announcements')
export class AnnouncementsController {
  constructor(
    private readonly publisher: RealtimePublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Roles('platform_admin')
  @OrgScope.none()
  @Post()
  @HttpCode(202)
  announce(@Body() body: CreateAnnouncementDto): AnnouncementEvent {
    const event: AnnouncementEvent = { id: newId(this.clock), message: body.message, lotId: body.lotId ?? null, at: this.clock.now().toISOString() };
    if (body.lotId) this.publisher.toLot(body.lotId, SERVER_EVENTS.announcement, event);
    else this.publisher.toAll(SERVER_EVENTS.announcement, event);
    return event;
  }
}
