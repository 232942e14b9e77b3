import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsFen, IsLocalDate, Omittable } from '@zjp/platform';
import { ACHIEVEMENT_KINDS, MATURITIES, RULE_STATES, TECHNICAL_FIELDS, type AchievementKind, type Maturity, type TechnicalField } from '../achievement.entity';
import { IP_RIGHT_STATUSES, IP_RIGHT_TYPES, type IpRightStatus, type IpRightType } from '../ip-right.entity';

export class AttachmentDto {
  @ApiProperty({ example: '专利证书.pdf' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: 'application/pdf' }) @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'mediaType must be a MIME type' }) mediaType!: string;
  @ApiProperty() @IsInt() @Min(0) @Max(100 * 1024 * 1024) sizeBytes!: number;
  @ApiProperty() @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lower-case hex digits' }) sha256!: string;
}

export class IpRightDto {
  @ApiProperty({ enum: IP_RIGHT_TYPES }) @IsIn(IP_RIGHT_TYPES) type!: IpRightType;
  @ApiPropertyOptional({
    example: 'ZL202310123456.5',
    description: 'patents: the application number with its check digit (ZL prefix optional); required except for technical secrets',
  })
  @Omittable()
  @IsString()
  @Length(1, 40)
  number?: string;
  @ApiPropertyOptional({ example: '2023-05-10', description: '取得知识产权之日: P-2Y / P-3Y count from here' }) @Omittable() @IsLocalDate() grantedOn?: string;
  @ApiPropertyOptional({ enum: IP_RIGHT_STATUSES, default: 'valid' }) @Omittable() @IsIn(IP_RIGHT_STATUSES) status?: IpRightStatus;
}

export class AchievementFieldsDto {
  @ApiProperty({ example: '一种石墨烯复合材料的制备方法' }) @IsString() @Length(1, 300) title!: string;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(0, 5000) abstract?: string;
  @ApiProperty({ enum: TECHNICAL_FIELDS }) @IsIn(TECHNICAL_FIELDS) technicalField!: TechnicalField;
  @ApiPropertyOptional({ example: ['C01B 32/184'], description: 'IPC classes' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[A-H]\d{2}[A-Z](\s?\d{1,4}\/\d{1,6})?$/, { each: true, message: 'each IPC class must look like "C01B" or "C01B 32/184"' })
  ipcClasses?: string[];
  @ApiPropertyOptional({ example: ['石墨烯', '导热'] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 30, { each: true })
  keywords?: string[];
  @ApiPropertyOptional({ example: ['张三', '李四'] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  inventors?: string[];
  @ApiPropertyOptional({ enum: MATURITIES, default: 'lab' }) @Omittable() @IsIn(MATURITIES) maturity?: Maturity;
  @ApiPropertyOptional({ example: '150000000', description: "the holder's asking price in fen" }) @Omittable() @IsFen() askingPriceFen?: string;
  @ApiPropertyOptional({ type: [AttachmentDto] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}

export class RegisterAchievementDto extends AchievementFieldsDto {
  @ApiProperty({ enum: ACHIEVEMENT_KINDS, description: 'applied achievements are subject to P-2Y / P-3Y' }) @IsIn(ACHIEVEMENT_KINDS) kind!: AchievementKind;
  @ApiProperty({ description: '财政性资金支持: must be registered and cannot be withdrawn' }) @IsBoolean() publiclyFunded!: boolean;
  @ApiProperty({ example: '2025-03-01', description: '取得成果之日: P-REG counts 30 days from here' }) @IsLocalDate() obtainedOn!: string;
  @ApiPropertyOptional({ type: [IpRightDto] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => IpRightDto)
  ipRights?: IpRightDto[];
  @ApiPropertyOptional({ default: true, description: 'false keeps it as a draft (not yet registered)' }) @Omittable() @IsBoolean() submit?: boolean;
}

export class UpdateAchievementDto {
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 300) title?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(0, 5000) abstract?: string;
  @ApiPropertyOptional({ enum: TECHNICAL_FIELDS }) @Omittable() @IsIn(TECHNICAL_FIELDS) technicalField?: TechnicalField;
  @ApiPropertyOptional()
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[A-H]\d{2}[A-Z](\s?\d{1,4}\/\d{1,6})?$/, { each: true, message: 'each IPC class must look like "C01B" or "C01B 32/184"' })
  ipcClasses?: string[];
  @ApiPropertyOptional() @Omittable() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 30, { each: true }) keywords?: string[];
  @ApiPropertyOptional() @Omittable() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 50, { each: true }) inventors?: string[];
  @ApiPropertyOptional({ enum: MATURITIES }) @Omittable() @IsIn(MATURITIES) maturity?: Maturity;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears the asking price' }) @IsOptional() @IsFen() askingPriceFen?: string | null;
  @ApiPropertyOptional({ type: [AttachmentDto] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}

export class UpdateIpRightStatusDto {
  @ApiProperty({ enum: IP_RIGHT_STATUSES }) @IsIn(IP_RIGHT_STATUSES) status!: IpRightStatus;
}

export const ACHIEVEMENT_SORTS = ['createdAt', 'obtainedOn', 'title', 'deadline'] as const;

export class ListAchievementsQuery {
  @ApiPropertyOptional({ description: 'administrators only: one holder' }) @Omittable() @Matches(/^[0-9a-f-]{36}$/i) holderId?: string;
  @ApiPropertyOptional({ enum: ['draft', 'registered', 'withdrawn'] }) @Omittable() @IsIn(['draft', 'registered', 'withdrawn']) registrationStatus?: string;
  @ApiPropertyOptional({ description: 'drafts whose P-REG deadline (obtainedOn + 30 days) falls within the next N days (0: today), overdue ones excluded' })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30)
  dueWithinDays?: number;
  @ApiPropertyOptional({ enum: RULE_STATES, description: 'P-2Y / P-3Y state from the last scan' })
  @Omittable()
  @IsIn(RULE_STATES)
  ruleState?: (typeof RULE_STATES)[number];
  @ApiPropertyOptional({ description: 'a word of the title' }) @Omittable() @IsString() @Length(1, 100) q?: string;
  @ApiPropertyOptional({ enum: ACHIEVEMENT_SORTS, default: 'createdAt' }) @Omittable() @IsIn(ACHIEVEMENT_SORTS) sort?: (typeof ACHIEVEMENT_SORTS)[number];
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' }) @Omittable() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
  @ApiPropertyOptional({ default: 20 }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit = 20;
  @ApiPropertyOptional({ default: 0 }) @Omittable() @Type(() => Number) @IsInt() @Min(0) @Max(100_000) offset = 0;
}
