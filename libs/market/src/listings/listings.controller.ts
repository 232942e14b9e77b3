import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, ParseIdPipe, Public, Roles, type Principal } from '@zjp/platform';
import { ListingPageDto, ListListingsQuery, ListingView, SetPriceDto, WithdrawListingDto } from './dto/listing.dto';
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
