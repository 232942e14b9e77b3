import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { Omittable, QueryBoolean } from '@zjp/platform';
import { RULE_STATES, TECHNICAL_FIELDS, type RuleStateName, type TechnicalField } from '../achievements/achievement.entity';
import { IP_RIGHT_TYPES, type IpRightType } from '../achievements/ip-right.entity';

export const CATALOGUE_SORTS = ['newest', 'price_asc', 'price_desc', 'relevance'] as const;
export type CatalogueSort = (typeof CATALOGUE_SORTS)[number];

/** The deepest page a client may ask for; the total is exact up to the same figure. */
export const CATALOGUE_MAX_OFFSET = 10_000;

/** An IPC prefix: section (C), class (C01), subclass (C01B), main group (C01B 32/), or finer. */
export const IPC_PREFIX = /^[A-H](\d{2}([A-Z](\s?\d{1,4}(\/\d{0,6})?)?)?)?$/i;
/** Fen as digits; at most 18 so that every value fits a PostgreSQL bigint. */
const FEN_DIGITS = /^(0|[1-9]\d{0,17})$/;

// Query strings carry booleans as text; only the two literal spellings are booleans.

/** GET /catalogue: what an enterprise may ask of the catalogue of registered achievements. */
export class CatalogueQuery {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 50,
    example: '石墨烯',
    description: 'substring of the title, a keyword or the abstract (case- and width-insensitive)',
  })
  @Omittable()
  @IsString()
  @Length(1, 50)
  @Matches(/\S/, { message: 'q must hold a character other than white space' })
  @Matches(/^[^\p{Cc}]*$/u, { message: 'q must not hold control characters' })
  q?: string;

  @ApiPropertyOptional({ enum: TECHNICAL_FIELDS }) @Omittable() @IsIn(TECHNICAL_FIELDS) field?: TechnicalField;

  @ApiPropertyOptional({ example: 'C01B 32/', description: 'IPC prefix: "C01B", "C01B 32/", "C01B 32/18"…' })
  @Omittable()
  @IsString()
  @Matches(IPC_PREFIX, { message: 'ipc must be an IPC prefix such as "C01B" or "C01B 32/"' })
  ipc?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @Omittable() @IsUUID() holderId?: string;

  @ApiPropertyOptional({ example: '330600', description: "the holder's region (GB/T 2260); a city or province code covers its counties" })
  @Omittable()
  @Matches(/^[1-9]\d{5}$/, { message: 'region must be a 6-digit GB/T 2260 code' })
  region?: string;

  @ApiPropertyOptional({ enum: IP_RIGHT_TYPES, description: 'has a valid IP right of this type' })
  @Omittable()
  @IsIn(IP_RIGHT_TYPES)
  ipType?: IpRightType;

  @ApiPropertyOptional({ enum: RULE_STATES, description: 'P-2Y / P-3Y rule state' }) @Omittable() @IsIn(RULE_STATES) status?: RuleStateName;

  @ApiPropertyOptional({ type: String, example: '100000000', description: 'lowest asking price in fen, inclusive' })
  @Omittable()
  @Matches(FEN_DIGITS, { message: 'minPriceFen must be a whole number of fen written as digits' })
  minPriceFen?: string;

  @ApiPropertyOptional({ type: String, example: '500000000', description: 'highest asking price in fen, inclusive' })
  @Omittable()
  @Matches(FEN_DIGITS, { message: 'maxPriceFen must be a whole number of fen written as digits' })
  maxPriceFen?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'on the 先用后转 list (P-2Y), which includes the free-licence eligible (P-3Y); false: not on it' })
  @Omittable()
  @QueryBoolean()
  @IsBoolean()
  useFirst?: boolean;

  @ApiPropertyOptional({ type: Boolean, description: 'may be licensed free of charge (P-3Y); false: may not' })
  @Omittable()
  @QueryBoolean()
  @IsBoolean()
  freeLicenseEligible?: boolean;

  @ApiPropertyOptional({ enum: CATALOGUE_SORTS, description: 'default: relevance with q, newest without' })
  @Omittable()
  @IsIn(CATALOGUE_SORTS)
  sort?: CatalogueSort;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number = 20;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: CATALOGUE_MAX_OFFSET })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(CATALOGUE_MAX_OFFSET)
  offset?: number = 0;
}
