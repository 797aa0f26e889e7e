// The knowledge base in the browser (issue 6): a unit writes an article and submits it, the
// dispatcher approves it, the citizen portal's FAQ finds it on a phone; the agent sees
// matching articles beside the form while typing the content and closes a consultation
// with one ("用此答复"), which the server counts as a use of the article.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { WEB_DIST, launch, newPage, login, logout, shot, input } from './helpers.mjs';

let srv;
let browser;
let page;
let unit;          // the department whose handler writes the article
let platformArt;   // a published internal article of the platform, for the agent desk

const TITLE = '新生儿办理居民医保参保登记指南';
const ANSWER_1 = '新生儿出生后三个月内，由监护人持出生医学证明和户口簿到社区医保窗口办理参保登记。';
const ANSWER_2 = '出生当年免缴个人部分，待遇从出生之日起享受。';

before(async () => {
  srv = await startServer({ seed: 'org', staticDir: WEB_DIST });
  browser = await launch();
  page = await newPage(browser);
  const d = await srv.login('dispatcher');
  const units = (await srv.api('GET', '/api/v1/units', undefined, d.token)).body.items;
  unit = units.find((u) => u.kind === 'department' && u.code);
  assert.ok(unit, 'a department');
  // The platform's own internal article, published: what the agent will be offered.
  const c = await srv.api('POST', '/api/v1/kb/articles', {
    title: '冰灯游园会门票怎么预约',
    questions: ['冰灯门票在哪里买', '冰灯游园会几点开放'],
    answer: '<p>冰灯游园会门票通过“锦州文旅”公众号实名预约，每人每日限约一次。</p><p>开放时间为每日十六时至二十二时。</p>',
    category: '文旅', tags: ['冰灯', '门票'], public: false,
  }, d.token);
  assert.equal(c.status, 201, JSON.stringify(c.body));
  platformArt = c.body;
  for (const step of ['submit', 'approve']) {
    const r = await srv.api('POST', `/api/v1/kb/articles/${platformArt.id}/${step}`, {}, d.token);
    assert.equal(r.status, 200, `${step}: ${JSON.stringify(r.body)}`);
  }
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function findArticle(token, title) {
  const r = await srv.api('GET', '/api/v1/kb/articles?limit=100', undefined, token);
  assert.equal(r.status, 200);
  return r.body.items.find((a) => a.title === title);
}

test('a unit writes an article and submits it; the dispatcher approves it; history shows version 1', async () => {
  await login(page, srv.url, `${unit.code}.handler`);
  await page.locator('[data-testid="main-nav"] [data-nav="kb"]').click();
  await page.waitForURL(/\/kb$/);
  await page.getByTestId('kb-new').click();
  const dlg = page.locator('.kb-editor');
  await dlg.waitFor();
  // the answer is required: marked at its field before anything is sent
  await input(page, 'kb-f-title').fill(TITLE);
  await page.getByTestId('kb-save-submit').click();
  await dlg.locator('.el-form-item.is-error').first().waitFor();
  assert.equal(await findArticle((await srv.login(`${unit.code}.handler`)).token, TITLE), undefined);

  await input(page, 'kb-f-questions').fill('孩子刚出生怎么上医保\n新生儿医保在哪办');
  await input(page, 'kb-f-answer').fill(`${ANSWER_1}\n${ANSWER_2}`);
  await input(page, 'kb-f-category').fill('医保');
  await input(page, 'kb-f-tags').fill('医保，新生儿');
  await input(page, 'kb-f-basis').fill('锦州市城乡居民基本医疗保险实施办法');
  await page.getByTestId('kb-f-public').click();
  await shot(page, '60-kb-unit-editor');
  await page.getByTestId('kb-save-submit').click();
  await dlg.waitFor({ state: 'hidden' });

  const h = await srv.login(`${unit.code}.handler`);
  const a = await findArticle(h.token, TITLE);
  assert.ok(a, 'the article is stored');
  assert.equal(a.status, 'pending');
  assert.equal(a.public, true);
  assert.equal(a.unit.id, unit.id);
  assert.deepEqual(a.questions, ['孩子刚出生怎么上医保', '新生儿医保在哪办']);
  assert.deepEqual(a.tags, ['医保', '新生儿']);
  assert.match(a.answer, /三个月内/);
  // the unit's list shows it as pending, with no review buttons for the unit
  await page.locator('[data-testid="kb-status"] [data-status="pending"]').click();
  await page.locator(`.kb-title[data-kb-id="${a.id}"]`).waitFor();
  assert.equal(await page.locator(`.kb-row-actions[data-kb-id="${a.id}"] [data-kb-action="approve"]`).count(), 0);
  await shot(page, '61-kb-unit-list');

  // the dispatcher lands on the review queue (待审核) and approves it
  await logout(page);
  await login(page, srv.url, 'dispatcher');
  await page.goto(`${srv.url}/kb`);
  await page.locator(`.kb-title[data-kb-id="${a.id}"]`).waitFor();
  await shot(page, '62-kb-review-queue');
  await page.locator(`.kb-row-actions[data-kb-id="${a.id}"] [data-kb-action="approve"]`).click();
  await page.locator(`.kb-title[data-kb-id="${a.id}"]`).waitFor({ state: 'detached' }); // left the queue
  const d = await srv.login('dispatcher');
  const pub = (await srv.api('GET', `/api/v1/kb/articles/${a.id}`, undefined, d.token)).body;
  assert.equal(pub.status, 'published');
  assert.equal(pub.version, 1);

  // its history: version 1, written by the handler, approved by the dispatcher
  await page.locator('[data-testid="kb-status"] [data-status="published"]').click();
  await page.locator(`.kb-title[data-kb-id="${a.id}"]`).click();
  const hist = page.getByTestId('kb-history');
  await hist.locator('[data-version="1"]').waitFor();
  assert.match(await page.getByTestId('kb-view-answer').textContent(), /出生医学证明/);
  await shot(page, '63-kb-history');
  assert.deepEqual(page.problems, []);
});

test('the dispatcher returns a submitted article with a note; the unit sees the note', async () => {
  const h = await srv.login(`${unit.code}.handler`);
  const c = await srv.api('POST', '/api/v1/kb/articles', { title: '医保卡丢失补办', answer: '<p>到银行网点补办。</p>' }, h.token);
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.equal((await srv.api('POST', `/api/v1/kb/articles/${c.body.id}/submit`, {}, h.token)).status, 200);
  await page.keyboard.press('Escape');
  await page.goto(`${srv.url}/kb`);
  await page.locator(`.kb-row-actions[data-kb-id="${c.body.id}"] [data-kb-action="reject"]`).click();
  const dlg = page.locator('.kb-reject-dialog');
  await dlg.waitFor();
  // a return needs a note: marked before sending
  await page.getByTestId('kb-reject-submit').click();
  await dlg.locator('.el-form-item.is-error').waitFor();
  await input(page, 'kb-reject-note').fill('请写明补办所需材料和办理时限');
  await page.getByTestId('kb-reject-submit').click();
  await dlg.waitFor({ state: 'hidden' });
  const a = (await srv.api('GET', `/api/v1/kb/articles/${c.body.id}`, undefined, h.token)).body;
  assert.equal(a.status, 'draft');
  assert.equal(a.review_note, '请写明补办所需材料和办理时限');

  await logout(page);
  await login(page, srv.url, `${unit.code}.handler`);
  await page.goto(`${srv.url}/kb`);
  await page.locator(`.kb-row-actions[data-kb-id="${c.body.id}"] [data-kb-action="edit"]`).click();
  await page.getByTestId('kb-review-note').waitFor();
  assert.match(await page.getByTestId('kb-review-note').textContent(), /办理时限/);
  await page.keyboard.press('Escape');
  assert.deepEqual(page.problems, []);
});

test('the portal FAQ finds the published public article on a phone; an internal one is not there', async () => {
  const m = await newPage(browser, { width: 375, height: 812, mobile: true });
  await m.goto(`${srv.url}/portal`);
  await m.locator('[data-nav="portal-faq"]').click();
  await m.waitForURL(/\/portal\/faq$/);
  await input(m, 'faq-q').fill('新生儿');
  await m.getByTestId('faq-search').click();
  const item = m.locator('.faq-item', { hasText: TITLE });
  await item.waitFor();
  await item.locator('.el-collapse-item__header').click();
  await item.getByTestId('faq-answer').waitFor();
  assert.match(await item.getByTestId('faq-answer').textContent(), /出生医学证明/);
  await shot(m, '64-portal-faq');
  const w = await m.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 375, `page is ${w}px wide on a 375px screen`);
  // the platform's internal article is never shown to citizens (the staff search has it)
  const resp = m.waitForResponse((r) => r.url().includes('/api/v1/public/kb?') && r.url().includes(encodeURIComponent('冰灯游园会门票怎么预约')));
  await input(m, 'faq-q').fill('冰灯游园会门票怎么预约');
  await m.getByTestId('faq-search').click();
  await resp;
  await m.waitForTimeout(200);
  assert.equal(await m.locator(`.faq-item[data-kb-id="${platformArt.id}"]`).count(), 0);
  const d = await srv.login('dispatcher');
  const staff = await srv.api('GET', `/api/v1/kb/search?q=${encodeURIComponent('冰灯游园会门票怎么预约')}`, undefined, d.token);
  assert.ok(staff.body.items.some((x) => x.id === platformArt.id), 'staff search finds the internal article');
  assert.deepEqual(m.problems, []);
  await m.context().close();
});

test('the agent sees suggestions while typing and answers a consultation from one', async () => {
  await page.context().close();
  page = await newPage(browser);
  await login(page, srv.url, 'agent');
  await input(page, 'agent-phone').fill('13700002222');
  await page.getByTestId('kb-suggest').waitFor();
  // typed key by key, as on a call: the suggestions follow the content
  await input(page, 'agent-content').pressSequentially('冰灯门票', { delay: 60 });
  const sug = page.locator(`[data-testid="kb-suggest-item"][data-kb-id="${platformArt.id}"]`);
  await sug.waitFor();
  // from the keyboard: Alt+K focuses the first suggestion, Enter shows its answer
  await page.keyboard.press('Alt+K');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.kbId), String(platformArt.id));
  await page.keyboard.press('Enter');
  await sug.getByTestId('kb-answer').waitFor();
  assert.match(await sug.getByTestId('kb-answer').textContent(), /实名预约/);
  await shot(page, '65-agent-kb-suggestions');
  await sug.getByTestId('kb-use').click();
  await page.getByTestId('result-case-no').waitFor();
  await page.locator('[data-testid="case-result"] [data-status="closed"]').waitFor();
  await shot(page, '66-agent-kb-answered');
  const no = (await page.getByTestId('result-case-no').textContent()).trim();

  const a = await srv.login('agent');
  const c = (await srv.api('GET', `/api/v1/cases/${no}`, undefined, a.token)).body;
  assert.equal(c.status, 'closed');
  assert.equal(c.type, 'consult');
  assert.match(c.reply, /公众号实名预约/);
  assert.match(c.reply, /十六时至二十二时/);
  // the answer cited the article: the server counted one use
  const art = (await srv.api('GET', `/api/v1/kb/articles/${platformArt.id}`, undefined, a.token)).body;
  assert.equal(art.uses, 1);
  assert.deepEqual(page.problems, []);
});

