import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Public } from '../auth/access.decorators';
import { OrgScope } from '../auth/org-scope.decorators';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';

const CHECK_TIMEOUT_MS = 1500;

/** The check's own promise may still reject after the timeout won: that late rejection is absorbed. */
function withTimeout<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
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
  @OrgScope.none()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** PostgreSQL and Redis answer: the process can take traffic. 503 otherwise. */
  @Public()
  @OrgScope.none()
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
