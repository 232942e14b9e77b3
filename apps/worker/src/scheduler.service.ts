import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MAINTENANCE_JOBS, QUEUES } from '@zjp/platform';
import type { Queue } from 'bullmq';

/** Repeating jobs, declared by id: every worker copy upserts the same scheduler, so it runs once. */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap {
  constructor(@InjectQueue(QUEUES.maintenance) private readonly maintenance: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.maintenance.upsertJobScheduler(
      MAINTENANCE_JOBS.purgeExpiredSessions,
      { pattern: '17 3 * * *', tz: 'Asia/Shanghai' },
      { name: MAINTENANCE_JOBS.purgeExpiredSessions, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
    );
  }
}
