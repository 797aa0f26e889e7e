// Input validation on case intake, body limits, content types, UTF-8,
// Idempotency-Key, health check and the headers on every response.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, assertError, assertStatus, newPhone, rawRequest, hdr,
} from './_helpers.mjs';

describe('intake validation', () => {
  let t;
  before(async () => { t = await setup(); });
  after(async () => { await t.srv.stop(); });

  const valid = (over = {}) => ({
    channel: 'phone', type: 'complain', content: '小区供暖不热，室温只有十四度。',
    citizen: { name: '刘女士', phone: newPhone() }, ...over,
  });
  const create = (body, headers) => t.post('agent', '/api/v1/cases', body, headers);
  const count = async (phone) => assertStatus(await t.get('agent', `/api/v1/citizens/${phone}/cases`), 200, 'history').total;

  it('missing or unknown type → 400 field type', async () => {
    const b = valid();
    delete b.type;
    assertError(await create(b), 400, 'validation_failed', 'type');
    assertError(await create(valid({ type: 'gossip' })), 400, 'validation_failed', 'type');
    assertError(await create(valid({ type: 7 })), 400, 'validation_failed', 'type');
    assert.equal(await count(b.citizen.phone), 0);
  });

  it('content: required, at most 4000 characters (characters, not bytes)', async () => {
    const b = valid();
    delete b.content;
    assertError(await create(b), 400, 'validation_failed', 'content');
    assertError(await create(valid({ content: '' })), 400, 'validation_failed', 'content');
    const over = valid({ content: '噪'.repeat(4001) });
    assertError(await create(over), 400, 'validation_failed', 'content');
    assert.equal(await count(over.citizen.phone), 0, 'nothing half-written');
    assertError(await create(valid({ content: 'a'.repeat(4001) })), 400, 'validation_failed', 'content');
    const exact = valid({ content: '噪'.repeat(4000) }); // 12,000 bytes of UTF-8
    const c = assertStatus(await create(exact), 201, '4000 CJK characters');
    assert.equal(c.content, '噪'.repeat(4000));
    assert.equal([...c.title].length <= 100 && c.title.length > 0, true, 'a title derived from the content');
    assert.ok(c.content.startsWith(c.title.replace(/(…|\.\.\.)$/, '')), `derived title ${c.title} is the start of the content`);
    const emoji = valid({ content: '😀'.repeat(4000) }); // 4000 characters outside the BMP
    assert.equal(assertStatus(await create(emoji), 201, '4000 astral characters').content, '😀'.repeat(4000));
  });

  it('title, address and name have length limits', async () => {
    assertError(await create(valid({ title: '题'.repeat(101) })), 400, 'validation_failed', 'title');
    // stored whole: a 100-character CJK title is 300 bytes (once cut to 127 bytes mid-character)
    assert.equal(assertStatus(await create(valid({ title: '题'.repeat(100) })), 201, '100-character title').title,
      '题'.repeat(100));
    assert.equal(assertStatus(await create(valid({ title: '😀'.repeat(100) })), 201, '100 astral characters').title,
      '😀'.repeat(100));
    const longKey = valid();
    longKey['k'.repeat(80)] = 1; // an unknown field longer than the error's field name
    assertError(await create(longKey), 400, 'validation_failed', 'k'.repeat(63));
    assertError(await create(valid({ address: '址'.repeat(201) })), 400, 'validation_failed', 'address');
    assertError(await create(valid({ citizen: { name: '名'.repeat(51), phone: newPhone() } })), 400, 'validation_failed', 'citizen.name');
  });

  it('phone: mobile or landline; bad → 400 field citizen.phone; anonymous may omit it', async () => {
    for (const bad of ['12345', '1380000123', '138000012345', '12800001234', 'abcdefghijk', '138-0000-1234x', '']) {
      assertError(await create(valid({ citizen: { name: '张', phone: bad } })), 400, 'validation_failed', 'citizen.phone', `phone ${JSON.stringify(bad)}`);
    }
    assertError(await create(valid({ citizen: { name: '张' } })), 400, 'validation_failed', 'citizen.phone', 'no phone, not anonymous');
    assertError(await create(valid({ citizen: undefined })), 400, 'validation_failed', 'citizen.phone', 'no citizen at all');
    for (const okp of ['04163123456', '0416-3123456', '19912345678']) {
      const c = assertStatus(await create(valid({ citizen: { name: '张', phone: okp } })), 201, `phone ${okp}`);
      assert.ok(c.citizen.phone.replace('-', '') === okp.replace('-', ''), `phone kept: ${c.citizen.phone}`);
    }
    const anon = assertStatus(await create(valid({ citizen: { anonymous: true } })), 201, 'anonymous without phone');
    assert.equal(anon.citizen.anonymous, true);
    assert.equal(anon.citizen.name, null);
  });

  it('enums and references: urgency, channel, category_code, district_code', async () => {
    assertError(await create(valid({ urgency: 'asap' })), 400, 'validation_failed', 'urgency');
    assertError(await create(valid({ category_code: 'no-such-category' })), 400, 'validation_failed', 'category_code');
    assertError(await create(valid({ district_code: '999999' })), 400, 'validation_failed', 'district_code');
    const b = valid();
    delete b.channel;
    assert.equal(assertStatus(await create(b), 201, 'channel defaults').channel, 'phone');
    const em = assertStatus(await create(valid({ urgency: 'emergency' })), 201, 'emergency');
    assert.equal(em.urgency, 'emergency');
  });

  it('unknown fields → 400', async () => {
    const r = await create(valid({ colour: 'red' }));
    assertError(r, 400, 'validation_failed');
    assert.ok(String(r.body.error.field).includes('colour'), `field names the unknown key: ${r.body.error.field}`);
    const r2 = await create(valid({ citizen: { name: '张', phone: newPhone(), idcard: '210702199001011234' } }));
    assertError(r2, 400, 'validation_failed');
    assert.ok(String(r2.body.error.field).includes('idcard'), `field names the unknown key: ${r2.body.error.field}`);
  });

  it('wrong JSON types', async () => {
    assertError(await create(valid({ content: 123 })), 400, 'validation_failed', 'content');
    assertError(await create(valid({ citizen: 'x' })), 400, 'validation_failed', 'citizen');
    assertError(await create(valid({ citizen: { phone: 13800001234 } })), 400, 'validation_failed', 'citizen.phone');
    assertError(await create([valid()]), 400, 'validation_failed', 'body', 'a JSON array is not an object');
  });

  it('invalid JSON → 400 field body; empty body → 400', async () => {
    const phone = newPhone();
    for (const text of ['{"type":"complain",', '{type:1}', 'null', '"x"', `{"type":"complain","content":"x","citizen":{"phone":"${phone}"}} trailing`]) {
      assertError(await create(text), 400, 'validation_failed', 'body', `body ${text}`);
    }
    // an empty body: 400 (whether it names "body" or the first missing field)
    assertError(await t.api('agent', 'POST', '/api/v1/cases', '', { 'content-type': 'application/json' }), 400, 'validation_failed', undefined, 'empty body');
    assert.equal(await count(phone), 0);
  });

  it('invalid UTF-8 in a JSON string → 400; lone surrogate escape → 400', async () => {
    const tok = await t.tok('agent');
    const phone = newPhone();
    const bad = Buffer.concat([
      Buffer.from('{"type":"complain","content":"abc'), Buffer.from([0xff, 0xfe, 0xc0, 0x80]),
      Buffer.from(`","citizen":{"phone":"${phone}"}}`),
    ]);
    const r = await rawRequest(t.srv, 'POST', '/api/v1/cases', { body: bad, headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` } });
    assertError(r, 400, 'validation_failed', undefined, 'invalid UTF-8');
    assert.ok(['body', 'content'].includes(r.body.error.field), `field: ${r.body.error.field}`);
    const overlong = Buffer.concat([Buffer.from('{"type":"complain","content":"'), Buffer.from([0xc0, 0xaf]), Buffer.from(`x","citizen":{"phone":"${phone}"}}`)]);
    assertError(await rawRequest(t.srv, 'POST', '/api/v1/cases', { body: overlong, headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` } }), 400, 'validation_failed', undefined, 'overlong UTF-8');
    const surrogate = `{"type":"complain","content":"x\\ud800y","citizen":{"phone":"${phone}"}}`;
    assertError(await create(surrogate), 400, 'validation_failed', undefined, 'lone surrogate');
    // a NUL escape must not silently truncate the text
    const nul = await create(`{"type":"complain","content":"ab\\u0000cd","citizen":{"phone":"${phone}"}}`);
    if (nul.status === 201) assert.equal(nul.body.content, 'ab\u0000cd', 'NUL kept, not truncated');
    else assertError(nul, 400, 'validation_failed', undefined, 'NUL escape');
    assert.equal(await count(phone), nul.status === 201 ? 1 : 0, 'only valid bodies created cases');
  });

  it('body over the limit → 413 too_large', async () => {
    const tok = await t.tok('agent');
    const phone = newPhone();
    const big = JSON.stringify(valid({ content: 'x'.repeat(2 * 1024 * 1024), citizen: { phone } }));
    const r = await rawRequest(t.srv, 'POST', '/api/v1/cases', { body: big, headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` } });
    assertError(r, 413, 'too_large');
    const pub = await rawRequest(t.srv, 'POST', '/api/v1/public/cases', { body: big, headers: { 'content-type': 'application/json' } });
    assertError(pub, 413, 'too_large', undefined, 'public submit');
    assert.equal(await count(phone), 0);
    // the server is fine afterwards
    assertStatus(await t.srv.api('GET', '/healthz'), 200, 'healthz after 413');
  });

  it('wrong content type → 415; JSON with charset → ok', async () => {
    const b = valid();
    const r = await create(JSON.stringify(b), { 'content-type': 'text/plain' });
    assertError(r, 415, 'unsupported_media_type');
    const f = await create('type=complain&content=x', { 'content-type': 'application/x-www-form-urlencoded' });
    assertError(f, 415, 'unsupported_media_type');
    assert.equal(await count(b.citizen.phone), 0);
    assertStatus(await create(JSON.stringify(b), { 'content-type': 'application/json; charset=utf-8' }), 201, 'charset=utf-8');
    const pubr = await t.srv.api('POST', '/api/v1/public/cases', JSON.stringify({ type: 'help', content: 'x', citizen: { phone: newPhone() } }), null, { 'content-type': 'text/plain' });
    assertError(pubr, 415, 'unsupported_media_type', undefined, 'public');
  });

  it('Idempotency-Key: same key twice → the same case, one created; another key → a new case', async () => {
    const phone = newPhone();
    const body = valid({ citizen: { name: '陈先生', phone } });
    const key = 'idem-' + phone;
    const a = assertStatus(await create(body, { 'idempotency-key': key }), 201, 'first');
    const b = await create(body, { 'idempotency-key': key });
    assert.ok([200, 201].includes(b.status), `replay: ${b.status}`);
    assert.equal(b.body.case_no, a.case_no);
    assert.equal(b.body.id, a.id);
    assert.equal(b.body.query_code, a.query_code);
    assert.equal(await count(phone), 1, 'only one case created');
    const c = assertStatus(await create(body, { 'idempotency-key': key + '-2' }), 201, 'other key');
    assert.notEqual(c.case_no, a.case_no);
    assert.equal(await count(phone), 2);
    // the key is per caller: the dispatcher's identical key is a different request
    const d = assertStatus(await t.post('dispatcher', '/api/v1/cases', body, { 'idempotency-key': key }), 201, 'other caller');
    assert.notEqual(d.case_no, a.case_no);
    assert.equal(await count(phone), 3);
    // without a key every request creates
    assertStatus(await create(body), 201, 'no key');
    assertStatus(await create(body), 201, 'no key again');
    assert.equal(await count(phone), 5);
    const long = await create(body, { 'idempotency-key': 'k'.repeat(101) });
    assertError(long, 400, 'validation_failed', undefined, 'key over 100 characters');
    assert.match(String(long.body.error.field), /idempotency/i);
    assert.equal(await count(phone), 5);
  });

  it('Idempotency-Key: the same key sent concurrently still creates one case', async () => {
    const phone = newPhone();
    const body = valid({ citizen: { name: '并发', phone } });
    const key = 'race-' + phone;
    const rs = await Promise.all(Array.from({ length: 6 }, () => create(body, { 'idempotency-key': key })));
    for (const r of rs) assert.ok([200, 201].includes(r.status), `concurrent: ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(new Set(rs.map((r) => r.body.case_no)).size, 1, 'one case_no for all');
    assert.equal(await count(phone), 1, 'one case created');
  });

  it('public: same key twice on the portal → one case', async () => {
    const phone = newPhone();
    const body = { type: 'help', content: '小区门口路灯坏了。', citizen: { phone } };
    const key = 'pub-' + phone;
    const a = assertStatus(await t.srv.api('POST', '/api/v1/public/cases', body, null, { 'idempotency-key': key }), 201, 'first');
    const b = await t.srv.api('POST', '/api/v1/public/cases', body, null, { 'idempotency-key': key });
    assert.ok([200, 201].includes(b.status));
    assert.equal(b.body.case_no, a.case_no);
    assert.equal(await count(phone), 1);
  });
});

describe('health, headers, public errors', () => {
  let t;
  before(async () => { t = await setup(); });
  after(async () => { await t.srv.stop(); });

  function securityHeaders(r, label) {
    const csp = hdr(r, 'content-security-policy');
    assert.ok(csp, `${label}: Content-Security-Policy`);
    assert.match(csp, /frame-ancestors\s+('none'|'self')/, `${label}: CSP frame-ancestors`);
    assert.equal((hdr(r, 'x-content-type-options') || '').toLowerCase(), 'nosniff', `${label}: nosniff`);
    assert.ok(hdr(r, 'referrer-policy'), `${label}: Referrer-Policy`);
    const rid = hdr(r, 'x-request-id');
    assert.ok(rid && rid.length >= 4, `${label}: X-Request-Id`);
    return rid;
  }

  it('GET /healthz → 200 {status:"ok"} without login', async () => {
    const r = await t.srv.api('GET', '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok' });
    assert.match(hdr(r, 'content-type'), /^application\/json/);
  });

  it('security headers and X-Request-Id on API, error and public responses', async () => {
    const ids = new Set();
    const tok = await t.tok('agent');
    const probes = [
      ['healthz', await t.srv.api('GET', '/healthz')],
      ['login 200', await t.srv.api('POST', '/api/v1/auth/login', { username: 'leader', password: 'demo-pass-2026' })],
      ['login 401', await t.srv.api('POST', '/api/v1/auth/login', { username: 'leader', password: 'nope' })],
      ['list 200', await t.srv.api('GET', '/api/v1/cases', undefined, tok)],
      ['401', await t.srv.api('GET', '/api/v1/cases')],
      ['404', await t.srv.api('GET', '/api/v1/cases/99999999', undefined, tok)],
      ['404 route', await t.srv.api('GET', '/api/v1/nowhere', undefined, tok)],
      ['400', await t.srv.api('POST', '/api/v1/cases', '{', tok)],
      ['415', await t.srv.api('POST', '/api/v1/cases', 'x', tok, { 'content-type': 'text/plain' })],
      ['public 404', await t.srv.api('GET', '/api/v1/public/cases/JZ20260101000001?code=123456')],
    ];
    for (const [label, r] of probes) {
      ids.add(securityHeaders(r, label));
      if (r.status >= 400) assertError(r, r.status, undefined, undefined, label);
      assert.match(hdr(r, 'content-type') || '', /^application\/json/, `${label}: JSON content type`);
    }
    assert.equal(ids.size, probes.length, 'each request has its own id');
    const big = await rawRequest(t.srv, 'POST', '/api/v1/public/cases', { body: 'x'.repeat(2 * 1024 * 1024), headers: { 'content-type': 'application/json' } });
    assert.equal(big.status, 413);
    securityHeaders(big, '413');
  });

  it('error bodies carry no internals', async () => {
    const tok = await t.tok('agent');
    const r = await t.srv.api('POST', '/api/v1/cases', '{"type":', tok);
    const txt = JSON.stringify(r.body);
    assert.ok(!/sqlite|SELECT|\.c:\d+|jansson/i.test(txt), `no internals: ${txt}`);
    assert.deepEqual(Object.keys(r.body), ['error']);
    assert.deepEqual(Object.keys(r.body.error).sort(), ['code', 'field', 'message']);
  });

  it('public track: wrong code and missing case give the same 404 body', async () => {
    const sub = assertStatus(await t.srv.api('POST', '/api/v1/public/cases', { type: 'help', content: '路面坑洼。', citizen: { phone: newPhone() } }), 201, 'submit');
    const ok = assertStatus(await t.srv.api('GET', `/api/v1/public/cases/${sub.case_no}?code=${sub.query_code}`), 200, 'track');
    assert.equal(ok.status, 'new');
    const wrong = String((Number(sub.query_code) + 500000) % 1e6).padStart(6, '0');
    const a = await t.srv.api('GET', `/api/v1/public/cases/${sub.case_no}?code=${wrong}`);
    const b = await t.srv.api('GET', `/api/v1/public/cases/JZ19990101000001?code=${sub.query_code}`);
    const c = await t.srv.api('GET', `/api/v1/public/cases/${sub.case_no}?code=`);
    const d = await t.srv.api('GET', `/api/v1/public/cases/not-a-case?code=${sub.query_code}`);
    for (const [label, r] of [['wrong code', a], ['missing case', b], ['empty code', c], ['garbage case_no', d]]) assertError(r, 404, 'not_found', undefined, label);
    assert.deepEqual(a.body, b.body);
    assert.deepEqual(a.body, c.body);
  });

  it('public categories and districts are readable without login; staff trees are not', async () => {
    const pc = assertStatus(await t.srv.api('GET', '/api/v1/public/categories'), 200, 'public categories');
    assert.ok(pc.items.length > 0 && pc.items.every((x) => typeof x.code === 'string' && typeof x.name === 'string'));
    assert.ok(pc.items.every((x) => !('default_unit_id' in x)), 'no internal routing in the public list');
    const pd = assertStatus(await t.srv.api('GET', '/api/v1/public/districts'), 200, 'public districts');
    assert.ok(pd.items.some((x) => x.name === '古塔区'));
    assertError(await t.srv.api('GET', '/api/v1/units'), 401, 'unauthorized');
    for (const who of ['agent', 'leader', `${t.org.lead.code}.handler`]) {
      const u = assertStatus(await t.get(who, '/api/v1/units'), 200, `units by ${who}`);
      assert.ok(u.items.length > 20);
      assertStatus(await t.get(who, '/api/v1/categories'), 200, `categories by ${who}`);
    }
  });

  it('units come as a flat tree, parents first', async () => {
    const u = t.units;
    const pos = new Map(u.map((x, i) => [x.id, i]));
    for (const x of u) {
      if (x.parent_id !== null) assert.ok(pos.get(x.parent_id) < pos.get(x.id), `parent of ${x.code} comes first`);
      assert.ok(['platform', 'department', 'district', 'street', 'company'].includes(x.kind));
    }
    assert.equal(new Set(u.map((x) => x.code)).size, u.length, 'unit codes unique');
    assert.ok(u.some((x) => x.kind === 'district' && x.name === '古塔区'));
  });
});
