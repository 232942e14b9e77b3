import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { setHtmlNotFoundPage } from '@zjp/platform';

/** Where `npm run web:build` puts the web application (apps/web/dist), from dist/apps/api/src or apps/api/src. */
export const WEB_DIST = resolve(__dirname, __dirname.includes(`${join('dist', 'apps')}`) ? '../../../../apps/web/dist' : '../../web/dist');

/**
 * The web application's own pages (React Router, apps/web/src/routes.tsx). Their names never
 * collide with the API's: the API names collections in the plural (`/lots/:id`), the pages are
 * singular (`/lot/:id`), so a deep link is always the page and a fetch always the API. A spec
 * (test/e2e/web-app.e2e-spec.ts) checks this list against the OpenAPI document's paths.
 */
export const WEB_PAGE_PATHS = [
  '/',
  '/search',
  '/achievement/:id',
  '/lot/:id',
  '/session/:id',
  '/market',
  '/market/*rest',
  '/login',
  '/desk',
  '/desk/*rest',
  '/holder',
  '/holder/*rest',
  '/broker',
  '/broker/*rest',
  '/admin',
  '/admin/*rest',
  '/hall/:id',
  '/error/*rest',
] as const;

/** WEB_PAGE_PATHS as one regular expression for Express (path-to-regexp has no alternation). */
export const WEB_PAGE_PATTERN =
  /^\/(?:|search|achievement\/[^/]+|lot\/[^/]+|session\/[^/]+|login|(?:desk|holder|broker|admin|market)(?:\/.*)?|hall\/[^/]+|error\/.*)$/;

/**
 * Serves the built web application at `/` from the same origin as the API (no CORS): its assets as
 * static files (hashed names, cached for a year) and index.html for every page path above, so that
 * deep links and reloads work; a browser navigating to any other unknown path gets the app too,
 * with status 404, and shows its own "page not found". Without a build (API-only tests, a developer who has not run
 * `npm run web:build`), nothing is served and the API answers as before.
 */
export function webAppModules(dir = WEB_DIST): DynamicModule[] {
  if (!existsSync(join(dir, 'index.html'))) {
    setHtmlNotFoundPage(undefined);
    return [];
  }
  setHtmlNotFoundPage(join(dir, 'index.html')); // a browser lost on an unknown path gets the app's "page not found"
  return [
    ServeStaticModule.forRoot({
      rootPath: dir,
      renderPath: WEB_PAGE_PATTERN,
      serveStaticOptions: {
        index: false,
        fallthrough: true,
        setHeaders: (res: { setHeader(name: string, value: string): void }, path: string) =>
          res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
      },
    }),
  ];
}
