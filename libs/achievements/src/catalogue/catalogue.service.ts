import { Inject, Injectable, Optional } from '@nestjs/common';
import { ValidationError } from '@zjp/core';
import { DataSource } from 'typeorm';
import type { CatalogueItemDto, CataloguePageDto } from './catalogue-item.dto';
import { CATALOGUE_MAX_OFFSET, IPC_PREFIX, type CatalogueQuery } from './catalogue.query';
import { searchCatalogue, type CatalogueRow } from './catalogue.repository';

/** Options of the catalogue; tests lower the cap to check the capped total with a few rows. */
export interface CatalogueOptions {
  /** The total is counted exactly up to this many matches; beyond, counting stops. */
  totalCap?: number;
  /** How many rows a page's walk reads (default: walkWindow()); tests make it tiny to reach the index branch. */
  walkRows?: number;
}
export const CATALOGUE_OPTIONS = Symbol('CATALOGUE_OPTIONS');
export const CATALOGUE_TOTAL_CAP = CATALOGUE_MAX_OFFSET;

/** The catalogue of registered achievements: Chinese substring search, filters, sorts, pages. */
@Injectable()
export class CatalogueService {
  private readonly totalCap: number;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(CATALOGUE_OPTIONS) private readonly options: CatalogueOptions = {},
  ) {
    this.totalCap = options.totalCap ?? CATALOGUE_TOTAL_CAP;
  }

  async search(query: CatalogueQuery): Promise<CataloguePageDto> {
    assertSearchable(query);
    const rows = await searchCatalogue(this.dataSource, query, this.options);
    const counted = rows[0]?.total ?? 0;
    return {
      items: rows.filter((r) => r.id !== null).map(toItem),
      total: Math.min(counted, this.totalCap),
      totalIsExact: counted <= this.totalCap,
    };
  }
}

/** Checks that span fields (the DTO checks each field on its own). */
function assertSearchable(query: CatalogueQuery): void {
  const problems = [];
  if (query.minPriceFen !== undefined && query.maxPriceFen !== undefined && BigInt(query.minPriceFen) > BigInt(query.maxPriceFen)) {
    problems.push({ field: 'maxPriceFen', code: 'belowMinPrice', message: 'maxPriceFen must not be below minPriceFen' });
  }
  if (query.ipc !== undefined && !IPC_PREFIX.test(query.ipc)) {
    problems.push({ field: 'ipc', code: 'matches', message: 'ipc must be an IPC prefix such as "C01B" or "C01B 32/"' });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

function toItem(r: CatalogueRow): CatalogueItemDto {
  return {
    id: r.id as string,
    title: r.title,
    abstract: r.abstract,
    technicalField: r.technical_field,
    kind: r.kind,
    keywords: r.keywords,
    ipcClasses: r.ipc_classes,
    holder: { id: r.holder_id, name: r.holder_name, regionCode: r.holder_region_code },
    ipTypes: r.ip_types,
    earliestGrantedOn: r.earliest_granted_on,
    ruleState: r.rule_state,
    onUseFirstList: r.rule_state === 'use_first' || r.rule_state === 'free_license_eligible',
    freeLicenseEligible: r.rule_state === 'free_license_eligible',
    askingPriceFen: r.asking_price_fen,
    listing:
      r.listing_id === null
        ? null
        : {
            id: r.listing_id,
            forced: r.listing_forced === true,
            priceFen: r.listing_price_fen,
            priceDeadline: r.listing_price_deadline,
            status: r.listing_status as 'active' | 'suspended',
            lotId: r.listing_lot_id,
          },
  };
}

export { catalogueSql, ipcLookup, walkWindow, type CatalogueSql } from './catalogue.repository';
