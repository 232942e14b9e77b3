import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, ParseIdPipe, Public, Roles, type Principal } from '@zjp/platform';
import { HolderListingPageDto, HolderListingsQuery, ListingPageDto, ListListingsQuery, ListingView, SetPriceDto, WithdrawListingDto } from './dto/listing.dto';
import { ListingsService } from './listings.service';

@ApiTags('listings')
@Controller('listings')
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Public()
  @OrgScope.none()
  @Get()
  @ApiOkResponse({ type: ListingPageDto })
  list(@Query() query: ListListingsQuery): Promise<ListingPageDto> {
    return this.listings.list(query);
  }

  @Public()
  @OrgScope.none()
  @Get(':id')
  @ApiOkResponse({ type: ListingView })
  get(@Param('id', ParseIdPipe) id: string): Promise<ListingView> {
    return this.listings.get(id);
  }

  @ApiBearerAuth()
  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('listing')
  @Put(':id/price')
  setPrice(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: SetPriceDto): Promise<ListingView> {
    return this.listings.setPrice(actor, id, BigInt(body.priceFen));
  }

  @ApiBearerAuth()
  @Roles('holder_admin', 'platform_admin')
  @OrgScope.owned('listing')
  @Post(':id/withdraw')
  @HttpCode(200)
  withdraw(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: WithdrawListingDto): Promise<ListingView> {
    return this.listings.withdraw(actor, id, body.reason);
  }
}

/** The holder's desk: its own listings of every status (the public list shows only the open ones). */
@ApiTags('listings')
@ApiBearerAuth()
@Controller('organizations/:id/listings')
export class HolderListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('organization')
  @Get()
  @ApiOkResponse({ type: HolderListingPageDto })
  list(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: HolderListingsQuery): Promise<HolderListingPageDto> {
    return this.listings.ofHolder(actor, id, query);
  }
}
