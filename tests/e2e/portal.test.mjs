// The citizen portal on a phone-sized screen (375×812): submit an appeal, get the case number
// and query code, track it, and rate the reply once the unit has answered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { WEB_DIST, launch, newPage, shot, input } from './helpers.mjs';

let srv;
let browser;
let page;
let caseNo;
let code;

before(async () => {
  srv = await startServer({ seed: 'org', staticDir: WEB_DIST });
  browser = await launch();
  page = await newPage(browser, { width: 375, height: 812, mobile: true });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function noSideScroll() {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 375, `page is ${w}px wide on a 375px screen`);
}

test('citizen submits an appeal on a phone', async () => {
  await page.goto(`${srv.url}/portal`);
  await page.getByTestId('portal-submit').waitFor();
  await noSideScroll();
  await page.locator('[data-testid="portal-type"] label', { hasText: '求助' }).click();
  await input(page, 'portal-content').fill('凌河区解放路小区门口下水井盖破损，夜间行人容易踩空，请尽快修复。');
  await input(page, 'portal-address').fill('凌河区解放路18号');
  await input(page, 'portal-name').fill('李女士');
  await input(page, 'portal-phone').fill('13700005678');
  await shot(page, '20-portal-submit');
  await page.getByTestId('portal-submit').click();
  await page.getByTestId('portal-result').waitFor();
  caseNo = (await page.getByTestId('portal-case-no').textContent()).trim();
  code = (await page.getByTestId('portal-query-code').textContent()).trim();
  assert.match(caseNo, /^JZ\d{14}$/);
  assert.ok(code.length >= 4);
  await noSideScroll();
  await shot(page, '21-portal-submitted');
});

test('citizen tracks it with case number and query code', async () => {
  await page.getByTestId('portal-go-track').click();
  await page.getByTestId('track-view').waitFor();
  assert.equal(await page.locator('[data-testid="track-status"]').getAttribute('data-status'), 'new');
  assert.equal(await page.getByTestId('rate-form').count(), 0, 'nothing to rate before a reply');

  // a wrong code finds nothing
  await page.goto(`${srv.url}/portal/track`);
  await input(page, 'track-case-no').fill(caseNo);
  await input(page, 'track-code').fill('000000' === code ? '111111' : '000000');
  await page.getByTestId('track-submit').click();
  await page.getByTestId('track-not-found').waitFor();

  await input(page, 'track-code').fill(code);
  await page.getByTestId('track-submit').click();
  await page.getByTestId('track-view').waitFor();
  await noSideScroll();
  await shot(page, '22-portal-track');
});

test('after the unit replies, the citizen rates the reply', async () => {
  // the platform and the unit do their part through the API
  const d = await srv.login('dispatcher');
  const units = (await srv.api('GET', '/api/v1/units', undefined, d.token)).body.items;
  const unit = units.find((u) => u.kind === 'district');
  const act = async (token, action, body = {}) => {
    const r = await srv.api('POST', `/api/v1/cases/${caseNo}/${action}`, body, token);
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  };
  await act(d.token, 'accept');
  await act(d.token, 'dispatch', { lead_unit_id: unit.id });
  const h = await srv.login(`${unit.code}.handler`);
  await act(h.token, 'sign');
  await act(h.token, 'reply', { reply: '已安排市政维修人员更换井盖，当日完成。', contacted: true, resolved: true });

  await page.goto(`${srv.url}/portal/track?case_no=${caseNo}&code=${code}`);
  await page.getByTestId('track-reply').waitFor();
  assert.match(await page.getByTestId('track-reply').textContent(), /更换井盖/);
  await page.getByTestId('rate-form').waitFor();
  await page.locator('[data-testid="rate-satisfaction"] label', { hasText: '满意' }).first().click();
  await input(page, 'rate-comment').fill('处理很及时，谢谢！');
  await shot(page, '23-portal-rate');
  await page.getByTestId('rate-submit').click();
  await page.getByTestId('track-rating').waitFor();
  assert.equal(await page.getByTestId('rate-form').count(), 0);
  assert.match(await page.getByTestId('track-rating').textContent(), /满意/);
  await noSideScroll();
  await shot(page, '24-portal-rated');
  assert.deepEqual(page.problems, []);
});
