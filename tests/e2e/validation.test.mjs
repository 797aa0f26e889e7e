// An API validation error shows next to the field it names ("citizen.phone" → the phone input),
// on the agent desk and on the portal; nothing is created.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { WEB_DIST, launch, newPage, login, shot, input } from './helpers.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer({ seed: 'org', staticDir: WEB_DIST });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const fieldError = (page, field) => page.locator(`[data-field="${field}"] .el-form-item__error`);

test('agent desk: a bad phone number is marked at the phone field', async () => {
  const page = await newPage(browser);
  await login(page, srv.url, 'agent');
  await input(page, 'agent-phone').fill('12345');
  await input(page, 'agent-content').fill('咨询社保卡补办需要带哪些材料。');
  await page.getByTestId('agent-submit').click();
  await fieldError(page, 'phone').waitFor();
  assert.match(await fieldError(page, 'phone').textContent(), /手机号|座机/);
  assert.equal(await fieldError(page, 'content').count(), 0);
  assert.equal(await page.getByTestId('case-result').count(), 0);
  await shot(page, '12-agent-validation-error');

  // fixing the field clears the mark and the case goes in
  await input(page, 'agent-phone').fill('13900002222');
  await fieldError(page, 'phone').waitFor({ state: 'detached' });
  await page.keyboard.press('Alt+S');
  await page.getByTestId('result-case-no').waitFor();

  // empty content: the server names "content"
  await page.keyboard.press('Alt+N');
  await input(page, 'agent-phone').fill('13900002222');
  await page.keyboard.press('Alt+S');
  await fieldError(page, 'content').waitFor();
  assert.equal(await fieldError(page, 'phone').count(), 0);

  const a = await srv.login('agent');
  const list = await srv.api('GET', '/api/v1/cases?mine=1', undefined, a.token);
  assert.equal(list.body.total, 1, 'only the valid case was created');
  assert.deepEqual(page.problems, []);
});

test('portal: a bad phone number is marked at the phone field', async () => {
  const page = await newPage(browser, { width: 375, height: 812, mobile: true });
  await page.goto(`${srv.url}/portal`);
  await input(page, 'portal-content').fill('路灯不亮，晚上出行不便。');
  await input(page, 'portal-phone').fill('139');
  await page.getByTestId('portal-submit').click();
  await fieldError(page, 'phone').waitFor();
  assert.equal(await page.getByTestId('portal-result').count(), 0);
  assert.deepEqual(page.problems, []);
});
