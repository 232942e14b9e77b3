import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, PageQuery, Roles, type Principal } from '@zjp/platform';
import { OwnRegistrationPageDto } from './bidder-registrations.dto';
import { LotsService } from './lots.service';

/** The enterprise's desk: the lots it registered for, its deposits, bids and wins (its own organisation's only). */
@ApiTags('lots')
@ApiBearerAuth()
@Controller('bidder-registrations')
export class BidderRegistrationsController {
  constructor(private readonly lots: LotsService) {}

  @Roles('enterprise_admin', 'enterprise_member')
  @OrgScope.none() // the service reads the caller's own organisation only
  @Get()
  @ApiOkResponse({ type: OwnRegistrationPageDto })
  list(@CurrentPrincipal() actor: Principal, @Query() query: PageQuery): Promise<OwnRegistrationPageDto> {
    return this.lots.ownRegistrations(actor, query.limit, query.offset);
  }
}
