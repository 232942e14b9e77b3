import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ActsFor, CurrentPrincipal, OrgScope, PageQuery, ParseIdPipe, Roles, type Principal } from '@zjp/platform';
import { AgreementDto, CreateListingDto, DeclareIntentDto, DefaultDto, IntentPageDto, ListingBidderPageDto, ListingCreatedDto } from './dto/listing-flow.dto';
import { ListingFlowsService } from './listing-flows.service';

@ApiTags('listings')
@ApiBearerAuth()
@Controller()
export class ListingFlowsController {
  constructor(private readonly flows: ListingFlowsService) {}

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('achievement', 'body:achievementId')
  @ActsFor('list', 'achievement', 'body:achievementId')
  @Post('listings')
  @ApiCreatedResponse({ type: ListingCreatedDto })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateListingDto): Promise<ListingCreatedDto> {
    return this.flows.create(actor, body);
  }

  @Roles('enterprise_admin')
  @OrgScope.none()
  @ActsFor('negotiate', 'listing')
  @Post('listings/:id/intents')
  declare(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DeclareIntentDto) {
    return this.flows.declareIntent(actor, id, body);
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('listing')
  @Get('listings/:id/intents')
  @ApiOkResponse({ type: IntentPageDto })
  async intents(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: PageQuery): Promise<IntentPageDto> {
    const page = await this.flows.intents(actor, id, query);
    return { ...page, items: page.items.map((i) => ({ ...i, declaredAt: new Date(i.declaredAt).toISOString() })) };
  }

  /** The bidders registered for the listing's lot: how many, paddles and pseudonyms (who they are is the operator's to know). */
  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('listing')
  @Get('listings/:id/bidders')
  @ApiOkResponse({ type: ListingBidderPageDto })
  bidders(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: PageQuery): Promise<ListingBidderPageDto> {
    return this.flows.bidders(actor, id, query);
  }

  /** Normally the worker concludes at the end of the notice; the operator may run it (it refuses before the end). */
  @Roles('platform_admin')
  @OrgScope.owned('listing')
  @Post('listings/:id/conclusion')
  @HttpCode(200)
  conclude(@Param('id', ParseIdPipe) id: string) {
    return this.flows.conclude(id);
  }

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('listing')
  @ActsFor('negotiate', 'listing')
  @Post('listings/:id/agreements')
  agree(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: AgreementDto) {
    return this.flows.agree(actor, id, body);
  }

  @Roles('platform_admin')
  @OrgScope.owned('deal')
  @Post('deals/:id/default')
  @HttpCode(200)
  defaultDeal(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: DefaultDto) {
    return this.flows.defaultDeal(actor, id, body.reason);
  }
}
