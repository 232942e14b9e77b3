import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { Omittable, PageQuery } from '@zjp/platform';

/** The form fields beside the file of POST /registry-imports. */
export class RegistryImportDto {
  @ApiPropertyOptional({ description: "the holder whose registry this is: the operator names it; a holder's administrator imports for its own organisation" })
  @Omittable()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'holderId must be a UUID' })
  holderId?: string;
}

export class RegistryImportUploadDto extends RegistryImportDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'the sheet: XLSX or CSV (UTF-8) with the template’s Chinese headers, at most 10,000 rows and 10 MB',
  })
  file!: unknown;
}

export class TemplateQuery {
  @ApiPropertyOptional({ enum: ['xlsx', 'csv'], default: 'xlsx' }) @Omittable() @IsIn(['xlsx', 'csv']) format?: 'xlsx' | 'csv';
}

export class CellErrorDto {
  @ApiProperty({ example: 7, description: 'the row as the sheet numbers it (the header is row 1)' }) row!: number;
  @ApiProperty({ example: '知识产权号' }) column!: string;
  @ApiProperty({ example: 'patentCheckDigit' }) code!: string;
  @ApiProperty({ example: '校验位错误：201910123456 的校验位应为 3，不是 5' }) message!: string;
}

export class ImportProgressDto {
  @ApiProperty({ enum: ['validating', 'committing'] }) phase!: string;
  @ApiProperty() rowsDone!: number;
  @ApiProperty() rowsTotal!: number;
  @ApiProperty({ example: 40 }) percent!: number;
}

export class FileProblemDto {
  @ApiProperty({ example: 'file' }) field!: string;
  @ApiProperty({ example: 'missingHeaders' }) code!: string;
  @ApiProperty() message!: string;
}

export class ImportReportDto {
  @ApiProperty({ type: [FileProblemDto], description: 'problems with the file itself (unreadable, headers): nothing was read row by row' })
  fileProblems!: FileProblemDto[];
  @ApiProperty({ type: [CellErrorDto] }) errors!: CellErrorDto[];
}

export class ImportedAchievementDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['clear', 'use_first', 'free_license_eligible', 'suspended'] }) ruleState!: string;
}

export class ImportResultDto {
  @ApiProperty() created!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { clear: 150, use_first: 30, free_license_eligible: 20 } })
  byRuleState!: Record<string, number>;
  @ApiProperty({ type: [ImportedAchievementDto], description: 'those not clear as of today: use-first, free-licence eligible or suspended' })
  achievements!: ImportedAchievementDto[];
}

export class RegistryImportViewDto {
  @ApiProperty() id!: string;
  @ApiProperty() holderId!: string;
  @ApiProperty() fileName!: string;
  @ApiPropertyOptional({ enum: ['xlsx', 'csv'], nullable: true, type: String }) format!: string | null;
  @ApiProperty({
    enum: ['validating', 'invalid', 'validated', 'committing', 'committed', 'failed'],
    description: 'validating → invalid (fix and upload again) or validated → committing → committed (or failed: nothing was written)',
  })
  status!: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) rowsTotal!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) rowsValid!: number | null;
  @ApiPropertyOptional({ type: ImportProgressDto, nullable: true }) progress!: ImportProgressDto | null;
  @ApiPropertyOptional({
    type: ImportReportDto,
    nullable: true,
    description: 'the dry run: problems with the file, and every bad cell with its row and column',
  })
  report!: ImportReportDto | null;
  @ApiPropertyOptional({
    type: ImportResultDto,
    nullable: true,
    description: 'after the commit: how many were created and their P-2Y / P-3Y state as of today',
  })
  result!: ImportResultDto | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) committedAt!: string | null;
}

export class ListRegistryImportsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'administrators: one holder' })
  @Omittable()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'holderId must be a UUID' })
  holderId?: string;
}

export class RegistryImportListItemDto {
  @ApiProperty() id!: string;
  @ApiProperty() holderId!: string;
  @ApiProperty() fileName!: string;
  @ApiPropertyOptional({ enum: ['xlsx', 'csv'], nullable: true, type: String }) format!: string | null;
  @ApiProperty({ enum: ['validating', 'invalid', 'validated', 'committing', 'committed', 'failed'] }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) rowsTotal!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) rowsValid!: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'after the commit: achievements created' }) created!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) committedAt!: string | null;
}

export class RegistryImportPageDto {
  @ApiProperty({ type: [RegistryImportListItemDto] }) items!: RegistryImportListItemDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class RegistryImportAcceptedDto {
  @ApiProperty() id!: string;
  @ApiPropertyOptional() holderId?: string;
  @ApiProperty({ enum: ['validating', 'committing'] }) status!: string;
}
