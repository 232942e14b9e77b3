import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEB_PAGE_PATHS, WEB_PAGE_PATTERN } from '../../apps/api/src/web-app';
import { startApi, TestApi } from '../support/api';

const ROOT = join(__dirname, '..', '..');

/** The API serves the built web application (apps/web/dist, built by npm test before Jest). */
describe('the web application served by the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('answers the app for / and for deep links to its pages, with the security headers', async () => {
    for (const path of [
      '/',
      '/search?q=%E7%9F%B3%E5%A2%A8%E7%83%AF',
      '/lot/01a24920-2b5a-7226-8da8-f28d8e8828af',
      '/achievement/x',
      '/desk/contracts',
      '/holder/achievements',
      '/admin/sessions',
      '/broker',
      '/hall/01a24920-2b5a-7226-8da8-f28d8e8828af',
      '/login',
    ]) {
      const page = await api.http.get(path).set('Accept', 'text/html');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('<div id="root"></div>');
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('serves the hashed assets with a long cache, and the page itself without', async () => {
    const index = await api.http.get('/');
    expect(index.headers['cache-control']).toBe('no-cache');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)![1];
    const asset = await api.http.get(script);
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await api.http.get('/assets/missing-file.js')).status).toBe(404);
  });

  it('leaves the API as it was: JSON answers, and the JSON 404 for a path that is neither', async () => {
    const lots = await api.http.get('/lots/01a24920-2b5a-7226-8da8-f28d8e8828af');
    expect(lots.headers['content-type']).toMatch(/application\/json/);
    expect(lots.status).toBe(404);
    const nothing = await api.http.get('/no-such-thing');
    expect(nothing.status).toBe(404);
    expect(nothing.body.code).toBe('NOT_FOUND');
    // a browser lost on the same path gets the app (which shows its "page not found"), still with 404
    const lost = await api.http.get('/no-such-thing').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect([lost.status, lost.headers['content-type']]).toEqual([404, expect.stringMatching(/text\/html/)]);
    expect(lost.text).toContain('<div id="root"></div>');
    // but never for an API resource that does not exist, nor for a POST
    const lot = await api.http.get('/lots/01a24920-2b5a-7226-8da8-f28d8e8828af').set('Accept', 'text/html');
    expect([lot.status, lot.body.code]).toEqual([404, 'LOT_NOT_FOUND']);
    expect((await api.http.post('/no-such-thing').set('Accept', 'text/html')).headers['content-type']).toMatch(/json/);
  });

  it("names its pages so that none collides with an API route (the API's collections are plural, the pages singular)", async () => {
    const doc = (await api.http.get('/api/docs/openapi.json')).body as { paths: Record<string, unknown> };
    for (const apiPath of Object.keys(doc.paths)) {
      const sample = apiPath.replace(/\{[^}]+\}/g, 'x');
      expect({ apiPath, servedAsPage: WEB_PAGE_PATTERN.test(sample) }).toEqual({ apiPath, servedAsPage: false });
    }
    for (const page of WEB_PAGE_PATHS) expect(WEB_PAGE_PATTERN.test(page.replace(/:id/, 'x').replace('*rest', 'a/b'))).toBe(true);
    // and the web app's router declares exactly these pages
    const routes = readFileSync(join(ROOT, 'apps/web/src/App.tsx'), 'utf8');
    for (const page of [
      '/',
      '/search',
      '/achievement/:id',
      '/lot/:id',
      '/session/:id',
      '/market',
      '/login',
      '/desk/*',
      '/holder/*',
      '/broker/*',
      '/admin/*',
      '/hall/:id',
      '/error/:kind',
    ])
      expect(routes).toContain(`path="${page}"`);
  });

  it("has a client generated from this API's OpenAPI document (run npm run web:api after changing the API)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zjp-openapi-'));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify((await api.http.get('/api/docs/openapi.json')).body));
    execFileSync('bash', [join(ROOT, 'scripts/web-api-types.sh'), join(dir, 'openapi.json'), join(dir, 'schema.d.ts')], { cwd: ROOT });
    const fresh = readFileSync(join(dir, 'schema.d.ts'), 'utf8');
    const checkedIn = readFileSync(join(ROOT, 'apps/web/src/api/schema.d.ts'), 'utf8');
    expect(checkedIn === fresh ? 'current' : 'stale: run npm run web:api').toBe('current');
  });
});