test('a unit imports its articles from CSV as drafts and exports them with a BOM', async () => {
  await page.context().close();
  page = await newPage(browser);
  await login(page, srv.url, `${unit.code}.admin`);
  await page.goto(`${srv.url}/kb`);
  await page.getByTestId('kb-import').waitFor();
  const csv = '\ufefftitle,questions,answer,category,public\r\n'
    + '护照加急办理,"护照能加急吗\n加急要几天",凭加急证明材料可申请加急，五个工作日内出证。,出入境,公开\r\n'
    + '港澳通行证续签,,"到出入境窗口或自助机签注, 当场办结。",出入境,内部\r\n';
  // a file with a bad row is refused as a whole: the message names the line, nothing is stored
  await page.getByTestId('kb-import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('title,answer\r\n只有标题,\r\n') });
  await page.locator('.el-message--error', { hasText: 'line 2' }).waitFor();
  await page.getByTestId('kb-import-file').setInputFiles({ name: 'kb.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('.el-message--success').filter({ hasText: '2' }).waitFor();
  const ua = await srv.login(`${unit.code}.admin`);
  const a1 = await findArticle(ua.token, '护照加急办理');
  const a2 = await findArticle(ua.token, '港澳通行证续签');
  assert.ok(a1 && a2, 'both rows imported');
  assert.equal(a1.status, 'draft');
  assert.equal(a1.unit.id, unit.id);
  assert.deepEqual(a1.questions, ['护照能加急吗', '加急要几天']);
  assert.equal(a1.public, true);
  assert.equal(a2.public, false);
  assert.equal(await findArticle(ua.token, '只有标题'), undefined);
  // the list switched to the drafts and shows them
  await page.locator(`.kb-title[data-kb-id="${a1.id}"]`).waitFor();
  await shot(page, '68-kb-imported');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('kb-export').click()]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  assert.ok(text.startsWith('\ufeff'), 'UTF-8 BOM');
  assert.match(text, /护照加急办理/);
  assert.match(text, /港澳通行证续签/);
  assert.deepEqual(page.problems, []);
});

test('the dispatcher expires an article; it is no longer offered to the agent', async () => {
  await page.context().close();
  page = await newPage(browser);
  await login(page, srv.url, 'dispatcher');
  await page.goto(`${srv.url}/kb`);
  await page.locator('[data-testid="kb-status"] [data-status="published"]').click();
  await page.locator(`.kb-row-actions[data-kb-id="${platformArt.id}"] [data-kb-action="expire"]`).click();
  await page.locator('.el-message-box').waitFor();
  await page.locator('.el-message-box__btns .el-button--primary').click();
  await page.locator(`.kb-title[data-kb-id="${platformArt.id}"]`).waitFor({ state: 'detached' });
  const d = await srv.login('dispatcher');
  const a = (await srv.api('GET', `/api/v1/kb/articles/${platformArt.id}`, undefined, d.token)).body;
  assert.equal(a.status, 'expired');

  // the agent types the same words: the expired article is not among the suggestions
  await page.context().close();
  page = await newPage(browser);
  await login(page, srv.url, 'agent');
  const searched = page.waitForResponse((r) => r.url().includes('/api/v1/kb/search?'));
  await input(page, 'agent-content').pressSequentially('冰灯门票', { delay: 30 });
  await searched;
  await page.waitForTimeout(500); // the last debounced search has answered
  assert.equal(await page.locator(`[data-testid="kb-suggest-item"][data-kb-id="${platformArt.id}"]`).count(), 0);
  assert.deepEqual(page.problems, []);
});
