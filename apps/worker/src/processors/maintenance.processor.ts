import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Outbox } from '@zjp/database';
import { AuthService } from '@zjp/identity';
import { MAINTENANCE_JOBS, QUEUES } from '@zjp/platform';
import type { Job } from 'bullmq';

/** Housekeeping. Idempotent: a repeated job finds nothing left to do. */
@Processor(QUEUES.maintenance)
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly auth: AuthService,
    private readonly outbox: Outbox,
  ) {
    super();
  }

  async process(job: Job): Promise<{ purged: number }> {
    switch (job.name) {
      case MAINTENANCE_JOBS.purgeExpiredSessions: {
        const purged = await this.auth.purgeEndedSessions();
        this.logger.log(`purged ${purged} ended sessions`);
        return { purged };
      }
      case MAINTENANCE_JOBS.purgeDeliveredEvents: {
        const purged = await this.outbox.purgeDelivered(7);
        this.logger.log(`purged ${purged} delivered outbox events`);
        return { purged };
      }
      default:
        throw new Error(`unknown maintenance job ${job.name}`);
    }
  }
}
