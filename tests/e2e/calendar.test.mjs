// Time limits in the browser (issue 5): the admin marks a day of the working-day calendar as a
// holiday and saves the year (PUT /calendar/{year}); the day stays a holiday after a reload and on
// the server. The rules table: a changed handling limit is saved (PUT /time-limits); a rule that
// repeats another's keys is refused and the row is named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { WEB_DIST, launch, newPage, login, logout, shot, input } from './helpers.mjs';

let srv;
let browser;
let page;
let tok;
const DAY = '2026-12-02'; // a Wednesday with no exception in the published schedule

before(async () => {
  srv = await startServer({ seed: 'org', staticDir: WEB_DIST });
  browser = await launch();
  page = await newPage(browser);
  tok = (await srv.login('admin')).token;
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function openYear2026() {
  await page.goto(`${srv.url}/admin/calendar`);
  await page.getByTestId('cal-year').waitFor();
  for (let i = 0; i < 5 && (await page.getByTestId('cal-year').innerText()) !== '2026'; i++) {
    const y = Number(await page.getByTestId('cal-year').innerText());
    await page.getByTestId(y < 2026 ? 'cal-next' : 'cal-prev').click();
  }
  // the published schedule is loaded: National Day is a holiday, 10 Oct a make-up working day
  await page.locator('.cal-day[data-date="2026-10-01"][data-kind="holiday"]').waitFor();
}

test('the calendar shows the published 2026 schedule; a day edited and saved stays', async () => {
  await login(page, srv.url, 'admin');
  await page.locator('[data-admin-nav="admin-calendar"]').click();
  await openYear2026();
  assert.equal(await page.locator('.cal-day[data-date="2026-10-10"]').getAttribute('data-kind'), 'workday');
  assert.equal(await page.locator(`.cal-day[data-date="${DAY}"]`).getAttribute('data-kind'), 'normal');
  await shot(page, '40-admin-calendar');

  await page.locator(`.cal-day[data-date="${DAY}"]`).click();
  const dlg = page.locator('.day-dialog');
  await dlg.locator('[data-kind="holiday"]').click();
  // a holiday needs a name: refused in the form before anything is sent
  await dlg.getByTestId('day-apply').click();
  await dlg.locator('.el-form-item.is-error').waitFor();
  await input(page, 'day-name').fill('测试假日');
  await shot(page, '41-admin-calendar-day');
  await dlg.getByTestId('day-apply').click();
  await dlg.waitFor({ state: 'hidden' });
  await page.getByTestId('cal-dirty').waitFor();
  await page.getByTestId('cal-save').click();
  await page.getByTestId('cal-dirty').waitFor({ state: 'detached' });

  const cal = (await srv.api('GET', '/api/v1/calendar/2026', undefined, tok)).body;
  assert.deepEqual(cal.days.find((d) => d.date === DAY), { date: DAY, kind: 'holiday', name: '测试假日' });
  assert.ok(cal.days.find((d) => d.date === '2026-10-01'), 'the other days are kept');

  await page.reload();
  await openYear2026();
  assert.equal(await page.locator(`.cal-day[data-date="${DAY}"]`).getAttribute('data-kind'), 'holiday');
  assert.deepEqual(page.problems, []);
});

test('a time-limit rule is edited and saved; a duplicate rule is refused at its row', async () => {
  await page.locator('[data-admin-nav="admin-time-limits"]').click();
  await page.getByTestId('tl-table').locator('.el-table__row').first().waitFor();
  const before = (await srv.api('GET', '/api/v1/time-limits', undefined, tok)).body.items;
  const idx = before.findIndex((r) => r.type === 'consult' && !r.urgency && !r.category_id);
  assert.ok(idx >= 0);
  assert.equal(before[idx].handle_limit, 3);
  await shot(page, '42-admin-time-limits');

  const cell = input(page, `tl-${idx}-handle_limit`);
  await cell.fill('4');
  await cell.press('Tab');
  await page.getByTestId('tl-save').click();
  await page.getByTestId('tl-save').and(page.locator('[disabled]')).waitFor();
  const after1 = (await srv.api('GET', '/api/v1/time-limits', undefined, tok)).body.items;
  assert.equal(after1.find((r) => r.type === 'consult' && !r.urgency && !r.category_id).handle_limit, 4);
  assert.equal(after1.length, before.length);

  // a new row with every key "any" repeats the default rule
  await page.getByTestId('tl-add').click();
  await page.getByTestId('tl-save').click();
  const err = page.getByTestId('tl-error');
  await err.waitFor();
  assert.match(await err.innerText(), new RegExp(`第 ${before.length + 1} 条规则`));
  await page.locator('.tl-table .row-error').waitFor();
  await shot(page, '43-admin-time-limits-error');
  assert.equal((await srv.api('GET', '/api/v1/time-limits', undefined, tok)).body.items.length, before.length);
  await logout(page);
  assert.deepEqual(page.problems, []);
});

test('the admin edits a citizen message template; a bad parameter is refused at its field', async () => {
  await login(page, srv.url, 'admin');
  await page.locator('[data-admin-nav="admin-templates"]').click();
  const card = page.locator('.tpl-card[data-template="receipt"]');
  await card.waitFor();
  await shot(page, '44-admin-templates');
  const body = input(page, 'tpl-receipt-body');
  await body.fill('您的诉求已受理，工单号{case_no}，查询码{nope}。');
  await page.getByTestId('tpl-receipt-save').click();
  await card.locator('.el-form-item.is-error').waitFor();
  await body.fill('【锦州12345】您的诉求已受理，工单号{case_no}，查询码{query_code}。');
  await page.getByTestId('tpl-receipt-save').click();
  await card.locator('.el-tag', { hasText: '已修改' }).waitFor();
  const t = (await srv.api('GET', '/api/v1/notify/templates', undefined, tok)).body.items.find((x) => x.key === 'receipt');
  assert.equal(t.customized, true);
  assert.match(t.body, /^【锦州12345】/);
  assert.deepEqual(page.problems, []);
  await logout(page);
});
