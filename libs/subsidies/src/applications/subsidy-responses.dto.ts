import { ApiProperty } from '@nestjs/swagger';
import { SUBJECT_TYPES } from './applications.dto';

const EXPLANATION = {
  type: 'object',
  additionalProperties: true,
  description: 'how the amount was computed: policy kind, year, conditions, base (with its items), rate, exact amount, caps, rounding, amount (fen)',
} as const;

export class CandidatePolicyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: '文号' }) documentNumber!: string;
  @ApiProperty() authorityName!: string;
  @ApiProperty({ example: 'combinable' }) stacking!: string;
}

/** One subsidy candidate: what an enterprise may claim under a policy, and why. */
export class SubsidyCandidateDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: CandidatePolicyDto }) policy!: CandidatePolicyDto;
  @ApiProperty({ enum: SUBJECT_TYPES }) subjectType!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty() enterpriseId!: string;
  @ApiProperty() year!: number;
  @ApiProperty() eligible!: boolean;
  @ApiProperty({ nullable: true, type: String }) failedCondition!: string | null;
  @ApiProperty({ description: 'fen' }) amountFen!: string;
  @ApiProperty({
    nullable: true,
    enum: ['applies', 'superseded'],
    type: String,
    description: 'where policies may not be combined: part of the best option or not',
  })
  stacking!: string | null;
  @ApiProperty({ nullable: true, type: String }) applicationId!: string | null;
  @ApiProperty({ nullable: true, type: String }) applicationStatus!: string | null;
  @ApiProperty(EXPLANATION) explanation!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) computedAt!: string;
}

export class ApplicationPolicyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() documentNumber!: string;
  @ApiProperty() version!: number;
}

export class ApplicationEnterpriseDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '330603' }) regionCode!: string;
}

export class PayeeDto {
  @ApiProperty() accountName!: string;
  @ApiProperty() bankName!: string;
  @ApiProperty() accountNumber!: string;
}

export class DecisionRecordDto {
  @ApiProperty({ description: 'user id' }) by!: string;
  @ApiProperty({ nullable: true, type: String, description: "the user's display name" }) byName!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() reason!: string;
}

export class ReviewRecordDto extends DecisionRecordDto {
  @ApiProperty({ enum: ['approve', 'adjust', 'reject'] }) decision!: string;
}

/** A subsidy application with its review, decision and payment. */
export class SubsidyApplicationDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: ApplicationPolicyDto }) policy!: ApplicationPolicyDto;
  @ApiProperty() authorityId!: string;
  @ApiProperty({ enum: SUBJECT_TYPES }) subjectType!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({ nullable: true, type: String }) subjectLabel!: string | null;
  @ApiProperty({ type: ApplicationEnterpriseDto }) enterprise!: ApplicationEnterpriseDto;
  @ApiProperty() year!: number;
  @ApiProperty({ enum: ['submitted', 'reviewed', 'approved', 'rejected', 'batched', 'paid', 'withdrawn'] }) status!: string;
  @ApiProperty({ description: 'fen' }) computedFen!: string;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) recommendedFen!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'fen' }) approvedFen!: string | null;
  @ApiProperty(EXPLANATION) explanation!: Record<string, unknown>;
  @ApiProperty({ ...EXPLANATION, nullable: true, description: 'the computation at approval' }) approvalExplanation!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) statement!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) attachments!: unknown[];
  @ApiProperty({ type: PayeeDto }) payee!: PayeeDto;
  @ApiProperty({ nullable: true, type: ReviewRecordDto }) review!: ReviewRecordDto | null;
  @ApiProperty({ nullable: true, type: DecisionRecordDto }) decision!: DecisionRecordDto | null;
  @ApiProperty({ nullable: true, type: DecisionRecordDto }) revocation!: DecisionRecordDto | null;
  @ApiProperty({ nullable: true, type: String }) batchId!: string | null;
  @ApiProperty({ nullable: true, type: String }) submittedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) paidAt!: string | null;
}

export class SubsidyCandidatePageDto {
  @ApiProperty({ type: [SubsidyCandidateDto] }) items!: SubsidyCandidateDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class SubsidyApplicationPageDto {
  @ApiProperty({ type: [SubsidyApplicationDto] }) items!: SubsidyApplicationDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
