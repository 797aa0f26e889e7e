// Knowledge base (docs/kb.md): the review workflow and who may do what,
// sanitised answers, history, expired articles not offered, answering a
// consultation from an article (counted), 2-character Chinese search, the
// public FAQ, figures per unit, CSV import/export round trip.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, handlerOf, adminOf, assertStatus, assertError, newTag } from './_helpers.mjs';

let t, lead, other;
const H = () => handlerOf(lead);
const DAY = 86400 * 1000;
const iso = (ms) => new Date(ms).toISOString();

before(async () => {
  t = await setup();
  ({ lead, other } = t.org);
});
after(async () => { await t?.srv.stop(); });

const patch = (user, id, body) => t.api(user, 'PATCH', `/api/v1/kb/articles/${id}`, body);
const act = (user, id, action, body = {}) => t.post(user, `/api/v1/kb/articles/${id}/${action}`, body);
async function create(user, over = {}) {
  const body = { title: `供暖温度不达标怎么办 ${newTag()}`, questions: ['暖气不热找谁', '室温达不到18度'],
    answer: '<p>可拨打供热客服电话报修。</p>', category: '供暖', tags: ['供暖'], public: true, ...over };
  return assertStatus(await t.post(user, '/api/v1/kb/articles', body), 201, `create as ${user}`);
}
async function published(user = H(), over = {}) {
  const a = await create(user, over);
  assertStatus(await act(user, a.id, 'submit'), 200, 'submit');
  return assertStatus(await act('dispatcher', a.id, 'approve'), 200, 'approve');
}
const search = async (q, match = 'all', user = 'agent') =>
  assertStatus(await t.get(user, `/api/v1/kb/search?q=${encodeURIComponent(q)}&match=${match}&limit=50`), 200, `search ${q}`).items;
const publicSearch = async (q) =>
  assertStatus(await t.srv.api('GET', `/api/v1/public/kb?q=${encodeURIComponent(q)}&match=all&limit=50`), 200, `public ${q}`).items;

