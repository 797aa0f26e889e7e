// Administration in the browser (issue 4): the admin builds the organisation — a new unit
// under a district, a user in it — and that user logs in; a unit with an open case cannot be
// deactivated (the server's reason is shown on the form); a unit admin manages only the users
// of their own unit; every user can change their own password from the header menu; the audit
// screen lists the logins for admins and supervisors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { WEB_DIST, launch, newPage, login, logout, shot, input, navNames } from './helpers.mjs';

let srv;
let browser;
let page;
let adminTok;
let district; // a district unit
let busyUnit; // a unit with an open case
const NEW_UNIT = { name: '测试街道办事处', code: 'E2E-ST-01' };
const NEW_USER = { username: 'e2e.handler', name: '测试承办人', password: 'Jinzhou-12345-e2e' };

before(async () => {
  srv = await startServer({ seed: 'org', staticDir: WEB_DIST });
  browser = await launch();
  page = await newPage(browser);
  adminTok = (await srv.login('admin')).token;
  const units = (await srv.api('GET', '/api/v1/units', undefined, adminTok)).body.items;
  district = units.find((u) => u.kind === 'district');
  busyUnit = units.find((u) => u.kind === 'department');
  const a = await srv.login('agent');
  const d = await srv.login('dispatcher');
  const c = await srv.api('POST', '/api/v1/cases', {
    type: 'complain', content: '供水管道漏水，路面结冰，请尽快处理。', citizen: { name: '李先生', phone: '13900001111' },
  }, a.token);
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const r = await srv.api('POST', `/api/v1/cases/${c.body.case_no}/dispatch`, { lead_unit_id: busyUnit.id }, d.token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function units() {
  return (await srv.api('GET', '/api/v1/units', undefined, adminTok)).body.items;
}

// el-tree-select: open it, type part of a name, click the node.
async function pickTree(testid, text) {
  await input(page, testid).click();
  await page.keyboard.type(text);
  await page.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: text }).first().click();
}

test('the admin lands on 系统管理 and creates a unit under a district', async () => {
  await login(page, srv.url, 'admin');
  assert.equal(new URL(page.url()).pathname, '/admin/units');
  assert.deepEqual(await navNames(page), ['admin', 'search', 'kb', 'audit']);
  await page.locator(`[data-testid="unit-tree"] [data-unit-code="${district.code}"]`).waitFor();
  await shot(page, '30-admin-units');

  await page.locator(`[data-testid="unit-tree"] [data-unit-code="${district.code}"]`).click();
  await page.getByTestId('unit-add-child').click();
  await input(page, 'unit-name').fill(NEW_UNIT.name);
  await input(page, 'unit-code').fill(NEW_UNIT.code);
  await input(page, 'unit-contact').fill('张主任 0416-2345678');
  await page.getByTestId('unit-hotline-add').click();
  await input(page, 'unit-hotline-0').fill('0416-7654321');
  await shot(page, '31-admin-unit-create');
  await page.getByTestId('unit-save').click();
  await page.locator(`[data-testid="unit-tree"] [data-unit-code="${NEW_UNIT.code}"]`).waitFor();

  const u = (await units()).find((x) => x.code === NEW_UNIT.code);
  assert.ok(u, 'the unit exists on the server');
  assert.equal(u.name, NEW_UNIT.name);
  assert.equal(u.parent_id, district.id);
  assert.equal(u.kind, 'street'); // the default kind below a district
  assert.equal(u.contact, '张主任 0416-2345678');
  assert.deepEqual(u.hotlines.map((h) => h.number), ['0416-7654321']);
});

test('a unit with an open case is not deactivated: the server says why', async () => {
  await page.locator(`[data-testid="unit-tree"] [data-unit-code="${busyUnit.code}"]`).click();
  await page.getByTestId('unit-deactivate').click();
  await page.locator('.el-message-box__btns .el-button--primary').click();
  const alert = page.getByTestId('unit-active-error');
  await alert.waitFor();
  assert.match(await alert.innerText(), /open case/);
  await shot(page, '32-admin-unit-deactivate-refused');
  assert.equal((await units()).find((x) => x.id === busyUnit.id).active, true);
});

test('the admin creates a user in the new unit; the user logs in', async () => {
  await page.locator('[data-admin-nav="admin-users"]').click();
  await page.getByTestId('users-table').waitFor();
  await page.getByTestId('user-new').click();
  const dlg = page.locator('.user-dialog');
  await input(page, 'user-username').fill(NEW_USER.username);
  await input(page, 'user-name-input').fill(NEW_USER.name);
  await page.getByTestId('user-role-select').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '承办人' }).click();
  await pickTree('user-unit-select', NEW_UNIT.name);
  // a weak password is refused at its field, by the server
  await input(page, 'user-password').fill('short');
  await dlg.getByTestId('user-save').click();
  await dlg.locator('.el-form-item.is-error', { has: page.getByTestId('user-password') }).waitFor();
  await shot(page, '33-admin-user-weak-password');
  await input(page, 'user-password').fill(NEW_USER.password);
  await dlg.getByTestId('user-save').click();
  await dlg.waitFor({ state: 'hidden' });
  await input(page, 'users-q').fill('e2e');
  await page.getByTestId('users-search').click();
  await page.locator(`[data-username="${NEW_USER.username}"]`).waitFor();
  assert.equal(await page.locator('[data-testid="users-table"] .el-table__row').count(), 1);
  await shot(page, '34-admin-users');

  await logout(page);
  await login(page, srv.url, NEW_USER.username, NEW_USER.password);
  assert.equal(new URL(page.url()).pathname, '/unit');
  assert.equal(await page.getByTestId('user-unit').innerText(), NEW_UNIT.name);
  assert.deepEqual(page.problems, []);
});

