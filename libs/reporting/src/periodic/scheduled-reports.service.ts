import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock, shanghaiDate } from '@zjp/core';
import { periodsDueOn } from '../domain/figures';
import { PeriodicReportsService } from './periodic-reports.service';

/** The worker's monthly run: every report due on the day (idempotent: a rerun regenerates the same content). */
@Injectable()
export class ScheduledReportsService {
  private readonly log = new Logger(ScheduledReportsService.name);

  constructor(
    private readonly reports: PeriodicReportsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async generateDue(today?: string): Promise<{ generated: string[] }> {
    const day = today ?? shanghaiDate(this.clock.now()).toString();
    const generated: string[] = [];
    for (const p of periodsDueOn(day)) {
      await this.reports.generate(p.kind, p.period, 'schedule');
      generated.push(`${p.kind}:${p.period}`);
    }
    this.log.log(`periodic reports generated: ${generated.join(', ')}`);
    return { generated };
  }
}