describe('review workflow and who may do what (RULE kb-owner, kb-review)', () => {
  it('a unit writes, submits; the platform rejects with a note, then approves; every published version is kept', async () => {
    const a = await create(H());
    assert.equal(a.status, 'draft');
    assert.equal(a.unit.id, lead.id);
    assert.equal(a.version, 0);

    assertError(await act(H(), a.id, 'approve'), 403, 'forbidden', undefined, 'a unit cannot approve its own');
    assertError(await act('dispatcher', a.id, 'approve'), 409, 'invalid_transition', undefined, 'approve a draft');
    assert.equal(assertStatus(await act(H(), a.id, 'submit'), 200).status, 'pending');
    assertError(await act(H(), a.id, 'submit'), 409, 'invalid_transition', undefined, 'submit twice');
    assertError(await act('dispatcher', a.id, 'reject'), 400, 'validation_failed', 'note', 'reject needs a note');
    const rej = assertStatus(await act('dispatcher', a.id, 'reject', { note: '请补充政策依据' }), 200);
    assert.equal(rej.status, 'draft');
    assert.equal(rej.review_note, '请补充政策依据');

    assertStatus(await patch(H(), a.id, { legal_basis: '《锦州市城市供热管理办法》' }), 200);
    assertStatus(await act(H(), a.id, 'submit'), 200);
    const v1 = assertStatus(await act('admin', a.id, 'approve'), 200);
    assert.equal(v1.status, 'published');
    assert.equal(v1.version, 1);
    assert.equal(v1.review_note, null);

    // an edit of a published article is reviewed again before it is offered
    const draft = assertStatus(await patch(adminOf(lead), a.id, { title: a.title + ' 修订' }), 200);
    assert.equal(draft.status, 'draft');
    assert.equal(draft.version, 1);
    assert.ok(!(await search(a.title.split(' ')[1])).some((x) => x.id === a.id), 'a draft is not offered');
    assertStatus(await act(adminOf(lead), a.id, 'submit'), 200);
    assert.equal(assertStatus(await act('dispatcher', a.id, 'approve'), 200).version, 2);

    const h = assertStatus(await t.get(H(), `/api/v1/kb/articles/${a.id}/history`), 200);
    assert.deepEqual(h.versions.map((v) => v.version), [2, 1]);
    assert.equal(h.versions[1].content.title, a.title);
    assert.equal(h.versions[1].content.legal_basis, '《锦州市城市供热管理办法》');
    assert.equal(h.versions[0].content.title, a.title + ' 修订');
    assert.equal(h.versions[0].author, h.versions[0].author); // names present
    assert.ok(h.versions[0].approved_by.length > 0 && h.versions[1].published_at);

    assertError(await t.api(H(), 'DELETE', `/api/v1/kb/articles/${a.id}`), 409, 'invalid_transition', undefined, 'published: expire, not delete');
  });

  it('only the owning unit edits; another unit does not even see a draft; the platform writes its own', async () => {
    const a = await create(H());
    assertError(await t.get(handlerOf(other), `/api/v1/kb/articles/${a.id}`), 404, 'not_found');
    assertError(await patch(handlerOf(other), a.id, { title: '越权' }), 404, 'not_found');
    assertError(await act(handlerOf(other), a.id, 'submit'), 404, 'not_found');
    assertError(await patch('dispatcher', a.id, { title: '平台改单位的' }), 403, 'forbidden');
    assertError(await t.post(handlerOf(other), '/api/v1/kb/articles', { title: 'x', answer: 'y', unit_id: lead.id }), 403, 'forbidden', 'unit_id');
    assertError(await t.post('agent', '/api/v1/kb/articles', { title: 'x', answer: 'y' }), 403, 'forbidden');
    assertError(await t.post('leader', '/api/v1/kb/articles', { title: 'x', answer: 'y' }), 403, 'forbidden');
    assertError(await t.post('dispatcher', '/api/v1/kb/articles', { title: 'x', answer: 'y', unit_id: lead.id }), 403, 'forbidden', 'unit_id');
    // the platform reads every unit's article and writes its own
    assertStatus(await t.get('agent', `/api/v1/kb/articles/${a.id}`), 200);
    const p = await create('dispatcher');
    assert.equal(p.unit.code, 'platform');
    assertStatus(await patch('dispatcher', p.id, { category: '综合' }), 200);
    assertError(await patch(H(), p.id, { title: 'x' }), 404, 'not_found', undefined, 'a unit does not see platform drafts');
    // a draft never published may be deleted
    assertStatus(await t.api(H(), 'DELETE', `/api/v1/kb/articles/${a.id}`), 200);
    assertError(await t.get(H(), `/api/v1/kb/articles/${a.id}`), 404, 'not_found');
    // validation
    assertError(await t.post(H(), '/api/v1/kb/articles', { title: 'x' }), 400, 'validation_failed', 'answer');
    assertError(await t.post(H(), '/api/v1/kb/articles', { title: 'x', answer: 'y', colour: 1 }), 400, 'validation_failed');
    assertError(await t.post(H(), '/api/v1/kb/articles', { title: 'x', answer: '<script>only()</script>' }), 400, 'validation_failed', 'answer');
    assertError(await act(H(), p.id, 'publish'), 404, 'not_found');
  });

  it('the answer is sanitised on the server (RULE kb-sanitize)', async () => {
    const a = await create(H(), { answer: '<p onclick="x()">请携带<strong>身份证</strong><script>alert(1)</script><a href="javascript:alert(1)">点</a><a href="https://zwfw.jz.gov.cn">网办</a><img src=x onerror=alert(1)></p>' });
    assert.equal(a.answer, '<p>请携带<strong>身份证</strong><a>点</a><a href="https://zwfw.jz.gov.cn" rel="noopener noreferrer" target="_blank">网办</a></p>');
  });
});

