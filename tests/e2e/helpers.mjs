// Shared helpers for the browser tests: Debian's chromium through playwright-core,
// a page per user, console/CSP error capture, screenshots under test-output/screenshots/.
import { chromium } from 'playwright-core';
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, DEMO_PASSWORD } from '../lib/server.mjs';

export const WEB_DIST = join(ROOT, 'web', 'dist');
export const SHOTS = join(ROOT, 'test-output', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function haveBrowser() { return existsSync(CHROMIUM); }
export function haveWebBuild() { return existsSync(join(WEB_DIST, 'index.html')); }

// One browser per test file. playwright starts chromium with a fresh temporary profile
// (its own --user-data-dir; passing one in args is refused), and every context is new.
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
}

// A new context (own cookies) and page; collects page errors and console errors
// (a CSP violation shows up as a console error) into page.problems.
export async function newPage(browser, { width = 1440, height = 900, mobile = false } = {}) {
  const ctx = await browser.newContext({
    viewport: { width, height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1, acceptDownloads: true,
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    // A 4xx the test provokes on purpose is logged by the browser as a failed resource.
    if (/Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) return;
    page.problems.push(`console: ${text}`);
  });
  return page;
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(250); // let transitions settle
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export async function login(page, base, username, password = DEMO_PASSWORD) {
  await page.goto(`${base}/login`);
  await input(page, 'login-username').fill(username);
  await input(page, 'login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-role').waitFor();
}

export async function logout(page) {
  // a case drawer or dialog covers the header: close it first
  for (let i = 0; i < 3 && await page.locator('.el-overlay:visible').count(); i++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(350);
  }
  await page.getByTestId('logout').click();
  await page.getByTestId('login-submit').waitFor();
}

// el-input passes data-testid to its <input>/<textarea>; other components keep it on their root.
export const input = (page, testid) => page.locator(
  `input[data-testid="${testid}"], textarea[data-testid="${testid}"], [data-testid="${testid}"] input, [data-testid="${testid}"] textarea`,
).first();

// The visible nav entries, as their data-nav names.
export async function navNames(page) {
  return page.locator('[data-testid="main-nav"] [data-nav]').evaluateAll((els) => els.map((e) => e.dataset.nav));
}

// Opens the action dialog for `action` on the visible case detail and returns the dialog locator.
export async function openAction(page, action) {
  await page.locator(`[data-testid="detail-actions"] [data-action="${action}"]`).click();
  const dlg = page.locator(`.action-dialog[data-action="${action}"]`);
  await dlg.waitFor();
  return dlg;
}

export async function submitAction(page, dlg) {
  await dlg.getByTestId('action-submit').click();
  await dlg.waitFor({ state: 'hidden' });
}
