// Full-text search over cases (q= on GET /api/v1/cases): Han bigrams, phrases,
// ranking, full-width text, and the start-up backfill (docs/search.md).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { setup, assertError, newTag } from './_helpers.mjs';
import { startServer } from '../lib/server.mjs';

const ids = (list) => list.items.map((x) => x.id);
const enc = encodeURIComponent;
// ASCII tag → full-width letters and digits (Ａ..Ｚ, ０..９)
const fullWidth = (s) => [...s].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join('');

describe('case search', () => {
  let t;
  before(async () => { t = await setup(); });
  after(async () => { await t.srv.stop(); });

  it('RULE tokenize-han-bigram: 2-character queries (停水, 噪音, 供暖) find their cases and only them', async () => {
    const water = await t.createCase({ title: '小区停水', content: '本小区从昨天起停水，没有任何通知。' });
    const noise = await t.createCase({ title: '反映问题', content: '楼上深夜制造噪音，影响休息。' });
    const heat = await t.createCase({ title: '供暖温度不达标', content: '室温只有十五度。' });
    for (const [q, hit, misses] of [['停水', water, [noise, heat]], ['噪音', noise, [water, heat]], ['供暖', heat, [water, noise]]]) {
      const r = await t.list('dispatcher', `q=${enc(q)}`);
      assert.ok(ids(r).includes(hit.id), `${q} finds its case`);
      for (const m of misses) assert.ok(!ids(r).includes(m.id), `${q} does not find case ${m.id}`);
    }
    // a one-character run in the text is indexed as itself: 水 alone is not a 2-character query,
    // but a word of two runs of one (电 水) matches both characters
    const one = await t.createCase({ content: `${newTag()} 电，水，气都正常` });
    assert.ok(ids(await t.list('dispatcher', `q=${enc('电 水')}`)).includes(one.id));
  });

  it('RULE search-phrase: a quoted phrase matches only consecutive text; unquoted words match anywhere', async () => {
    const tag = newTag();
    const together = await t.createCase({ content: `${tag} 物业今天贴出停水通知，明天施工。` });
    const apart = await t.createCase({ content: `${tag} 家里停水了，三天后才收到通知。` });
    const words = ids(await t.list('dispatcher', `q=${enc(`${tag} 停水 通知`)}`));
    assert.deepEqual(words.sort(), [together.id, apart.id].sort(), 'both have 停水 and 通知');
    const phrase = await t.list('dispatcher', `q=${enc(`${tag} "停水通知"`)}`);
    assert.deepEqual(ids(phrase), [together.id], 'only consecutive 停水通知');
    assert.equal(phrase.total, 1);
    const fwQuotes = await t.list('dispatcher', `q=${enc(`${tag} “停水通知”`)}`);
    assert.deepEqual(ids(fwQuotes), [together.id], 'full-width quotes are quotes too');
    // an unquoted 4-character word needs all its bigrams: 停水 水通 通知
    assert.deepEqual(ids(await t.list('dispatcher', `q=${enc(`${tag} 停水通知`)}`)), [together.id]);
  });

  it('a word that occurs nowhere finds nothing, also together with words that occur', async () => {
    const tag = newTag();
    await t.createCase({ content: `${tag} 路灯不亮` });
    const absent = newTag();
    const r = await t.list('dispatcher', `q=${absent}`);
    assert.equal(r.total, 0);
    assert.deepEqual(r.items, []);
    assert.equal((await t.list('dispatcher', `q=${enc(`${tag} 路灯 ${absent}`)}`)).total, 0, 'all words must match');
    assert.equal((await t.list('dispatcher', `q=${enc(`${tag} 路灯`)}`)).total, 1);
    // 灯不 is a bigram of the text, 不灯 is not
    assert.equal((await t.list('dispatcher', `q=${enc(`${tag} 不灯`)}`)).total, 0);
  });

  it('RULE tokenize-fullwidth: full-width letters and digits match their ASCII forms (and case is folded)', async () => {
    const tag = newTag();
    const c = await t.createCase({ content: `编号${fullWidth(tag.toUpperCase())}的快递柜无法取件` });
    assert.deepEqual(ids(await t.list('dispatcher', `q=${tag}`)), [c.id], 'ASCII query finds full-width text');
    assert.deepEqual(ids(await t.list('dispatcher', `q=${enc(fullWidth(tag))}`)), [c.id], 'full-width query too');
    assert.deepEqual(ids(await t.list('dispatcher', `q=${tag.toUpperCase()}`)), [c.id], 'upper case too');
  });

  it('RULE search-relevance: with q and no sort the better match comes first, even when older; ties newest first', async () => {
    const tag = newTag();
    const dense = await t.createCase({ title: '噪音扰民', content: `${tag} 工地夜间施工噪音，噪音持续到凌晨，噪音太大。` });
    const sparse = await t.createCase({
      title: '反映情况',
      content: `${tag} 小区门口道路破损，车辆经过时颠簸，下雨积水，行人出行不便，另外偶尔有些噪音，希望有关部门尽快修复道路。`,
    });
    const ranked = ids(await t.list('dispatcher', `q=${enc(`${tag} 噪音`)}`));
    assert.deepEqual(ranked, [dense.id, sparse.id], 'more and denser matches first');
    // the same order when another filter makes the list join the matches with cases
    // (RULE search-fast-path answers q alone from the index)
    const filtered = ids(await t.list('dispatcher', `q=${enc(`${tag} 噪音`)}&type=complain&status=accepted`));
    assert.deepEqual(filtered, [dense.id, sparse.id], 'general path: same relevance order');
    const unit = await t.get('dispatcher', `/api/v1/cases?q=${enc(`${tag} 噪音`)}&per_page=1&page=2`);
    assert.deepEqual(ids(unit.body), [sparse.id], 'page 2 of 1');
    assert.equal(unit.body.total, 2);
    const newest = ids(await t.list('dispatcher', `q=${enc(`${tag} 噪音`)}&sort=-created_at`));
    assert.deepEqual(newest, [sparse.id, dense.id], 'an explicit sort still wins');
    // equal text: the newer case first
    const tag2 = newTag();
    const a = await t.createCase({ title: '反映问题', content: `${tag2} 楼道灯坏了` });
    const b = await t.createCase({ title: '反映问题', content: `${tag2} 楼道灯坏了` });
    assert.deepEqual(ids(await t.list('dispatcher', `q=${enc(`${tag2} 楼道`)}`)), [b.id, a.id]);
  });

  it('q with nothing to search for is refused; pagination and total follow the matches', async () => {
    assertError(await t.get('dispatcher', `/api/v1/cases?q=${enc('！！？')}`), 400, 'validation_failed', 'q');
    assertError(await t.get('dispatcher', `/api/v1/cases?q=${enc('😡😡')}`), 400, 'validation_failed', 'q');
    const tag = newTag();
    for (let i = 0; i < 3; i++) await t.createCase({ content: `${tag} 第${i}次反映垃圾清运不及时` });
    const p1 = await t.get('dispatcher', `/api/v1/cases?q=${enc(`${tag} 垃圾`)}&per_page=2&page=1`);
    const p2 = await t.get('dispatcher', `/api/v1/cases?q=${enc(`${tag} 垃圾`)}&per_page=2&page=2`);
    assert.equal(p1.body.total, 3);
    assert.equal(p1.body.items.length, 2);
    assert.equal(p2.body.items.length, 1);
    assert.ok(!ids(p1.body).includes(p2.body.items[0].id));
  });
});

