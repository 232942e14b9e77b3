import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, ParseIdPipe, Public, Roles, type Principal } from '@zjp/platform';
import { CreateSessionDto } from './dto/create-session.dto';
import { SessionsService } from './sessions.service';

@ApiTags('auctions')
@Controller('auction-sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post()
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateSessionDto): Promise<unknown> {
    return this.sessions.create(actor, body);
  }

  @Public()
  @OrgScope.none()
  @Get()
  list(): Promise<unknown[]> {
    return this.sessions.list();
  }

  @Public()
  @OrgScope.none()
  @Get(':id')
  get(@Param('id', ParseIdPipe) id: string): Promise<unknown> {
    return this.sessions.get(id);
  }
}
