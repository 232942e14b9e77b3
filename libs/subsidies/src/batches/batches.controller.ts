import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, IsUUID, Length } from 'class-validator';
import { CurrentPrincipal, IsLocalDate, type PageOf, PageQuery, ParseIdPipe, Roles, type Principal, Omittable, OrgScope } from '@zjp/platform';
import type { Response } from 'express';
import { SettlementBatchesService, type BatchView } from './batches.service';

export class CreateBatchDto {
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @IsUUID('all', { each: true }) applicationIds!: string[];
  @ApiPropertyOptional({ example: '2026年第三季度技术交易补助' }) @Omittable() @IsString() @Length(1, 500) note?: string;
}

export class ListBatchesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['open', 'exported', 'paid'] }) @Omittable() @IsIn(['open', 'exported', 'paid']) status?: string;
}

/** A settlement batch: approved applications carried together to the finance office, then marked paid. */
export class SubsidyBatchDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'SB-2026-0001' }) number!: string;
  @ApiProperty() authorityId!: string;
  @ApiProperty({ enum: ['open', 'exported', 'paid'], description: 'open: may still change; exported: frozen by the first export; paid' }) status!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() applications!: number;
  @ApiProperty({ description: 'fen' }) totalFen!: string;
  @ApiProperty({ type: [String] }) applicationIds!: string[];
  @ApiProperty({ nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) exportedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) paidAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) paidOn!: string | null;
  @ApiProperty({ nullable: true, type: String }) paymentReference!: string | null;
}

export class SubsidyBatchPageDto {
  @ApiProperty({ type: [SubsidyBatchDto] }) items!: SubsidyBatchDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class ExportQuery {
  @ApiPropertyOptional({ enum: ['csv', 'xlsx'], default: 'xlsx' }) @Omittable() @IsIn(['csv', 'xlsx']) format?: 'csv' | 'xlsx';
}

export class MarkPaidDto {
  @ApiProperty({ example: 'ICBC-20261201-000123', description: 'the bank or treasury payment reference' })
  @IsString()
  @Length(3, 100)
  paymentReference!: string;
  @ApiProperty({ example: '2026-12-01' }) @IsLocalDate() paidOn!: string;
}

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller('subsidy-batches')
export class SettlementBatchesController {
  constructor(private readonly batches: SettlementBatchesService) {}

  @Roles('authority_admin')
  @OrgScope.none()
  @Post()
  @ApiCreatedResponse({ type: SubsidyBatchDto })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateBatchDto): Promise<BatchView> {
    return this.batches.create(actor, body.applicationIds, body.note);
  }

  @Roles('authority_admin', 'platform_admin')
  @OrgScope.filtered('subsidyBatch')
  @Get()
  @ApiOkResponse({ type: SubsidyBatchPageDto })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListBatchesQuery): Promise<PageOf<BatchView>> {
    return this.batches.list(actor, query);
  }

  @Roles('authority_admin', 'platform_admin')
  @OrgScope.owned('subsidyBatch')
  @Get(':id')
  @ApiOkResponse({ type: SubsidyBatchDto })
  get(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<BatchView> {
    return this.batches.get(actor, id);
  }

  /** The finance office's file; the first export freezes the batch. */
  @Roles('authority_admin')
  @OrgScope.owned('subsidyBatch')
  @Get(':id/export')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async export(
    @CurrentPrincipal() actor: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.batches.export(actor, id, query.format ?? 'xlsx');
    res.set({ 'Content-Type': file.contentType, 'Content-Disposition': `attachment; filename="${file.filename}"` });
    return new StreamableFile(file.body);
  }

  @Roles('authority_admin')
  @OrgScope.owned('subsidyBatch')
  @Post(':id/paid')
  @HttpCode(200)
  @ApiOkResponse({ type: SubsidyBatchDto })
  markPaid(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string, @Body() body: MarkPaidDto): Promise<BatchView> {
    return this.batches.markPaid(actor, id, body.paymentReference, body.paidOn);
  }
}
