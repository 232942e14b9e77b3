import { InjectQueue } from '@nestjs/bullmq';
import {
  Body,
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  type NestInterceptor,
  Param,
  Post,
  Query,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@zjp/core';
import { CurrentPrincipal, OrgScope, ParseIdPipe, QUEUES, RateLimit, Roles, type Principal } from '@zjp/platform';
import type { Queue } from 'bullmq';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { COMPLIANCE_JOBS, type RegistryImportJob } from '../jobs';
import {
  ListRegistryImportsQuery,
  RegistryImportAcceptedDto,
  RegistryImportDto,
  RegistryImportPageDto,
  RegistryImportUploadDto,
  RegistryImportViewDto,
  TemplateQuery,
} from './dto/registry-import.dto';
import { importTemplate } from './import-sheet';
import { type ImportProgress, RegistryImportsService } from './registry-imports.service';

const MAX_FILE_BYTES = 10 * 1024 * 1024;
const KEEP = { removeOnComplete: { age: 7 * 86400 }, removeOnFail: { age: 30 * 86400 } };

/** A file comes as multipart/form-data and nothing else (checked after authentication and roles, so a stranger learns nothing). */
@Injectable()
export class MultipartOnly implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.is('multipart/form-data')) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Send the file as multipart/form-data (got ${req.headers['content-type'] ?? 'no content type'})`, {
        kind: 'unsupported_media_type',
      });
    }
    return next.handle();
  }
}

/** Importing an existing registry (history included) from an XLSX or CSV sheet: template, dry run, commit. */
@ApiTags('achievements: registry import')
@ApiBearerAuth()
@Controller('registry-imports')
export class RegistryImportsController {
  constructor(
    private readonly imports: RegistryImportsService,
    @InjectQueue(QUEUES.compliance) private readonly queue: Queue<RegistryImportJob>,
  ) {}

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

  /** The imports, latest first: a holder its own; an administrator those of the holders it oversees. */
  @Roles('holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.none()
  @ApiOkResponse({ type: RegistryImportPageDto })
  @Get()
  async list(@CurrentPrincipal() actor: Principal, @Query() query: ListRegistryImportsQuery): Promise<RegistryImportPageDto> {
    const page = await this.imports.list(actor, query);
    return {
      ...page,
      items: page.items.map((i) => ({ ...i, createdAt: i.createdAt.toISOString(), committedAt: i.committedAt?.toISOString() ?? null })),
    };
  }

  /** Uploads a sheet; its dry run runs in the worker (GET the import for the report and progress). */
  @Roles('holder_admin', 'platform_admin')
  @OrgScope.none()
  @RateLimit('upload-user')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: RegistryImportUploadDto })
  @HttpCode(202)
  @ApiOkResponse({ type: RegistryImportAcceptedDto })
  @UseInterceptors(MultipartOnly, FileInterceptor('file', { limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5 }, defParamCharset: 'utf8' }))
  @Post()
  async upload(
    @CurrentPrincipal() actor: Principal,
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
    @Body() body: RegistryImportDto,
  ): Promise<{ id: string; holderId: string; status: string }> {
    const { jobId, ...created } = await this.imports.upload(actor, file, body);
    await this.queue.add(
      COMPLIANCE_JOBS.validateImport,
      { importId: created.id },
      { jobId, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, ...KEEP },
    );
    return created;
  }

  @Roles('holder_admin', 'holder_member', 'platform_admin', 'authority_admin')
  @OrgScope.none()
  @ApiOkResponse({ type: RegistryImportViewDto })
  @Get(':id')
  async get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<RegistryImportViewDto> {
    const r = await this.imports.get(actor, id);
    let progress: ImportProgress | null = null;
    if ((r.status === 'validating' || r.status === 'committing') && r.jobId) {
      const job = await this.queue.getJob(r.jobId);
      progress = job && typeof job.progress === 'object' ? (job.progress as unknown as ImportProgress) : null;
    }
    return {
      id: r.id,
      holderId: r.holderId,
      fileName: r.fileName,
      format: r.format,
      status: r.status,
      rowsTotal: r.rowsTotal,
      rowsValid: r.rowsValid,
      progress,
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
  @ApiOkResponse({ type: RegistryImportAcceptedDto })
  @Post(':id/commit')
  async commit(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<{ id: string; status: string }> {
    const { jobId, ...committing } = await this.imports.commit(actor, id);
    await this.queue.add(COMPLIANCE_JOBS.commitImport, { importId: id, by: actor.userId }, { jobId, attempts: 1, ...KEEP });
    return committing;
  }
}