describe('index backfill at start-up', () => {
  it('cases missing from the index are indexed when the server starts', async (ctx) => {
    if (spawnSync('sqlite3', ['-version']).status !== 0) { ctx.skip('no sqlite3 command'); return; }
    const srv = await startServer({ seed: 'org', keepDb: true });
    const { token } = await srv.login('agent');
    const tag = newTag();
    const r = await srv.api('POST', '/api/v1/cases', {
      channel: 'phone', type: 'consult', urgency: 'normal', content: `${tag} 咨询居住证办理流程`,
      citizen: { name: '王女士', phone: '13912345678', anonymous: false, confidential: false },
    }, token);
    assert.equal(r.status, 201);
    await srv.stop();
    // empty the index behind the server's back (a database from before the index)
    const del = spawnSync('sqlite3', [srv.db, 'DELETE FROM search_cases;'], { encoding: 'utf8' });
    assert.equal(del.status, 0, del.stderr);
    const again = await startServer({ db: srv.db });
    try {
      const { token: t2 } = await again.login('agent');
      const l = await again.api('GET', `/api/v1/cases?q=${enc(`${tag} 居住证`)}`, undefined, t2);
      assert.equal(l.status, 200);
      assert.deepEqual(l.body.items.map((x) => x.id), [r.body.id]);
    } finally {
      await again.stop();
      spawnSync('rm', ['-rf', srv.dir]);
    }
  });
});