describe('offered articles: search, the public FAQ, expiry (RULE kb-offered, kb-expiry)', () => {
  it('2-character Chinese queries find published articles; internal ones only for staff', async () => {
    const tag = newTag();
    const pub = await published(H(), { title: `居住证办理需要哪些材料 ${tag}`, public: true });
    const internal = await published(H(), { title: `居住证内部口径 ${tag}`, public: false, answer: '<p>内部答复口径：先核实居住登记。</p>' });
    const draft = await create(H(), { title: `居住证草稿 ${tag}` });
    for (const q of ['居住', '住证']) {
      const ids = (await search(`${q} ${tag}`)).map((x) => x.id);
      assert.ok(ids.includes(pub.id) && ids.includes(internal.id), `${q}: both published found`);
      assert.ok(!ids.includes(draft.id), `${q}: a draft is not offered`);
    }
    const pubIds = (await publicSearch(`居住 ${tag}`)).map((x) => x.id);
    assert.deepEqual(pubIds, [pub.id], 'the public FAQ shows public articles only');
    const item = (await publicSearch(`居住 ${tag}`))[0];
    assert.equal(item.unit, lead.name);
    assert.ok(!('uses' in item) && !('review_note' in item) && !('created_by' in item), 'no internal fields in public');
    assert.equal((await search(`停车 ${tag}`)).length, 0, 'match=all: a word not in the article finds nothing');
    // match=any (the agent desk): ranked, the article with more of the words first
    const any = (await search(`居住证办理材料 ${tag}`, 'any')).map((x) => x.id);
    assert.equal(any[0], pub.id, 'the best match first');
    assert.ok(any.includes(internal.id), 'a partial match is still offered');
    assertError(await t.get('agent', '/api/v1/kb/search?q=x&match=some'), 400, 'validation_failed', 'match');
  });

  it('an article past expiry is not offered, counted as expired, and cannot be cited; expire ends one now', async () => {
    const tag = newTag();
    const past = await published(H(), { title: `社保缴费基数 ${tag}`, effective_at: iso(Date.now() - 10 * DAY), expires_at: iso(Date.now() - DAY) });
    assert.equal(past.status, 'expired', 'past expires_at reads as expired');
    const live = await published(H(), { title: `社保卡挂失 ${tag}` });
    let ids = (await search(`社保 ${tag}`)).map((x) => x.id);
    assert.deepEqual(ids, [live.id]);
    assert.equal((await publicSearch(`社保 ${tag}`)).length, 1);
    const exp = assertStatus(await act(H(), live.id, 'expire'), 200);
    assert.equal(exp.status, 'expired');
    assert.equal((await search(`社保 ${tag}`)).length, 0);
    assert.equal((await publicSearch(`社保 ${tag}`)).length, 0);
    assertError(await act(H(), live.id, 'expire'), 409, 'invalid_transition');
    const listed = assertStatus(await t.get(H(), `/api/v1/kb/articles?status=expired&limit=200`), 200).items.map((x) => x.id);
    assert.ok(listed.includes(past.id) && listed.includes(live.id));
    // the platform may expire a unit's article too
    const third = await published(H(), { title: `社保转移 ${tag}` });
    assert.equal(assertStatus(await act('dispatcher', third.id, 'expire'), 200).status, 'expired');
  });

  it('figures per unit: published, overdue reviews, uses (RULE kb-stats)', async () => {
    const before = assertStatus(await t.get(H(), '/api/v1/kb/stats'), 200).items.find((x) => x.id === lead.id);
    await published(H(), { review_by: iso(Date.now() - DAY) });
    await published(H(), { review_by: iso(Date.now() + 5 * DAY) });
    const s = assertStatus(await t.get(H(), '/api/v1/kb/stats'), 200);
    assert.ok(s.items.every((x) => x.id === lead.id), 'a unit sees its own figures only');
    const now = s.items.find((x) => x.id === lead.id);
    assert.equal(now.published - (before?.published ?? 0), 2);
    assert.equal(now.overdue_reviews - (before?.overdue_reviews ?? 0), 1);
    assert.equal(now.reviews_due_soon - (before?.reviews_due_soon ?? 0), 1);
    const overdue = assertStatus(await t.get(H(), '/api/v1/kb/articles?overdue=1&limit=200'), 200).items;
    assert.ok(overdue.length >= 1 && overdue.every((x) => x.review_overdue === true));
    const all = assertStatus(await t.get('supervisor', '/api/v1/kb/stats'), 200);
    assert.ok(all.items.some((x) => x.id === lead.id));
  });
});

