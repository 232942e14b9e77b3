// @expectedSeconds 40 (on a quiet machine): the test sequencer starts the longest files first (test/support/sequencer.cjs).
import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, screenshot, signIn } from '../support/browser';
import { insertAchievement } from '../support/registry-factory';
import { insertContractPayment, insertRegisteredContract, PAYEE } from '../support/subsidy-factory';
import { PASSWORD, startWorld, type MarketWorld } from './world';

/**
 * The authorities' consoles in a real browser: an authority administrator writes a banded subsidy
 * policy in the editor and previews it; an enterprise applies; one administrator reviews, is refused
 * the approval (four eyes), another approves, batches, exports and marks the batch paid.
 */
describe("the authorities' subsidy consoles in a real browser", () => {
  let world: MarketWorld;
  let browser: Browser;
  let pg: Client;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const year = today.slice(0, 4);
  let contractId: string;
  let authorityId: string;
  let db: Parameters<typeof insertRegisteredContract>[0];

  beforeAll(async () => {
    [world, browser] = await Promise.all([startWorld(), launchBrowser()]);
    pg = new Client({ connectionString: world.db.url });
    await pg.connect();
    const created = await world
      .http('admin')
      .post('/organizations', { type: 'authority', name: '绍兴市柯桥区科学技术局', regionCode: '330603', authorityLevel: 'county' });
    expect(created.status).toBe(201);
    authorityId = created.body.id as string;
    for (const [who, name] of [
      ['kq1', '初审员甲'],
      ['kq2', '复核员乙'],
    ]) {
      world.emails[who] = `${who}@browser.example`;
      const user = await world
        .http('admin')
        .post(`/organizations/${authorityId}/users`, { email: world.emails[who], displayName: name, password: PASSWORD, roles: ['authority_admin'] });
      expect(user.status).toBe(201);
    }
    // a licence of 2,000,000 元 bought by enterprise 1 (柯桥), registered and paid this year
    db = { query: async (sql: string, params?: unknown[]) => (await pg.query(sql, params)).rows } as unknown as Parameters<typeof insertRegisteredContract>[0];
    const [{ id: buyerId }] = (await db.query(`SELECT organization_id AS id FROM users WHERE email = $1`, [world.emails.e1])) as { id: string }[];
    contractId = await insertRegisteredContract(db, { buyerId, priceFen: 200_000_000n, signedOn: `${year}-03-01`, registeredOn: `${year}-03-20` });
    await insertContractPayment(db, contractId, 200_000_000n, today);
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
      await Promise.all(pages.map((p, i) => screenshot(p, `failure-subsidy-${i + 1}`).catch(() => undefined)));
      throw err;
    }
  };

  it('creates a banded policy with a live preview, and settles a subsidy through review by one administrator and approval by another', () =>
    showing(async () => {
      // 1. the first administrator writes a banded policy; the preview computes as the form changes
      const p1 = await open();
      await signIn(p1, world.emails.kq1, PASSWORD, '/admin/policies');
      await p1.getByTestId('policy-new').click();
      await p1.getByTestId('policy-name').fill('柯桥区技术交易分档补助');
      await p1.getByTestId('policy-document-number').fill(`柯科〔${year}〕18号`);
      await p1.getByTestId('policy-budget').fill('5000000');
      await p1.locator('label:has([data-testid=rate-kind-banded])').click();
      await p1.getByTestId('add-tier').click();
      await p1.getByTestId('add-tier').click();
      await p1.getByTestId('tier-0-rate').fill('5');
      await p1.getByTestId('tier-1-from').fill('1000000');
      await p1.getByTestId('tier-1-rate').fill('8');
      await p1.getByTestId('cap-contract').fill('150000');
      // 2,000,000 元 falls in the second band: 8% of all of it is 160,000 元, capped at 150,000 元 per contract
      await p1.getByTestId('preview-value').fill('2000000');
      await p1.getByTestId('preview-amount').filter({ hasText: '150,000' }).waitFor();
      const explanation = p1.getByTestId('policy-preview').getByTestId('explanation');
      await explanation.getByText('全额 2,000,000 元 落在 1,000,000 元 以上档：2,000,000 元 × 8% = 160,000 元').waitFor();
      await explanation.getByText(/单合同上限：上限 150,000 元.*（已封顶）/).waitFor();
      // 500,000 元 falls in the first band: 5%
      await p1.getByTestId('preview-value').fill('500000');
      await p1.getByTestId('preview-amount').filter({ hasText: '25,000' }).waitFor();
      await screenshot(p1, 'admin-policy-editor');
      await p1.getByTestId('policy-save').click();
      await p1.getByTestId('policy-row-name').filter({ hasText: '柯桥区技术交易分档补助' }).waitFor();

      // 2. the enterprise applies under it
      const policies = await world.http('e1').get(`/subsidy-policies?authorityId=${authorityId}`);
      const policyId = policies.body.items[0].id as string;
      const applied = await world
        .http('e1')
        .post('/subsidy-applications', { policyId, subjectType: 'contract', subjectId: contractId, year: Number(year), attachments: [], payee: PAYEE });
      expect(applied.status).toBe(201);
      expect(applied.body.computedFen).toBe('15000000');

      // 3. the first administrator reviews it, then tries to approve it too: the API refuses and the page says why
      await p1.goto('/admin/subsidies');
      await p1.getByTestId('open-application').first().click();
      const detail1 = p1.getByTestId('application-detail');
      await detail1.getByTestId('explanation').waitFor();
      await detail1.getByTestId('review-reason').fill('材料齐全，金额核实无误');
      await detail1.getByTestId('submit-review').click();
      await detail1.getByTestId('reviewed-by').filter({ hasText: '初审员甲（您）' }).waitFor();
      await detail1.getByTestId('four-eyes-you').waitFor();
      await detail1.getByTestId('decision-reason').fill('同意');
      await detail1.getByTestId('approve').click();
      await detail1.getByTestId('decision-error').filter({ hasText: '初审人不能同时批准' }).waitFor();
      await screenshot(p1, 'admin-subsidy-review');

      // 4. the second administrator approves it, puts it in a batch, exports the batch and records the payment
      const p2 = await open();
      await signIn(p2, world.emails.kq2, PASSWORD, '/admin/subsidies');
      await p2.getByTestId('open-application').first().click();
      const detail2 = p2.getByTestId('application-detail');
      await detail2.getByText('初审人：初审员甲').waitFor();
      await detail2.getByTestId('decision-reason').fill('经复核同意');
      await detail2.getByTestId('approve').click();
      await detail2.getByTestId('decided-by').filter({ hasText: '复核员乙（您）' }).waitFor();
      await detail2.getByTestId('application-status').filter({ hasText: '已批准' }).waitFor();
      await p2.keyboard.press('Escape');
      await p2.getByTestId('budget-left').filter({ hasText: '4,850,000' }).waitFor(); // 150,000 reserved of 5,000,000
      await p2.getByTestId('applications').locator('.ant-table-row').first().locator('input[type=checkbox]').check();
      await p2.getByTestId('create-batch').click();
      await p2.getByRole('tab', { name: '结算批次' }).click();
      await p2.getByTestId('batch-status').filter({ hasText: '待导出' }).waitFor();
      const download = p2.waitForEvent('download');
      await p2.getByTestId('export-csv').click();
      expect((await download).suggestedFilename()).toMatch(/\.csv$/);
      await p2.getByTestId('batch-status').filter({ hasText: '已导出' }).waitFor();
      await p2.getByTestId('mark-paid').click();
      await p2.getByTestId('payment-reference').fill('GK-KQ-0001');
      await p2.getByTestId('confirm-paid').click();
      await p2.getByTestId('batch-status').filter({ hasText: '已拨付' }).waitFor();
      const mine = await world.http('e1').get(`/subsidy-applications/${applied.body.id as string}`);
      expect(mine.body).toMatchObject({ status: 'paid', approvedFen: '15000000' });
    }));

  it('creates an enterprise of its region and its user; the operator sees the compliance overview and previews a scan', () =>
    showing(async () => {
      const page = await open();
      await signIn(page, world.emails.kq1, PASSWORD, '/admin/organizations');
      await page.getByTestId('org-new').click();
      await page.getByTestId('org-name').fill('柯桥示范数码印花有限公司');
      await page.getByTestId('org-sme').check();
      await page.getByTestId('org-create-ok').click();
      await page.getByTestId('organizations').getByText('柯桥示范数码印花有限公司').waitFor();
      await page.getByTestId('organizations').locator('.ant-table-row', { hasText: '柯桥示范数码印花有限公司' }).getByTestId('org-users-open').click();
      await page.getByTestId('new-user-name').fill('印花公司经理');
      await page.getByTestId('user-email').fill('yinhua@browser.example');
      await page.getByTestId('user-password').fill(PASSWORD);
      await page.getByTestId('user-create').click();
      await page.getByTestId('org-users').getByText('yinhua@browser.example').waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('org-users').waitFor({ state: 'hidden' });
      await screenshot(page, 'admin-organizations');

      // the operator: registrations per holder (one overdue draft, one achievement with a patent granted three years ago)
      const [{ id: holderId }] = (await db.query(`SELECT organization_id AS id FROM users WHERE email = $1`, [world.emails.holder])) as { id: string }[];
      await insertAchievement(db as never, holderId, { status: 'draft', title: '逾期未登记的示范成果' });
      await insertAchievement(db as never, holderId, { title: '闲置三年的示范专利', grants: [{ grantedOn: `${Number(year) - 3}-01-10` }] });
      const admin = await open();
      await signIn(admin, 'admin@browser.example', PASSWORD, '/admin/compliance');
      await admin.getByTestId('registry-holders').getByText('浙江示范大学').waitFor();
      await admin.getByTestId('scan-date').fill(`${Number(year) + 1}-06-30`);
      await admin.getByTestId('run-scan').click();
      await admin.getByTestId('scan-result').waitFor({ timeout: 30_000 });
      await screenshot(admin, 'admin-compliance');
    }));
});
