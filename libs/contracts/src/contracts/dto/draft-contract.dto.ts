import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsString, IsUUID, Length } from 'class-validator';
import { Omittable } from '@zjp/platform';
import { CONTRACT_TYPES, type ContractType } from '../../domain';

export class DraftContractDto {
  @ApiProperty({ enum: CONTRACT_TYPES.filter((t) => t !== 'free_license') }) @IsIn(CONTRACT_TYPES.filter((t) => t !== 'free_license')) type!: ContractType;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') achievementId!: string;
  @ApiProperty({ format: 'uuid', description: 'the enterprise (for use_first: a small or micro enterprise)' }) @IsUUID('all') buyerId!: string;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 300) title?: string;
  @ApiProperty({ description: 'ContractTerms: transfer | license | equity | useFirst sections and fees (lump_sum, instalments, royalty, milestones)' })
  @IsObject()
  terms!: Record<string, unknown>;
}
