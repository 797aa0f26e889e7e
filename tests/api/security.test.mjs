// Authentication hardening: CSRF on every non-GET staff route, session expiry,
// log out everywhere, password change, login throttling (RULE login-throttle),
// public rate limits (RULE public-rate-limit), query-code guessing
// (RULE code-guess-throttle), and Secure cookies behind a trusted proxy.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, ROOT, DEMO_PASSWORD } from '../lib/server.mjs';
import { assertError, assertStatus, newPhone, sleep } from './_helpers.mjs';

const cookieOf = (res) => (res.headers.getSetCookie().find((s) => /^session=/.test(s)) || '');
const login = (srv, username, password = DEMO_PASSWORD, headers = {}) =>
  srv.api('POST', '/api/v1/auth/login', { username, password }, null, headers);

// Every non-GET staff route of the route table (src/http/routes.c).
function writeRoutes() {
  const text = readFileSync(join(ROOT, 'src/http/routes.c'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ');
  const re = /\{\s*"(POST|PATCH|PUT|DELETE)",\s*"([^"]+)",\s*\w+,\s*ACCESS_STAFF,\s*[^,]+,\s*([^}]+?)\s*\}/g;
  return [...text.matchAll(re)].map((m) => ({ method: m[1], path: m[2], body: m[3].trim() !== '0' }));
}

describe('security: defaults (no trusted proxy)', () => {
  let srv;
  before(async () => { srv = await startServer({ seed: 'org' }); });
  after(async () => { await srv.stop(); });

  it('CSRF: a cookie without X-CSRF-Token → 403 on every non-GET staff route', async () => {
    const routes = writeRoutes();
    assert.ok(routes.length >= 15, `found only ${routes.length} write routes`);
    for (const p of ['/api/v1/units', '/api/v1/users/:id', '/api/v1/auth/password', '/api/v1/auth/logout-all'])
      assert.ok(routes.some((r) => r.path === p), `${p} is in the table`);
    const l = await login(srv, 'admin');
    const cookie = cookieOf(l).split(';')[0];
    for (const r of routes) {
      const path = r.path.replace(':action', 'note').replace(/:\w+/g, '1');
      const res = await srv.api(r.method, path, r.body ? {} : undefined, null, { cookie });
      assertError(res, 403, 'forbidden', 'X-CSRF-Token', `${r.method} ${r.path} with a cookie and no token`);
    }
    // the session survived all of it, and with the token the same cookie works
    const ok = await srv.api('POST', '/api/v1/auth/logout-all', {}, null, { cookie, 'x-csrf-token': l.body.csrf_token });
    assertStatus(ok, 200, 'with the token');
  });

  it('logout-all kills every session of the caller, not those of others', async () => {
    const a = (await srv.login('dispatcher')).token;
    const b = (await srv.login('dispatcher')).token;
    const other = (await srv.login('agent')).token;
    const r = await srv.api('POST', '/api/v1/auth/logout-all', {}, a);
    assert.deepEqual(assertStatus(r, 200, 'logout-all'), { ok: true });
    assert.match(cookieOf(r), /Max-Age=0/);
    for (const t of [a, b]) assertError(await srv.api('GET', '/api/v1/auth/me', undefined, t), 401, 'unauthorized');
    assertStatus(await srv.api('GET', '/api/v1/auth/me', undefined, other), 200, 'another user unaffected');
  });

  it('password change: old password checked, rules applied, other sessions end, this one stays', async () => {
    const pw = 'Night-Shift-2027';
    const a = (await srv.login('supervisor')).token;
    const b = (await srv.login('supervisor')).token;
    assertError(await srv.api('POST', '/api/v1/auth/password', { old_password: 'wrong-pass-1', new_password: pw }, a), 400, 'validation_failed', 'old_password');
    assertError(await srv.api('POST', '/api/v1/auth/password', { old_password: DEMO_PASSWORD, new_password: 'short' }, a), 400, 'validation_failed', 'new_password');
    assertError(await srv.api('POST', '/api/v1/auth/password', { old_password: DEMO_PASSWORD, new_password: 'my-supervisor-pw-1' }, a), 400, 'validation_failed', 'new_password');
    assertError(await srv.api('POST', '/api/v1/auth/password', { old_password: DEMO_PASSWORD, new_password: DEMO_PASSWORD }, a), 400, 'validation_failed', 'new_password');
    assertStatus(await srv.api('GET', '/api/v1/auth/me', undefined, b), 200, 'refused changes end nothing');
    assertStatus(await srv.api('POST', '/api/v1/auth/password', { old_password: DEMO_PASSWORD, new_password: pw }, a), 200, 'change');
    assertStatus(await srv.api('GET', '/api/v1/auth/me', undefined, a), 200, 'this session stays');
    assertError(await srv.api('GET', '/api/v1/auth/me', undefined, b), 401, 'unauthorized', undefined, 'the other session ended');
    assertError(await login(srv, 'supervisor'), 401, 'unauthorized', undefined, 'old password');
    assertStatus(await login(srv, 'supervisor', pw), 200, 'new password');
  });

  it('no Secure cookie when X-Forwarded-Proto comes from an untrusted peer', async () => {
    const r = await login(srv, 'agent', DEMO_PASSWORD, { 'x-forwarded-proto': 'https' });
    assertStatus(r, 200, 'login');
    assert.doesNotMatch(cookieOf(r), /Secure/i);
  });

  it('defaults are generous enough for a shared office address: 4 failures do not lock', async () => {
    for (let i = 0; i < 4; i++) assertError(await login(srv, 'leader', 'wrong-pass-x'), 401, 'unauthorized');
    assertStatus(await login(srv, 'leader'), 200, 'still free (limit 5)');
  });
});

describe('security: throttling behind a trusted proxy', () => {
  let srv;
  before(async () => {
    srv = await startServer({
      seed: 'org',
      args: ['--trusted-proxies', '127.0.0.1', '--login-max-failures', '3', '--login-ip-max-failures', '5',
        '--login-window', '60', '--login-lockout', '3', '--public-window', '3', '--public-submit-limit', '3',
        '--public-rate-limit', '2', '--guess-client-limit', '4', '--guess-case-limit', '3', '--guess-window', '60'],
    });
  });
  after(async () => { await srv.stop(); });
  const from = (ip, extra = {}) => ({ 'x-forwarded-for': ip, ...extra });

  it('RULE login-throttle: 429 with Retry-After after N failures per account, generic, then recovery', async () => {
    const c = from('203.0.113.1');
    for (let i = 0; i < 3; i++) assertError(await login(srv, 'leader', 'wrong-pass-x', c), 401, 'unauthorized', undefined, `failure ${i + 1}`);
    const locked = await login(srv, 'leader', DEMO_PASSWORD, from('203.0.113.2')); // even the right password, from elsewhere
    assertError(locked, 429, 'rate_limited');
    const retry = Number(locked.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 3, `Retry-After ${retry}`);
    assert.ok(!cookieOf(locked), 'no session');
    // an unknown account behaves the same (no user enumeration)
    for (let i = 0; i < 3; i++) assertError(await login(srv, 'nobody-here', 'wrong-pass-x', from('203.0.113.3')), 401, 'unauthorized');
    const locked2 = await login(srv, 'nobody-here', 'wrong-pass-x', from('203.0.113.3'));
    assertError(locked2, 429, 'rate_limited');
    assert.equal(locked2.body.error.message, locked.body.error.message);
    // other accounts are not affected
    assertStatus(await login(srv, 'agent', DEMO_PASSWORD, c), 200, 'another account');
    await sleep(retry * 1000 + 100);
    assertStatus(await login(srv, 'leader', DEMO_PASSWORD, c), 200, 'recovered after the lock-out');
    // success cleared the account's counter: 2 more failures do not lock
    for (let i = 0; i < 2; i++) assertError(await login(srv, 'leader', 'wrong-pass-x', from('203.0.113.4')), 401, 'unauthorized');
    assertStatus(await login(srv, 'leader', DEMO_PASSWORD, from('203.0.113.4')), 200, 'counter was reset');
  });

  it('RULE login-throttle: per client address across accounts; X-Forwarded-For from the trusted proxy names the client', async () => {
    const bad = from('198.51.100.66');
    const users = ['u-a', 'u-b', 'u-c', 'u-d', 'u-e'];
    for (const u of users) assertError(await login(srv, u, 'wrong-pass-x', bad), 401, 'unauthorized');
    assertError(await login(srv, 'dispatcher', DEMO_PASSWORD, bad), 429, 'rate_limited', undefined, 'the address is locked for every account');
    assertStatus(await login(srv, 'dispatcher', DEMO_PASSWORD, from('198.51.100.67')), 200, 'another address');
  });

  it('RULE public-rate-limit: submissions per client → 429 + Retry-After, other clients unaffected, recovery after the window', async () => {
    const body = () => ({ type: 'help', content: '楼道灯坏了，请维修。', citizen: { phone: newPhone() } });
    const c = from('192.0.2.10');
    await sleep(1000 * (3 - (Math.floor(Date.now() / 1000) % 3)) + 50); // not across a window edge
    for (let i = 0; i < 3; i++) assertStatus(await srv.api('POST', '/api/v1/public/cases', body(), null, c), 201, `submit ${i + 1}`);
    const r = await srv.api('POST', '/api/v1/public/cases', body(), null, c);
    assertError(r, 429, 'rate_limited');
    const retry = Number(r.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 3, `Retry-After ${retry}`);
    assertStatus(await srv.api('POST', '/api/v1/public/cases', body(), null, from('192.0.2.11')), 201, 'another client');
    await sleep(retry * 1000 + 100);
    assertStatus(await srv.api('POST', '/api/v1/public/cases', body(), null, c), 201, 'after the window');
  });

  it('RULE code-guess-throttle: wrong codes are 404 until the limit, then 429 even with the right code', async () => {
    const sub = assertStatus(await srv.api('POST', '/api/v1/public/cases', { type: 'help', content: '井盖缺失。', citizen: { phone: newPhone() } }, null, from('192.0.2.20')), 201, 'submit');
    const wrong = sub.query_code === '000000' ? '111111' : '000000';
    const track = (code, ip) => srv.api('GET', `/api/v1/public/cases/${sub.case_no}?code=${code}`, undefined, null, from(ip));
    assertStatus(await track(sub.query_code, '192.0.2.21'), 200, 'right code first');
    for (let i = 0; i < 3; i++) assertError(await track(wrong, `192.0.2.${30 + i}`), 404, 'not_found', undefined, `guess ${i + 1}`);
    // per case number: every client is refused now, the right code included
    const r = await track(sub.query_code, '192.0.2.40');
    assertError(r, 429, 'rate_limited');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    assertError(await srv.api('POST', `/api/v1/public/cases/${sub.case_no}/rating`, { code: sub.query_code, satisfaction: 'satisfied', resolved: true }, null, from('192.0.2.41')), 429, 'rate_limited');
    // per client: four misses on different (missing) case numbers, then 429 for that client only
    const g = '192.0.2.50';
    for (let i = 0; i < 4; i++)
      assertError(await srv.api('GET', `/api/v1/public/cases/JZ2026010100000${i}?code=123456`, undefined, null, from(g)), 404, 'not_found');
    const sub2 = assertStatus(await srv.api('POST', '/api/v1/public/cases', { type: 'help', content: '路灯不亮。', citizen: { phone: newPhone() } }, null, from('192.0.2.22')), 201, 'submit 2');
    const t2 = `/api/v1/public/cases/${sub2.case_no}?code=${sub2.query_code}`;
    assertError(await srv.api('GET', t2, undefined, null, from(g)), 429, 'rate_limited', undefined, 'the guessing client');
    assertStatus(await srv.api('GET', t2, undefined, null, from('192.0.2.51')), 200, 'another client');
  });

  it('RULE public-rate-limit: ratings per client', async () => {
    const c = from('192.0.2.60');
    const rate = () => srv.api('POST', '/api/v1/public/cases/JZ20260101000009/rating', { code: '123456', satisfaction: 'satisfied', resolved: true }, null, c);
    await sleep(1000 * (3 - (Math.floor(Date.now() / 1000) % 3)) + 50);
    assertError(await rate(), 404, 'not_found');
    assertError(await rate(), 404, 'not_found');
    assertError(await rate(), 429, 'rate_limited');
  });

  it('Secure cookie only when a trusted proxy says https', async () => {
    const tls = await login(srv, 'agent', DEMO_PASSWORD, { 'x-forwarded-proto': 'https' });
    assert.match(cookieOf(tls), /;\s*Secure/i);
    const plain = await login(srv, 'agent', DEMO_PASSWORD, { 'x-forwarded-proto': 'http' });
    assert.doesNotMatch(cookieOf(plain), /Secure/i);
    const none = await login(srv, 'agent');
    assert.doesNotMatch(cookieOf(none), /Secure/i);
    const out = await srv.api('POST', '/api/v1/auth/logout', {}, tls.body.token, { 'x-forwarded-proto': 'https' });
    assert.match(cookieOf(out), /Max-Age=0.*Secure/i);
  });
});

describe('security: session expiry (idle 3 s, absolute 7 s)', () => {
  // Stored times are whole seconds, so a limit of N s ends between N-1 and N s
  // after the last use; the margins below allow for that and for a slow,
  // sanitizer-built server on a busy machine.
  let srv;
  before(async () => { srv = await startServer({ seed: 'org', env: { HOTLINE_SESSION_IDLE: '3' }, args: ['--session-absolute', '7'] }); });
  after(async () => { await srv.stop(); });

  it('an idle session dies; an active one lives until the absolute limit', async () => {
    const idle = await login(srv, 'agent');
    assert.match(cookieOf(idle), /Max-Age=7\b/, 'the cookie lives as long as the session');
    const t0 = Date.now(); // before the active session exists: a safe lower bound
    const active = (await srv.login('dispatcher')).token;
    const me = (tok) => srv.api('GET', '/api/v1/auth/me', undefined, tok);
    // keep `active` busy every 0.25 s for 4.5 s: longer than the idle limit
    while (Date.now() - t0 < 4500) {
      assertStatus(await me(active), 200, `active at ${Date.now() - t0} ms`);
      await sleep(250);
    }
    assertError(await me(idle.body.token), 401, 'unauthorized', undefined, 'idle for 4.5 s');
    // past the absolute limit even a busy session ends
    let dead = false;
    while (Date.now() - t0 < 10500 && !dead) {
      dead = (await me(active)).status === 401;
      if (!dead) await sleep(250);
    }
    assert.ok(dead, 'the absolute limit ended the active session');
    assert.ok(Date.now() - t0 >= 5900, 'not before the absolute limit');
  });
});
