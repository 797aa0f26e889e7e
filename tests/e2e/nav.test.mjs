// Each role sees only its own navigation, lands on its own desk, and cannot open another's
// screen by typing its address; without a session every staff address leads to the login.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { WEB_DIST, launch, newPage, login, logout, shot } from './helpers.mjs';

let srv;
let browser;
let page;
let unitCode;

before(async () => {
  srv = await startServer({ seed: 'org', staticDir: WEB_DIST });
  browser = await launch();
  page = await newPage(browser);
  const a = await srv.login('admin');
  const units = (await srv.api('GET', '/api/v1/units', undefined, a.token)).body.items;
  unitCode = units.find((u) => u.kind === 'district').code;
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const navNames = () => page.locator('[data-testid="main-nav"] [data-nav]').evaluateAll((els) => els.map((e) => e.dataset.nav));

const EXPECT = [
  // [user, nav entries in order, landing path, a screen it may not open]
  ['agent', ['agent', 'search', 'kb'], '/agent', '/dispatch'],
  ['dispatcher', ['dispatch', 'agent', 'search', 'kb'], '/dispatch', '/unit'],
  ['supervisor', ['search', 'audit'], '/cases', '/agent'],
  ['leader', ['search'], '/cases', '/audit'],
  ['admin', ['admin', 'search', 'kb', 'audit'], '/admin/units', '/unit'],
  [() => `${unitCode}.handler`, ['unit', 'search', 'kb'], '/unit', '/agent'],
  [() => `${unitCode}.admin`, ['unit', 'admin', 'search', 'kb'], '/unit', '/admin/calendar'],
];

test('without a session, staff screens lead to the login', async () => {
  for (const path of ['/', '/agent', '/dispatch', '/cases/JZ20260101000001']) {
    await page.goto(srv.url + path);
    await page.getByTestId('login-submit').waitFor();
    assert.match(page.url(), /\/login/);
  }
});

for (const [who, nav, landing, forbidden] of EXPECT) {
  test(`navigation of ${typeof who === 'function' ? 'a unit user' : who}`, async () => {
    const user = typeof who === 'function' ? who() : who;
    await login(page, srv.url, user);
    assert.equal(new URL(page.url()).pathname, landing);
    assert.deepEqual(await navNames(page), nav);
    await page.goto(srv.url + forbidden);
    await page.getByTestId('main-nav').waitFor();
    assert.equal(new URL(page.url()).pathname, landing, `${user} may not open ${forbidden}`);
    if (user === 'supervisor') await shot(page, '11-supervisor-search');
    await logout(page);
  });
}

test('a session that ends sends the user back to the login', async () => {
  // the desk's own first load (today's cases) must be done, or it is the call that meets the 401
  const today = page.waitForResponse((r) => r.url().includes('/api/v1/cases?'));
  await login(page, srv.url, 'agent');
  await today;
  // the session dies on the server (logged out elsewhere): the next call is a 401
  await page.context().clearCookies();
  await page.locator('.today-card button').first().click();
  await page.getByTestId('login-submit').waitFor();
  assert.match(page.url(), /\/login\?redirect=/);
  assert.deepEqual(page.problems, []);
});
