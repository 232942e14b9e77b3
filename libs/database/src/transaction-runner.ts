import { Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Outbox } from './outbox/outbox';

type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** How many times to retry on serialization failure or deadlock (the whole unit of work reruns). */
  retries?: number;
}

/**
 * Opens one transaction per use case; repositories take its EntityManager. Deadlocks and
 * serialization failures are retried here, so callers never see them for a retryable unit.
 * Domain events appended to the outbox in the transaction are delivered after its commit.
 */
@Injectable()
export class TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly outbox?: Outbox,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const { isolation = 'READ COMMITTED', retries = 3 } = options;
    for (let attempt = 0; ; attempt++) {
      let manager: EntityManager | undefined;
      try {
        const unit = (m: EntityManager) => {
          manager = m;
          return work(m);
        };
        // READ COMMITTED is every connection's default (SESSION_OPTIONS): no SET TRANSACTION round trip
        const result = await (isolation === 'READ COMMITTED' ? this.dataSource.transaction(unit) : this.dataSource.transaction(isolation, unit));
        // committed: the domain events it wrote go to their handlers now (the relay retries what fails)
        const events = this.outbox?.takeAppended(manager!) ?? [];
        if (events.length) await this.outbox!.deliver(events);
        return result;
      } catch (err) {
        if (manager) this.outbox?.takeAppended(manager); // rolled back: nothing to deliver
        const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (err as { code?: string }).code;
        if (attempt >= retries || !code || !RETRYABLE.has(code)) throw err;
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
      }
    }
  }
}
