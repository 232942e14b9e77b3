import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, screenshot, signIn } from '../support/browser';
import { queryDatabase } from '../support/test-database';
import { PASSWORD, startWorld, type MarketWorld } from './world';

/**
 * Technology brokers in a real browser: an enterprise administrator grants a broker a mandate in
 * its desk; the broker sees it on its desk, registers (deposit by card) and bids for the
 * enterprise; the enterprise sees the broker's actions on the mandate.
 */
describe('technology brokers in a real browser', () => {
  let world: MarketWorld;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [world, browser] = await Promise.all([startWorld(), launchBrowser()]);
    const broker = await world.http('admin').post('/organizations', { type: 'broker', name: '浙江示范技术经纪有限公司', regionCode: '330106' });
    world.emails.broker = 'broker@browser.example';
    await world
      .http('admin')
      .post(`/organizations/${broker.body.id}/users`, { email: world.emails.broker, displayName: '经纪人王', password: PASSWORD, roles: ['broker'] });
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
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
  const pick = async (page: Page, label: string, option: string) => {
    await page.getByRole('combobox', { name: label }).click();
    await page.locator('.ant-select-item-option', { hasText: option }).first().click();
  };

  it('an enterprise grants a mandate; the broker registers and bids for it; the enterprise sees the actions', async () => {
    const started = Date.now();
    const achievementId = await world.achievement('示范经纪委托成果：高强度再生纤维', ['再生纤维'], '202410555551');
    await world.lot(achievementId, 3_600_000);

    // the enterprise grants the mandate in its desk
    const e1 = await open();
    await signIn(e1, world.emails.e1, PASSWORD, '/desk/mandates');
    await e1.goto('/desk/mandates');
    await e1.getByRole('button', { name: '新建委托' }).click();
    await pick(e1, '经纪机构', '浙江示范技术经纪有限公司');
    await pick(e1, '标的', '高强度再生纤维');
    await e1.keyboard.press('Escape');
    const endsOn = new Date(Date.now() + 8 * 3_600_000 + 30 * 86_400_000).toISOString().slice(0, 10);
    await e1.getByRole('textbox', { name: '截止日期' }).fill(endsOn);
    await e1.keyboard.press('Enter');
    await e1.getByRole('spinbutton', { name: '佣金比例（%）' }).fill('3');
    await e1.getByRole('button', { name: '授予委托' }).click();
    await e1.getByText('委托已授予').waitFor();
    await e1.getByRole('cell', { name: '浙江示范技术经纪有限公司' }).waitFor();

    // the broker sees it, registers for the enterprise (deposit by card) and bids for it
    const broker = await open();
    await signIn(broker, world.emails.broker, PASSWORD, '/broker');
    await broker.goto('/broker/mandates');
    await broker.getByRole('cell', { name: '绍兴示范纺织科技有限公司' }).waitFor();
    await broker.getByRole('cell', { name: '3.00%' }).waitFor();
    await broker.getByRole('tab', { name: '委托方的标的' }).click();
    await broker.getByRole('button', { name: '代为报名' }).click();
    await broker
      .getByRole('dialog')
      .getByRole('button', { name: /OK|确 定|确定/ })
      .click();
    await broker.getByText('已代委托方报名').waitFor();
    // the deposit is held once the (local) Stripe webhook arrives
    for (const deadline = Date.now() + 20_000; ;) {
      const [row] = await queryDatabase<{ deposit_status: string }>(world.db.url, `SELECT deposit_status FROM lot_registrations`);
      if (row?.deposit_status === 'held') break;
      if (Date.now() > deadline) throw new Error(`deposit not held: ${row?.deposit_status}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await broker.getByRole('button', { name: '代为出价' }).click();
    await broker.getByRole('spinbutton', { name: '出价金额（元）' }).fill('10000');
    await broker
      .getByRole('dialog')
      .getByRole('button', { name: /OK|确 定|确定/ })
      .click();
    await broker.getByText('已代委托方出价').waitFor();
    await broker.getByRole('tab', { name: '我的委托' }).click();
    await broker.getByRole('button', { name: '经纪人代办记录' }).click();
    await broker.getByRole('cell', { name: '出价', exact: true }).waitFor();
    await screenshot(broker, 'broker-desk');

    // the enterprise sees what the broker did for it
    await e1.reload();
    await e1.getByRole('button', { name: '经纪人代办记录' }).click();
    await e1.getByRole('cell', { name: '出价', exact: true }).waitFor();
    await e1.getByRole('cell', { name: '报名并交保证金', exact: true }).waitFor();
    await screenshot(e1, 'mandates');
    expect(Date.now() - started).toBeLessThan(45_000);
  });
});
