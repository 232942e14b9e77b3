import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { ORGANIZATION_TYPES, type OrganizationType, Omittable } from '@zjp/platform';

export class ListOrganizationsQuery {
  @ApiPropertyOptional({ enum: ORGANIZATION_TYPES }) @Omittable() @IsIn(ORGANIZATION_TYPES) type?: OrganizationType;

  @ApiPropertyOptional({ description: 'organisations in this region (a city or province code covers its counties)' })
  @Omittable()
  @Matches(/^[1-9]\d{5}$/, { message: 'region must be a 6-digit GB/T 2260 code' })
  region?: string;

  @ApiPropertyOptional({ default: 20 }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit = 20;
  @ApiPropertyOptional({ default: 0 }) @Omittable() @Type(() => Number) @IsInt() @Min(0) offset = 0;
}
