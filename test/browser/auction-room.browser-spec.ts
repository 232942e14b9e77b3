// @expectedSeconds 140 (on a quiet machine): the test sequencer starts the longest files first (test/support/sequencer.cjs).
import type { Browser, BrowserContext } from 'playwright-core';
import { fitsWidth, launchBrowser, newContext, screenshot, signIn } from '../support/browser';
import { PASSWORD, startWorld, type MarketWorld } from './world';

describe('the auction room in a real browser', () => {
  let world: MarketWorld;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [world, browser] = await Promise.all([startWorld(), launchBrowser()]);
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await world?.close();
  });

  const open = async (options: Parameters<typeof newContext>[2] = {}) => {
    const context = await newContext(browser, world.url, options);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.stack ?? err.message}`));
    return page;
  };
  const pageErrors: string[] = [];
  const until = async <T>(probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> => {
    for (const deadline = Date.now() + ms; ;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  /** On a failure, what each page showed (test-results/screenshots/failure-N.png) helps more than a timeout. */
  const showing = async <T>(body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (err) {
      const pages = contexts.flatMap((c) => c.pages());
      await Promise.all(pages.map((p, i) => screenshot(p, `failure-${i + 1}`).catch(() => undefined)));
      throw err;
    }
  };
  afterEach(() => {
    const errors = pageErrors.splice(0);
    expect(errors).toEqual([]); // no uncaught error in any page
  });

  it(
    'two enterprises find a lot by a Chinese keyword, pay the deposit and bid live; a proxy answers; the end is extended; both see the result',
    () =>
      showing(async () => {
        const achievementId = await world.achievement('示范石墨烯导热膜连续化制备技术', ['石墨烯', '导热膜'], '202410123451');

        // enterprise 1: signs in, searches in Chinese, opens the achievement and its lot
        const p1 = await open();
        await signIn(p1, world.emails.e1, PASSWORD);
        await p1.goto('/search');
        await p1.getByTestId('search-box').locator('input').fill('石墨烯 导热');
        await p1.getByTestId('search-result').first().waitFor();
        await screenshot(p1, 'catalogue');
        await p1.getByRole('link', { name: '示范石墨烯导热膜连续化制备技术' }).click();
        await p1.getByTestId('achievement').waitFor();
        await p1.getByText('ZL202410123451').waitFor(); // the IP right with its number in the ZL form
        await screenshot(p1, 'achievement');
        // the holder puts it up for auction now, ending in 45 s: every bid below falls in the last minute and extends it
        const lotId = await world.lot(achievementId, 45_000);
        await p1.reload(); // the achievement page now links its listing to the lot
        await p1.getByRole('button', { name: '进入拍卖室' }).click();
        await p1.waitForURL(`**/lot/${lotId}`);
        await p1.getByTestId('lot-rules').waitFor();
        await p1.getByTestId('connection').filter({ hasText: '实时连接正常' }).waitFor();

        // registers and pays the deposit (the local Stripe-speaking server; the webhook holds it)
        await p1.getByTestId('register').click();
        await p1.getByTestId('pay-deposit').click();
        await p1.getByTestId('bid-next').waitFor({ timeout: 30_000 });
        await p1.getByTestId('bid-next').click();
        await p1.getByTestId('bid-notice').filter({ hasText: '出价成功' }).waitFor();
        await p1.getByTestId('current-price').filter({ hasText: '10,000 元' }).waitFor();

        // enterprise 2, in another browser context, sees that bid appear without a reload, and outbids
        const p2 = await open();
        await signIn(p2, world.emails.e2, PASSWORD, `/lot/${lotId}`);
        await p2.getByTestId('bid-history').locator('[data-seq="1"]').waitFor();
        await p2.getByTestId('register').click();
        await p2.getByTestId('pay-deposit').click();
        await p2.getByTestId('next-minimum').filter({ hasText: '10,500 元' }).waitFor();
        await p2.getByTestId('bid-next').click();
        await p1.getByTestId('current-price').filter({ hasText: '10,500 元' }).waitFor(); // live on the first screen
        await p1.getByTestId('notice-toast').filter({ hasText: '您的出价已被超越' }).waitFor(); // pushed to the outbid enterprise

        // enterprise 1 sets a proxy maximum; enterprise 2 bids again and the proxy answers by itself
        await p1.getByTestId('proxy-max').fill('12000');
        await p1.getByTestId('set-proxy').click();
        await p1.getByTestId('current-price').filter({ hasText: '11,000 元' }).waitFor();
        await p2.getByTestId('current-price').filter({ hasText: '11,000 元' }).waitFor();
        await p2.getByTestId('bid-next').click();
        await p2.getByTestId('current-price').filter({ hasText: '12,000 元' }).waitFor(); // 11,500 outbid at once by the proxy
        await p2.getByTestId('bid-history').locator('.ant-tag', { hasText: '代理' }).first().waitFor();
        const leader1 = await p1.getByTestId('leader').innerText();
        expect(leader1).toContain('（我）');

        // bids in the last minute moved the end: both rooms show the extension and count down from the new end
        await Promise.all([p1.getByTestId('extended').waitFor(), p2.getByTestId('extended').waitFor()]);
        const left = await Promise.all([p1, p2].map(async (p) => Number(await p.getByTestId('countdown').first().getAttribute('data-ms-left'))));
        expect(Math.abs(left[0] - left[1])).toBeLessThan(2_000);
        expect(left[0]).toBeGreaterThan(30_000);
        await screenshot(p1, 'auction-room');

        // the close: both see the outcome and the hammer price
        for (const p of [p1, p2]) await p.getByTestId('lot-outcome').filter({ hasText: '成交' }).waitFor({ timeout: 100_000 });
        await expect(p1.getByTestId('lot-outcome').innerText()).resolves.toContain('12,000 元');
        await screenshot(p2, 'auction-closed');

        // the desks: the winner won, the other lost and has its deposit back
        await p2.goto('/desk/bids');
        await p2.getByTestId('bidder-registrations').getByText('未竞得').waitFor();
        await p2
          .getByTestId('bidder-registrations')
          .getByText('已退还')
          .waitFor({ timeout: 30_000 })
          .catch(async () => {
            await p2.reload(); // released by the worker after the close; the list refreshes every 15 s
            await p2.getByTestId('bidder-registrations').getByText('已退还').waitFor();
          });
        await p1.goto('/desk/bids');
        await p1.getByTestId('bidder-registrations').getByText('竞得', { exact: true }).waitFor();
        await screenshot(p1, 'desk-bids');

        // the deal's contract: the holder submits it, the winner is told, reads, signs, pays by card and checks the signed PDF
        const contractId = await until(async () => {
          const list = await world.http('e1').get('/contracts');
          const items = (Array.isArray(list.body) ? list.body : list.body.items) as { id: string; achievementId: string }[];
          return items.find((c) => c.achievementId === achievementId)?.id;
        });
        expect((await world.http('holder').post(`/contracts/${contractId}/submission`, { version: 1 })).status).toBe(200);
        await p1.getByTestId('notice-toast').filter({ hasText: '合同待您签署' }).waitFor();
        await p1.goto('/desk/contracts');
        await p1.getByTestId('open-contract').first().click();
        await p1.getByTestId('contract-status').filter({ hasText: '待签署' }).waitFor();
        await p1.getByTestId('sign-contract').click();
        await p1.getByTestId('confirm-sign').click();
        await p1.getByTestId('sign-contract').waitFor({ state: 'detached' });
        expect((await world.http('holder').post(`/contracts/${contractId}/signatures`, { version: 1 })).status).toBe(200);
        const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
        const registered = await world
          .http('admin')
          .post(`/contracts/${contractId}/registration`, { number: '2026330106000901', registeredOn: today, registry: '杭州市技术合同登记处' });
        expect(registered.status).toBe(200); // the registry recognises it: the price falls due
        await p1.reload();
        await p1.getByTestId('open-contract').first().click();
        await p1.getByTestId('contract-status').filter({ hasText: '履行中' }).waitFor();
        await expect(p1.getByTestId('contract-outstanding').innerText()).resolves.toContain('11,000 元'); // 12,000 less the 1,000 deposit applied
        await screenshot(p1, 'desk-contract');
        await p1.getByTestId('pay-contract').click();
        await p1
          .getByTestId('contract-outstanding')
          .filter({ hasText: /^0 元$/ })
          .waitFor();
        await p1.getByTestId('contract-status').filter({ hasText: '已完成' }).waitFor();
        const download = p1.waitForEvent('download');
        await p1.getByTestId('download-pdf').click();
        expect((await download).suggestedFilename()).toMatch(/\.pdf$/);
        await p1.getByTestId('hash-check').filter({ hasText: '一致' }).waitFor();
        // the desk in English too: its tabs and the winner's row
        await p1.keyboard.press('Escape'); // close the contract's drawer
        await p1.getByTestId('contract-detail').waitFor({ state: 'hidden' });
        await p1.getByRole('button', { name: 'English' }).click();
        await p1.getByText("Enterprise's desk").waitFor();
        for (const tab of ['Notifications', 'Auctions I bid in', 'My contracts', 'Subsidies', 'Free-licence applications'])
          await p1.getByRole('tab', { name: tab }).waitFor();
        await p1.getByRole('tab', { name: 'Auctions I bid in' }).click();
        await p1.getByTestId('bidder-registrations').getByText('Won', { exact: true }).waitFor();
        await screenshot(p1, 'desk-en');
        await p1.getByRole('button', { name: '中文' }).click();
      }),
    240_000,
  ); // a real auction of 45 s, extended by the bids of its last minute, then the deal and its contract: about 90 s on a quiet machine

  it('a spectator (not a bidder of the lot) watches over the read-only feed: live updates, and after the connection drops the room fills the gap in order', () =>
    showing(async () => {
      const achievementId = await world.achievement('示范高效光伏背板材料', ['光伏'], '202410123454');
      const lotId = await world.lot(achievementId, 600_000, { extensionMinutes: 0 });
      for (const who of ['e1', 'e2']) {
        expect((await world.http(who).post(`/lots/${lotId}/registrations`, { paymentMethod: 'pm_card_visa' })).status).toBe(201);
      }
      await until(async () => ((await world.http('e2').get(`/lots/${lotId}/registrations/mine`)).body.depositStatus === 'held' ? true : undefined));
      await until(async () => ((await world.http('e1').get(`/lots/${lotId}/registrations/mine`)).body.depositStatus === 'held' ? true : undefined));
      const page = await open();
      const sockets: string[] = [];
      page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname + new URL(ws.url()).search));
      await page.goto(`/lot/${lotId}`);
      await page.getByTestId('connection').filter({ hasText: '实时连接正常' }).waitFor();
      const bid = async (who: string, yuan: number) => {
        const answer = await world.http(who).post(`/lots/${lotId}/bids`, { amountFen: String(yuan * 100), idempotencyKey: `drop-${who}-${yuan}` });
        expect(answer.body.status).toBe('accepted');
      };
      await bid('e1', 10_000);
      await page.getByTestId('bid-history').locator('[data-seq="1"]').waitFor();
      await page.getByTestId('current-price').filter({ hasText: '10,000 元' }).waitFor(); // live, without a reload
      // the visitor is on the spectator feed, not socket.io
      expect(sockets).toEqual([`/live?lots=${lotId}`]);
      await screenshot(page, 'spectator-feed');
      // the network goes away (the socket with it) while the others go on bidding
      await page.context().setOffline(true);
      await page.getByTestId('connection').filter({ hasText: '连接中断' }).waitFor();
      await bid('e2', 10_500);
      await bid('e1', 11_000);
      await bid('e2', 11_500);
      await page.context().setOffline(false);
      await page.getByTestId('connection').filter({ hasText: '实时连接正常' }).waitFor({ timeout: 30_000 });
      await page.getByTestId('bid-history').locator('[data-seq="4"]').waitFor();
      const seqs = await page
        .getByTestId('bid-history')
        .locator('[data-seq]')
        .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
      expect(seqs).toEqual([4, 3, 2, 1]); // every missed bid, newest first, none twice
      await page.getByTestId('current-price').filter({ hasText: '11,500 元' }).waitFor();
    }));

  it('resends a bid whose acknowledgement was lost with the same key: one bid, and the room says it was accepted', () =>
    showing(async () => {
      const achievementId = await world.achievement('示范氢燃料电池双极板', ['燃料电池'], '202410123456');
      const lotId = await world.lot(achievementId, 600_000, { extensionMinutes: 0 });
      expect((await world.http('e1').post(`/lots/${lotId}/registrations`, { paymentMethod: 'pm_card_visa' })).status).toBe(201);
      await until(async () => ((await world.http('e1').get(`/lots/${lotId}/registrations/mine`)).body.depositStatus === 'held' ? true : undefined));
      const page = await open();
      // between the page and the API: the first acknowledgement of an accepted bid is lost on its way back
      let dropped = 0;
      await page.routeWebSocket(/socket\.io/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((message) => server.send(message));
        server.onMessage((message) => {
          if (typeof message === 'string' && message.startsWith('43') && message.includes('"status":"accepted"') && dropped === 0) {
            dropped++;
            return;
          }
          ws.send(message);
        });
      });
      await signIn(page, world.emails.e1, PASSWORD, `/lot/${lotId}`);
      await page.getByTestId('bid-next').click();
      await page.getByTestId('bid-notice').filter({ hasText: '出价成功' }).waitFor({ timeout: 30_000 });
      expect(dropped).toBe(1);
      const bids = (await world.http('e1').get(`/lots/${lotId}/bids`)).body.bids as unknown[];
      expect(bids).toHaveLength(1); // the resend was answered with the first attempt's outcome, not bid again
    }));

  it('the public pages: live lots on the home page, the use-first rule explained, and an English switch that works on every page', () =>
    showing(async () => {
      const achievementId = await world.achievement('示范生物可降解包装膜', ['可降解'], '202410123455');
      const lotId = await world.lot(achievementId, 900_000);
      const page = await open();
      await page.goto('/');
      await page.getByTestId('home-live').waitFor();
      const card = page.getByTestId('lot-card').filter({ hasText: '示范生物可降解包装膜' });
      await card.waitFor();
      await card.getByTestId('countdown').waitFor();
      // its watchers: a second visitor in the room shows on the card within a few seconds (counts are reported every 3 s)
      const visitor = await open();
      await visitor.goto(`/lot/${lotId}`);
      await visitor.getByTestId('connection').filter({ hasText: '实时连接正常' }).waitFor();
      await page.reload();
      await card
        .getByTestId('card-watchers')
        .filter({ hasText: /[1-9]\d* 人围观/ })
        .waitFor({ timeout: 30_000 });
      await page.getByText('P-2Y：成果完成满两年未转化的').waitFor();
      await screenshot(page, 'home');
      // English, then every public page in English
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByText('Live now').waitFor();
      await screenshot(page, 'home-en');
      const english: [string, string][] = [
        ['/search', 'Filters'],
        [`/achievement/${achievementId}`, 'Rules that apply'],
        [`/lot/${lotId}`, 'Terms of the auction'],
        ['/login', 'Sign in to Zhejiang Auction'],
        ['/no-such-page', 'Page not found'],
      ];
      for (const [path, label] of english) {
        await page.goto(path);
        await page.getByText(label, { exact: false }).first().waitFor();
      }
      // the catalogue's filters open on demand, in English too
      await page.goto('/search');
      await page.getByTestId('toggle-filters').click();
      await page.getByText('Technical field').first().waitFor();
      // the language stays chosen, and switches back
      await page.getByRole('button', { name: '中文' }).click();
      await page.getByText('技术领域').first().waitFor(); // the open filters, now in Chinese
      await page.goto('/login');
      await page.getByText('登录浙江拍').first().waitFor();
      // the login form shows the API's answer next to the form; an empty form shows the fields' own errors
      await page.getByTestId('login-submit').click();
      await page.getByText('请填写邮箱').waitFor();
      // the API's field error, next to its field
      await page.getByTestId('login-email').fill('not-an-email');
      await page.getByTestId('login-password').fill('whatever-1');
      await page.getByTestId('login-submit').click();
      const emailItem = page.locator('.ant-form-item').filter({ has: page.getByTestId('login-email') });
      const serverError = emailItem.locator('.ant-form-item-explain-error').filter({ hasNotText: '请填写' }); // not the form's own "required"
      await serverError.waitFor();
      expect(await serverError.innerText()).toMatch(/[\u4e00-\u9fff]/); // the API's message, in Chinese
      await page.getByTestId('login-email').fill(world.emails.e1);
      await page.getByTestId('login-password').fill('wrong-password-1');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-error').filter({ hasText: '邮箱或密码不正确' }).waitFor();
    }));

  it('shows the right countdown in a browser whose clock is hours wrong (the server clock drives it)', async () => {
    const achievementId = await world.achievement('示范钠离子电池负极材料', ['钠电池'], '202410123452');
    const lotId = await world.lot(achievementId, 600_000);
    const page = await open();
    await page.clock.install({ time: new Date(Date.now() + 5 * 3600_000) }); // five hours fast
    await page.goto(`/lot/${lotId}`);
    await page.getByTestId('connection').filter({ hasText: '实时连接正常' }).waitFor();
    await page.waitForTimeout(1_000);
    const left = Number(await page.getByTestId('countdown').first().getAttribute('data-ms-left'));
    expect(left).toBeGreaterThan(590_000 - 30_000);
    expect(left).toBeLessThanOrEqual(600_000);
  });

  it('fits a phone: the lot room needs no sideways scrolling and the bid box is usable', async () => {
    const achievementId = await world.achievement('示范柔性传感器阵列', ['传感器'], '202410123453');
    const lotId = await world.lot(achievementId, 600_000);
    const page = await open({ phone: true });
    await signIn(page, world.emails.e1, PASSWORD, `/lot/${lotId}`);
    await page.getByTestId('register').click();
    await page.getByTestId('pay-deposit').click();
    await page.getByTestId('bid-next').waitFor({ timeout: 30_000 });
    expect(await fitsWidth(page)).toBe(true);
    const box = await page.getByTestId('bid-next').boundingBox();
    expect(box!.width).toBeGreaterThan(250);
    await page.getByTestId('bid-next').tap();
    await page.getByTestId('bid-notice').filter({ hasText: '出价成功' }).waitFor();
    await screenshot(page, 'auction-room-phone');
    for (const path of ['/', '/search']) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      expect(await fitsWidth(page)).toBe(true);
    }
  });
});
