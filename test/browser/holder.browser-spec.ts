// @expectedSeconds 40 (on a quiet machine): the test sequencer starts the longest files first (test/support/sequencer.cjs).
import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { patentCheckChar } from '../../libs/achievements/src';
import { launchBrowser, newContext, screenshot, signIn } from '../support/browser';
import { PASSWORD, startWorld, type MarketWorld } from './world';

const HEADERS = [
  '成果名称*',
  '成果类型*',
  '技术领域*',
  '财政资金支持',
  '取得日期*',
  '登记日期',
  '行政区划代码*',
  '知识产权类型*',
  '知识产权号',
  '授权日期',
  '转化方式',
  '许可类型',
  '转化生效日期',
  '合同编号',
  '正当理由类别',
  '正当理由起始日期',
  '正当理由截止日期',
];
const BAD_ROWS = new Set([17, 58, 123, 190]); // 0-based data rows (sheet rows 19, 60, 125, 192)

/** 200 rows of a registry: every invention patent with its check character; the bad rows carry a wrong one, or a date that is not one. */
function registryCsv(fixed: boolean): Buffer {
  const rows: string[][] = [];
  for (let i = 0; i < 200; i++) {
    const digits = `20191${String(3_000_000 + i * 7).padStart(7, '0')}`;
    const check = patentCheckChar(digits);
    const badCheck = check === '0' ? '1' : '0';
    const bad = !fixed && BAD_ROWS.has(i);
    const cells: Record<string, string> = {
      成果名称: `导入示范成果第${i + 1}号`,
      成果类型: '应用类',
      技术领域: '新材料',
      财政资金支持: '是',
      取得日期: bad && i === 58 ? '2019-13-45' : '2019-05-10',
      登记日期: '2019-05-20',
      行政区划代码: '330106',
      知识产权类型: '发明专利',
      知识产权号: `ZL${digits}.${bad && i !== 58 ? badCheck : check}`,
      授权日期: i % 2 ? '2022-06-01' : '2023-09-01',
    };
    rows.push(HEADERS.map((h) => cells[h.replace('*', '')] ?? ''));
  }
  return Buffer.from(`\uFEFF${[HEADERS, ...rows].map((r) => r.join(',')).join('\r\n')}`, 'utf8');
}

