import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { IsLocalDate, Omittable, PageQuery } from '@zjp/platform';
import { AttachmentDto } from '../../achievements/dto/register-achievement.dto';
import { DecisionDto } from '../../dto/decision.dto';

export const JUSTIFICATION_CATEGORIES = ['negotiation_in_progress', 'confidentiality', 'litigation_or_dispute', 'further_development', 'other'] as const;
export const JUSTIFICATION_STATUSES = ['pending', 'approved', 'rejected'] as const;

export class SubmitJustificationDto {
  @ApiProperty({ enum: JUSTIFICATION_CATEGORIES }) @IsIn(JUSTIFICATION_CATEGORIES) category!: string;
  @ApiProperty({ example: '正在与两家企业就独占许可进行谈判' }) @IsString() @Length(1, 4000) explanation!: string;
  @ApiProperty({ example: '2027-06-30', description: 'the last day the reason holds (the period asked for)' }) @IsLocalDate() endsOn!: string;
  @ApiPropertyOptional({ type: [AttachmentDto], description: 'the grounds: letters of intent, court papers, confidentiality decisions …' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  documents?: AttachmentDto[];
}

/** An approval: the reason, and the period granted when it differs from the one asked for. */
export class ApproveJustificationDto extends DecisionDto {
  @ApiPropertyOptional({ example: '2027-06-30', description: 'the last day of the approved period; omitted: the period the holder asked for' })
  @Omittable()
  @IsLocalDate()
  endsOn?: string;
}

export class ListJustificationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JUSTIFICATION_STATUSES }) @Omittable() @IsIn(JUSTIFICATION_STATUSES) status?: string;
  @ApiPropertyOptional({ description: 'one achievement' })
  @Omittable()
  @Matches(/^[0-9a-f-]{36}$/i, { message: 'achievementId must be a UUID' })
  achievementId?: string;
}

export class JustificationDocumentDto {
  @ApiProperty() name!: string;
  @ApiProperty() mediaType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty() sha256!: string;
}

export class JustificationDto {
  @ApiProperty() id!: string;
  @ApiProperty() achievementId!: string;
  @ApiProperty() achievementTitle!: string;
  @ApiProperty() holderId!: string;
  @ApiProperty() holderName!: string;
  @ApiProperty({ enum: JUSTIFICATION_CATEGORIES }) category!: string;
  @ApiProperty() explanation!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'recorded history only: when the reason began' }) startsOn!: string | null;
  @ApiProperty({ description: 'the last day of the period (as asked for, or as approved)' }) endsOn!: string;
  @ApiProperty({ enum: JUSTIFICATION_STATUSES }) status!: string;
  @ApiProperty({ description: 'recorded by hand from before the platform' }) recorded!: boolean;
  @ApiProperty({ type: [JustificationDocumentDto] }) documents!: JustificationDocumentDto[];
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) reviewedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reviewReason!: string | null;
}

export class JustificationPageDto {
  @ApiProperty({ type: [JustificationDto] }) items!: JustificationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export type JustificationView = JustificationDto;
