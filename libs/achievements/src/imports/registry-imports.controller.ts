import { Body, Controller, Get, HttpCode, Param, Post, Query, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, ParseIdPipe, RateLimit, Roles, type Principal } from '@zjp/platform';
import { RegistryImportDto, RegistryImportUploadDto, RegistryImportViewDto, TemplateQuery } from './dto/registry-import.dto';
import { importTemplate } from './import-sheet';
import { RegistryImportsService } from './registry-imports.service';

const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Importing an existing registry (history included) from an XLSX or CSV sheet: template, dry run, commit. */
@ApiTags('achievements: registry import')
@ApiBearerAuth()
@Controller('registry-imports')
export class RegistryImportsController {
  constructor(private readonly imports: RegistryImportsService) {}

  @Roles('holder_admin', 'platform_admin')
  @OrgScope.none()
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv')
  @Get('template')
  async template(@Query() query: TemplateQuery): Promise<StreamableFile> {
    const format = query.format ?? 'xlsx';
    return new StreamableFile(await importTemplate(format), {
      type: format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      disposition: `attachment; filename="registry-import-template.${format}"; filename*=UTF-8''${encodeURIComponent(`成果登记导入模板.${format}`)}`,
    });
  }

  /** Uploads a sheet; its dry run runs in the worker (GET the import for the report and progress). */
  @Roles('holder_admin', 'platform_admin')
  @OrgScope.none()
  @RateLimit('upload-user')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: RegistryImportUploadDto })
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5 } }))
  @Post()
  upload(@CurrentPrincipal() actor: Principal, @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined, @Body() body: RegistryImportDto): Promise<{ id: string; status: string }> {
    return this.imports.upload(actor, file, body);
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.none()
  @ApiOkResponse({ type: RegistryImportViewDto })
  @Get(':id')
  async get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<RegistryImportViewDto> {
    const r = await this.imports.get(actor, id);
    return {
      id: r.id,
      holderId: r.holderId,
      fileName: r.fileName,
      format: r.format,
      status: r.status,
      rowsTotal: r.rowsTotal,
      rowsValid: r.rowsValid,
      progress: r.progress,
      report: r.report,
      result: r.result,
      error: r.error,
      createdAt: r.createdAt.toISOString(),
      committedAt: r.committedAt?.toISOString() ?? null,
    };
  }

  /** Commits a validated import: all rows in one transaction, in the worker. */
  @Roles('holder_admin', 'platform_admin')
  @OrgScope.none()
  @HttpCode(202)
  @Post(':id/commit')
  commit(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<{ id: string; status: string }> {
    return this.imports.commit(actor, id);
  }
}
