import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RULE_STATES, TECHNICAL_FIELDS } from '../achievements/achievement.entity';
import { IP_RIGHT_TYPES } from '../achievements/ip-right.entity';

export class CatalogueHolderDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '330106' }) regionCode!: string;
}

export class CatalogueListingDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'listed by the platform under P-2Y rather than by the holder' }) forced!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'fen' }) priceFen!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '2026-06-30' }) priceDeadline!: string | null;
  @ApiProperty({ enum: ['active', 'suspended'] }) status!: 'active' | 'suspended';
  @ApiProperty({ nullable: true, type: String, description: 'the lot of an auction listing (GET /lots/:id); null for any other mode' }) lotId!: string | null;
}

/** One achievement in the catalogue: what a search result shows, nothing internal. */
export class CatalogueItemDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'the first 200 characters' }) abstract!: string;
  @ApiProperty({ enum: TECHNICAL_FIELDS }) technicalField!: string;
  @ApiProperty({ enum: ['applied', 'basic'] }) kind!: string;
  @ApiProperty({ type: [String] }) keywords!: string[];
  @ApiProperty({ type: [String] }) ipcClasses!: string[];
  @ApiProperty({ type: CatalogueHolderDto }) holder!: CatalogueHolderDto;
  @ApiProperty({ enum: IP_RIGHT_TYPES, isArray: true, description: 'types of its valid IP rights' }) ipTypes!: string[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'earliest grant date of its valid IP rights' }) earliestGrantedOn!: string | null;
  @ApiProperty({ enum: RULE_STATES }) ruleState!: string;
  @ApiProperty({ description: '先用后转 list (P-2Y); includes the free-licence eligible' }) onUseFirstList!: boolean;
  @ApiProperty({ description: 'may be licensed free of charge (P-3Y)' }) freeLicenseEligible!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, description: "the holder's asking price in fen" }) askingPriceFen!: string | null;
  @ApiPropertyOptional({ nullable: true, type: CatalogueListingDto, description: 'its active or suspended listing' }) listing!: CatalogueListingDto | null;
}

export class CataloguePageDto {
  @ApiProperty({ type: [CatalogueItemDto] }) items!: CatalogueItemDto[];
  @ApiProperty({ description: 'matches; exact up to the cap (10,000), the cap itself beyond' }) total!: number;
  @ApiProperty({ description: 'false when there are more matches than total says' }) totalIsExact!: boolean;
}
