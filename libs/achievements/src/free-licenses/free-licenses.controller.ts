import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, PageQuery, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { DecisionDto } from '../dto/decision.dto';
import { ApplyFreeLicenseDto, FreeLicenseApplicationPageDto, type FreeLicenseApplicationView } from './dto/free-license.dto';
import { FreeLicensesService } from './free-licenses.service';

@ApiTags('free licences (P-3Y)')
@ApiBearerAuth()
@Controller()
export class FreeLicensesController {
  constructor(private readonly freeLicenses: FreeLicensesService) {}

  @Roles('enterprise_admin')
  @OrgScope.none()
  @Post('achievements/:id/free-license-applications')
  apply(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: ApplyFreeLicenseDto): Promise<FreeLicenseApplicationView> {
    return this.freeLicenses.apply(actor, id, body);
  }

  @Roles('enterprise_admin', 'enterprise_member', 'holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.filtered('freeLicense')
  @Get('free-license-applications')
  @ApiOkResponse({ type: FreeLicenseApplicationPageDto })
  list(@CurrentPrincipal() actor: Principal, @Query() query: PageQuery): Promise<FreeLicenseApplicationPageDto> {
    return this.freeLicenses.list(actor, query);
  }

  @Roles('platform_admin')
  @OrgScope.owned('freeLicense')
  @Post('free-license-applications/:id/approve')
  @HttpCode(200)
  approve(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<FreeLicenseApplicationView> {
    return this.freeLicenses.decide(actor, id, true, body.reason);
  }

  @Roles('platform_admin')
  @OrgScope.owned('freeLicense')
  @Post('free-license-applications/:id/reject')
  @HttpCode(200)
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<FreeLicenseApplicationView> {
    return this.freeLicenses.decide(actor, id, false, body.reason);
  }
}
