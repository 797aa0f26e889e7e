// Notifications (docs/notifications.md) against a real local HTTP server
// standing in for the SMS gateway (tests/lib/gateway.mjs): the payload
// shape, a retry after a 500 (RULE outbox-backoff), no lost message and no
// duplicate of an acknowledged one after kill -9 mid-delivery, in-app
// notifications over SSE, templates and per-user channels.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { startGateway } from '../lib/gateway.mjs';
import { assertStatus, assertError, newPhone, pickUnits, sleep } from './_helpers.mjs';

const HEX32 = /^[0-9a-f]{32}$/;

describe('notifications', () => {
  let gw, srv, org;
  const tokens = new Map();
  const tok = async (u) => { if (!tokens.has(u)) tokens.set(u, (await srv.login(u)).token); return tokens.get(u); };
  const api = async (u, m, p, b) => srv.api(m, p, b, await tok(u));
  const serverArgs = () => ['--test-clock', '--sms-gateway-url', gw.url, '--sms-gateway-key', 'test-key',
    '--sms-templates', 'receipt=SMS_0001,replied=SMS_0003', '--notify-retry-base', '30'];
  const create = async (over = {}) => {
    const body = { channel: 'phone', type: 'consult', urgency: 'normal', content: '咨询办理居住证需要哪些材料。', citizen: { name: '孙先生', phone: newPhone(), anonymous: false, confidential: false }, ...over };
    return assertStatus(await api('agent', 'POST', '/api/v1/cases', body), 201, 'create');
  };
  const forPhone = (phone) => gw.requests.filter((r) => r.body && r.body.phone === phone);
  const outbox = async () => assertStatus(await api('admin', 'GET', '/api/v1/notify/outbox?limit=100'), 200, 'outbox').items;

  before(async () => {
    gw = await startGateway();
    srv = await startServer({ seed: 'org', args: serverArgs(), keepDb: true });
    org = pickUnits(assertStatus(await api('dispatcher', 'GET', '/api/v1/units'), 200, 'units').items);
  });
  after(async () => { await srv.stop(); await gw.stop(); });

  it('a receipt SMS reaches the gateway with the documented payload', async () => {
    const phone = newPhone();
    const c = await create({ citizen: { name: '孙先生', phone, anonymous: false, confidential: false } });
    await gw.waitFor(() => forPhone(phone).some((r) => r.answered), 15000, 'receipt SMS');
    const [r] = forPhone(phone);
    assert.equal(r.method, 'POST');
    assert.equal(r.headers['x-api-key'], 'test-key');
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.deepEqual(Object.keys(r.body).sort(), ['message_id', 'params', 'phone', 'template_id', 'text']);
    assert.equal(r.body.template_id, 'SMS_0001', 'the configured gateway template id');
    assert.match(r.body.message_id, HEX32);
    assert.equal(r.headers['x-message-id'], r.body.message_id);
    const staff = assertStatus(await api('dispatcher', 'GET', `/api/v1/cases/${c.id}`), 200, 'case');
    assert.deepEqual(r.body.params, { case_no: c.case_no, query_code: staff.query_code });
    assert.ok(r.body.text.includes(c.case_no) && r.body.text.includes(staff.query_code), r.body.text);
    await sleep(300);
    const row = (await outbox()).find((o) => o.message_id === r.body.message_id);
    assert.equal(row.state, 'sent');
    assert.equal(row.attempts, 1);
    assert.ok(!row.recipient.includes(phone), 'the outbox view masks the phone');
  });

  it('an anonymous case gets no SMS', async () => {
    const phone = newPhone();
    await create({ citizen: { name: '匿名', phone, anonymous: true, confidential: false } });
    await sleep(1500);
    assert.equal(forPhone(phone).length, 0);
  });

  it('a 500 from the gateway is retried after the back-off, with the same message id', async () => {
    const phone = newPhone();
    gw.failNext = 1;
    await create({ citizen: { name: '钱女士', phone, anonymous: false, confidential: false } });
    await gw.waitFor(() => forPhone(phone).length >= 1, 15000, 'first attempt');
    await sleep(2000); // the worker polls twice a second: no retry before the back-off
    assert.equal(forPhone(phone).length, 1, 'no retry before the back-off');
    const mid = forPhone(phone)[0].body.message_id;
    let row = (await outbox()).find((o) => o.message_id === mid);
    assert.equal(row.state, 'pending');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error, /500/);
    await api('admin', 'POST', '/api/v1/test/clock', { advance_seconds: 31 });
    tokens.clear();
    await gw.waitFor(() => forPhone(phone).some((r) => r.answered && r.status === 200), 15000, 'the retry');
    const reqs = forPhone(phone);
    assert.equal(reqs.length, 2);
    assert.deepEqual(reqs.map((r) => r.status), [500, 200]);
    assert.equal(reqs[1].body.message_id, mid, 'same message id on the retry');
    await sleep(300);
    row = (await outbox()).find((o) => o.message_id === mid);
    assert.equal(row.state, 'sent');
    assert.equal(row.attempts, 2);
  });

  it('kill -9 mid-delivery: delivered after a restart; acknowledged messages are never sent again', async () => {
    const phoneA = newPhone(), phoneB = newPhone();
    await create({ citizen: { name: '甲', phone: phoneA, anonymous: false, confidential: false } });
    await gw.waitFor(() => forPhone(phoneA).some((r) => r.answered), 15000, 'A delivered');
    gw.holdNext = 1; // the gateway takes B's request and never answers
    await create({ citizen: { name: '乙', phone: phoneB, anonymous: false, confidential: false } });
    await gw.waitFor(() => forPhone(phoneB).length === 1, 15000, 'B in flight');
    await srv.kill();
    tokens.clear();
    srv = await startServer({ db: srv.db, args: serverArgs() });
    await sleep(1500);
    assert.equal(forPhone(phoneB).length, 1, 'the claim is honoured until it runs out');
    // the claim ran NOTIFY_CLAIM_SECONDS (60) from the old process's clock,
    // which an earlier test moved 31 s ahead; the new process starts at 0
    await api('admin', 'POST', '/api/v1/test/clock', { advance_seconds: 120 });
    tokens.clear();
    await gw.waitFor(() => forPhone(phoneB).some((r) => r.answered && r.status === 200), 15000, 'B after restart').catch((err) => { throw new Error(err.message + ' statuses ' + JSON.stringify(forPhone(phoneB).map((r) => [r.answered, r.status])) + srv.stderr.slice(-3000)); });
    await sleep(1500);
    const b = forPhone(phoneB);
    assert.equal(b.length, 2, 'sent twice: the first send was never acknowledged');
    assert.equal(b[0].answered, false);
    assert.equal(b[0].body.message_id, b[1].body.message_id, 'the receiver can de-duplicate on message_id');
    assert.deepEqual(b[0].body, b[1].body);
    assert.equal(forPhone(phoneA).length, 1, 'A (acknowledged) is not sent again');
    const ids = gw.acked().map((r) => r.body.message_id);
    assert.equal(new Set(ids).size, ids.length, 'no message id acknowledged twice');
  });

  it('SSE: an in-app notification arrives on /api/v1/events', async () => {
    const user = `${org.lead.code}.handler`;
    const token = await tok(user);
    const ctl = new AbortController();
    const res = await fetch(srv.url + '/api/v1/events', { headers: { authorization: `Bearer ${token}` }, signal: ctl.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const reader = res.body.getReader();
    let text = '';
    const readUntil = async (re, ms) => {
      const end = Date.now() + ms;
      while (!re.test(text)) {
        if (Date.now() > end) throw new Error('no event: ' + text);
        const r = await Promise.race([reader.read(), sleep(end - Date.now()).then(() => ({ timeout: true }))]);
        if (r.done) throw new Error('stream ended: ' + text);
        if (r.value) text += Buffer.from(r.value).toString('utf8');
      }
    };
    await readUntil(/event: hello/, 5000);
    const c = await create();
    assertStatus(await api('dispatcher', 'POST', `/api/v1/cases/${c.id}/dispatch`, { lead_unit_id: org.lead.id }), 200, 'dispatch');
    await readUntil(/event: notification\ndata: .*new_case/, 10000);
    const data = JSON.parse(text.match(/event: notification\ndata: (.*)\n/)[1]);
    assert.equal(data.kind, 'new_case');
    assert.equal(data.case_id, c.id);
    assert.ok(data.text.includes(c.case_no));
    ctl.abort();
    // the bell: unread count, read one, read all
    const list = assertStatus(await api(user, 'GET', '/api/v1/notifications'), 200, 'bell');
    assert.ok(list.unread >= 1);
    const n = list.items.find((x) => x.id === data.id);
    assert.equal(n.read_at, null);
    assertStatus(await api(user, 'POST', `/api/v1/notifications/${data.id}/read`, {}), 200, 'read');
    const after1 = assertStatus(await api(user, 'GET', '/api/v1/notifications'), 200, 'bell');
    assert.equal(after1.unread, list.unread - 1);
    assert.ok(after1.items.find((x) => x.id === data.id).read_at);
    assertError(await api(`${org.assist.code}.handler`, 'POST', `/api/v1/notifications/${data.id}/read`, {}), 404, 'not_found', undefined, "another user's notification");
    assertStatus(await api(user, 'POST', '/api/v1/notifications/read-all', {}), 200, 'read-all');
    assert.equal(assertStatus(await api(user, 'GET', '/api/v1/notifications'), 200, 'bell').unread, 0);
  });

  it('each user chooses channels: in-app off means no bell entry', async () => {
    const admin = `${org.lead.code}.admin`;
    const p0 = assertStatus(await api(admin, 'GET', '/api/v1/auth/me/notify-prefs'), 200, 'prefs');
    assert.equal(p0.inapp, true);
    assert.equal(p0.sms, false);
    const p1 = assertStatus(await api(admin, 'PUT', '/api/v1/auth/me/notify-prefs', { inapp: false }), 200, 'prefs put');
    assert.equal(p1.inapp, false);
    assertError(await api(admin, 'PUT', '/api/v1/auth/me/notify-prefs', { email: 'not-an-address' }), 400, 'validation_failed', 'email');
    assertError(await api(admin, 'PUT', '/api/v1/auth/me/notify-prefs', { pager: true }), 400, 'validation_failed');
    const c = await create();
    assertStatus(await api('dispatcher', 'POST', `/api/v1/cases/${c.id}/dispatch`, { lead_unit_id: org.lead.id }), 200, 'dispatch');
    const mine = assertStatus(await api(admin, 'GET', '/api/v1/notifications'), 200, 'bell').items;
    assert.ok(!mine.some((x) => x.case_id === c.id), 'no in-app alert for a user who turned it off');
    const handler = assertStatus(await api(`${org.lead.code}.handler`, 'GET', '/api/v1/notifications'), 200, 'bell').items;
    assert.ok(handler.some((x) => x.case_id === c.id), 'the handler still gets it');
    await api(admin, 'PUT', '/api/v1/auth/me/notify-prefs', { inapp: true });
  });

  it('an admin edits a citizen template; the next SMS uses it; bad placeholders are refused', async () => {
    const list = assertStatus(await api('admin', 'GET', '/api/v1/notify/templates'), 200, 'templates').items;
    assert.deepEqual(list.map((x) => x.key).sort(), ['escalated', 'extension_approved', 'new_case', 'receipt', 'red', 'reopened', 'replied', 'urged', 'yellow']);
    assertError(await api('dispatcher', 'GET', '/api/v1/notify/templates'), 403, 'forbidden');
    assertError(await api('admin', 'PUT', '/api/v1/notify/templates/receipt', { body: '编号{case_number}' }), 400, 'validation_failed', 'body');
    assertError(await api('admin', 'PUT', '/api/v1/notify/templates/nope', { body: 'x' }), 404, 'not_found');
    const t = assertStatus(await api('admin', 'PUT', '/api/v1/notify/templates/receipt', { body: '【锦州12345】已收到：{case_no}/{query_code}' }), 200, 'put');
    assert.equal(t.customized, true);
    const phone = newPhone();
    const c = await create({ citizen: { name: '周先生', phone, anonymous: false, confidential: false } });
    await gw.waitFor(() => forPhone(phone).some((r) => r.answered), 15000, 'custom receipt');
    assert.ok(forPhone(phone)[0].body.text.startsWith(`【锦州12345】已收到：${c.case_no}/`), forPhone(phone)[0].body.text);
    const back = assertStatus(await api('admin', 'PUT', '/api/v1/notify/templates/receipt', { body: null }), 200, 'reset');
    assert.equal(back.customized, false);
    assert.equal(back.body, back.default_body);
  });
});