describe('answer a consultation from an article (RULE kb-cite)', () => {
  it('counts a use; an expired or unknown article is refused and nothing changes', async () => {
    const a = await published(H());
    const c = await t.createCase({ type: 'consult', content: '请问暖气不热应该找哪个部门？' });
    const done = assertStatus(await t.act('agent', c.id, 'answer', { reply: '可拨打供热客服电话报修。', kb_article_id: a.id }), 200);
    assert.equal(done.status, 'closed');
    const after1 = assertStatus(await t.get('agent', `/api/v1/kb/articles/${a.id}`), 200);
    assert.equal(after1.uses, 1);
    assert.ok(after1.last_used_at);

    const old = await published(H(), { effective_at: iso(Date.now() - 10 * DAY), expires_at: iso(Date.now() - DAY) });
    const c2 = await t.createCase({ type: 'consult', content: '社保缴费基数是多少？' });
    assertError(await t.act('agent', c2.id, 'answer', { reply: '旧口径', kb_article_id: old.id }), 400, 'validation_failed', 'kb_article_id');
    assertError(await t.act('agent', c2.id, 'answer', { reply: 'x', kb_article_id: 99999999 }), 400, 'validation_failed', 'kb_article_id');
    const draft = await create(H());
    assertError(await t.act('agent', c2.id, 'answer', { reply: 'x', kb_article_id: draft.id }), 400, 'validation_failed', 'kb_article_id');
    assert.equal((await t.getCase('agent', c2.id)).status, 'accepted', 'the refused answer left the case open');
    assert.equal(assertStatus(await t.get('agent', `/api/v1/kb/articles/${old.id}`), 200).uses, 0);
    // without an article the answer is as before
    assertStatus(await t.act('agent', c2.id, 'answer', { reply: '请咨询社保中心。' }), 200);
  });
});

// RFC 4180 reader for the test (quotes, doubled quotes, CRLF, newlines in fields).
function parseCsv(text) {
  const rows = []; let row = [], f = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (ch === '"') q = false; else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(f); f = ''; }
    else if (ch === '\r' || ch === '\n') { if (ch === '\r' && text[i + 1] === '\n') i++; row.push(f); rows.push(row); row = []; f = ''; }
    else f += ch;
  }
  if (f || row.length) { row.push(f); rows.push(row); }
  return rows;
}
const csvCell = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

