// The notification bell (issue 5): a unit handler's bell counts a new case dispatched to the
// unit, and a second one arrives live over SSE without a reload; a notification opens its case
// and is marked read. On the server's test clock (serve --test-clock), time passes, the tick
// marks the case red and notifies the unit: the bell shows it, the overdue queue lists the case
// with its red badge, and "read all" clears the count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { WEB_DIST, launch, newPage, login, logout, shot } from './helpers.mjs';

let srv;
let browser;
let page;
let district;
const cases = [];

before(async () => {
  srv = await startServer({ seed: 'org', staticDir: WEB_DIST, args: ['--test-clock'] });
  browser = await launch();
  page = await newPage(browser);
  const a = await srv.login('admin');
  district = (await srv.api('GET', '/api/v1/units', undefined, a.token)).body.items.find((u) => u.kind === 'district');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function newDispatchedCase(content) {
  const a = await srv.login('agent');
  const d = await srv.login('dispatcher');
  const c = await srv.api('POST', '/api/v1/cases', { type: 'complain', content, citizen: { name: '赵女士', phone: '13700002222' } }, a.token);
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const r = await srv.api('POST', `/api/v1/cases/${c.body.case_no}/dispatch`, { lead_unit_id: district.id }, d.token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  cases.push(c.body.case_no);
  return c.body.case_no;
}

const bell = () => page.getByTestId('bell');
const unread = async () => Number(await bell().getAttribute('data-unread'));

test('the bell counts a new case and a second one arrives live', async () => {
  await newDispatchedCase('小区供暖温度不达标，室内只有十四度。');
  await login(page, srv.url, `${district.code}.handler`);
  await page.locator('[data-testid="bell"][data-unread="1"]').waitFor();
  // the live stream is open: a case dispatched now shows up without a reload
  const second = await newDispatchedCase('路灯损坏一个月无人维修，夜间出行不便。');
  await page.locator('[data-testid="bell"][data-unread="2"]').waitFor({ timeout: 10000 });
  await bell().click();
  const item = page.locator(`.bell-item[data-kind="new_case"]`, { hasText: second });
  await item.waitFor();
  await shot(page, '50-notification-bell');
  await item.click();
  await page.locator(`.case-detail[data-case-no="${second}"]`).waitFor();
  assert.equal(new URL(page.url()).pathname, `/cases/${second}`);
  await page.locator('[data-testid="bell"][data-unread="1"]').waitFor();
  assert.deepEqual(page.problems, []);
  await logout(page);
});

test('time passes on the test clock: the tick marks the case red and the bell says so', async () => {
  let a = await srv.login('admin');
  const clk = await srv.api('POST', '/api/v1/test/clock', { advance_seconds: 10 * 86400 }, a.token);
  assert.equal(clk.status, 200, JSON.stringify(clk.body));
  a = await srv.login('admin'); // the move may have aged the session out
  const tick = await srv.api('POST', '/api/v1/test/tick', {}, a.token);
  assert.equal(tick.status, 200, JSON.stringify(tick.body));
  assert.ok(tick.body.marked >= 1, JSON.stringify(tick.body));

  await login(page, srv.url, `${district.code}.handler`);
  await page.locator('[data-testid="bell"]:not([data-unread="0"]):not([data-unread="1"])').waitFor();
  await bell().click();
  await page.locator('.bell-item[data-kind="red"]').first().waitFor();
  await shot(page, '51-notification-bell-red');
  await page.getByTestId('bell-read-all').click();
  await page.locator('[data-testid="bell"][data-unread="0"]').waitFor();
  assert.equal(await unread(), 0);
  await page.keyboard.press('Escape');

  // the overdue queue of the workbench: the cases with their red badge
  await page.locator('[data-queue="overdue"]').click();
  const row = page.locator('.queue-desk .el-table__row', { has: page.locator(`[data-case-no="${cases[0]}"]`) });
  await row.waitFor();
  await row.locator('[data-warning="red"]').waitFor();
  await shot(page, '52-unit-overdue-queue');
  assert.deepEqual(page.problems, []);
  await logout(page);
});

test('notification settings: the user switches in-app alerts and the choice is kept', async () => {
  await login(page, srv.url, 'dispatcher');
  await page.getByTestId('user-menu').click();
  await page.getByTestId('menu-prefs').click();
  const dlg = page.locator('.prefs-dialog');
  await dlg.getByTestId('pref-inapp').waitFor();
  await shot(page, '53-notify-prefs');
  const before = await srv.api('GET', '/api/v1/auth/me/notify-prefs', undefined, (await srv.login('dispatcher')).token);
  await dlg.getByTestId('pref-inapp').click();
  await dlg.getByTestId('pref-submit').click();
  await dlg.waitFor({ state: 'hidden' });
  const after1 = await srv.api('GET', '/api/v1/auth/me/notify-prefs', undefined, (await srv.login('dispatcher')).token);
  assert.equal(after1.body.inapp, !before.body.inapp);
  assert.deepEqual(page.problems, []);
  await logout(page);
});
