import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, Length, Matches } from 'class-validator';
import { ORGANIZATION_TYPES, type OrganizationType, Omittable } from '@zjp/platform';
import type { AuthorityLevel, HolderCategory } from '../organization.entity';

export class CreateOrganizationDto {
  @ApiProperty({ enum: ORGANIZATION_TYPES })
  @IsIn(ORGANIZATION_TYPES)
  type!: OrganizationType;

  @ApiProperty({ example: '浙江大学' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: '330603', description: 'GB/T 2260 administrative division code' })
  @Matches(/^[1-9]\d{5}$/, { message: 'regionCode must be a 6-digit GB/T 2260 code' })
  regionCode!: string;

  @ApiPropertyOptional({ description: '统一社会信用代码 (18 characters)' })
  @Omittable()
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, { message: 'creditCode must be an 18-character unified social credit code' })
  creditCode?: string;

  @ApiPropertyOptional({ enum: ['university', 'institute', 'enterprise_lab'], description: 'holders only' })
  @Omittable()
  @IsIn(['university', 'institute', 'enterprise_lab'])
  holderCategory?: HolderCategory;

  @ApiPropertyOptional({ description: 'holders only: a high-level innovation platform (高能级科创平台)' })
  @Omittable()
  @IsBoolean()
  highLevelPlatform?: boolean;

  @ApiPropertyOptional({ description: 'enterprises only: small or medium-sized enterprise' })
  @Omittable()
  @IsBoolean()
  sme?: boolean;

  @ApiPropertyOptional({ enum: ['province', 'city', 'county'], description: 'authorities only' })
  @Omittable()
  @IsIn(['province', 'city', 'county'])
  authorityLevel?: AuthorityLevel;
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @Omittable() @IsBoolean() highLevelPlatform?: boolean;
  @ApiPropertyOptional() @Omittable() @IsBoolean() sme?: boolean;
}
