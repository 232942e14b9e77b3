import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ActsFor, CurrentPrincipal, PageQuery, ParseIdPipe, Public, Roles, type Principal, OrgScope, RateLimit } from '@zjp/platform';
import { RealtimePublisher } from '@zjp/realtime';
import { BiddingEngine, BidResult } from '../bidding/bidding-engine';
import { LOT_EVENTS } from '../bidding/lot-events.publisher';
import { CloseResult, LotClosingService } from '../closing/lot-closing.service';
import { BidsQuery, CallDto, CreateAuctionDto, FloorBidDto, OfflineRegistrationDto, PlaceBidDto, RegisterBidderDto, WithdrawLotDto } from './lots.dto';
import { DiscoverLotsQuery, LotPageDto } from './lot-discovery.dto';
import { BidResultDto, CallResultDto, CloseResultDto, LotBidsDto, LotDto, LotRegistrationPageDto, RegistrationDto } from './lot-responses.dto';
import { LotsService, LotView, RegistrationView } from './lots.service';

@ApiTags('auctions')
@Controller('lots')
export class LotsController {
  constructor(
    private readonly lots: LotsService,
    private readonly engine: BiddingEngine,
    private readonly closing: LotClosingService,
    private readonly realtime: RealtimePublisher,
  ) {}

  @ApiBearerAuth()
  @Roles('holder_admin', 'platform_admin')
  @OrgScope.none()
  @ActsFor('list', 'achievement', 'body:achievementId')
  @Post()
  @ApiCreatedResponse({ type: LotDto })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateAuctionDto): Promise<LotView> {
    return this.lots.createAuction(actor, body);
  }

  /** Lot discovery: live, upcoming and closed lots, by session, technical field and the holder's region. */
  @Public()
  @OrgScope.none()
  @Get()
  @ApiOkResponse({ type: LotPageDto })
  discover(@Query() query: DiscoverLotsQuery): Promise<LotPageDto> {
    return this.lots.discover(query);
  }

  @Public()
  @OrgScope.none()
  @Get(':id')
  @ApiOkResponse({ type: LotDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<LotView> {
    return this.lots.get(id);
  }

  /** The accepted bids after a sequence number, with the hash chain and its head. */
  @Public()
  @OrgScope.none()
  @Get(':id/bids')
  @ApiOkResponse({ type: LotBidsDto })
  bids(@Param('id', ParseIdPipe) id: string, @Query() query: BidsQuery): Promise<LotBidsDto> {
    return this.lots.bids(id, query.afterSeq, query.limit);
  }

  @ApiBearerAuth()
  @Roles('enterprise_admin')
  @OrgScope.none()
  @RateLimit('registration-user')
  @ActsFor('register_and_bid', 'lot')
  @Post(':id/registrations')
  @ApiCreatedResponse({ type: RegistrationDto })
  register(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: RegisterBidderDto): Promise<RegistrationView> {
    return this.lots.register(actor, id, body.paymentMethod);
  }

  @ApiBearerAuth()
  @Roles('enterprise_admin', 'enterprise_member')
  @OrgScope.none()
  @ActsFor('register_and_bid', 'lot')
  @Get(':id/registrations/mine')
  @ApiOkResponse({ type: RegistrationDto })
  mine(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<RegistrationView> {
    return this.lots.myRegistration(actor, id);
  }

  @ApiBearerAuth()
  @Roles('enterprise_admin', 'enterprise_member')
  @OrgScope.none()
  @RateLimit('bid-user')
  @ActsFor('register_and_bid', 'lot')
  @Post(':id/bids')
  @HttpCode(200)
  @ApiOkResponse({ type: BidResultDto })
  bid(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: PlaceBidDto): Promise<BidResult> {
    return this.engine.submit({
      lotId: id,
      organizationId: actor.organizationId,
      userId: actor.userId,
      amountFen: BigInt(body.amountFen),
      maxFen: body.maxFen === undefined ? undefined : BigInt(body.maxFen),
      idempotencyKey: body.idempotencyKey,
      source: 'online',
    });
  }

  // The auctioneer console (P-AUC: online and floor bids go through the same engine, in server order).

  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post(':id/offline-registrations')
  @ApiCreatedResponse({ type: RegistrationDto })
  registerOffline(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: OfflineRegistrationDto): Promise<RegistrationView> {
    return this.lots.registerOffline(actor, id, body);
  }

  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post(':id/floor-bids')
  @HttpCode(200)
  @ApiOkResponse({ type: BidResultDto })
  floorBid(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: FloorBidDto): Promise<BidResult> {
    return this.engine.submit({ lotId: id, paddleNumber: body.paddleNumber, userId: actor.userId, amountFen: BigInt(body.amountFen), source: 'floor' });
  }

  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post(':id/calls')
  @HttpCode(202)
  @ApiOkResponse({ type: CallResultDto })
  async call(@Param('id', ParseIdPipe) id: string, @Body() body: CallDto): Promise<CallResultDto> {
    await this.lots.get(id);
    this.realtime.toLot(id, LOT_EVENTS.call, { lotId: id, call: body.call });
    return { lotId: id, call: body.call };
  }

  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post(':id/hammer')
  @HttpCode(200)
  @ApiOkResponse({ type: CloseResultDto })
  hammer(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<CloseResult> {
    return this.closing.close(id, { hammer: true, actorUserId: actor.userId });
  }

  /** The auctioneer puts a live lot on the block now (one at a time per session). */
  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post(':id/open')
  @HttpCode(200)
  @ApiOkResponse({ type: LotDto })
  async open(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<LotView> {
    const lot = await this.lots.open(actor, id);
    this.realtime.toLot(id, LOT_EVENTS.opened, { lotId: id, startsAt: lot.startsAt, endsAt: lot.endsAt }); // the room reloads the lot
    return lot;
  }

  /** 撤拍: the operator withdraws a lot that has not closed; it closes unsold ('withdrawn') and every deposit is released. */
  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: CloseResultDto })
  withdraw(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: WithdrawLotDto): Promise<CloseResult> {
    return this.closing.close(id, { withdraw: { reason: body.reason }, actorUserId: actor.userId });
  }

  /** The paddles of a lot with the organisations behind them (the auctioneer's list; bidders see pseudonyms only). */
  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Get(':id/registrations')
  @ApiOkResponse({ type: LotRegistrationPageDto })
  registrations(@Param('id', ParseIdPipe) id: string, @Query() query: PageQuery): Promise<LotRegistrationPageDto> {
    return this.lots.registrations(id, query.limit, query.offset);
  }
}
