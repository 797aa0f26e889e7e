// Case search's keyword field on the full-text search (issue 6): a two-character Chinese word
// finds the cases that contain it and only those; a phrase in quotes only consecutive text;
// a keyword with nothing searchable is marked at the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { WEB_DIST, launch, newPage, login, shot, input } from './helpers.mjs';

let srv;
let browser;
let page;
const nos = {};

before(async () => {
  srv = await startServer({ seed: 'org', staticDir: WEB_DIST });
  browser = await launch();
  page = await newPage(browser);
  const a = await srv.login('agent');
  const mk = async (key, content) => {
    const r = await srv.api('POST', '/api/v1/cases', {
      channel: 'phone', type: 'help', content, citizen: { phone: '13900003333' },
    }, a.token);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    nos[key] = r.body.case_no;
  };
  await mk('water', '凌河区紫荆小区从早上开始停水，没有接到任何停水通知。');
  await mk('noise', '楼下商铺夜间施工噪音很大，影响休息。');
  await mk('split', '小区停水三天了，物业通知说明天恢复。');
  await mk('apart', '家里水管停了一天水，没人通知。');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function searchFor(q) {
  await input(page, 'search-q').fill(q);
  await page.getByTestId('search-submit').click();
  await page.waitForLoadState('networkidle');
  await page.locator('[data-testid="search-table"] .el-loading-mask').waitFor({ state: 'hidden' }).catch(() => {});
  return page.locator('[data-testid="search-table"] [data-case-no]').evaluateAll((els) => els.map((e) => e.dataset.caseNo));
}

test('a two-character word finds its cases; a quoted phrase only consecutive text', async () => {
  await login(page, srv.url, 'dispatcher');
  await page.goto(`${srv.url}/cases`);
  await page.getByTestId('search-q').waitFor();

  let found = await searchFor('噪音');
  assert.deepEqual(found, [nos.noise]);

  // 停 and 水 apart (停了一天水) is not the word 停水
  found = await searchFor('停水');
  assert.deepEqual(found.sort(), [nos.water, nos.split].sort());
  await shot(page, '67-case-search-fulltext');

  // both words occur in the split case too, but "停水通知" as written only in one
  found = await searchFor('停水 通知');
  assert.deepEqual(found.sort(), [nos.water, nos.split].sort());
  found = await searchFor('"停水通知"');
  assert.deepEqual(found, [nos.water]);
  found = await searchFor('通知');
  assert.deepEqual(found.sort(), [nos.water, nos.split, nos.apart].sort());
  assert.deepEqual(page.problems, []);
});

test('a keyword with nothing searchable is marked at the field', async () => {
  await input(page, 'search-q').fill('！？。。');
  await page.getByTestId('search-submit').click();
  await page.locator('.el-form-item.is-error').filter({ has: page.getByTestId('search-q') }).waitFor();
  assert.deepEqual(page.problems, []);
});
