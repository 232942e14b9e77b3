import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { IsLocalDate, Omittable } from '@zjp/platform';
import { AttachmentDto } from '../../achievements/dto/register-achievement.dto';

export class DeclareImplementationDto {
  @ApiProperty({ example: '在本单位中试基地实施，年产能100吨' }) @IsString() @Length(1, 4000) description!: string;
  @ApiProperty({ example: '2025-09-01' }) @IsLocalDate() startedOn!: string;
  @ApiPropertyOptional({ type: [AttachmentDto] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  evidence?: AttachmentDto[];
}

export class TransformationDto {
  @ApiProperty() id!: string;
  @ApiProperty() achievementId!: string;
  @ApiProperty({ enum: ['transfer', 'license', 'equity', 'own_implementation'] }) kind!: string;
  @ApiPropertyOptional({ nullable: true, type: String, enum: ['exclusive', 'sole', 'ordinary'] }) licenseType!: string | null;
  @ApiProperty({ enum: ['contract', 'declaration', 'history'], description: 'a platform contract, a declared own implementation, or recorded history' })
  source!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) contractId!: string | null;
  @ApiProperty({ enum: ['pending', 'confirmed', 'rejected'] }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) tookEffectOn!: string | null;
  @ApiProperty() description!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) decisionReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TransformationPageDto {
  @ApiProperty({ type: [TransformationDto] }) items!: TransformationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export type TransformationView = TransformationDto;
