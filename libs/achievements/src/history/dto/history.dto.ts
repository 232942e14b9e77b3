import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsString, Length, ValidateNested } from 'class-validator';
import { IsLocalDate, Omittable } from '@zjp/platform';
import { AttachmentDto } from '../../achievements/dto/register-achievement.dto';
import { JUSTIFICATION_CATEGORIES } from '../../justifications/dto/justification.dto';

export const RECORDED_TRANSFORMATION_KINDS = ['transfer', 'license', 'equity', 'own_implementation'] as const;
export const LICENSE_TYPES = ['exclusive', 'sole', 'ordinary'] as const;

const documents = (description: string) => ApiProperty({ type: [AttachmentDto], description, minItems: 1 });

/** 登记日期: when the achievement was registered in the registry it comes from (P-REG timeliness is judged against it). */
export class RecordRegistrationDto {
  @ApiProperty({ example: '2020-03-15' }) @IsLocalDate() registeredOn!: string;
  @documents('the registration record (登记证明) or the registry extract')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  documents!: AttachmentDto[];
}

/** A transformation that took effect before the platform: with its contract's reference. */
export class RecordTransformationDto {
  @ApiProperty({ enum: RECORDED_TRANSFORMATION_KINDS, description: '转让 / 许可 / 作价投资 / 自行实施' })
  @IsIn(RECORDED_TRANSFORMATION_KINDS)
  kind!: (typeof RECORDED_TRANSFORMATION_KINDS)[number];
  @ApiPropertyOptional({ enum: LICENSE_TYPES, description: 'licences only' }) @Omittable() @IsIn(LICENSE_TYPES) licenseType?: (typeof LICENSE_TYPES)[number];
  @ApiProperty({ example: '2022-06-30' }) @IsLocalDate() tookEffectOn!: string;
  @ApiProperty({
    example: '技术合同登记号 3301062022000123',
    description: "the contract's number or registration number; for own implementation, the internal approval",
  })
  @IsString()
  @Length(1, 200)
  contractReference!: string;
  @ApiPropertyOptional({ example: '杭州某某科技有限公司' }) @Omittable() @IsString() @Length(1, 200) counterparty?: string;
  @ApiPropertyOptional({ example: '独占许可5年' }) @Omittable() @IsString() @Length(1, 4000) description?: string;
  @documents('the contract, or the decision to implement')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  documents!: AttachmentDto[];
}

/** A justified reason (正当理由) approved before the platform, for a past (or still running) period. */
export class RecordJustificationDto {
  @ApiProperty({ enum: JUSTIFICATION_CATEGORIES }) @IsIn(JUSTIFICATION_CATEGORIES) category!: (typeof JUSTIFICATION_CATEGORIES)[number];
  @ApiProperty({ example: '与某企业就许可事宜进行谈判' }) @IsString() @Length(1, 4000) explanation!: string;
  @ApiProperty({ example: '2022-01-01' }) @IsLocalDate() startsOn!: string;
  @ApiProperty({ example: '2022-12-31', description: 'the last day the reason held; may be later than today if the approved period is still running' })
  @IsLocalDate()
  endsOn!: string;
  @documents('the approval and its grounds')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  documents!: AttachmentDto[];
}

export class HistoryEntryDto {
  @ApiProperty({ enum: ['registration', 'transformation', 'justification'] }) kind!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ example: '2022-06-30', description: 'registered on, took effect on, or the first day of the justified period' }) date!: string;
  @ApiPropertyOptional({ nullable: true, description: 'justifications: the last day' }) until!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'the transformation kind or the justification category' }) detail!: string | null;
  @ApiPropertyOptional({ nullable: true }) reference!: string | null;
  @ApiProperty({ type: [AttachmentDto] }) documents!: AttachmentDto[];
  @ApiProperty() recordedBy!: string;
  @ApiProperty() recordedAt!: string;
}

export class RecordedHistoryDto {
  @ApiProperty({ type: [HistoryEntryDto] }) entries!: HistoryEntryDto[];
  @ApiProperty({
    enum: ['clear', 'use_first', 'free_license_eligible', 'suspended'],
    description: 'the P-2Y / P-3Y state as of today, from the recorded history',
  })
  ruleState!: string;
}
