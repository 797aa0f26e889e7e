// The closed loop in the browser: agent registers a phone case → dispatcher dispatches →
// the unit's handler signs and replies → dispatcher records the visit → closed.
// Screenshots of each main screen land in test-output/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { WEB_DIST, launch, newPage, login, logout, shot, input, openAction, submitAction } from './helpers.mjs';

let srv;
let browser;
let page;
let unit;      // the lead unit chosen for the case
let category;  // a category whose default unit is `unit`
let caseNo;

before(async () => {
  srv = await startServer({ seed: 'org', staticDir: WEB_DIST });
  browser = await launch();
  page = await newPage(browser);
  const d = await srv.login('dispatcher');
  const units = (await srv.api('GET', '/api/v1/units', undefined, d.token)).body.items;
  const cats = (await srv.api('GET', '/api/v1/categories', undefined, d.token)).body.items;
  // A leaf category whose default unit is a real handling unit: the dispatcher sends the case there.
  const parents = new Set(cats.map((c) => c.parent_id));
  category = cats.find((c) => !parents.has(c.id) && c.default_unit_id && units.find((u) => u.id === c.default_unit_id && u.kind !== 'platform'));
  assert.ok(category, 'a category with a default unit');
  unit = units.find((u) => u.id === category.default_unit_id);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('login screen', async () => {
  await page.goto(`${srv.url}/login`);
  await page.getByTestId('login-submit').waitFor();
  await shot(page, '01-login');
  // a wrong password is refused on the screen
  await input(page, 'login-username').fill('agent');
  await input(page, 'login-password').fill('wrong-password');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-error').waitFor();
});

test('agent registers a phone case from the keyboard', async () => {
  await login(page, srv.url, 'agent');
  assert.match(page.url(), /\/agent$/);
  await assert.doesNotReject(page.getByTestId('user-name').waitFor());
  assert.equal((await page.getByTestId('user-role').textContent()).trim(), '话务员');

  await input(page, 'agent-phone').fill('13800001234');
  await page.getByTestId('history-none').waitFor();   // the caller's history is looked up
  await input(page, 'agent-name').fill('张先生');
  await page.locator('[data-testid="agent-type"] label', { hasText: '投诉' }).click();
  await page.locator('[data-testid="agent-type"] input[value="complain"]').focus();

  // category and district pickers without the mouse: type part of the name, Enter takes the first hit
  await page.keyboard.press('Tab');                   // urgency
  await page.keyboard.press('Tab');                   // category
  assert.equal(await page.evaluate(() => document.activeElement.closest('[data-field]')?.dataset.field), 'category_code');
  await page.keyboard.type(category.name);
  await page.locator('.category-picker-popper .el-select-dropdown__item.is-hovering').waitFor();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');                   // district
  await page.keyboard.type('古塔区');
  await page.locator('.district-picker-popper .el-select-dropdown__item.is-hovering').waitFor();
  await page.keyboard.press('Enter');
  assert.match(await page.locator('[data-field="category_code"]').innerText(), new RegExp(category.name));
  assert.match(await page.locator('[data-field="district_code"]').innerText(), /古塔区/);

  await input(page, 'agent-address').fill('古塔区北京路12号');
  await input(page, 'agent-content').fill('小区供热温度不达标，室温只有十四度，老人孩子受冻，请尽快处理。');
  await shot(page, '02-agent-desk');

  await page.keyboard.press('Alt+S');                 // submit from the keyboard
  const no = page.getByTestId('result-case-no');
  await no.waitFor();
  caseNo = (await no.textContent()).trim();
  assert.match(caseNo, /^JZ\d{14}$/);
  assert.match((await page.getByTestId('result-query-code').textContent()).trim(), /^\S{4,}$/);
  await shot(page, '03-agent-case-registered');

  await page.keyboard.press('Alt+N');                 // next call
  await page.getByTestId('case-result').waitFor({ state: 'hidden' });
  assert.equal(await input(page, 'agent-phone').inputValue(), '');
  // the new case is in the agent's list of today, and in the caller's history
  await page.locator(`.today-card [data-case-no="${caseNo}"]`).waitFor();
  await input(page, 'agent-phone').fill('13800001234');
  await page.locator(`[data-testid="caller-history"] [data-case-no="${caseNo}"]`).waitFor();
  await shot(page, '04-agent-caller-history');
  await logout(page);
});

test('dispatcher dispatches it to the unit', async () => {
  await login(page, srv.url, 'dispatcher');
  assert.match(page.url(), /\/dispatch$/);
  await page.locator('[data-queue="accepted"]').click();
  await page.locator(`.queue-desk [data-case-no="${caseNo}"]`).waitFor();
  await shot(page, '05-dispatch-desk');
  await page.locator(`.queue-desk [data-case-no="${caseNo}"]`).click();
  await page.locator(`.case-detail[data-case-no="${caseNo}"]`).waitFor();
  await shot(page, '05-dispatch-desk-case-drawer');

  const dlg = await openAction(page, 'dispatch');
  await input(page, 'unit-lead_unit_id-filter').fill(unit.name);
  await dlg.locator(`.unit-picker-tree [data-unit-code="${unit.code}"]`).first().click();
  await shot(page, '06-dispatch-dialog');
  await submitAction(page, dlg);
  await page.locator('[data-testid="detail-status"][data-status="dispatched"]').waitFor();
  await logout(page);
});

test('the unit handler signs and replies', async () => {
  await login(page, srv.url, `${unit.code}.handler`);
  assert.match(page.url(), /\/unit$/);
  await page.locator(`.queue-desk [data-case-no="${caseNo}"]`).waitFor();
  await shot(page, '07-unit-workbench');
  await page.locator(`.queue-desk [data-case-no="${caseNo}"]`).click();
  await page.locator(`.case-detail[data-case-no="${caseNo}"]`).waitFor();
  await shot(page, '07-unit-workbench-case-drawer');

  await submitAction(page, await openAction(page, 'sign'));
  await page.locator('[data-testid="detail-status"][data-status="handling"]').waitFor();

  const dlg = await openAction(page, 'reply');
  await dlg.locator('[data-field="reply"] textarea').fill('经核查，该小区换热站循环泵故障，已于当日维修完毕，现室温已达18度以上。');
  await dlg.locator('[data-field="internal_note"] textarea').fill('已电话联系张先生确认。');
  await shot(page, '08-unit-reply-dialog');
  await submitAction(page, dlg);
  await page.locator('[data-testid="detail-status"][data-status="replied"]').waitFor();
  await logout(page);
});

test('dispatcher records the visit and the case is closed', async () => {
  await login(page, srv.url, 'dispatcher');
  await page.locator('[data-queue="replied"]').click();
  await page.locator(`.queue-desk [data-case-no="${caseNo}"]`).click();
  await page.locator(`.case-detail[data-case-no="${caseNo}"]`).waitFor();
  const dlg = await openAction(page, 'visit');
  await dlg.locator('label', { hasText: '基本满意' }).click();
  await submitAction(page, dlg);
  await page.locator('[data-testid="detail-status"][data-status="closed"]').waitFor();

  // the full page of the case: reply, timeline, no more actions for the dispatcher's loop
  await page.goto(`${srv.url}/cases/${caseNo}`);
  await page.locator('[data-testid="detail-status"][data-status="closed"]').waitFor();
  await page.getByTestId('detail-reply').waitFor();
  for (const a of ['create', 'dispatch', 'sign', 'reply', 'visit']) {
    await page.locator(`[data-testid="detail-timeline"] [data-event="${a}"]`).first().waitFor();
  }
  await shot(page, '09-case-detail-closed');

  const api = await srv.api('GET', `/api/v1/cases/${caseNo}`, undefined, (await srv.login('dispatcher')).token);
  assert.equal(api.body.status, 'closed');
});

test('case search finds it and exports the page as CSV with a BOM', async () => {
  await page.goto(`${srv.url}/cases`);
  await page.locator(`[data-testid="search-table"] [data-case-no="${caseNo}"], .case-table [data-case-no="${caseNo}"]`).first().waitFor();
  await page.locator('[data-testid="search-status"]').click();
  await page.locator('.el-select-dropdown__item', { hasText: '已办结' }).click();
  await page.keyboard.press('Escape');
  await page.getByTestId('search-submit').click();
  await page.locator(`.case-table [data-case-no="${caseNo}"]`).waitFor();
  await shot(page, '10-case-search');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('search-export').click()]);
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  const buf = Buffer.concat(chunks);
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = buf.toString('utf8');
  assert.ok(text.includes(caseNo));
  assert.ok(text.includes('已办结'));
  assert.deepEqual(page.problems, []);
});

test('agent answers a consultation directly and it is closed on the spot', async () => {
  await logout(page);
  await login(page, srv.url, 'agent');
  await input(page, 'agent-phone').fill('13600001111');
  await input(page, 'agent-content').fill('咨询：居住证到期后如何续签，需要带什么材料？');
  await page.keyboard.press('Alt+D');
  await input(page, 'agent-answer-text').fill('携带身份证和原居住证到所在派出所户籍窗口办理，当场续签。');
  await shot(page, '13-agent-answer-directly');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('result-case-no').waitFor();
  const no = (await page.getByTestId('result-case-no').textContent()).trim();
  await page.locator('[data-testid="case-result"] [data-status="closed"]').waitFor();
  const a = await srv.login('agent');
  const c = await srv.api('GET', `/api/v1/cases/${no}`, undefined, a.token);
  assert.equal(c.body.status, 'closed');
  assert.match(c.body.reply, /派出所/);
  assert.deepEqual(page.problems, []);
});
