import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { IsLocalDate, Omittable } from '@zjp/platform';

export const JUSTIFICATION_CATEGORIES = ['negotiation_in_progress', 'confidentiality', 'litigation_or_dispute', 'further_development', 'other'] as const;

export class SubmitJustificationDto {
  @ApiProperty({ enum: JUSTIFICATION_CATEGORIES }) @IsIn(JUSTIFICATION_CATEGORIES) category!: string;
  @ApiProperty({ example: '正在与两家企业就独占许可进行谈判' }) @IsString() @Length(1, 4000) explanation!: string;
  @ApiProperty({ example: '2027-06-30', description: 'the last day the reason holds' }) @IsLocalDate() endsOn!: string;
}

export class ListJustificationsQuery {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'] }) @Omittable() @IsIn(['pending', 'approved', 'rejected']) status?: string;
}

export interface JustificationView {
  id: string;
  achievementId: string;
  holderId: string;
  category: string;
  explanation: string;
  endsOn: string;
  status: string;
  submittedAt: string;
  reviewedAt: string | null;
  reviewReason: string | null;
}
