import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, screenshot } from '../support/browser';
import { HISTORY_TO, loadReportData } from '../support/market-history';
import { startWorld, type MarketWorld } from './world';

interface Figure {
  unit: 'count' | 'fen' | 'percent';
  value: string | null;
  changeVsPrevious: string | null;
  changeVsYearAgo: string | null;
}
interface Report {
  kind: string;
  period: string;
  title: string;
  overall: Record<string, Figure>;
  breakdowns: Record<'field' | 'region' | 'holderType' | 'theme', { key: string; label: string; figures: Record<string, Figure> }[]>;
}
interface IndexSeries {
  baseDate: string;
  weights: Record<string, number>;
  series: { date: string; index: string | null; components: Record<string, number | string> }[];
}

/** 1,234,567.8 元 from fen, as the page writes it (integer arithmetic, no float). */
function yuan(fen: string): string {
  const v = BigInt(fen);
  const abs = v < 0n ? -v : v;
  const cents = abs % 100n;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${v < 0n ? '-' : ''}${whole}${cents === 0n ? '' : `.${cents.toString().padStart(2, '0')}`} 元`;
}
function shown(f: Figure): string {
  if (f.value === null) return '—';
  if (f.unit === 'fen') return yuan(f.value);
  if (f.unit === 'percent') return `${f.value}%`;
  return Number(f.value).toLocaleString('en-US');
}

/**
 * 市场数据 in a real browser: a small market history (test/support/market-history.ts, the bench's
 * generator at a small size) is loaded, the reports are generated through the API (which refreshes
 * the summary tables first), and the public /market page is checked against the API's JSON: the
 * activity index chart with its definition, weights and latest figures; a monthly report's
 * headline figures with their changes, its breakdown table and chart, and the XLSX and PDF downloads.
 */
describe('the market data page in a real browser', () => {
  let world: MarketWorld;
  let browser: Browser;
  let pg: Client;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const year = HISTORY_TO.slice(0, 4);
  const periods: [string, string][] = [
    ['monthly', HISTORY_TO.slice(0, 7)],
    ['quarterly', `${year}-Q3`],
    ['annual', `${Number(year) - 1}`],
  ];
  const reports: Record<string, Report> = {};

  beforeAll(async () => {
    [world, browser] = await Promise.all([startWorld(), launchBrowser()]);
    pg = new Client({ connectionString: world.db.url });
    await pg.connect();
    await loadReportData(pg, { bids: 6000, contracts: 800, achievements: 1000 });
    for (const [kind, period] of periods) {
      const generated = await world.http('admin').post('/reports/periodic/generate', { kind, period });
      expect([kind, generated.status]).toEqual([kind, 200]);
      reports[kind] = generated.body as Report;
    }
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await pg?.end();
    await browser?.close();
    await world?.close();
  });
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  const open = async (): Promise<Page> => {
    const context = await newContext(browser, world.url);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.stack ?? err.message}`));
    return page;
  };
  const showing = async <T>(body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (err) {
      const pages = contexts.flatMap((c) => c.pages());
      await Promise.all(pages.map((p, i) => screenshot(p, `failure-market-${i + 1}`).catch(() => undefined)));
      throw err;
    }
  };

  it('shows the activity index as a chart with its definition, weights and the figures of the JSON', () =>
    showing(async () => {
      const page = await open();
      await page.goto('/');
      await page.locator('.app-nav a', { hasText: '市场数据' }).click();
      await page.waitForURL(/\/market$/);
      const canvas = page.getByTestId('index-chart').locator('canvas');
      await canvas.waitFor();
      expect(await canvas.evaluate((c) => (c as unknown as { width: number }).width > 0 && (c as unknown as { height: number }).height > 0)).toBe(true);

      // the same query as the page's: the last 365 days to today (Beijing), all fields and regions
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
      const from = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - 365 * 86_400_000));
      const answer = await world.http('admin').get(`/reports/activity-index?from=${from}&to=${today}`);
      expect(answer.status).toBe(200);
      const index = answer.body as IndexSeries;
      expect(index.series.length).toBeGreaterThan(300);
      expect(index.series.some((p) => p.index !== null && Number(p.index) !== 100)).toBe(true);

      await page
        .getByTestId('index-definition')
        .filter({ hasText: `基期（${index.baseDate}）` })
        .waitFor();
      const weights = await page.getByTestId('index-weights').innerText();
      const total = Object.values(index.weights).reduce((a, b) => a + b, 0);
      expect(weights).toContain(`成交金额 ${Math.round((index.weights.valueFen / total) * 100)}%`);
      expect(weights).toContain(`出价次数 ${Math.round((index.weights.bids / total) * 100)}%`);
      const latest = index.series[index.series.length - 1];
      expect(await page.getByTestId('index-latest-value').locator('.ant-statistic-content').innerText()).toBe(latest.index ?? '—');
      expect(await page.getByTestId('index-component-bids').locator('.ant-statistic-content').innerText()).toBe(
        Number(latest.components.bids).toLocaleString('en-US'),
      );
      expect(await page.getByTestId('index-component-valueFen').locator('.ant-statistic-content').innerText()).toBe(yuan(String(latest.components.valueFen)));
      await screenshot(page, 'market-index');

      // one field: the page asks for it and draws the chart again
      const filtered = page.waitForResponse((r) => r.url().includes('/reports/activity-index') && r.url().includes('field=new_materials'));
      await page.getByTestId('index-field').click();
      await page.locator('.ant-select-item-option', { hasText: '新材料' }).click();
      expect((await filtered).status()).toBe(200);
      await canvas.waitFor();
      await page.getByTestId('rankings-link').waitFor();
      expect(await page.getByTestId('rankings-link').getAttribute('href')).toBe('/market/rankings');

      // in English: the same page, its definition and figures in English
      await page.locator('.lang-switch').click();
      await page
        .getByTestId('index-definition')
        .filter({ hasText: `the base day (${index.baseDate})` })
        .waitFor();
      await page.getByRole('tab', { name: 'Monthly · quarterly · annual reports' }).waitFor();
      await page.locator('.lang-switch').click();
      await page
        .getByTestId('index-definition')
        .filter({ hasText: `基期（${index.baseDate}）` })
        .waitFor();
    }));

  it("shows a periodic report's headline figures, changes, breakdowns and chart as in the JSON, and downloads its XLSX and PDF", () =>
    showing(async () => {
      const page = await open();
      await page.goto('/market?tab=reports');
      const monthly = reports.monthly;
      await page.getByTestId('report-title').filter({ hasText: monthly.title }).waitFor();
      for (const key of ['listings', 'lotsSold', 'sellThroughRate', 'premiumRate', 'soldHammerFen', 'dealValueFen', 'contractValueFen', 'contractPaidFen']) {
        const card = page.getByTestId(`figure-${key}`);
        expect([key, await card.locator('.ant-statistic-content').innerText()]).toEqual([key, shown(monthly.overall[key])]);
        const previous = monthly.overall[key].changeVsPrevious;
        const prevText = await card.getByTestId('change-previous').innerText();
        if (previous === null) expect(prevText).toContain('无可比数据');
        else if (Number(previous) !== 0) expect(prevText).toContain(`${Number(previous) > 0 ? '↑' : '↓'} ${previous.replace(/^-/, '')}`);
      }
      // the premium is the hammer total over the starting total of the lots sold, minus one
      const o = monthly.overall;
      if (o.soldStartFen.value !== '0') {
        const premium = (Number(o.soldHammerFen.value) / Number(o.soldStartFen.value) - 1) * 100;
        expect(Math.abs(premium - Number(o.premiumRate.value))).toBeLessThan(0.006);
      }
      // the by-field table: one row per field of the JSON, the concluded value of each
      const rows = page.getByTestId('breakdown-table').locator('tbody tr.ant-table-row');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(monthly.breakdowns.field.length);
      for (const [i, row] of monthly.breakdowns.field.entries()) {
        const text = await rows.nth(i).innerText();
        expect(text).toContain(row.label);
        expect(text).toContain(shown(row.figures.dealValueFen));
      }
      const chart = page.getByTestId('report-chart').locator('canvas');
      await chart.waitFor();
      expect(await chart.evaluate((c) => (c as unknown as { width: number }).width > 0 && (c as unknown as { height: number }).height > 0)).toBe(true);
      await page.getByTestId('breakdown-region').click();
      await page.getByTestId('breakdown-table').getByText(monthly.breakdowns.region[0].label, { exact: true }).waitFor();

      // the downloads: 200 with their content types, saved under the report's name
      for (const [button, type, extension] of [
        ['download-xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
        ['download-pdf', 'application/pdf', 'pdf'],
      ] as const) {
        const response = page.waitForResponse((r) => r.url().includes(`/reports/periodic/export.${extension}`));
        const download = page.waitForEvent('download');
        await page.getByTestId(button).click();
        const r = await response;
        expect([r.status(), r.headers()['content-type']?.split(';')[0]]).toEqual([200, type]);
        expect((await download).suggestedFilename()).toBe(`report-monthly-${monthly.period}.${extension}`);
      }
      await page.getByTestId('breakdown-field').click();
      await page.evaluate('window.scrollTo(0, 0)');
      await screenshot(page, 'market-report');
      await page.getByTestId('report-chart').scrollIntoViewIfNeeded();
      await screenshot(page, 'market-report-breakdown');

      // the annual evaluation, picked from the available reports
      await page.getByTestId('report-kind').getByText('年评价').click();
      await page.getByTestId('report-title').filter({ hasText: reports.annual.title }).waitFor();
      expect(await page.getByTestId('figure-dealValueFen').locator('.ant-statistic-content').innerText()).toBe(shown(reports.annual.overall.dealValueFen));
    }));
});
