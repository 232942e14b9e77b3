import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { DecisionDto } from '../dto/decision.dto';
import { ListJustificationsQuery, SubmitJustificationDto, type JustificationView } from './dto/justification.dto';
import { JustificationsService } from './justifications.service';

@ApiTags('justifications')
@ApiBearerAuth()
@Controller()
export class JustificationsController {
  constructor(private readonly justifications: JustificationsService) {}

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('achievement')
  @Post('achievements/:id/justifications')
  submit(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: SubmitJustificationDto): Promise<JustificationView> {
    return this.justifications.submit(actor, id, body);
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.filtered('justification')
  @Get('justifications')
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListJustificationsQuery): Promise<JustificationView[]> {
    return this.justifications.list(actor, query.status);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('justification')
  @Post('justifications/:id/approve')
  @HttpCode(200)
  approve(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<JustificationView> {
    return this.justifications.decide(actor, id, true, body.reason);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('justification')
  @Post('justifications/:id/reject')
  @HttpCode(200)
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<JustificationView> {
    return this.justifications.decide(actor, id, false, body.reason);
  }
}
