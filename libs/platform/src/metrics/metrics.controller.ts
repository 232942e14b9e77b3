import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ForbiddenError } from '@zjp/core';
import type { Request, Response } from 'express';
import { Public } from '../auth/access.decorators';
import { OrgScope } from '../auth/org-scope.decorators';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Metrics } from './metrics';

/** Loopback and private (RFC 1918, unique-local IPv6) addresses: the internal network. */
export function isInternalAddress(address: string | undefined): boolean {
  if (!address) return false;
  const ip = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  return ip === '::1' || /^f[cd][0-9a-f]{2}:/i.test(ip);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Prometheus scrape endpoint. Public in the access rules (Prometheus holds no user token), but
 * guarded here: with METRICS_TOKEN set only `Authorization: Bearer <token>` is admitted; without
 * it, only direct requests from the internal network — the TCP peer must be a loopback or private
 * address and the request must not have come through a proxy (X-Forwarded-For), so nginx in
 * front of the API does not make the internet internal.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @OrgScope.none()
  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = this.config.METRICS_TOKEN;
    if (token) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!given || !sameSecret(given, token)) throw new ForbiddenError('METRICS_FORBIDDEN', 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>');
    } else if (!isInternalAddress(req.socket.remoteAddress) || req.headers['x-forwarded-for'] !== undefined) {
      throw new ForbiddenError('METRICS_FORBIDDEN', 'Metrics are served to the internal network only (or set METRICS_TOKEN)');
    }
    const { contentType, body } = await this.metrics.exposition();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  }
}
