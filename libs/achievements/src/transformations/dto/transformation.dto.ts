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

export interface TransformationView {
  id: string;
  achievementId: string;
  kind: string;
  licenseType: string | null;
  source: string;
  contractId: string | null;
  status: string;
  tookEffectOn: string | null;
  description: string;
  decisionReason: string | null;
  createdAt: string;
}
