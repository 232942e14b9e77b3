import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ActsFor, CurrentPrincipal, OrgScope, ParseIdPipe, Roles, type Principal } from '@zjp/platform';
import { DEFAULT_PRICING_OPTIONS } from '../domain';
import { PriceGuidanceDto, PriceGuidanceQuery } from './dto/price-guidance.dto';
import { PriceGuidanceService } from './price-guidance.service';

const IPC_MATCH = ['none', 'section', 'class', 'subclass', 'main_group'] as const;

@ApiTags('listings')
@ApiBearerAuth()
@Controller()
export class PriceGuidanceController {
  constructor(private readonly pricing: PriceGuidanceService) {}

  /** 初始化定价 (P-PRICE): a price range from comparable concluded deals, for the holder preparing a listing. */
  @Roles('holder_admin', 'holder_member', 'platform_admin')
  @OrgScope.owned('achievement')
  @ActsFor('list', 'achievement')
  @Get('achievements/:id/price-guidance')
  @ApiOkResponse({ type: PriceGuidanceDto })
  async guidance(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Query() query: PriceGuidanceQuery): Promise<PriceGuidanceDto> {
    const dealType = query.dealType ?? 'transfer';
    const { subject, asOf, guidance: g } = await this.pricing.forAchievement(actor, id, dealType);
    const o = DEFAULT_PRICING_OPTIONS;
    return {
      achievementId: id,
      dealType,
      asOf,
      status: g.status,
      lowFen: g.status === 'ok' ? g.lowFen.toString() : null,
      pointFen: g.status === 'ok' ? g.pointFen.toString() : null,
      highFen: g.status === 'ok' ? g.highFen.toString() : null,
      effectiveCount: g.status === 'ok' ? g.effectiveCount : null,
      subject: {
        title: subject.title,
        technicalField: subject.technical_field,
        ipcClasses: subject.ipc_classes,
        ipType: subject.ip_type,
        maturity: subject.maturity,
        remainingYears: subject.remainingYears,
      },
      comparables: g.comparables.map((c) => ({
        achievementTitle: c.achievementTitle,
        concludedOn: c.concludedOn,
        priceFen: c.priceFen.toString(),
        adjustedPriceFen: c.adjustedPriceFen.toString(),
        similarity: c.similarity,
        ipcMatch: IPC_MATCH[c.ipcDepth],
        sameIpType: c.sameIpType,
        maturitySteps: c.maturitySteps,
        remainingYears: c.remainingYears,
      })),
      method: {
        minComparables: o.minComparables,
        minSimilarity: o.minSimilarity,
        maxComparables: o.maxComparables,
        termElasticity: o.termElasticity,
        lowQuantile: o.lowQuantile,
        highQuantile: o.highQuantile,
      },
    };
  }
}
