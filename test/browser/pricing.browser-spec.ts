import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { patentCheckChar } from '../../libs/achievements/src';
import { launchBrowser, newContext, screenshot, signIn } from '../support/browser';
import { PASSWORD, startWorld, type MarketWorld } from './world';

const patent = (digits: string) => `ZL${digits}.${patentCheckChar(digits)}`;

/** 初始化定价 (P-PRICE): the holder preparing a listing sees a range from comparable deals, or 可比成交不足. */
describe('price guidance in the listing form, in a real browser', () => {
  let world: MarketWorld;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [world, browser] = await Promise.all([startWorld(), launchBrowser()]);
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await world?.close();
  });
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
      await Promise.all(pages.map((p, i) => screenshot(p, `failure-pricing-${i + 1}`).catch(() => undefined)));
      throw err;
    }
  };

  /** Another university's concluded transfers of new-materials patents: the market's history. */
  async function seedHistory(): Promise<void> {
    const org = await world
      .http('admin')
      .post('/organizations', { type: 'holder', name: '浙江示范理工大学', regionCode: '330110', holderCategory: 'university' });
    expect(org.status).toBe(201);
    const buyer = await world.http('admin').post('/organizations', { type: 'enterprise', name: '杭州示范材料科技有限公司', regionCode: '330110', sme: true });
    expect(buyer.status).toBe(201);
    const deals: [string, string, number, string, number][] = [
      // title, IPC, price in yuan, patent digits (filing year first), days ago
      ['高导热石墨烯薄膜的连续制备方法', 'C01B 32/184', 1_280_000, '201910555001', 40],
      ['石墨烯粉体低能耗剥离工艺', 'C01B 32/19', 960_000, '201810555002', 120],
      ['氧化石墨烯还原装置及方法', 'C01B 32/198', 1_050_000, '202010555003', 200],
      ['碳纳米管阵列转移方法', 'C01B 32/16', 720_000, '201710555004', 320],
      ['多孔碳材料的活化工艺', 'C01B 32/318', 640_000, '201610555005', 420],
      ['高纯硅粉提纯方法', 'C01B 33/02', 1_600_000, '202110555006', 90],
      ['石墨烯改性涂层及制备方法', 'C01B 32/194', 1_420_000, '202110555007', 15],
    ];
    const c = new Client({ connectionString: world.db.url });
    await c.connect();
    try {
      for (const [title, ipc, price, digits, daysAgo] of deals) {
        const [a] = (
          await c.query(
            `INSERT INTO achievements (holder_id, title, technical_field, kind, obtained_on, ipc_classes, maturity, registration_status, registered_on)
             VALUES ($1, $2, 'new_materials', 'applied', '2021-01-01', $3, 'pilot', 'registered', '2021-02-01') RETURNING id`,
            [org.body.id, title, [ipc]],
          )
        ).rows as { id: string }[];
        await c.query(`INSERT INTO ip_rights (achievement_id, type, number, granted_on) VALUES ($1, 'invention_patent', $2, '2022-01-01')`, [
          a.id,
          patent(digits),
        ]);
        const [l] = (
          await c.query(
            `INSERT INTO listings (achievement_id, holder_id, mode, status, deal_type) VALUES ($1, $2, 'negotiated', 'closed', 'transfer') RETURNING id`,
            [a.id, org.body.id],
          )
        ).rows as { id: string }[];
        await c.query(
          `INSERT INTO deals (lot_id, listing_id, achievement_id, seller_id, buyer_id, deal_type, price_fen, deposit_fen, concluded_at, source, status)
           VALUES (NULL, $1, $2, $3, $4, 'transfer', $5, 0, now() - make_interval(days => $6), 'negotiated', 'contracted')`,
          [l.id, a.id, org.body.id, buyer.body.id, String(price * 100), daysAgo],
        );
      }
    } finally {
      await c.end();
    }
  }

  const achievement = async (title: string, ipc: string, digits: string) => {
    const created = await world.http('holder').post('/achievements', {
      title,
      abstract: `${title}：示范成果，用于浏览器测试。`,
      technicalField: 'new_materials',
      kind: 'applied',
      publiclyFunded: true,
      obtainedOn: '2024-01-01',
      ipcClasses: [ipc],
      maturity: 'pilot',
      ipRights: [{ type: 'invention_patent', number: patent(digits), grantedOn: '2024-06-01' }],
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  it('shows the range, the reference price, the comparables and the method; 可比成交不足 for an achievement without enough', () =>
    showing(async () => {
      await seedHistory();
      await achievement('一种石墨烯散热膜及其制备方法', 'C01B 32/184', '202210888801');
      await achievement('一种新型锂电池隔膜', 'H01M 50/403', '202210888802');
      const holder = await open();
      await signIn(holder, world.emails.holder, PASSWORD);
      await holder.goto('/holder/listings');
      await holder.getByTestId('new-listing').click();
      const panel = holder.getByTestId('price-guidance');
      await panel.getByText('选择成果后显示依据可比成交的价格参考。').waitFor();

      await holder.getByTestId('listing-achievement').click();
      await holder.keyboard.type('石墨烯散热膜');
      await holder.locator('.ant-select-item-option').filter({ hasText: '一种石墨烯散热膜及其制备方法' }).click();
      await panel.getByTestId('price-range').waitFor();
      const range = await panel.getByTestId('price-range').innerText();
      expect(range).toMatch(/^建议价格区间\s*[\d,]+ – [\d,]+\s*元$/);
      await panel.getByText('依据 7 笔可比成交').waitFor();
      await panel.getByText('方法：取同一技术领域、同一交易方式的已成交项目', { exact: false }).waitFor();
      const table = panel.getByRole('table');
      await table.getByRole('cell', { name: '高导热石墨烯薄膜的连续制备方法' }).waitFor();
      await table.getByRole('cell', { name: '1,280,000 元' }).waitFor();
      expect(await table.getByRole('row').count()).toBe(8); // header + 7
      await panel.scrollIntoViewIfNeeded();
      await screenshot(holder, 'price-guidance');

      // the reference price goes into the listed price
      const point = Number((await panel.getByTestId('price-point').innerText()).replace(/[^\d.]/g, ''));
      await panel.getByRole('button', { name: '采用参考价' }).click();
      expect(Number((await holder.getByTestId('listing-price').inputValue()).replace(/[^\d.]/g, ''))).toBe(point);

      // an equity deal: no equity deals in the history
      await holder.getByTestId('create-listing').getByLabel('交易类型').click();
      await holder.locator('.ant-select-item-option').filter({ hasText: '作价投资' }).click();
      await panel.getByTestId('price-insufficient').getByText('可比成交不足').waitFor();
      await panel.getByText('只找到 0 笔可比成交，少于给出区间所需的 5 笔').waitFor();

      // another subclass, another section: nothing comparable
      await holder.getByTestId('create-listing').getByLabel('交易类型').click();
      await holder.locator('.ant-select-item-option').filter({ hasText: '转让' }).click();
      await holder.getByTestId('listing-achievement').click();
      await holder.keyboard.type('锂电池隔膜');
      await holder.locator('.ant-select-item-option').filter({ hasText: '一种新型锂电池隔膜' }).click();
      await panel.getByTestId('price-insufficient').waitFor();
      await panel.getByText('暂无可比成交').waitFor();
      await panel.scrollIntoViewIfNeeded();
      await screenshot(holder, 'price-guidance-insufficient');
      expect(pageErrors).toEqual([]);
    }));
});