describe('CSV import and export', () => {
  it('round trip: import (BOM, quotes, commas, line breaks), export the same fields, import the export again', async () => {
    const tag = newTag();
    const rows = [
      ['title', 'questions', 'answer', 'category', 'tags', 'legal_basis', 'public', 'effective_date', 'expiry_date', 'review_by'],
      [`公积金提取条件 ${tag}`, '怎么提取公积金\n公积金能取出来吗', '<p>购房、租房、退休可提取，详见"提取须知"。</p>', '公积金', '公积金\n提取', '《住房公积金管理条例》第二十四条', 'public', '2026-01-01', '2027-12-31', '2027-06-30'],
      [`租房提取公积金, 每月额度 ${tag}`, '租房能提多少', '<p>每月最多提取1200元。</p>', '公积金', '', '', 'internal', '', '', ''],
    ];
    const csv = '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
    const imp = assertStatus(await t.post(H(), '/api/v1/kb/import', { csv, submit: true }), 201);
    assert.equal(imp.imported, 2);
    const first = assertStatus(await t.get(H(), `/api/v1/kb/articles/${imp.ids[0]}`), 200);
    assert.equal(first.status, 'pending');
    assert.equal(first.unit.id, lead.id);
    assert.deepEqual(first.questions, ['怎么提取公积金', '公积金能取出来吗']);
    assert.deepEqual(first.tags, ['公积金', '提取']);
    assert.equal(first.public, true);
    assert.equal(first.expires_at, '2027-12-31T00:00:00+08:00');
    const second = assertStatus(await t.get(H(), `/api/v1/kb/articles/${imp.ids[1]}`), 200);
    assert.equal(second.title, rows[2][0]);
    assert.equal(second.public, false);

    const res = await fetch(t.srv.url + '/api/v1/kb/export/csv?status=pending&limit=10000', { headers: { authorization: `Bearer ${await t.tok(H())}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/csv/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const text = new TextDecoder().decode(bytes.slice(3));
    assert.ok(text.includes('\r\n'), 'CRLF rows');
    const out = parseCsv(text);
    const head = out[0];
    const col = (r, name) => r[head.indexOf(name)];
    for (const [i, src] of [[0, rows[1]], [1, rows[2]]]) {
      const r = out.find((x) => col(x, 'id') === String(imp.ids[i]));
      assert.ok(r, `exported row ${imp.ids[i]}`);
      for (const name of ['title', 'questions', 'answer', 'category', 'tags', 'legal_basis', 'public', 'review_by'])
        assert.equal(col(r, name), src[rows[0].indexOf(name)], `${name} round trip`);
      assert.equal(col(r, 'expiry_date'), src[rows[0].indexOf('expiry_date')]);
      assert.equal(col(r, 'unit_code'), lead.code);
    }
    // the export imports as it is (unknown columns id/status/version/uses ignored)
    const again = assertStatus(await t.post(H(), '/api/v1/kb/import', { csv: '\uFEFF' + text }), 201);
    assert.equal(again.imported, out.length - 1);
    const copy = assertStatus(await t.get(H(), `/api/v1/kb/articles/${again.ids[out.findIndex((x) => col(x, 'id') === String(imp.ids[0])) - 1]}`), 200);
    for (const k of ['title', 'questions', 'answer', 'category', 'tags', 'legal_basis', 'public', 'expires_at', 'review_by', 'effective_at'])
      assert.deepEqual(copy[k], first[k], `${k} survives export → import`);
    assert.equal(copy.status, 'draft');
  });

  it('a bad file is refused whole, naming the line; another unit\'s code is refused', async () => {
    const count = async () => assertStatus(await t.get(H(), '/api/v1/kb/articles?limit=200'), 200).items.length;
    const n0 = await count();
    const bad = 'title,answer,public\r\nok,<p>fine</p>,public\r\nbad,<p>x</p>,maybe\r\n';
    const r = await t.post(H(), '/api/v1/kb/import', { csv: bad });
    assertError(r, 400, 'validation_failed', 'csv');
    assert.match(r.body.error.message, /line 3/);
    assertError(await t.post(H(), '/api/v1/kb/import', { csv: 'title,answer\r\n"open,x\r\n' }), 400, 'validation_failed', 'csv');
    assertError(await t.post(H(), '/api/v1/kb/import', { csv: 'name,text\r\na,b\r\n' }), 400, 'validation_failed', 'csv');
    assertError(await t.post(H(), '/api/v1/kb/import', { csv: `title,answer,unit_code\r\nx,y,${other.code}\r\n` }), 400, 'validation_failed', 'csv');
    assert.equal(await count(), n0, 'nothing imported');
    assertError(await t.get(H(), '/api/v1/kb/export/xlsx'), 404, 'not_found');
  });
});

describe('the demo knowledge base (seed)', () => {
  it('≥ 100 published articles across units, public and internal, a few expired or due for review; 2-character queries find them', async () => {
    const st = assertStatus(await t.get('admin', '/api/v1/kb/stats'), 200).items;
    const sum = (k) => st.reduce((n, x) => n + x[k], 0);
    assert.ok(sum('published') >= 100, `published ${sum('published')}`);
    assert.ok(st.length >= 10, 'across the units');
    assert.ok(sum('expired') >= 1 && sum('overdue_reviews') >= 1 && sum('reviews_due_soon') >= 1);
    for (const [q, unit] of [['供暖', 'heat'], ['居住', 'gaj'], ['公积', 'gjj'], ['过户', 'bdc']]) {
      const items = await search(q, 'any');
      assert.ok(items.length > 0 && items[0].unit.code === unit, `${q}: first from ${unit}, got ${items[0]?.unit.code}`);
    }
    const pub = assertStatus(await t.srv.api('GET', '/api/v1/public/kb?q=' + encodeURIComponent('医保')), 200).items;
    assert.ok(pub.length > 0);
    const all = assertStatus(await t.get('admin', '/api/v1/kb/articles?status=published&limit=200'), 200).items;
    assert.ok(all.some((x) => !x.public) && all.some((x) => x.public));
  });
});
