// The unit workbench and the dispatcher's rulings: a unit asks for an extension and the
// dispatcher approves it from the extension queue; the unit admin sub-dispatches to a street;
// the unit returns a case and the dispatcher denies the return. All through the case actions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { WEB_DIST, launch, newPage, login, logout, shot, openAction, submitAction, input } from './helpers.mjs';

let srv;
let browser;
let page;
let district; // a district unit with streets below it
let street;
let caseNo;

before(async () => {
  srv = await startServer({ seed: 'org', staticDir: WEB_DIST });
  browser = await launch();
  page = await newPage(browser);
  const d = await srv.login('dispatcher');
  const units = (await srv.api('GET', '/api/v1/units', undefined, d.token)).body.items;
  district = units.find((u) => u.kind === 'district' && units.some((s) => s.parent_id === u.id));
  street = units.find((s) => s.parent_id === district.id);
  const a = await srv.login('agent');
  const c = await srv.api('POST', '/api/v1/cases', {
    type: 'complain', content: '小区南门道路破损严重，雨天积水，居民出行困难。', citizen: { name: '王女士', phone: '13512340000' },
  }, a.token);
  assert.equal(c.status, 201, JSON.stringify(c.body));
  caseNo = c.body.case_no;
  const r = await srv.api('POST', `/api/v1/cases/${caseNo}/dispatch`, { lead_unit_id: district.id }, d.token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function openFromQueue(queue) {
  await page.locator(`[data-queue="${queue}"]`).click();
  await page.locator(`.queue-desk [data-case-no="${caseNo}"]`).click();
  await page.locator(`.case-detail[data-case-no="${caseNo}"]`).waitFor();
}

test('the unit signs and asks for an extension; the dispatcher approves it', async () => {
  await login(page, srv.url, `${district.code}.handler`);
  await openFromQueue('dispatched');
  await submitAction(page, await openAction(page, 'sign'));
  await page.locator('[data-testid="detail-status"][data-status="handling"]').waitFor();
  const dlg = await openAction(page, 'request_extension');
  await dlg.locator('[data-field="reason"] textarea').fill('道路修复需市政统一招标，预计需要额外3个工作日。');
  await submitAction(page, dlg);
  await logout(page);

  await login(page, srv.url, 'dispatcher');
  await page.locator('[data-queue="extensions"]').click();
  const row = page.locator('.queue-desk .el-table__row', { has: page.locator(`[data-case-no="${caseNo}"]`) });
  await row.waitFor();
  await shot(page, '14-dispatch-extension-queue');
  await row.locator('button', { hasText: '批准' }).click();
  const ext = page.locator('.action-dialog[data-action="decide_extension"]');
  await ext.waitFor();
  await submitAction(page, ext);
  await row.waitFor({ state: 'detached' });

  const d = await srv.login('dispatcher');
  const c = (await srv.api('GET', `/api/v1/cases/${caseNo}`, undefined, d.token)).body;
  assert.equal(c.extensions[0].status, 'approved');
  await logout(page);
});

test('the unit admin sub-dispatches to a street', async () => {
  await login(page, srv.url, `${district.code}.admin`);
  await openFromQueue('handling');
  const dlg = await openAction(page, 'subdispatch');
  await input(page, 'unit-unit_id-filter').fill(street.name);
  await dlg.locator(`.unit-picker-tree [data-unit-code="${street.code}"]`).click();
  await shot(page, '15-unit-subdispatch-dialog');
  await submitAction(page, dlg);
  await page.locator('.case-detail .el-table__row', { hasText: street.name }).waitFor();
  await logout(page);
});

test('the unit returns the case and the dispatcher denies the return', async () => {
  await login(page, srv.url, `${district.code}.handler`);
  await openFromQueue('handling');
  const dlg = await openAction(page, 'return');
  await dlg.locator('[data-field="reason"] textarea').fill('该路段属市政道路，应由市住建局负责。');
  await submitAction(page, dlg);
  await page.locator('[data-testid="detail-status"][data-status="returned"]').waitFor();
  await logout(page);

  await login(page, srv.url, 'dispatcher');
  await openFromQueue('returned');
  await shot(page, '16-dispatch-returned-case');
  const deny = await openAction(page, 'deny_return');
  // an empty reason is refused before it is sent, and marked at the field
  await deny.getByTestId('action-submit').click();
  await deny.locator('[data-field="reason"] .el-form-item__error').waitFor();
  await deny.locator('[data-field="reason"] textarea').fill('经核实该路段为小区配套道路，属属地管理，请继续办理。');
  await submitAction(page, deny);
  await page.locator('[data-testid="detail-status"][data-status="dispatched"]').waitFor();
  assert.deepEqual(page.problems, []);
});
