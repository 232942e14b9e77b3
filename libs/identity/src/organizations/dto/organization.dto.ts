import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORGANIZATION_TYPES, type OrganizationType } from '@zjp/platform';
import { regionName } from '../../domain/regions';
import type { AuthorityLevel, HolderCategory, Organization } from '../organization.entity';

export class OrganizationDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ORGANIZATION_TYPES }) type!: OrganizationType;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) creditCode!: string | null;
  @ApiProperty({ example: '330603' }) regionCode!: string;
  @ApiProperty({ example: '柯桥区' }) regionName!: string;
  @ApiPropertyOptional({ nullable: true, enum: ['university', 'institute', 'enterprise_lab'] }) holderCategory!: HolderCategory | null;
  @ApiProperty() highLevelPlatform!: boolean;
  @ApiProperty() sme!: boolean;
  @ApiPropertyOptional({ nullable: true, enum: ['province', 'city', 'county'] }) authorityLevel!: AuthorityLevel | null;
  @ApiProperty() createdAt!: string;

  static from(org: Organization): OrganizationDto {
    return {
      id: org.id,
      type: org.type,
      name: org.name,
      creditCode: org.creditCode,
      regionCode: org.regionCode,
      regionName: regionName(org.regionCode) ?? '',
      holderCategory: org.holderCategory,
      highLevelPlatform: org.highLevelPlatform,
      sme: org.sme,
      authorityLevel: org.authorityLevel,
      createdAt: org.createdAt.toISOString(),
    };
  }
}

export class OrganizationPageDto {
  @ApiProperty({ type: [OrganizationDto] }) items!: OrganizationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
