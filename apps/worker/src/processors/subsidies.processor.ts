import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { QUEUES } from '@zjp/platform';
import { ComputeCandidatesJob, SUBSIDY_JOBS } from '@zjp/subsidies';
import { SubsidyCandidatesService } from '@zjp/subsidies';
import type { Job } from 'bullmq';

/**
 * Subsidy candidates (P-SUB, P-DON): one subject's candidates under every policy in force, or the
 * sweep over every subject whose facts changed since (so a lost job loses nothing). Idempotent:
 * a recomputation replaces the subject's candidates.
 */
@Processor(QUEUES.subsidies, { concurrency: 4 })
export class SubsidiesProcessor extends WorkerHost {
  private readonly logger = new Logger(SubsidiesProcessor.name);

  constructor(private readonly candidates: SubsidyCandidatesService) {
    super();
  }

  async process(job: Job<ComputeCandidatesJob | { policyId?: string }>): Promise<{ candidates?: number; subjects?: number }> {
    switch (job.name) {
      case SUBSIDY_JOBS.computeCandidates: {
        const { subjectType, subjectId } = job.data as ComputeCandidatesJob;
        return this.candidates.computeSubject(subjectType, subjectId);
      }
      case SUBSIDY_JOBS.sweepCandidates: {
        // After a policy changed, every subject may be affected; otherwise only changed subjects.
        const all = Boolean((job.data as { policyId?: string }).policyId);
        const result = await this.candidates.sweep({ all });
        this.logger.log(`subsidy candidates sweep${all ? ' (policy changed)' : ''}: ${result.subjects} subjects`);
        return result;
      }
      default:
        throw new Error(`unknown subsidy job ${job.name}`);
    }
  }
}
