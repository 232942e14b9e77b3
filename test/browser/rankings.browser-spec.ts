import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, screenshot, signIn } from '../support/browser';
import { PASSWORD, startWorld, type MarketWorld } from './world';

/**
 * The public holder rankings (P-MKT) and the authorities' compliance dashboard (P-REG, P-2Y, P-3Y)
 * in a real browser, on holders seeded this year: the ranks with a tie, "why this rank", the top-10
 * chart and the method; an authority's dashboard of its city.
 */
describe('holder rankings and the compliance dashboard in a real browser', () => {
  let world: MarketWorld;
  let browser: Browser;
  let pg: Client;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date());
  const q = async <T = { id: string }>(sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rows as T[];

  let n = 0;
  const achievement = async (holder: string, a: { obtainedOn: string; registeredOn: string | null; ruleState?: string; transformed?: boolean }) => {
    const [{ id }] = await q(
      `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, registration_status, registered_on, rule_state)
       VALUES ($1, $2, 'new_materials', 'applied', $3, $4, $5, $6) RETURNING id`,
      [holder, `示范成果-${++n}`, a.obtainedOn, a.registeredOn ? 'registered' : 'draft', a.registeredOn, a.ruleState ?? 'clear'],
    );
    if (a.transformed) {
      await q(`INSERT INTO transformations (achievement_id, kind, source, status, took_effect_on) VALUES ($1, 'transfer', 'declaration', 'effective', $2)`, [
        id,
        a.registeredOn,
      ]);
    }
    return id;
  };

  beforeAll(async () => {
    [world, browser] = await Promise.all([startWorld(), launchBrowser()]);
    pg = new Client({ connectionString: world.db.url });
    await pg.connect();
    const org = async (body: object) => {
      const res = await world.http('admin').post('/organizations', body);
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const [{ id: buyer }] = await q(`SELECT organization_id AS id FROM users WHERE email = $1`, [world.emails.e1]);
    // eight holders: listings, contracts (fen), achievements transformed / idle / late; 西湖 and 钱塘 identical (a tie)
    const plan: [string, string, 'university' | 'institute', number, number[], number, number, number][] = [
      // name, region, kind, listings, contract prices in fen, transformed, idle, registered late
      ['浙江工程大学', '330106', 'university', 6, [1_250_000_00, 480_000_00], 3, 0, 0],
      ['西湖理工学院', '330106', 'university', 3, [600_000_00], 2, 1, 1],
      ['钱塘理工学院', '330114', 'university', 3, [600_000_00], 2, 1, 1],
      ['之江科技大学', '330110', 'university', 2, [90_000_00], 1, 2, 2],
      ['杭州材料研究院', '330106', 'institute', 4, [2_000_000_00], 2, 0, 0],
      ['杭州智能研究所', '330108', 'institute', 1, [], 0, 2, 1],
      ['宁波海洋研究院', '330212', 'institute', 2, [350_000_00], 1, 1, 0],
      ['宁波纺织大学', '330203', 'university', 1, [], 0, 3, 3],
    ];
    for (const [name, regionCode, holderCategory, listings, prices, transformed, idle, late] of plan) {
      const holder = await org({ type: 'holder', name, regionCode, holderCategory, highLevelPlatform: name === '浙江工程大学' });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        ids.push(
          await achievement(holder, {
            obtainedOn: `${year}-0${i + 1}-01`,
            registeredOn: i < late ? `${year}-0${i + 2}-20` : `${year}-0${i + 1}-10`, // late: more than 30 days after
            transformed: i < transformed,
          }),
        );
      }
      for (let i = 0; i < idle; i++)
        await achievement(holder, { obtainedOn: '2021-01-01', registeredOn: '2021-01-05', ruleState: i === 2 ? 'free_license_eligible' : 'use_first' });
      if (idle > 1) await achievement(holder, { obtainedOn: `${year}-02-01`, registeredOn: null }); // overdue, unregistered
      for (let i = 0; i < listings; i++) {
        await q(`INSERT INTO listings (achievement_id, holder_id, mode, status, created_at) VALUES ($1, $2, 'negotiated', 'active', $3)`, [
          ids[i % ids.length],
          holder,
          `${year}-05-0${1 + (i % 9)}T10:00:00+08:00`,
        ]);
      }
      for (const price of prices) {
        await q(
          `INSERT INTO contracts (type, source, achievement_id, seller_id, buyer_id, title, status, terms, price_fen, signed_at, took_effect_on, signed_terms_sha256)
           VALUES ('license', 'drafted', $1, $2, $3, '技术许可合同', 'signed', '{}'::jsonb, $4, $5::date::timestamptz, $5::date, repeat('b', 64))`,
          [ids[0], holder, buyer, price, `${year}-06-01`],
        );
      }
      if (idle > 0) {
        const [{ id: userId }] = await q(`SELECT id FROM users LIMIT 1`);
        const [idleOne] = await q(`SELECT id FROM achievements WHERE holder_id = $1 AND rule_state <> 'clear' LIMIT 1`, [holder]);
        await q(
          `INSERT INTO justifications (achievement_id, category, explanation, ends_on, status, submitted_by) VALUES ($1, 'negotiation_in_progress', '正在与企业洽谈许可', $2, 'pending', $3)`,
          [idleOne.id, `${Number(year) + 1}-06-30`, userId],
        );
      }
    }
    const authority = await org({ type: 'authority', name: '杭州市科学技术局', regionCode: '330100', authorityLevel: 'city' });
    world.emails.hz = 'hz@browser.example';
    const user = await world
      .http('admin')
      .post(`/organizations/${authority}/users`, { email: world.emails.hz, displayName: '杭州市科技局专员', password: PASSWORD, roles: ['authority_admin'] });
    expect(user.status).toBe(201);
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
      await Promise.all(pages.map((p, i) => screenshot(p, `failure-rankings-${i + 1}`).catch(() => undefined)));
      throw err;
    }
  };

  it('shows the public rankings with a tie, the top-10 chart, the method and why a rank is what it is', () =>
    showing(async () => {
      const page = await open();
      await page.goto('/');
      await page.getByRole('link', { name: '转化排行' }).click();
      await page.waitForURL(/\/market\/rankings$/);
      await page.getByTestId('rankings-chart').locator('canvas').waitFor();
      const rows = page.locator('.ant-table-tbody > tr.ant-table-row');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(9); // and the world's 浙江示范大学, with nothing this year
      const tied = page.locator('tr.ant-table-row', { hasText: '西湖理工学院' });
      await expect(tied.getByText('并列').count()).resolves.toBe(1);
      const tiedRank = await tied.getByTestId('rank').textContent();
      expect(await page.locator('tr.ant-table-row', { hasText: '钱塘理工学院' }).getByTestId('rank').textContent()).toBe(tiedRank);
      await expect(page.getByTestId('rankings-method').textContent()).resolves.toContain('最小—最大归一化');
      await screenshot(page, 'rankings');
      // why this rank: the inputs and each indicator's points
      await rows.first().click();
      const why = page.getByTestId('why');
      await why.waitFor();
      await expect(why.textContent()).resolves.toContain('为什么是这个名次');
      await expect(why.textContent()).resolves.toContain('合同金额');
      await why.scrollIntoViewIfNeeded();
      await screenshot(page, 'rankings-why');
      // the English switch: the same page, every text in English
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByText('Holder rankings: transformation of achievements').waitFor();
      await expect(page.getByTestId('rankings-method').textContent()).resolves.toContain('min-max normalised');
      await expect(page.getByTestId('why').textContent()).resolves.toContain('Why this rank');
    }));

  it("shows an authority its city's compliance per holder, in the authority console", () =>
    showing(async () => {
      const page = await open();
      await signIn(page, world.emails.hz, PASSWORD, '/admin/compliance-dashboard');
      const dashboard = page.getByTestId('compliance-dashboard');
      await dashboard.waitFor();
      await page.getByTestId('dashboard-totals').waitFor();
      const rows = dashboard.locator('.ant-table-tbody > tr.ant-table-row');
      await rows.first().waitFor();
      // Hangzhou's seven holders (six seeded here and the world's 浙江示范大学), not Ningbo's two
      expect(await rows.count()).toBe(7);
      await expect(dashboard.textContent()).resolves.not.toContain('宁波');
      await expect(page.getByRole('tab', { name: '合规看板' }).count()).resolves.toBe(1);
      await screenshot(page, 'compliance-dashboard');
    }));
});
