import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, ParseIdPipe, Public, Roles, type Principal } from '@zjp/platform';
import { CreateSessionDto } from './dto/create-session.dto';
import { SessionDto, SessionSummaryDto } from './dto/session.dto';
import { SessionsService } from './sessions.service';

@ApiTags('auctions')
@Controller('auction-sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post()
  @ApiCreatedResponse({ type: SessionDto })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateSessionDto): Promise<SessionDto> {
    return this.sessions.create(actor, body);
  }

  @Public()
  @OrgScope.none()
  @Get()
  @ApiOkResponse({ type: [SessionSummaryDto] })
  list(): Promise<SessionSummaryDto[]> {
    return this.sessions.list();
  }

  @Public()
  @OrgScope.none()
  @Get(':id')
  @ApiOkResponse({ type: SessionDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<SessionDto> {
    return this.sessions.get(id);
  }
}
