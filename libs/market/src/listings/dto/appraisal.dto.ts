import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { type FieldError, LocalDate } from '@zjp/core';
import { IsFen, IsLocalDate } from '@zjp/platform';

/**
 * 资产评估 (P-PRICE): the asset appraisal report a holder lists with, shown to bidders beside the
 * starting price. The document itself stays with the holder; its SHA-256 (computed in the browser)
 * lets anyone check that the report they are shown is the one listed.
 */
export class AppraisalDto {
  @ApiProperty({ example: '浙江某某资产评估有限公司', description: 'the appraiser (评估机构)' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'appraiser must not be blank' })
  appraiser!: string;
  @ApiProperty({ example: '120000000', description: 'the appraised value in fen; more than 0' }) @IsFen() valueFen!: string;
  @ApiProperty({ example: '2026-10-15', description: 'the appraisal date (评估基准日), not in the future' }) @IsLocalDate() appraisedOn!: string;
  @ApiProperty({ example: '资产评估报告.pdf' }) @IsString() @Length(1, 255) @Matches(/\S/, { message: 'documentName must not be blank' }) documentName!: string;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', description: 'SHA-256 of the report, 64 lower-case hex digits' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'documentSha256 must be 64 lower-case hex digits' })
  documentSha256!: string;
}

/** The rules the decorators cannot check: a positive value, a date not after today (Shanghai). */
export function appraisalProblems(a: AppraisalDto | undefined, today: LocalDate): FieldError[] {
  if (!a) return [];
  const problems: FieldError[] = [];
  if (BigInt(a.valueFen) <= 0n) problems.push({ field: 'appraisal.valueFen', code: 'notPositive', message: 'the appraised value must be more than 0' });
  if (LocalDate.parse(a.appraisedOn).isAfter(today))
    problems.push({ field: 'appraisal.appraisedOn', code: 'inFuture', message: `the appraisal date cannot be after today (${today.toString()})` });
  return problems;
}

/** The appraisal columns of a listing, in the order the inserts take them. */
export function appraisalColumns(a: AppraisalDto | undefined): (string | null)[] {
  return a ? [a.appraiser.trim(), a.valueFen, a.appraisedOn, a.documentName.trim(), a.documentSha256] : [null, null, null, null, null];
}

/** SQL: a listing's appraisal as JSON (null without one); `t` is the listings alias. */
export const APPRAISAL_JSON = (t: string): string => `CASE WHEN ${t}.appraiser IS NULL THEN NULL ELSE json_build_object(
  'appraiser', ${t}.appraiser, 'valueFen', ${t}.appraised_value_fen::text, 'appraisedOn', to_char(${t}.appraised_on, 'YYYY-MM-DD'),
  'documentName', ${t}.appraisal_document_name, 'documentSha256', ${t}.appraisal_document_sha256) END`;
