import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public, OrgScope } from '@zjp/platform';
import { CataloguePageDto } from './catalogue-item.dto';
import { CatalogueQuery } from './catalogue.query';
import { CatalogueService } from './catalogue.service';

/** The public catalogue that enterprises search: registered achievements only. */
@ApiTags('catalogue')
@Controller('catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Public()
  @OrgScope.none()
  @Get()
  @ApiOkResponse({ type: CataloguePageDto })
  async search(@Query() query: CatalogueQuery): Promise<CataloguePageDto> {
    return this.catalogue.search(query);
  }
}
