import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { QUEUES } from '../queues';
import { Metrics } from './metrics';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** Queue depths and failed jobs per BullMQ queue, read from Redis when Prometheus scrapes. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly modules: ModuleRef,
  ) {}

  onModuleInit(): void {
    const queues = Object.values(QUEUES).flatMap((name) => {
      try {
        return [this.modules.get<Queue>(getQueueToken(name), { strict: false })];
      } catch {
        return []; // a process without that queue registered
      }
    });
    this.metrics.gauge('zjp_queue_jobs', 'Jobs per BullMQ queue and state (waiting, active, delayed, failed, completed)', ['queue', 'state'], async () => {
      const counts = await Promise.all(queues.map(async (q) => ({ queue: q.name, counts: await q.getJobCounts(...STATES) })));
      return counts.flatMap(({ queue, counts: c }) => STATES.map((state) => ({ labels: { queue, state }, value: c[state] ?? 0 })));
    });
  }
}
