import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, ParseIdPipe, Roles, type Principal, OrgScope } from '@zjp/platform';
import { DecisionDto } from '../dto/decision.dto';
import { DeclareImplementationDto, type TransformationView } from './dto/transformation.dto';
import { TransformationsService } from './transformations.service';

@ApiTags('transformations')
@ApiBearerAuth()
@Controller()
export class TransformationsController {
  constructor(private readonly transformations: TransformationsService) {}

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('achievement')
  @Post('achievements/:id/implementations')
  declare(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DeclareImplementationDto): Promise<TransformationView> {
    return this.transformations.declare(actor, id, body);
  }

  @Authenticated()
  @OrgScope.owned('achievement')
  @Get('achievements/:id/transformations')
  list(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<TransformationView[]> {
    return this.transformations.listFor(actor, id);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('transformation')
  @Post('transformations/:id/confirm')
  @HttpCode(200)
  confirm(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<TransformationView> {
    return this.transformations.decide(actor, id, true, body.reason);
  }

  @Roles('platform_admin', 'authority_admin')
  @OrgScope.owned('transformation')
  @Post('transformations/:id/reject')
  @HttpCode(200)
  reject(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DecisionDto): Promise<TransformationView> {
    return this.transformations.decide(actor, id, false, body.reason);
  }
}
