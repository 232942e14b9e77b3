import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, ParseIdPipe, Roles, type Principal } from '@zjp/platform';
import { RecordedHistoryDto, RecordJustificationDto, RecordRegistrationDto, RecordTransformationDto } from './dto/history.dto';
import { HistoryService } from './history.service';

/** Recorded history of an achievement (a registry's past): recorded by the holder's administrator or the operator. */
@ApiTags('achievements: recorded history')
@ApiBearerAuth()
@Controller('achievements/:id/history')
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Roles('holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.owned('achievement')
  @ApiOkResponse({ type: RecordedHistoryDto })
  @Get()
  list(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<RecordedHistoryDto> {
    return this.history.history(actor, id);
  }

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('achievement')
  @ApiOkResponse({ type: RecordedHistoryDto })
  @Post('registration')
  registration(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RecordRegistrationDto): Promise<RecordedHistoryDto> {
    return this.history.recordRegistration(actor, id, body);
  }

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('achievement')
  @ApiOkResponse({ type: RecordedHistoryDto })
  @Post('transformations')
  transformation(
    @CurrentPrincipal() actor: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: RecordTransformationDto,
  ): Promise<RecordedHistoryDto> {
    return this.history.recordTransformation(actor, id, body);
  }

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('achievement')
  @ApiOkResponse({ type: RecordedHistoryDto })
  @Post('justifications')
  justification(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RecordJustificationDto): Promise<RecordedHistoryDto> {
    return this.history.recordJustification(actor, id, body);
  }
}
