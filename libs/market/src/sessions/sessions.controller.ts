import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, PageQuery, ParseIdPipe, Public, Roles, type Principal } from '@zjp/platform';
import { CreateSessionDto } from './dto/create-session.dto';
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