test('every user changes their own password from the header menu', async () => {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('menu-password').click();
  const dlg = page.locator('.password-dialog');
  await input(page, 'pw-old').fill('wrong-Password-1');
  await input(page, 'pw-new').fill('Another-Pass-2026');
  await input(page, 'pw-confirm').fill('Another-Pass-2026');
  await dlg.getByTestId('pw-submit').click();
  // the wrong current password is marked at its field
  await dlg.locator('.el-form-item.is-error', { has: page.getByTestId('pw-old') }).waitFor();
  await shot(page, '35-change-password');
  await input(page, 'pw-old').fill(NEW_USER.password);
  await dlg.getByTestId('pw-submit').click();
  await dlg.waitFor({ state: 'hidden' });
  await logout(page);
  await login(page, srv.url, NEW_USER.username, 'Another-Pass-2026');
  await logout(page);
});

test('a unit admin sees and manages only the users of their unit', async () => {
  await login(page, srv.url, `${district.code}.admin`);
  assert.deepEqual(await navNames(page), ['unit', 'admin', 'search', 'kb']);
  await page.locator('[data-nav="admin"]').click();
  await page.getByTestId('users-table').waitFor();
  await input(page, 'users-q').fill('e2e');
  await page.getByTestId('users-search').click();
  await page.locator(`[data-username="${NEW_USER.username}"]`).waitFor();
  await input(page, 'users-q').fill('');
  await page.getByTestId('users-search').click();
  await page.locator(`[data-username="${district.code}.admin"]`).waitFor();
  await shot(page, '37-unit-admin-users');
  const names = await page.locator('[data-username]').evaluateAll((els) => els.map((e) => e.dataset.username));
  assert.ok(!names.includes('admin') && !names.includes('dispatcher'), names.join(','));
  // the other admin screens are not theirs
  await page.goto(`${srv.url}/admin/units`);
  await page.getByTestId('main-nav').waitFor();
  assert.equal(new URL(page.url()).pathname, '/unit');
  await logout(page);
});

test('the audit screen lists the logins', async () => {
  await login(page, srv.url, 'supervisor');
  assert.deepEqual(await navNames(page), ['search', 'audit']);
  await page.locator('[data-nav="audit"]').click();
  await page.getByTestId('audit-kind').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '登录成功' }).click();
  await page.getByTestId('audit-search').click();
  const row = page.locator('[data-testid="audit-table"] .el-table__row', { hasText: NEW_USER.username }).first();
  await row.waitFor();
  assert.match(await row.innerText(), /登录成功/);
  await shot(page, '36-audit-log');
  assert.deepEqual(page.problems, []);
  await logout(page);
});

test('the admin adds a sub-category with a default unit', async () => {
  await login(page, srv.url, 'admin');
  await page.locator('[data-admin-nav="admin-categories"]').click();
  await page.getByTestId('cat-table').locator('.el-table__row').first().waitFor();
  await shot(page, '38-admin-categories');
  const cats = (await srv.api('GET', '/api/v1/categories', undefined, adminTok)).body.items;
  const root = cats.find((c) => !c.parent_id);
  await page.locator('.el-table__row', { has: page.locator(`[data-cat-code="${root.code}"]`) }).getByRole('button', { name: '新建子分类' }).click();
  await input(page, 'cat-name').fill('测试子分类');
  await input(page, 'cat-code').fill(`${root.code}99`);
  await pickTree('cat-unit', NEW_UNIT.name);
  await page.locator('.cat-dialog').getByTestId('cat-save').click();
  await page.locator('.cat-dialog').waitFor({ state: 'hidden' });
  const c = (await srv.api('GET', '/api/v1/categories', undefined, adminTok)).body.items.find((x) => x.code === `${root.code}99`);
  assert.ok(c, 'the category exists');
  assert.equal(c.parent_id, root.id);
  assert.equal(c.default_unit_id, (await units()).find((u) => u.code === NEW_UNIT.code).id);
  assert.deepEqual(page.problems, []);
  await logout(page);
});
