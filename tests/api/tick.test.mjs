// The deadline tick (docs/tick.md) driven by the test clock: warnings
// (yellow, red), the automatic urge the working day after the deadline
// passed (RULE tick-auto-urge), escalation to supervisors 5 working days
// overdue (RULE tick-escalate-5wd), idempotence, and the lease
// (RULE tick-lease). The clock exists only with `serve --test-clock`
// (RULE test-clock-flag).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { assertStatus, assertError, newPhone, pickUnits, epoch } from './_helpers.mjs';

const HOUR = 3600;
const DAY = 86400;

describe('test clock is refused without --test-clock', () => {
  let srv;
  before(async () => { srv = await startServer({ seed: 'org' }); });
  after(async () => { await srv.stop(); });
  it('POST /api/v1/test/clock and /test/tick answer 404 (RULE test-clock-flag)', async () => {
    const { token } = await srv.login('admin');
    assertError(await srv.api('POST', '/api/v1/test/clock', { advance_seconds: 3600 }, token), 404, 'not_found');
    assertError(await srv.api('POST', '/api/v1/test/tick', {}, token), 404, 'not_found');
  });
  it('serve refuses an unknown argument (the flag is not a default)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { BINARY } = await import('../lib/server.mjs');
    const r = spawnSync(BINARY, ['serve', '--db', srv.db, '--test-clok'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /unexpected argument/);
  });
});

