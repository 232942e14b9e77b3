import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium driven by playwright-core (no browser download): headless, and without the
 * background networking that this machine's closed network would refuse.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (npm test does)`);
  if (!existsSync(join(ROOT, 'apps/web/dist/index.html'))) throw new Error('apps/web/dist is missing: run "npm run web:build" (npm test does)');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A browser context as a person uses it: Chinese, Beijing time zone unless told otherwise, a desktop or a phone. */
export async function newContext(browser: Browser, baseURL: string, options: { phone?: boolean; timezoneId?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale: 'zh-CN',
    timezoneId: options.timezoneId ?? 'Asia/Shanghai',
    viewport: options.phone ? { width: 375, height: 812 } : { width: 1280, height: 860 },
    deviceScaleFactor: 1,
    isMobile: options.phone ?? false,
    hasTouch: options.phone ?? false,
  });
  context.setDefaultTimeout(20_000);
  return context;
}

/**
 * Screenshots of the run: under docs/screenshots/ when UPDATE_SCREENSHOTS=1 (they are shown in the
 * README), else under test-results/screenshots/ (not committed) so that every run still takes and
 * can show them.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(ROOT, process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-results/screenshots');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.waitForTimeout(500); // let Ant Design's transitions (drawers, toasts) finish
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Signs in through the login page, as a person does. */
export async function signIn(page: Page, email: string, password: string, next = '/'): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-name').waitFor({ state: 'attached' }); // hidden on a phone's width, but there
}

/** The page has no horizontal scrolling (its content fits the viewport's width). */
export async function fitsWidth(page: Page): Promise<boolean> {
  return (await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')) as boolean;
}
