import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { Omittable } from '../validation/validators';

/** The deepest offset a list accepts (a client pages further with filters, not offsets). */
export const MAX_PAGE_OFFSET = 100_000;

/**
 * `limit` (1..100, default 20) and `offset` (default 0) of a list; every list answers
 * `{ items, total, limit, offset }` (README "Lists"). Extend it with the list's own filters.
 */
export class PageQuery {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit: number = 20;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_PAGE_OFFSET })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PAGE_OFFSET)
  offset: number = 0;
}

/** One page of a list, as every list answers it. */
export interface PageOf<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
