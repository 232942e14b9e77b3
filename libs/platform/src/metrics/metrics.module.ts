import { Global, Module } from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { QueueMetrics } from './queue-metrics';

/** The API's metrics: the registry (injectable everywhere), GET /metrics, HTTP latency, queue depths. */
@Global()
@Module({ controllers: [MetricsController], providers: [Metrics, HttpMetricsMiddleware, QueueMetrics], exports: [Metrics, HttpMetricsMiddleware] })
export class MetricsModule {}

/** Processes without an HTTP server of their own (the worker, CLIs) still get a Metrics to write to. */
@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsRegistryModule {}
