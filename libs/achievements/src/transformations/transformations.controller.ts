import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, PageQuery, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { DecisionDto } from '../dto/decision.dto';
import { DeclareImplementationDto, TransformationDto, TransformationPageDto } from './dto/transformation.dto';
import { TransformationsService } from './transformations.service';

@ApiTags('transformations')
@ApiBearerAuth()
@Controller()
export class TransformationsController {
  constructor(private readonly transformations: TransformationsService) {}

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('achievement')
  @ApiOkResponse({ type: TransformationDto })
  @Post('achievements/:id/implementations')
  declare(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DeclareImplementationDto): Promise<TransformationDto> {
    return this.transformations.declare(actor, id, body);
  }

  @Authenticated()
  @OrgScope.owned('achievement')
  @Get('achievements/:id/transformations')
  @ApiOkResponse({ type: TransformationPageDto })
  list(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: PageQuery): Promise<TransformationPageDto> {
    return this.transformations.listFor(actor, id, query);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('transformation')
  @Post('transformations/:id/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: TransformationDto })
  confirm(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<TransformationDto> {
    return this.transformations.decide(actor, id, true, body.reason);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('transformation')
  @Post('transformations/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: TransformationDto })
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<TransformationDto> {
    return this.transformations.decide(actor, id, false, body.reason);
  }
}
