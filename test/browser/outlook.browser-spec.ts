import { Client } from 'pg';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, screenshot, signIn } from '../support/browser';
import { insertContractPayment, insertRegisteredContract, insertSubsidyEnterprise } from '../support/subsidy-factory';
import { PASSWORD, startWorld, type MarketWorld } from './world';

/**
 * The subsidy budget outlook in a real browser: an authority with a policy (10% of what is paid, at
 * most 120,000 元 a contract, budget 200,000 元), an approved and a pending application, and
 * contracts whose payments fall due this year. The official opens the outlook from the policy list,
 * reads when the budget runs out, then raises the budget in the editor and sees the preview's
 * outlook change before saving. The API and worker run as processes on the real clock, so the
 * months run from this month to December.
 */
describe('the subsidy budget outlook in a real browser', () => {
  let world: MarketWorld;
  let browser: Browser;
  let pg: Client;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const year = today.slice(0, 4);
  let policyId: string;

  beforeAll(async () => {
    [world, browser] = await Promise.all([startWorld(), launchBrowser()]);
    pg = new Client({ connectionString: world.db.url });
    await pg.connect();
    const db = { query: async (sql: string, params?: unknown[]) => (await pg.query(sql, params)).rows } as unknown as Parameters<
      typeof insertRegisteredContract
    >[0];
    const created = await world
      .http('admin')
      .post('/organizations', { type: 'authority', name: '绍兴市柯桥区科学技术局', regionCode: '330603', authorityLevel: 'county' });
    expect(created.status).toBe(201);
    const authorityId = created.body.id as string;
    world.emails.kq = 'kq-outlook@browser.example';
    const user = await world
      .http('admin')
      .post(`/organizations/${authorityId}/users`, { email: world.emails.kq, displayName: '预算科科长', password: PASSWORD, roles: ['authority_admin'] });
    expect(user.status).toBe(201);
    world.tokens.kq = (await request(world.url).post('/auth/login').send({ email: world.emails.kq, password: PASSWORD })).body.accessToken as string;
    const policy = await world.http('kq').post('/subsidy-policies', {
      kind: 'contract',
      name: '柯桥区技术交易补助',
      documentNumber: `柯科〔${year}〕66号`,
      effectiveFrom: `${year}-01-01`,
      effectiveTo: `${year}-12-31`,
      eligibility: { contractTypes: ['transfer', 'license'], registration: { required: true } },
      base: 'actual_paid',
      rate: { kind: 'single', rate: '10%' },
      caps: { perContractFen: '12000000' },
      budgetFen: '20000000',
      stacking: 'exclusive',
    });
    expect(policy.status).toBe(201);
    policyId = policy.body.id as string;

    const e1 = await insertSubsidyEnterprise(db, '330603');
    const e2 = await insertSubsidyEnterprise(db, '330603');
    const e3 = await insertSubsidyEnterprise(db, '330603');
    const application = async (contractId: string, enterpriseId: string, status: 'approved' | 'submitted', fen: string) =>
      db.query(
        `INSERT INTO subsidy_applications (policy_id, authority_id, subject_type, subject_id, enterprise_id, year, enterprise_region_code, status, policy_version,
                                           computed_fen, explanation, payee, approved_fen, decided_by, decided_at)
         VALUES ($1, $2, 'contract', $3, $4, $5, '330603', $6, 1, $7, '{}', '{"accountName":"x"}', $8,
                 CASE WHEN $6 = 'approved' THEN (SELECT id FROM users WHERE organization_id = $2 LIMIT 1) END, CASE WHEN $6 = 'approved' THEN now() END)`,
        [policyId, authorityId, contractId, enterpriseId, Number(year), status, fen, status === 'approved' ? fen : null],
      );
    // A: 500,000 元 paid in March, 50,000 元 approved; 500,000 元 more due on 12-20: +50,000 元 expected.
    const a = await insertRegisteredContract(db, {
      buyerId: e1.organizationId,
      signedOn: `${year}-03-01`,
      registeredOn: `${year}-03-20`,
      fees: [
        {
          kind: 'instalments',
          instalments: [
            { amountFen: '50000000', dueOn: `${year}-03-31` },
            { amountFen: '50000000', dueOn: `${year}-12-20` },
          ],
        },
      ],
    });
    await insertContractPayment(db, a, 50_000_000n, `${year}-03-30`);
    await application(a, e1.organizationId, 'approved', '5000000');
    // B: a transfer of 800,000 元 due on 08-01, unpaid: 80,000 元 expected.
    await insertRegisteredContract(db, {
      buyerId: e2.organizationId,
      type: 'transfer',
      signedOn: `${year}-03-01`,
      registeredOn: `${year}-03-20`,
      fees: [{ kind: 'lump_sum', amountFen: '80000000', dueOn: `${year}-08-01` }],
    });
    // C: 400,000 元 paid in June, 40,000 元 applied for and under review.
    const c = await insertRegisteredContract(db, {
      buyerId: e3.organizationId,
      signedOn: `${year}-03-01`,
      registeredOn: `${year}-03-20`,
      fees: [{ kind: 'lump_sum', amountFen: '40000000', dueOn: `${year}-06-01` }],
    });
    await insertContractPayment(db, c, 40_000_000n, `${year}-06-01`);
    await application(c, e3.organizationId, 'submitted', '4000000');
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
      await Promise.all(pages.map((p, i) => screenshot(p, `failure-outlook-${i + 1}`).catch(() => undefined)));
      throw err;
    }
  };

  it('shows committed, pending and expected against the budget with the month it runs out, and the effect of a draft in the editor', () =>
    showing(async () => {
      const page = await open();
      await signIn(page, world.emails.kq, PASSWORD, '/admin/policies');
      await page.getByTestId('policy-outlook').first().click();
      await page.waitForURL(`**/admin/outlook/${policyId}`);
      const panel = page.getByTestId('admin-outlook');
      // 50,000 committed + 40,000 pending + 80,000 (B) + 50,000 (A's second instalment) = 220,000 元 > 200,000 元
      await panel.getByTestId('outlook-committed').filter({ hasText: '50,000 元' }).waitFor();
      await panel.getByTestId('outlook-pending').filter({ hasText: '40,000 元' }).waitFor();
      await panel.getByTestId('outlook-expected').filter({ hasText: '130,000 元' }).waitFor();
      await panel.getByTestId('outlook-projected').filter({ hasText: '220,000 元' }).waitFor();
      await panel.getByTestId('outlook-projectedRemaining').filter({ hasText: '-20,000 元' }).waitFor();
      const sentence = panel.getByTestId('outlook-sentence');
      await sentence.filter({ hasText: new RegExp(`预算预计于 ${year}年\\d{1,2}月 用尽`) }).waitFor();
      expect(await sentence.getAttribute('data-status')).toBe('within_year');
      await panel.getByTestId('outlook-chart').locator('canvas').waitFor();
      const lastRow = panel.getByTestId('outlook-months').locator('.ant-table-row').last();
      await lastRow
        .filter({ hasText: `${year}-12` })
        .filter({ hasText: '220,000 元' })
        .waitFor();
      await screenshot(page, 'admin-budget-outlook');
      await panel.getByTestId('outlook-chart').scrollIntoViewIfNeeded();
      await screenshot(page, 'admin-budget-outlook-chart');

      // The editor's preview: raise the budget to 300,000 元 and the outlook says it lasts the year, before saving.
      await page.goto('/admin/policies');
      await page.getByTestId('policy-edit').first().click();
      const preview = page.getByTestId('preview-outlook');
      await preview.getByTestId('outlook-sentence').filter({ hasText: '用尽' }).waitFor();
      await page.getByTestId('policy-budget').fill('300000');
      await preview
        .getByTestId('outlook-sentence')
        .filter({ hasText: `按当前节奏，预算在 ${year} 年内不会用尽，年底预计剩余 80,000 元。` })
        .waitFor();
      await preview.getByTestId('outlook-budget').filter({ hasText: '300,000 元' }).waitFor();
      await preview.getByTestId('outlook-sentence').scrollIntoViewIfNeeded();
      await screenshot(page, 'admin-policy-editor-outlook');
      // nothing was saved
      const saved = await world.http('kq').get(`/subsidy-policies/${policyId}/outlook`);
      expect(saved.body.budgetFen).toBe('20000000');
    }));
});
