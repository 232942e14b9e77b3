import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Public } from '../auth/access.decorators';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';

const CHECK_TIMEOUT_MS = 1500;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
  ]);
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly redis: RedisConnectionFactory,
  ) {}

  /** The process is up and serving HTTP. */
  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** PostgreSQL and Redis answer: the process can take traffic. 503 otherwise. */
  @Public()
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const check = this.indicators.check('database');
        try {
          await withTimeout(this.dataSource.query('SELECT 1'));
          return check.up();
        } catch (err) {
          return check.down({ message: err instanceof Error ? err.message : 'unreachable' });
        }
      },
      async () => {
        const check = this.indicators.check('redis');
        try {
          await withTimeout(this.redis.client().ping());
          return check.up();
        } catch (err) {
          return check.down({ message: err instanceof Error ? err.message : 'unreachable' });
        }
      },
    ]);
  }
}
