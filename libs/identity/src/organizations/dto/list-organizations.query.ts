import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { ORGANIZATION_TYPES, type OrganizationType, Omittable, PageQuery } from '@zjp/platform';

export class ListOrganizationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORGANIZATION_TYPES }) @Omittable() @IsIn(ORGANIZATION_TYPES) type?: OrganizationType;

  @ApiPropertyOptional({ description: 'organisations in this region (a city or province code covers its counties)' })
  @Omittable()
  @Matches(/^[1-9]\d{5}$/, { message: 'region must be a 6-digit GB/T 2260 code' })
  region?: string;

  @ApiPropertyOptional({ description: 'part of the name, or the whole credit code' }) @Omittable() @IsString() @Length(1, 100) q?: string;
}
