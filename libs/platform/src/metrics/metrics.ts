import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a gauge reads when Prometheus scrapes: one value per label set. */
export type GaugeReading = { labels?: Record<string, string>; value: number }[];

/** How often the event-loop lag metric samples the loop (ms). */
export const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * The process's Prometheus metrics (prom-client), on a registry of its own (several apps may share
 * one test process). Counters and histograms are written where things happen; gauges are read at
 * scrape time from whoever registered them (sockets and rooms by the gateway, queues by QueueMetrics).
 * Names and the dashboard figures built on them: README "Operations".
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'zjp_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status class, from the first byte in to the last byte out',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly bidsReceived = new Counter({
    name: 'zjp_bids_received_total',
    help: 'Bids handed to the bidding engine (socket, HTTP and floor)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly bidsAnswered = new Counter({
    name: 'zjp_bids_answered_total',
    help: 'Bids answered: accepted, rejected with a code, or failed (an error such as LOT_NOT_FOUND or SERVICE_UNAVAILABLE)',
    labelNames: ['source', 'outcome', 'code'] as const,
    registers: [this.registry],
  });

  readonly bidAckSeconds = new Histogram({
    name: 'zjp_bid_ack_seconds',
    help: 'From a bid reaching the engine to its durable answer (the acknowledgement a bidder waits for)',
    labelNames: ['source'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly bidTransactionLots = new Histogram({
    name: 'zjp_bid_transaction_lots',
    help: "Lots judged in one committed bidding transaction (several lots' waiting bids share a commit when many lots are bid on)",
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });

  readonly bidForwards = new Counter({
    name: 'zjp_bid_forwards_total',
    help: 'Online bids sent to the API process that judges their lot (BID_ROUTING=owner): sent, answered by it, or judged here after all (no_owner: no process listened; timeout: no answer in 3 s)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly bidsJudgedForOthers = new Counter({
    name: 'zjp_bids_judged_for_others_total',
    help: 'Bids another API process forwarded here because this process judges their lot (BID_ROUTING=owner)',
    registers: [this.registry],
  });

  readonly bidGroupFallbacks = new Counter({
    name: 'zjp_bid_group_fallbacks_total',
    help: 'Transactions of several lots that failed and whose lots were then judged one by one',
    registers: [this.registry],
  });

  readonly broadcastLagSeconds = new Histogram({
    name: 'zjp_lot_broadcast_lag_seconds',
    help: "From a bid's commit to the lot.bids event that carries it leaving this process for the lot's watchers",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly errorAnswers = new Counter({
    name: 'zjp_error_answers_total',
    help: 'Error answers by transport (http, socket) and code: RATE_LIMITED, VALIDATION_FAILED, SERVICE_UNAVAILABLE, INTERNAL_ERROR …',
    labelNames: ['transport', 'code'] as const,
    registers: [this.registry],
  });

  constructor() {
    // The event-loop lag is sampled every 100 ms, not prom-client's default 10 ms: its timer woke an idle API process
    // 100 times a second, and on a virtual machine each wake-up costs 30–300 µs of CPU (docs/BENCHMARKS.md, sixth pass).
    // A block of the loop longer than 100 ms is still seen; shorter ones show in the bidders' ack latency.
    collectDefaultMetrics({ register: this.registry, prefix: 'zjp_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  }

  /** A gauge whose value is read when Prometheus scrapes (a reading that throws leaves the gauge empty). */
  gauge(name: string, help: string, labelNames: string[], read: () => GaugeReading | Promise<GaugeReading>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no reading within 2 s')), 2000)));
        try {
          for (const { labels, value } of await Promise.race([read(), timeout])) {
            if (labels) this.set(labels, value);
            else this.set(value);
          }
        } catch {
          // an unreachable Redis must not fail or stall the whole scrape: the other figures still help
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
