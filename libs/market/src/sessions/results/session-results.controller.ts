import { Controller, Get, HttpCode, Param, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgScope, ParseIdPipe, Public, Roles, type Principal } from '@zjp/platform';
import type { Response } from 'express';
import { SessionResultDto } from './session-result.dto';
import { SessionResultsService } from './session-results.service';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 成交结果: public once the session's last lot has closed (404 no such published session, 409 SESSION_NOT_CLOSED). */
@ApiTags('auctions')
@Controller('auction-sessions')
export class SessionResultsController {
  constructor(private readonly results: SessionResultsService) {}

  @Public()
  @OrgScope.none()
  @Get(':id/result')
  @ApiOkResponse({ type: SessionResultDto })
  result(@Param('id', ParseIdPipe) id: string): Promise<SessionResultDto> {
    return this.results.result(id) as unknown as Promise<SessionResultDto>;
  }

  @Public()
  @OrgScope.none()
  @Get(':id/result.xlsx')
  @ApiProduces(XLSX)
  async xlsx(@Param('id', ParseIdPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const body = await this.results.xlsx(id);
    res.set({ 'Content-Type': XLSX, 'Content-Disposition': `attachment; filename="session-result-${id}.xlsx"` });
    return new StreamableFile(body);
  }

  @Public()
  @OrgScope.none()
  @Get(':id/result.pdf')
  @ApiProduces('application/pdf')
  async pdf(@Param('id', ParseIdPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const body = await this.results.pdf(id);
    res.set({ 'Content-Type': 'application/pdf', 'Content-Disposition': `inline; filename="session-result-${id}.pdf"` });
    return new StreamableFile(body);
  }

  /** Recomputes the stored figures from the lots and bids (after a correction). */
  @ApiBearerAuth()
  @Roles('platform_admin')
  @OrgScope.none()
  @Post(':id/result/recomputation')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionResultDto })
  recompute(@CurrentPrincipal() actor: Principal, @Param('id', ParseIdPipe) id: string): Promise<SessionResultDto> {
    return this.results.recompute(actor, id) as unknown as Promise<SessionResultDto>;
  }
}
