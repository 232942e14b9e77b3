import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@zjp/core';
import { QUEUES, Roles, OrgScope } from '@zjp/platform';
import { SUBSIDY_JOBS } from '../jobs';
import type { Queue } from 'bullmq';

/** Administrators may run the candidates sweep now instead of waiting for its schedule. */
@ApiTags('subsidies')
@ApiBearerAuth()
@Controller('subsidy-candidates/sweeps')
export class CandidateSweepsController {
  constructor(@InjectQueue(QUEUES.subsidies) private readonly queue: Queue) {}

  @Roles('authority_admin', 'platform_admin')
  @OrgScope.none()
  @Post()
  @HttpCode(202)
  async start(): Promise<{ jobId: string }> {
    const job = await this.queue.add(SUBSIDY_JOBS.sweepCandidates, {}, { removeOnComplete: { age: 7 * 86400 }, removeOnFail: { age: 30 * 86400 } });
    return { jobId: String(job.id) };
  }

  @Roles('authority_admin', 'platform_admin')
  @OrgScope.none()
  @Get(':jobId')
  async status(@Param('jobId') jobId: string): Promise<{ jobId: string; state: string; result: unknown; failedReason: string | null }> {
    const job = /^\d{1,12}$/.test(jobId) ? await this.queue.getJob(jobId) : undefined;
    if (!job || job.name !== SUBSIDY_JOBS.sweepCandidates) throw new NotFoundError('SWEEP_NOT_FOUND', 'No such sweep');
    return { jobId, state: await job.getState(), result: job.returnvalue ?? null, failedReason: job.failedReason ?? null };
  }
}
