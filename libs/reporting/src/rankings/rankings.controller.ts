import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrgScope, Public } from '@zjp/platform';
import { RankingsPageDto, RankingsQuery } from './dto/rankings.dto';
import { RankingsService } from './rankings.service';

@ApiTags('reports: holder rankings (P-MKT)')
@Controller('reports')
export class RankingsController {
  constructor(private readonly rankings: RankingsService) {}

  /** Published to the market: anyone may read it, signed in or not. */
  @Public()
  @OrgScope.none()
  @Get('rankings')
  @ApiOperation({
    summary: 'Holder rankings (高校院所排序) by listings and transformation results',
    description:
      'Six indicators per holder for the year, min-max normalised within the holders of the same kind, weighted to 100 points; standard competition ranking (1, 2, 2, 4) on the score in hundredths, ties listed by name. Each item carries its inputs and each indicator’s contribution.',
  })
  @ApiOkResponse({ type: RankingsPageDto })
  list(@Query() query: RankingsQuery): Promise<RankingsPageDto> {
    return this.rankings.rankings(query);
  }
}
