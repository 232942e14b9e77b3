import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, PageQuery, type Principal, Roles } from '@zjp/platform';
import { BrokerCommissionPageDto, BrokerDealPageDto, BrokerLotPageDto } from '../mandates/dto/mandates.dto';
import { MandatesService } from '../mandates/mandates.service';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The broker's desk: its principals' lots and deals under its mandates, and the commissions recorded on their contracts. */
@ApiTags('brokerage')
@ApiBearerAuth()
@Controller('brokerage')
export class BrokerDeskController {
  constructor(private readonly mandates: MandatesService) {}

  @Roles('broker')
  @OrgScope.none()
  @Get('lots')
  @ApiOkResponse({ type: BrokerLotPageDto, description: 'lots its active mandates cover, latest end first' })
  async lots(@CurrentPrincipal() actor: Principal, @Query() query: PageQuery): Promise<BrokerLotPageDto> {
    const page = { limit: query.limit, offset: query.offset };
    const { items, total } = await this.mandates.deskLots(actor, page);
    return { items: items.map((l) => ({ ...l, startsAt: l.startsAt.toISOString(), endsAt: l.endsAt.toISOString() })), total, ...page };
  }

  @Roles('broker')
  @OrgScope.none()
  @Get('deals')
  @ApiOkResponse({ type: BrokerDealPageDto, description: "its principals' deals on what its mandates covered, newest first" })
  async deals(@CurrentPrincipal() actor: Principal, @Query() query: PageQuery): Promise<BrokerDealPageDto> {
    const page = { limit: query.limit, offset: query.offset };
    const { items, total } = await this.mandates.deskDeals(actor, page);
    return { items: items.map((d) => ({ ...d, concludedAt: iso(d.concludedAt)! })), total, ...page };
  }

  @Roles('broker')
  @OrgScope.none()
  @Get('commissions')
  @ApiOkResponse({ type: BrokerCommissionPageDto, description: 'commissions recorded on contracts of deals made through its mandates' })
  async commissions(@CurrentPrincipal() actor: Principal, @Query() query: PageQuery): Promise<BrokerCommissionPageDto> {
    const page = { limit: query.limit, offset: query.offset };
    const { items, total, sumFen } = await this.mandates.commissions(actor, page);
    return { items: items.map((c) => ({ ...c, recordedAt: c.recordedAt.toISOString() })), total, sumFen, ...page };
  }
}
