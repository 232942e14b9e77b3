import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import type { AppConfig } from '@zjp/platform';

/** Where Swagger UI is mounted (bootstrap.ts); it gets its own policy. */
export const OPENAPI_PATH = '/api/docs';

type Directives = Record<string, string[]>;

/**
 * What the web app (React + Vite, Ant Design) needs when the API serves it from the same origin:
 * its own scripts only; styles also inline (Ant Design writes CSS-in-JS style tags); images also
 * from data: and blob: URLs; fetch and socket.io to this origin (ws:/wss: for the upgrade).
 */
export const APP_CSP: Readonly<Directives> = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'", 'ws:', 'wss:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
});

/** Swagger UI: the same, and any https image (its validator badge); its scripts are files of its own, no inline script. */
export const OPENAPI_CSP: Readonly<Directives> = Object.freeze({ ...APP_CSP, 'img-src': ["'self'", 'data:', 'https:'] });

function options(config: AppConfig, directives: Readonly<Directives>): HelmetOptions {
  const production = config.NODE_ENV === 'production';
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      // upgrade-insecure-requests only where the site is served over https (production)
      directives: production ? { ...directives, 'upgrade-insecure-requests': [] } : { ...directives },
    },
    // HSTS only in production: a developer's http://localhost must not be pinned to https
    strictTransportSecurity: production ? { maxAge: 180 * 24 * 3600, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' }, // for browsers without frame-ancestors
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    xContentTypeOptions: true,
    crossOriginResourcePolicy: { policy: 'same-origin' },
  };
}

/** Security headers on every HTTP answer (helmet); the OpenAPI page has its own CSP. */
export function securityHeaders(config: AppConfig): RequestHandler {
  const app = helmet(options(config, APP_CSP));
  const docs = helmet(options(config, OPENAPI_CSP));
  return (req, res, next) => (req.path === OPENAPI_PATH || req.path.startsWith(`${OPENAPI_PATH}/`) ? docs : app)(req, res, next);
}
