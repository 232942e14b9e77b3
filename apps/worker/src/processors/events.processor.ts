import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Outbox } from '@zjp/database';
import { EVENT_JOBS, QUEUES, type DeliverEventJob } from '@zjp/platform';
import type { Job, Queue } from 'bullmq';

/** The maker of an event delivers it itself right after its commit; the relay waits this long before taking over. */
const MAKER_GRACE_SECONDS = 2;

/**
 * The outbox relay: domain events that were not delivered by the process that made them become
 * BullMQ jobs (one per delivery attempt), and each job runs the event's handlers. Any number of
 * workers may run this: an event is leased to one deliverer at a time, handlers are idempotent.
 */
@Processor(QUEUES.events)
export class EventsProcessor extends WorkerHost {
  constructor(
    private readonly outbox: Outbox,
    @InjectQueue(QUEUES.events) private readonly queue: Queue<DeliverEventJob>,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case EVENT_JOBS.relay: {
        const pending = await this.outbox.undelivered(MAKER_GRACE_SECONDS, 500);
        // one job id per attempt: a finished job of an earlier attempt does not hide this one
        await this.queue.addBulk(
          pending.map((e) => ({
            name: EVENT_JOBS.deliver,
            data: { eventId: e.id },
            opts: { jobId: `event-${e.id}-${e.attempts}`, removeOnComplete: 1000, removeOnFail: 1000 },
          })),
        );
        return { relayed: pending.length };
      }
      case EVENT_JOBS.deliver:
        // a handler's error fails the job (seen in zjp_queue_jobs{state="failed"}); the relay retries after the back-off
        return { outcome: await this.outbox.deliverOne((job.data as DeliverEventJob).eventId) };
      default:
        throw new Error(`unknown events job ${job.name}`);
    }
  }
}
