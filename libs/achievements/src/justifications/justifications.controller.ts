import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { DecisionDto } from '../dto/decision.dto';
import { ApproveJustificationDto, JustificationDto, JustificationPageDto, ListJustificationsQuery, SubmitJustificationDto } from './dto/justification.dto';
import { JustificationsService } from './justifications.service';

@ApiTags('justifications')
@ApiBearerAuth()
@Controller()
export class JustificationsController {
  constructor(private readonly justifications: JustificationsService) {}

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('achievement')
  @ApiOkResponse({ type: JustificationDto })
  @Post('achievements/:id/justifications')
  submit(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: SubmitJustificationDto): Promise<JustificationDto> {
    return this.justifications.submit(actor, id, body);
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.filtered('justification')
  @ApiOkResponse({ type: JustificationPageDto })
  @Get('justifications')
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListJustificationsQuery): Promise<JustificationPageDto> {
    return this.justifications.list(actor, query);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('justification')
  @Post('justifications/:id/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: JustificationDto })
  approve(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: ApproveJustificationDto): Promise<JustificationDto> {
    return this.justifications.decide(actor, id, true, body.reason, body.endsOn);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('justification')
  @Post('justifications/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: JustificationDto })
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<JustificationDto> {
    return this.justifications.decide(actor, id, false, body.reason);
  }
}