describe('the holder desk and the justification review in a real browser', () => {
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
  const open = async () => {
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
      await Promise.all(pages.map((p, i) => screenshot(p, `failure-holder-${i + 1}`).catch(() => undefined)));
      throw err;
    }
  };
  const upload = (page: Page, name: string, buffer: Buffer) =>
    page.locator('input[type=file][accept=".xlsx,.csv"]').setInputFiles({ name, mimeType: 'text/csv', buffer });

  it('imports a 200-row registry with bad rows fixed from the report, registers an achievement past a wrong check digit, and gets a justified reason approved', () =>
    showing(async () => {
      const holder = await open();
      await signIn(holder, world.emails.holder, PASSWORD);

      // 1. the registry import: dry run with the bad cells shown, fixed, committed with progress
      await holder.goto('/holder/import');
      await upload(holder, '历史成果登记.csv', registryCsv(false));
      await holder.locator('[data-testid=import-status][data-status=invalid]').waitFor({ timeout: 20_000 });
      const badCells = holder.getByTestId('bad-cell');
      expect(await holder.locator('[data-testid=import-errors] tbody tr').count()).toBe(4);
      expect(await badCells.count()).toBe(4);
      await badCells.filter({ hasText: '校验位' }).first().waitFor();
      expect(await holder.locator('[data-testid=import-errors] tbody tr').first().getAttribute('data-row')).toBe('19');
      await screenshot(holder, 'holder-import-report');
      await upload(holder, '历史成果登记-已改正.csv', registryCsv(true));
      await holder.locator('[data-testid=import-status][data-status=validated]').waitFor({ timeout: 20_000 });
      await holder.getByTestId('import-commit').click();
      await holder.getByTestId('import-result').waitFor({ timeout: 30_000 });
      await holder.getByTestId('import-result').getByText('新建成果 200 项').waitFor();
      await screenshot(holder, 'holder-import-result');

      // 2. register an achievement: a wrong check digit is refused at the field, the right one shows the ZL form
      await holder.goto('/holder/achievements');
      await holder.getByTestId('register-achievement').click();
      await holder.getByTestId('f-title').fill('一种示范柔性传感器的制备方法');
      await holder
        .getByTestId('f-obtainedOn')
        .fill(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - 25 * 86_400_000)));
      const digits = '202510654321';
      const right = patentCheckChar(digits);
      const wrong = right === '5' ? '6' : '5';
      await holder.getByTestId('f-ip-number-0').fill(`ZL${digits}.${wrong}`);
      await holder.getByTestId('f-ip-granted-0').fill('2025-10-01');
      await holder.getByTestId('achievement-save').click();
      await holder.getByText(`校验位错误：${digits} 的校验位应为 ${right}，不是 ${wrong}`).waitFor();
      await screenshot(holder, 'holder-check-digit');
      await holder.getByTestId('f-ip-number-0').fill(`${digits.slice(0, 4)} ${digits.slice(4, 5)} ${digits.slice(5)}.${right}`);
      await holder
        .getByTestId('patent-normalized')
        .filter({ hasText: `ZL${digits}.${right}` })
        .waitFor();
      await holder.getByTestId('achievement-save').click();
      await holder.getByTestId('achievement-form').waitFor({ state: 'detached' });
      await holder.getByTestId('due-week').getByText('一种示范柔性传感器的制备方法').waitFor({ state: 'detached' }); // registered at once: not due
      await holder.getByTestId('achievements-table').getByText('一种示范柔性传感器的制备方法').waitFor();
      await screenshot(holder, 'holder-achievements');

      // 3. a justified reason for an imported achievement now on the use-first or free-licence list
      await holder.goto('/holder/compliance');
      await holder.getByTestId('justify').first().click();
      await holder.getByTestId('justify-explanation').fill('正与两家企业就独占许可进行谈判，已签订意向书');
      await holder.getByTestId('justify-endsOn').fill('2027-12-31');
      await holder
        .getByTestId('justify-documents')
        .setInputFiles({ name: '许可意向书.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 示范') });
      await holder.getByText('许可意向书.pdf').waitFor();
      await holder.getByTestId('justify-submit').click();
      await holder.getByTestId('my-justifications').getByTestId('justification-status').filter({ hasText: '待审核' }).waitFor();
      await screenshot(holder, 'holder-compliance');

      // 4. the administrator approves it, for a shorter period than asked
      const admin = await open();
      await signIn(admin, 'admin@browser.example', PASSWORD);
      await admin.goto('/admin/justifications');
      await admin.getByTestId('justification-review').getByText('许可意向书.pdf').waitFor();
      await screenshot(admin, 'admin-justifications');
      await admin.getByTestId('approve-justification').first().click();
      await admin.getByTestId('decide-endsOn').fill('2027-06-30');
      await admin.getByTestId('decide-reason').fill('意向书齐全，理由成立');
      await admin.getByTestId('decide-ok').click();
      await admin.getByText('没有待审核的正当理由').waitFor();

      await holder.reload();
      await holder.getByTestId('my-justifications').getByTestId('justification-status').filter({ hasText: '已批准' }).waitFor();
      await holder.getByTestId('my-justifications').getByText('意向书齐全，理由成立').waitFor();
      expect(pageErrors).toEqual([]);
    }));
  it('lists an achievement at a fixed price with an appraisal report shown beside the price, and records a past transformation', () =>
    showing(async () => {
      const title = '一种示范储能材料的挂牌成果';
      const id = await world.achievement(title, ['储能'], '202510777772');
      const holder = await open();
      await signIn(holder, world.emails.holder, PASSWORD);

      // 挂牌 with a 资产评估 report: its SHA-256 is computed in the browser
      await holder.goto('/holder/listings');
      await holder.getByTestId('new-listing').click();
      await holder.getByTestId('listing-achievement').click();
      await holder.keyboard.type('示范储能材料');
      await holder.locator('.ant-select-item-option').filter({ hasText: title }).click();
      await holder.getByTestId('listing-price').fill('1100000');
      await holder.getByTestId('listing-appraised').click();
      await holder.getByTestId('appraiser').fill('浙江示范资产评估有限公司');
      await holder.getByTestId('appraised-value').fill('1250000');
      await holder.getByTestId('appraised-on').fill('2026-10-15');
      const report = Buffer.from('资产评估报告（示范）');
      await holder.getByTestId('appraisal-report').setInputFiles({ name: '资产评估报告.pdf', mimeType: 'application/pdf', buffer: report });
      const sha = createHash('sha256').update(report).digest('hex');
      await holder.getByTestId('report-hash').getByText(sha.slice(0, 16)).waitFor();
      await holder.getByTestId('listing-submit').click();
      await holder.getByTestId('holder-listings').getByText(title).waitFor();
      await holder.getByTestId('open-listing').first().click();
      await holder.getByTestId('listing-detail').getByText('浙江示范资产评估有限公司').waitFor();
      await screenshot(holder, 'holder-listings');

      // bidders and buyers see it beside the price on the public page
      await holder.goto(`/achievement/${id}`);
      const card = holder.getByTestId('listing');
      await card.getByTestId('appraisal').getByText('浙江示范资产评估有限公司').waitFor();
      await card.getByText('1,100,000 元').first().waitFor();
      await card.getByTestId('appraisal').getByText('1,250,000 元').waitFor();
      await card.getByText('标价为评估价值的 88%').waitFor();

      // a past transformation recorded by hand, with its contract
      await holder.goto('/holder/achievements');
      await holder.getByPlaceholder('按成果名称搜索').fill('示范储能材料');
      await holder.getByPlaceholder('按成果名称搜索').press('Enter');
      await holder.getByTestId('achievements-table').getByText(title).waitFor();
      await holder.getByTestId('open-history').first().click();
      await holder.getByTestId('history-took-effect').fill('2025-03-01');
      await holder.getByTestId('history-reference').fill('技术合同登记号 3301062025000777');
      await holder
        .getByTestId('history-documents-transformations')
        .setInputFiles({ name: '许可合同.pdf', mimeType: 'application/pdf', buffer: Buffer.from('许可合同') });
      await holder.getByTestId('history-save-transformations').click();
      await holder.getByTestId('history-entries').getByText('技术合同登记号 3301062025000777').waitFor();
      await screenshot(holder, 'holder-history');
      expect(pageErrors).toEqual([]);
    }));
});