describe('tick: warnings, urge, escalation', () => {
  let srv, t, units, org;
  const tokens = new Map();
  // Sessions expire when the clock jumps: log in again after each move.
  const tok = async (u) => { if (!tokens.has(u)) tokens.set(u, (await srv.login(u)).token); return tokens.get(u); };
  const api = async (u, m, p, b) => srv.api(m, p, b, await tok(u));
  const advanceTo = async (target) => {
    const now = assertStatus(await api('admin', 'POST', '/api/v1/test/clock', { advance_seconds: 0 }), 200, 'clock').now_epoch;
    const r = assertStatus(await api('admin', 'POST', '/api/v1/test/clock', { advance_seconds: Math.max(0, target - now) }), 200, 'advance');
    tokens.clear();
    return r.now_epoch;
  };
  const advance = async (secs) => { const r = assertStatus(await api('admin', 'POST', '/api/v1/test/clock', { advance_seconds: secs }), 200, 'advance'); tokens.clear(); return r.now_epoch; };
  const tick = async () => assertStatus(await api('admin', 'POST', '/api/v1/test/tick', {}), 200, 'tick');
  const notes = async (u) => assertStatus(await api(u, 'GET', '/api/v1/notifications?limit=100'), 200, 'notifications').items;
  const events = async (id, action) => assertStatus(await api('dispatcher', 'GET', `/api/v1/cases/${id}`), 200, 'case').events.filter((e) => e.action === action);

  before(async () => {
    srv = await startServer({ seed: 'org', args: ['--test-clock', '--tick-interval', '3600'] });
    units = assertStatus(await api('dispatcher', 'GET', '/api/v1/units'), 200, 'units').items;
    org = pickUnits(units);
    t = { lead: org.lead };
  });
  after(async () => { await srv.stop(); });

  let c, due;
  it('dispatch alerts the unit (new_case) and the tick leaves a fresh case alone', async () => {
    const body = { channel: 'phone', type: 'complain', urgency: 'normal', content: '小区供暖温度不达标，室内只有十五度。', citizen: { name: '王先生', phone: newPhone(), anonymous: false, confidential: false } };
    c = assertStatus(await api('agent', 'POST', '/api/v1/cases', body), 201, 'create');
    c = assertStatus(await api('dispatcher', 'POST', `/api/v1/cases/${c.id}/dispatch`, { lead_unit_id: t.lead.id }), 200, 'dispatch');
    c = assertStatus(await api(`${t.lead.code}.handler`, 'POST', `/api/v1/cases/${c.id}/sign`, {}), 200, 'sign');
    due = epoch(c.deadline);
    assert.ok(due > Date.now() / 1000 + DAY, 'a complaint has days to go');
    const n = await notes(`${t.lead.code}.handler`);
    assert.ok(n.some((x) => x.kind === 'new_case' && x.case_id === c.id), 'new_case alert: ' + JSON.stringify(n));
    await tick();
    const again = await tick();
    assert.equal(again.ran, true);
    assert.equal(again.marked, 0, 'a second tick changes nothing');
    assert.ok(!(await notes(`${t.lead.code}.handler`)).some((x) => x.case_id === c.id && x.kind === 'yellow'));
  });

  it('yellow when at most 1 working day remains, once', async () => {
    await advanceTo(due - 6 * HOUR); // 18:00 on the deadline's own working day
    const r = await tick();
    assert.ok(r.marked >= 1, 'the tick marked something: ' + JSON.stringify(r));
    const yellow = (await notes(`${t.lead.code}.handler`)).filter((x) => x.case_id === c.id && x.kind === 'yellow');
    assert.equal(yellow.length, 1, 'one yellow alert');
    assert.match(yellow[0].text, new RegExp(c.case_no));
    const r2 = await tick();
    assert.equal(r2.marked, 0, 'idempotent: nothing changes on a second run');
    assert.equal((await notes(`${t.lead.code}.handler`)).filter((x) => x.case_id === c.id && x.kind === 'yellow').length, 1);
    assert.equal((await events(c.id, 'urge')).length, 0, 'no urge before the deadline');
  });

  it('red when overdue; no urge the same day', async () => {
    await advanceTo(due + HOUR);
    await tick();
    const red = (await notes(`${t.lead.code}.handler`)).filter((x) => x.case_id === c.id && x.kind === 'red');
    assert.equal(red.length, 1, 'one red alert');
    assert.equal((await events(c.id, 'urge')).length, 0, 'the urge waits for the next working day');
    const list = assertStatus(await api('dispatcher', 'GET', '/api/v1/cases?warning=red&per_page=200'), 200, 'list');
    assert.ok(list.items.some((x) => x.id === c.id), 'warning=red lists it');
  });

  it('auto-urge once on the working day after (RULE tick-auto-urge)', async () => {
    let urges = [];
    for (let d = 1; d <= 6 && urges.length === 0; d++) { // ≤ 6 days covers any weekend or short holiday
      await advance(DAY);
      await tick();
      urges = await events(c.id, 'urge');
    }
    assert.equal(urges.length, 1, 'exactly one urge');
    assert.equal(urges[0].actor_kind, 'system');
    assert.equal(urges[0].actor, null);
    assert.equal(urges[0].payload.auto, true);
    await tick();
    await Promise.all([tick(), tick()]); // concurrent runs do not double-act
    assert.equal((await events(c.id, 'urge')).length, 1, 'still one urge after more ticks');
    assert.ok((await notes(`${t.lead.code}.handler`)).some((x) => x.case_id === c.id && x.kind === 'urged'), 'the unit is told');
    assert.equal((await events(c.id, 'escalate')).length, 0, 'not yet escalated');
  });

  it('escalates to supervisors 5 working days overdue, once (RULE tick-escalate-5wd)', async () => {
    let esc = [];
    let days = 0;
    while (esc.length === 0 && days < 14) {
      await advance(DAY);
      days++;
      await tick();
      esc = await events(c.id, 'escalate');
    }
    assert.equal(esc.length, 1, 'one escalation');
    assert.equal(esc[0].payload.overdue_working_days, 5);
    const now = assertStatus(await api('admin', 'POST', '/api/v1/test/clock', { advance_seconds: 0 }), 200, 'clock').now_epoch;
    assert.ok(now - due >= 5 * DAY, 'at least 5 calendar days overdue');
    const sup = (await notes('supervisor')).filter((x) => x.case_id === c.id && x.kind === 'escalated');
    assert.equal(sup.length, 1, 'the supervisor got one alert');
    await tick();
    await tick();
    assert.equal((await events(c.id, 'escalate')).length, 1, 'still one');
    assert.equal((await events(c.id, 'urge')).length, 1, 'and still one urge');
  });

  it('an unsigned case turns red for signing and is urged for its sign deadline', async () => {
    const body = { channel: 'phone', type: 'suggest', urgency: 'normal', content: '建议在公园增设健身器材。', citizen: { name: '赵女士', phone: newPhone(), anonymous: false, confidential: false } };
    let d = assertStatus(await api('agent', 'POST', '/api/v1/cases', body), 201, 'create');
    d = assertStatus(await api('dispatcher', 'POST', `/api/v1/cases/${d.id}/dispatch`, { lead_unit_id: org.assist.id }), 200, 'dispatch');
    const signDue = epoch(d.sign_deadline);
    await advanceTo(signDue + HOUR);
    await tick();
    const red = (await notes(`${org.assist.code}.handler`)).filter((x) => x.case_id === d.id && x.kind === 'red');
    assert.equal(red.length, 1);
    assert.match(red[0].text, /签收/);
    let urges = [];
    for (let i = 0; i < 6 && urges.length === 0; i++) { await advance(DAY); await tick(); urges = await events(d.id, 'urge'); }
    assert.equal(urges.length, 1);
    assert.equal(urges[0].payload.of, 'sign');
  });

  it('the lease: a second node on the same database does not run the tick (RULE tick-lease)', async () => {
    const other = await startServer({ db: srv.db, args: ['--test-clock', '--tick-interval', '3600'] });
    try {
      const { token } = await other.login('admin');
      const r = assertStatus(await other.api('POST', '/api/v1/test/tick', {}, token), 200, 'tick on node B');
      assert.equal(r.ran, false, 'node B does not hold the lease');
      const a = await tick();
      assert.equal(a.ran, true, 'node A still holds it');
    } finally {
      await other.stop();
    }
  });
});
