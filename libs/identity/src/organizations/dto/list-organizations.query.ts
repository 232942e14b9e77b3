import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ORGANIZATION_TYPES, type OrganizationType } from '@zjp/platform';

export class ListOrganizationsQuery {
  @ApiPropertyOptional({ enum: ORGANIZATION_TYPES }) @IsOptional() @IsIn(ORGANIZATION_TYPES) type?: OrganizationType;

  @ApiPropertyOptional({ description: 'organisations in this region (a city or province code covers its counties)' })
  @IsOptional()
  @Matches(/^[1-9]\d{5}$/, { message: 'region must be a 6-digit GB/T 2260 code' })
  region?: string;

  @ApiPropertyOptional({ default: 20 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit = 20;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset = 0;
}
