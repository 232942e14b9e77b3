import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, PageQuery, ParseIdPipe, Public, Roles, type Principal } from '@zjp/platform';
import { CreateSessionDto, ManageSessionsQuery } from './dto/create-session.dto';
import { SessionDto, SessionPageDto } from './dto/session.dto';
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

  /** The operator's list: drafts included, filtered by status and theme, sorted on the server. */
  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Get('manage')
  @ApiOkResponse({ type: SessionPageDto })
  manage(@Query() query: ManageSessionsQuery): Promise<SessionPageDto> {
    return this.sessions.manage(query);
  }

  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post(':id/publish')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionDto })
  publish(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<SessionDto> {
    return this.sessions.publish(actor, id);
  }

  /** The published sessions (drafts are not listed). */
  @Public()
  @OrgScope.none()
  @Get()
  @ApiOkResponse({ type: SessionPageDto })
  list(@Query() query: PageQuery): Promise<SessionPageDto> {
    return this.sessions.list(query);
  }

  @Public()
  @OrgScope.none()
  @Get(':id')
  @ApiOkResponse({ type: SessionDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<SessionDto> {
    return this.sessions.get(id);
  }
}
