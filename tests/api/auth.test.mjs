// Authentication: login, me, logout, bearer vs cookie, CSRF; graceful stop.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { setup, assertError, assertStatus, newPhone } from './_helpers.mjs';
import { DEMO_PASSWORD } from '../lib/server.mjs';

describe('auth', () => {
  let t;
  let stopped = false; // the last test stops the server itself
  before(async () => { t = await setup(); });
  after(async () => { if (!stopped) await t.srv.stop(); });

  const login = (username, password = DEMO_PASSWORD) =>
    t.srv.api('POST', '/api/v1/auth/login', { username, password });

  function sessionCookie(res) {
    const list = res.headers.getSetCookie();
    const c = list.find((s) => /^session=/.test(s));
    assert.ok(c, `Set-Cookie session expected, got ${JSON.stringify(list)}`);
    return c;
  }

  it('login ok returns token, csrf_token, user and sets an HttpOnly SameSite=Strict cookie', async () => {
    const r = await login('dispatcher');
    const b = assertStatus(r, 200, 'login');
    assert.equal(typeof b.token, 'string');
    assert.ok(b.token.length >= 32, 'token is long enough');
    assert.equal(typeof b.csrf_token, 'string');
    assert.ok(b.csrf_token.length >= 16);
    assert.notEqual(b.csrf_token, b.token);
    assert.equal(b.user.username, 'dispatcher');
    assert.equal(b.user.role, 'dispatcher');
    assert.equal(typeof b.user.id, 'number');
    assert.equal(typeof b.user.unit_id, 'number');
    assert.equal(typeof b.user.name, 'string');
    assert.ok('unit_name' in b.user && 'unit_kind' in b.user, 'user has unit_name, unit_kind');
    assert.equal(b.user.unit_kind, 'platform');
    assert.ok(!('password_hash' in b.user), 'no password hash in the user');
    const c = sessionCookie(r);
    assert.equal(c.split(';')[0], `session=${b.token}`);
    assert.match(c, /;\s*HttpOnly/i);
    assert.match(c, /;\s*SameSite=Strict/i);
    assert.match(c, /;\s*Path=\//i);
    assert.match(c, /;\s*Max-Age=43200/i, 'sessions live 12 hours (docs/api.md)');
  });

  it('a unit user logs in with its unit', async () => {
    const r = await login(`${t.org.lead.code}.handler`);
    const b = assertStatus(r, 200, 'login handler');
    assert.equal(b.user.role, 'handler');
    assert.equal(b.user.unit_id, t.org.lead.id);
    assert.equal(b.user.unit_kind, 'department');
  });

  it('wrong password and unknown user → 401 with the same generic message', async () => {
    const a = await login('dispatcher', 'wrong-pass-2026');
    assertError(a, 401, 'unauthorized');
    assert.ok(!a.headers.getSetCookie().some((s) => /^session=[^;\s]+/.test(s)), 'no session cookie on failure');
    const b = await login('no-such-user-xyz', DEMO_PASSWORD);
    assertError(b, 401, 'unauthorized');
    assert.equal(a.body.error.message, b.body.error.message, 'same message: the response must not reveal which usernames exist');
    assert.deepEqual(a.body, b.body);
  });

  it('no or bad credentials on a staff endpoint → 401', async () => {
    assertError(await t.srv.api('GET', '/api/v1/cases'), 401, 'unauthorized');
    assertError(await t.srv.api('GET', '/api/v1/auth/me'), 401, 'unauthorized');
    assertError(await t.srv.api('GET', '/api/v1/cases', undefined, 'f'.repeat(64)), 401, 'unauthorized');
    assertError(await t.srv.api('GET', '/api/v1/cases', undefined, null, { cookie: 'session=' + 'a'.repeat(64) }), 401, 'unauthorized');
  });

  it('me returns the user and the csrf token (bearer)', async () => {
    const l = (await login('supervisor')).body;
    const r = await t.srv.api('GET', '/api/v1/auth/me', undefined, l.token);
    const b = assertStatus(r, 200, 'me');
    assert.equal(b.user.username, 'supervisor');
    assert.equal(b.user.role, 'supervisor');
    assert.equal(b.user.id, l.user.id);
    assert.equal(b.csrf_token, l.csrf_token);
  });

  it('logout kills the token (bearer) and clears the cookie', async () => {
    const l = (await login('leader')).body;
    assertStatus(await t.srv.api('GET', '/api/v1/auth/me', undefined, l.token), 200, 'me before logout');
    const r = await t.srv.api('POST', '/api/v1/auth/logout', {}, l.token);
    assert.deepEqual(assertStatus(r, 200, 'logout'), { ok: true });
    const cleared = r.headers.getSetCookie().find((s) => /^session=/.test(s));
    assert.ok(cleared, 'logout sends a Set-Cookie for session');
    assert.match(cleared, /^session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i, 'cookie cleared');
    assertError(await t.srv.api('GET', '/api/v1/auth/me', undefined, l.token), 401, 'unauthorized');
    assertError(await t.srv.api('GET', '/api/v1/cases', undefined, l.token), 401, 'unauthorized');
    assertError(await t.srv.api('GET', '/api/v1/auth/me', undefined, null, { cookie: `session=${l.token}` }), 401, 'unauthorized');
  });

  it('logout of one session leaves another session of the same user alive', async () => {
    const a = (await login('leader')).body;
    const b = (await login('leader')).body;
    assert.notEqual(a.token, b.token);
    assertStatus(await t.srv.api('POST', '/api/v1/auth/logout', {}, a.token), 200, 'logout a');
    assertStatus(await t.srv.api('GET', '/api/v1/auth/me', undefined, b.token), 200, 'b still alive');
  });

  it('cookie session: GET works without CSRF; POST needs X-CSRF-Token (403 without or wrong, ok with)', async () => {
    const r = await login('agent');
    const l = r.body;
    const cookie = sessionCookie(r).split(';')[0];
    const me = await t.srv.api('GET', '/api/v1/auth/me', undefined, null, { cookie });
    assert.equal(assertStatus(me, 200, 'me by cookie').user.username, 'agent');

    const phone = newPhone();
    const body = { channel: 'phone', type: 'consult', content: '咨询办理居住证需要哪些材料。', citizen: { name: '王先生', phone } };
    const no = await t.srv.api('POST', '/api/v1/cases', body, null, { cookie });
    assertError(no, 403, 'forbidden', 'X-CSRF-Token', 'cookie POST without X-CSRF-Token');
    const wrong = await t.srv.api('POST', '/api/v1/cases', body, null, { cookie, 'x-csrf-token': 'x' + l.csrf_token.slice(1) });
    assertError(wrong, 403, 'forbidden', 'X-CSRF-Token', 'cookie POST with a wrong X-CSRF-Token');
    // nothing was created by the refused requests
    const hist0 = assertStatus(await t.get('agent', `/api/v1/citizens/${phone}/cases`), 200, 'history');
    assert.equal(hist0.total, 0, 'refused POSTs created no case');

    const ok = await t.srv.api('POST', '/api/v1/cases', body, null, { cookie, 'x-csrf-token': l.csrf_token });
    const c = assertStatus(ok, 201, 'cookie POST with X-CSRF-Token');
    assert.equal(c.status, 'accepted');
    const hist1 = assertStatus(await t.get('agent', `/api/v1/citizens/${phone}/cases`), 200, 'history');
    assert.equal(hist1.total, 1);

    // logout by cookie also needs the CSRF token
    assertError(await t.srv.api('POST', '/api/v1/auth/logout', {}, null, { cookie }), 403, 'forbidden', 'X-CSRF-Token');
    assertStatus(await t.srv.api('GET', '/api/v1/auth/me', undefined, null, { cookie }), 200, 'still logged in');
    assertStatus(await t.srv.api('POST', '/api/v1/auth/logout', {}, null, { cookie, 'x-csrf-token': l.csrf_token }), 200, 'logout by cookie');
    assertError(await t.srv.api('GET', '/api/v1/auth/me', undefined, null, { cookie }), 401, 'unauthorized');
  });

  it('bearer requests need no CSRF token', async () => {
    const c = await t.createCase({ type: 'consult' });
    assert.equal(c.status, 'accepted');
  });

  it('each role logs in with the demo password', async () => {
    for (const u of ['admin', 'agent', 'dispatcher', 'supervisor', 'leader', `${t.org.district.code}.admin`]) {
      const b = assertStatus(await login(u), 200, `login ${u}`);
      assert.equal(b.user.username, u);
    }
    const b = (await login(`${t.org.district.code}.admin`)).body;
    assert.equal(b.user.role, 'unit_admin');
    assert.equal(b.user.unit_id, t.org.district.id);
  });

  it('SIGTERM finishes an in-flight request and the server exits 0', async () => {
    // A request that has started (headers and half the body sent) when SIGTERM arrives must be
    // finished: we send the rest after the signal and expect the case to be created.
    const body = Buffer.from(JSON.stringify({ type: 'help', content: '停机前提交的诉求，必须完整保存。', citizen: { phone: newPhone() } }));
    const u = new URL(t.srv.url + '/api/v1/public/cases');
    const res = new Promise((resolve, reject) => {
      const req = httpRequest({ host: u.hostname, port: u.port, method: 'POST', path: u.pathname,
        headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c) => { text += c; });
        r.on('end', () => resolve({ status: r.statusCode, text }));
      });
      req.on('error', reject);
      req.write(body.subarray(0, 20));
      setTimeout(() => {
        stopped = true;
        stopping = t.srv.stop(); // SIGTERM; rejects on a non-zero exit (e.g. a sanitizer report)
        stopping.catch(() => {});
        setTimeout(() => req.end(body.subarray(20)), 150);
      }, 200);
    });
    let stopping;
    const r = await res;
    assert.equal(r.status, 201, `in-flight request finished: ${r.status} ${r.text}`);
    assert.match(JSON.parse(r.text).case_no, /^JZ\d{14}$/);
    await stopping;
    assert.equal(t.srv.proc.exitCode, 0);
    assert.equal(t.srv.proc.signalCode, null, 'exited by itself, not killed');
  });
});
