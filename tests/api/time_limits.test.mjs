// Time limits (docs/time-limits.md): the working-day calendar API, the ics
// import, the rules API, and deadlines of real cases checked against the
// calendar the API itself publishes. Expected deadlines are computed here,
// independently, from the GET /calendar facts and the dispatch time the API
// returns; the server's clock is moved with `serve --test-clock`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { assertError, assertStatus, newPhone, epoch, handlerOf, pickUnits } from './_helpers.mjs';

const DAY = 86400;
const OFF = 8 * 3600;
const cityDay = (t) => Math.floor((t + OFF) / DAY);           // city days since 1970-01-01
const dayStart = (d) => d * DAY - OFF;                          // epoch of 00:00 city time
const isoDate = (d) => new Date(d * DAY * 1000).toISOString().slice(0, 10);
const dayOf = (iso) => Math.round(Date.parse(iso + 'T00:00:00Z') / 1000 / DAY);
const cityTime = (iso) => Date.parse(iso + '+08:00') / 1000;    // '2027-02-09T10:00:00'

// An independent model of the calendar (weekdays ± exceptions).
class Cal {
  constructor(days) { this.m = new Map(days.map((x) => [x.date, x.kind])); }
  isWork(d) {
    const k = this.m.get(isoDate(d));
    if (k) return k === 'workday';
    const w = (d + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    return w !== 0 && w !== 6;
  }
  // end (24:00 city time) of the n-th working day after t's city day
  after(t, n) {
    let d = cityDay(t);
    while (n > 0) { d++; if (this.isWork(d)) n--; }
    return dayStart(d + 1);
  }
  // the instant from which fewer than n whole working days remain before the day-aligned deadline due
  lastN(due, n) {
    let d = cityDay(due - 1), seen = 0;
    for (;;) { if (this.isWork(d)) seen++; if (seen === n) return dayStart(d); d--; }
  }
}

async function harness(opts = {}) {
  const srv = await startServer({ seed: 'org', ...opts });
  const tokens = new Map();
  const t = {
    srv,
    async tok(u) { if (!tokens.has(u)) tokens.set(u, (await srv.login(u)).token); return tokens.get(u); },
    async api(u, method, path, body) { return srv.api(method, path, body, u ? await t.tok(u) : null); },
    async ok(u, id, action, body = {}) {
      return assertStatus(await t.api(u, 'POST', `/api/v1/cases/${id}/${action}`, body), 200, `${action} by ${u}`);
    },
    act: (u, id, action, body = {}) => t.api(u, 'POST', `/api/v1/cases/${id}/${action}`, body),
    async create(over = {}) {
      const body = { channel: 'phone', type: 'complain', urgency: 'normal', content: '小区供暖温度不达标，室内只有十五度。',
        citizen: { name: '王先生', phone: newPhone(), anonymous: false, confidential: false }, ...over };
      return assertStatus(await t.api('agent', 'POST', '/api/v1/cases', body), 201, 'create');
    },
    async dispatched(over = {}) {
      const c = await t.create(over);
      return t.ok('dispatcher', c.id, 'dispatch', { lead_unit_id: t.org.lead.id });
    },
    async calendar(years) {
      const days = [];
      for (const y of years) days.push(...assertStatus(await t.api('admin', 'GET', `/api/v1/calendar/${y}`), 200, `calendar ${y}`).days);
      return new Cal(days);
    },
    async now() {
      return assertStatus(await t.api('admin', 'POST', '/api/v1/test/clock', { advance_seconds: 0 }), 200, 'clock').now_epoch;
    },
    // moves the server clock forward to `target` (epoch seconds)
    async advanceTo(target) {
      for (;;) {
        const left = target - await t.now();
        if (left <= 0) return;
        assertStatus(await t.api('admin', 'POST', '/api/v1/test/clock', { advance_seconds: Math.min(left, 400 * DAY) }), 200, 'advance');
        tokens.clear(); // sessions expire as the clock moves: log in again
      }
    },
  };
  t.org = pickUnits(assertStatus(await t.api('dispatcher', 'GET', '/api/v1/units'), 200, 'units').items);
  return t;
}

const DEFAULT_RULES = (r) => r.items.map(({ id, category, ...x }) => x);

describe('calendar API', () => {
  let t;
  before(async () => { t = await harness(); });
  after(async () => { await t.srv.stop(); });

  it('GET /calendar/2026: the official schedule, readable by every staff role', async () => {
    const r = assertStatus(await t.api(handlerOf(t.org.lead), 'GET', '/api/v1/calendar/2026'), 200, 'handler reads');
    assert.equal(r.year, 2026);
    assert.equal(r.working_days, 248);
    const by = new Map(r.days.map((d) => [d.date, d]));
    assert.deepEqual(by.get('2026-02-16'), { date: '2026-02-16', kind: 'holiday', name: '春节' });
    assert.equal(by.get('2026-02-14').kind, 'workday');
    assert.equal(by.get('2026-02-28').kind, 'workday');
    assert.equal(by.get('2026-09-20').kind, 'workday');
    assert.equal(by.get('2026-10-10').kind, 'workday');
    assert.ok(r.days.every((d, i) => i === 0 || r.days[i - 1].date < d.date), 'sorted by date');
    assert.equal(assertStatus(await t.api('leader', 'GET', '/api/v1/calendar/2025'), 200).working_days, 248);
    assert.equal((await t.srv.api('GET', '/api/v1/calendar/2026')).status, 401);
    assertError(await t.api('admin', 'GET', '/api/v1/calendar/1999'), 400, 'validation_failed', 'year');
    assertError(await t.api('admin', 'GET', '/api/v1/calendar/20x6'), 400, 'validation_failed', 'year');
  });

  it('PUT /calendar/{year} replaces the year (admin only) and validates every entry', async () => {
    const body = { days: [
      { date: '2029-01-01', kind: 'holiday', name: '元旦' },
      { date: '2029-01-06', kind: 'workday', name: '调休上班' }, // a Saturday
      { date: '2029-01-02', kind: 'holiday', name: '测试' },
    ] };
    assertError(await t.api('dispatcher', 'PUT', '/api/v1/calendar/2029', body), 403, 'forbidden');
    const bad = async (days, field) => assertError(await t.api('admin', 'PUT', '/api/v1/calendar/2029', { days }), 400, 'validation_failed', field);
    await bad([{ date: '2030-01-01', kind: 'holiday', name: 'x' }], 'days[0].date');
    await bad([{ date: '2029-02-30', kind: 'holiday', name: 'x' }], 'days[0].date');
    await bad([{ date: '2029/01/01', kind: 'holiday', name: 'x' }], 'days[0].date');
    await bad([{ date: '2029-01-01', kind: 'weekend', name: 'x' }], 'days[0].kind');
    await bad([{ date: '2029-01-01', kind: 'holiday', name: '一'.repeat(51) }], 'days[0].name');
    await bad([{ date: '2029-01-01', kind: 'holiday' }], 'days[0].name');
    await bad([{ date: '2029-01-01', kind: 'holiday', name: 'a' }, { date: '2029-01-01', kind: 'workday', name: 'b' }], 'days[1].date');
    await bad([{ date: '2029-01-01', kind: 'holiday', name: 'a', extra: 1 }], 'days[0].extra');
    await bad('x', 'days');
    const before_ = assertStatus(await t.api('admin', 'GET', '/api/v1/calendar/2029'), 200);
    assert.deepEqual(before_.days, [], 'nothing half-written by the failures');
    assert.equal(before_.working_days, 261, '2029 without exceptions: Monday–Friday');

    const r = assertStatus(await t.api('admin', 'PUT', '/api/v1/calendar/2029', body), 200, 'PUT');
    assert.deepEqual(r.days.map((d) => d.date), ['2029-01-01', '2029-01-02', '2029-01-06']);
    assert.equal(r.working_days, 261 - 2 + 1);
    // a second PUT replaces, not merges
    const r2 = assertStatus(await t.api('admin', 'PUT', '/api/v1/calendar/2029', { days: [{ date: '2029-05-01', kind: 'holiday', name: '劳动节' }] }), 200);
    assert.deepEqual(r2.days.map((d) => d.date), ['2029-05-01']);
    assert.deepEqual(assertStatus(await t.api('agent', 'GET', '/api/v1/calendar/2029'), 200).days, r2.days);
    // other years untouched
    assert.equal(assertStatus(await t.api('admin', 'GET', '/api/v1/calendar/2026'), 200).working_days, 248);
  });

  it('POST /calendar/import reads an .ics file: folded lines, DTEND exclusive, 班 = working day; dry run; malformed → 400 naming the line', async () => {
    const ics = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//CN',
      'BEGIN:VEVENT', 'UID:a', 'DTSTART;VALUE=DATE:20300203', 'DTEND;VALUE=DATE:20300210', 'SUMMARY:春', ' 节', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:b', 'DTSTART;VALUE=DATE:20300202', 'SUMMARY:春节补班', 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n');
    assertError(await t.api('supervisor', 'POST', '/api/v1/calendar/import', { ics }), 403, 'forbidden');
    assertStatus(await t.api('admin', 'PUT', '/api/v1/calendar/2030', { days: [{ date: '2030-10-01', kind: 'holiday', name: '国庆节' }] }), 200);

    const dry = assertStatus(await t.api('admin', 'POST', '/api/v1/calendar/import', { ics, dry_run: true }), 200, 'dry run');
    assert.equal(dry.dry_run, true);
    assert.equal(dry.imported_days, 8);
    assert.deepEqual(dry.years.map((y) => y.year), [2030]);
    assert.deepEqual(dry.years[0].days.map((d) => d.date), ['2030-02-02', '2030-02-03', '2030-02-04', '2030-02-05', '2030-02-06', '2030-02-07', '2030-02-08', '2030-02-09']);
    assert.deepEqual(assertStatus(await t.api('admin', 'GET', '/api/v1/calendar/2030'), 200).days.map((d) => d.date), ['2030-10-01'], 'a dry run stores nothing');

    // merge keeps the other dates of the year
    const m = assertStatus(await t.api('admin', 'POST', '/api/v1/calendar/import', { ics, mode: 'merge' }), 200, 'merge');
    assert.equal(m.years[0].days.length, 9);
    const by = new Map(m.years[0].days.map((d) => [d.date, d]));
    assert.deepEqual(by.get('2030-02-05'), { date: '2030-02-05', kind: 'holiday', name: '春节' }, 'folded SUMMARY unfolded');
    assert.equal(by.get('2030-02-02').kind, 'workday');
    assert.ok(!by.has('2030-02-10'), 'DTEND is exclusive');
    // replace (the default) drops the year's other dates
    const rep = assertStatus(await t.api('admin', 'POST', '/api/v1/calendar/import', { ics }), 200, 'replace');
    assert.equal(rep.years[0].days.length, 8);
    assert.deepEqual(assertStatus(await t.api('admin', 'GET', '/api/v1/calendar/2030'), 200), rep.years[0]);

    const bad = ics.replace('DTSTART;VALUE=DATE:20300202', 'DTSTART;VALUE=DATE:2030022');
    const e = await t.api('admin', 'POST', '/api/v1/calendar/import', { ics: bad });
    assertError(e, 400, 'validation_failed', 'ics');
    assert.match(e.body.error.message, /line 13/);
    assertError(await t.api('admin', 'POST', '/api/v1/calendar/import', { ics: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }), 400, 'validation_failed', 'ics');
    assertError(await t.api('admin', 'POST', '/api/v1/calendar/import', {}), 400, 'validation_failed', 'ics');
    assertError(await t.api('admin', 'POST', '/api/v1/calendar/import', { ics, mode: 'append' }), 400, 'validation_failed', 'mode');
    assert.equal(assertStatus(await t.api('admin', 'GET', '/api/v1/calendar/2030'), 200).days.length, 8, 'failed imports change nothing');
  });
});

describe('time-limit rules', () => {
  let t;
  before(async () => { t = await harness(); });
  after(async () => { await t.srv.stop(); });

  it('GET /time-limits: the seeded defaults', async () => {
    const r = assertStatus(await t.api(handlerOf(t.org.lead), 'GET', '/api/v1/time-limits'), 200, 'handler reads');
    const find = (type, urgency) => r.items.find((x) => x.type === type && x.urgency === urgency && x.category_id === null);
    for (const [type, n] of [['consult', 3], ['help', 5], ['complain', 10], ['report', 10], ['suggest', 15]]) {
      assert.equal(find(type, null).handle_limit, n, type);
      assert.equal(find(type, null).handle_unit, 'working_days', type);
    }
    assert.deepEqual({ ...find(null, 'urgent'), id: 0 }, { id: 0, type: null, urgency: 'urgent', category_id: null, category: null, sign_limit: 1, sign_unit: 'working_days', handle_limit: 24, handle_unit: 'natural_hours', return_window: 1, reopen_window: 15 });
    assert.equal(find(null, 'emergency').sign_limit, 30);
    assert.equal(find(null, 'emergency').sign_unit, 'natural_minutes');
    assert.equal(find(null, 'emergency').handle_limit, 2);
    assert.ok(find(null, null), 'a wildcard default');
  });

  it('PUT /time-limits validates; a new rule affects only cases dispatched afterwards', async () => {
    const cur = DEFAULT_RULES(assertStatus(await t.api('admin', 'GET', '/api/v1/time-limits'), 200));
    const bad = async (rules, field) => assertError(await t.api('admin', 'PUT', '/api/v1/time-limits', { rules }), 400, 'validation_failed', field);
    assertError(await t.api('supervisor', 'PUT', '/api/v1/time-limits', { rules: cur }), 403, 'forbidden');
    await bad(cur.filter((x) => x.type || x.urgency), 'rules');                       // no wildcard
    await bad([...cur, cur[1]], `rules[${cur.length}]`);                              // duplicate key
    await bad([{ ...cur[0], handle_unit: 'days' }], 'rules[0].handle_unit');
    await bad([{ ...cur[0], handle_limit: 61 }], 'rules[0].handle_limit');           // > 60 working days
    await bad([{ ...cur[0], sign_limit: 0 }], 'rules[0].sign_limit');
    await bad([{ ...cur[0], type: 'gossip' }], 'rules[0].type');
    await bad([{ ...cur[0], urgency: 'asap' }], 'rules[0].urgency');
    await bad([{ ...cur[0], return_window: 0 }], 'rules[0].return_window');
    await bad([cur[0], { ...cur[0], type: 'help', category_id: 999999 }], 'rules[1].category_id');
    await bad([], 'rules');

    const before_ = await t.dispatched({ type: 'complain' });
    const cal = await t.calendar([2026, 2027, 2028]);
    assert.equal(epoch(before_.deadline), cal.after(epoch(before_.dispatched_at), 10), 'complain: 10 working days');
    assert.equal(epoch(before_.sign_deadline), cal.after(epoch(before_.dispatched_at), 1), 'sign: 1 working day');

    const cats = assertStatus(await t.api('admin', 'GET', '/api/v1/categories'), 200).items;
    const child = cats.find((c) => c.parent_id && cats.some((p) => p.id === c.parent_id));
    const rules = cur.map((x) => (x.type === 'complain' && !x.urgency ? { ...x, handle_limit: 2 } : x));
    rules.push({ type: null, urgency: null, category_id: child.parent_id, sign_limit: 1, sign_unit: 'working_days', handle_limit: 4, handle_unit: 'working_days', return_window: 1, reopen_window: 15 });
    const put = assertStatus(await t.api('admin', 'PUT', '/api/v1/time-limits', { rules }), 200, 'PUT rules');
    assert.equal(put.items.length, rules.length);
    const catRule = put.items.find((x) => x.category_id === child.parent_id);
    assert.equal(catRule.category.id, child.parent_id);

    const later = await t.dispatched({ type: 'complain' });
    assert.equal(epoch(later.deadline), cal.after(epoch(later.dispatched_at), 2), 'the new complain rule applies');
    const again = assertStatus(await t.api('dispatcher', 'GET', `/api/v1/cases/${before_.id}`), 200);
    assert.equal(again.deadline, before_.deadline, 'the earlier case keeps its deadline');
    assert.equal(again.assignments[0].deadline, before_.deadline);
    // RULE tl-specificity: the parent category's rule covers its child and beats the type rule …
    const inCat = await t.dispatched({ type: 'complain', category_code: child.code });
    assert.equal(epoch(inCat.deadline), cal.after(epoch(inCat.dispatched_at), 4), 'category beats type');
    // … and urgency beats the category
    const urgent = await t.dispatched({ type: 'complain', urgency: 'emergency', category_code: child.code });
    assert.equal(epoch(urgent.deadline) - epoch(urgent.dispatched_at), 2 * 3600, 'urgency beats category');
  });

  it('extension limits follow --extension-max-count and --extension-max-days', async () => {
    const u = await harness({ args: ['--extension-max-count', '1', '--extension-max-days', '5'] });
    try {
      const c = await u.dispatched({ type: 'suggest' });
      const LH = handlerOf(u.org.lead);
      assertError(await u.act(LH, c.id, 'request_extension', { days: 6, reason: '需要更多时间' }), 400, 'validation_failed', 'days');
      const r = await u.ok(LH, c.id, 'request_extension', { days: 5, reason: '需要更多时间' });
      const cal = await u.calendar([2026, 2027, 2028]);
      const d = await u.ok('dispatcher', c.id, 'decide_extension', { extension_id: r.extensions[0].id, approve: true });
      assert.equal(epoch(d.deadline), cal.after(epoch(c.deadline) - 1, 5), 'moved by 5 working days');
      assertError(await u.act(LH, c.id, 'request_extension', { days: 1, reason: '再次' }), 409, 'invalid_transition', undefined, 'a 2nd request with max 1');
    } finally { await u.srv.stop(); }
  });
});

describe('deadlines on the clock (serve --test-clock)', () => {
  let t, cal, Y;
  before(async () => {
    t = await harness({ args: ['--test-clock'] });
    Y = Number(isoDate(cityDay(await t.now())).slice(0, 4)) + 1;
    // Next year's schedule, as an admin would enter it: a week of holidays
    // from the 10th of February and the Saturday or Sunday before as a make-up day.
    const hol = [];
    for (let d = dayOf(`${Y}-02-10`); d < dayOf(`${Y}-02-17`); d++) hol.push({ date: isoDate(d), kind: 'holiday', name: '春节' });
    let mk = dayOf(`${Y}-02-09`);
    while ((mk + 4) % 7 !== 6 && (mk + 4) % 7 !== 0) mk--;
    hol.push({ date: isoDate(mk), kind: 'workday', name: '春节调休上班' });
    assertStatus(await t.api('admin', 'PUT', `/api/v1/calendar/${Y}`, { days: hol }), 200, 'PUT next year');
    cal = await t.calendar([Y - 1, Y, Y + 1]);
  });
  after(async () => { await t.srv.stop(); });

  it('a complain case dispatched before the holiday week has the deadline the calendar gives', async () => {
    await t.advanceTo(cityTime(`${Y}-02-09T10:00:00`));
    const c = await t.dispatched({ type: 'complain' });
    const at = epoch(c.dispatched_at);
    assert.ok(Math.abs(at - cityTime(`${Y}-02-09T10:00:00`)) < 120, 'dispatched on the 9th');
    assert.equal(epoch(c.deadline), cal.after(at, 10));
    // the holiday week is skipped: 10 working days take more than 14 calendar days
    assert.ok(epoch(c.deadline) - dayStart(cityDay(at)) > 16 * DAY, 'the holidays do not count');
    assert.equal(epoch(c.sign_deadline), cal.after(at, 1));
  });

  it('23:59 and 00:01 city time: the deadline moves by one working day', async () => {
    // a Wednesday in March of year Y, so the next days are ordinary working days
    let d = dayOf(`${Y}-03-01`);
    while ((d + 4) % 7 !== 3) d++;
    await t.advanceTo(dayStart(d + 1) - 60); // 23:59
    const a = await t.dispatched({ type: 'consult' });
    await t.advanceTo(dayStart(d + 1) + 60); // 00:01
    const b = await t.dispatched({ type: 'consult' });
    assert.equal(cityDay(epoch(a.dispatched_at)), d, 'a: still the Wednesday');
    assert.equal(cityDay(epoch(b.dispatched_at)), d + 1, 'b: the Thursday');
    assert.equal(epoch(a.deadline), cal.after(epoch(a.dispatched_at), 3));
    assert.equal(epoch(b.deadline), cal.after(epoch(b.dispatched_at), 3));
    assert.equal(epoch(a.deadline), dayStart(d + 4) + 2 * DAY, 'a: Thu, Fri, Mon → end of Monday');
    assert.equal(epoch(b.deadline), epoch(a.deadline) + DAY, 'b: one working day later');
  });

  it('RULE extension-2wd: allowed a minute before the last 2 working days, refused a minute into them; approval adds working days', async () => {
    const x = await t.dispatched({ type: 'help' });
    const y = await t.dispatched({ type: 'help' });
    assert.equal(x.deadline, y.deadline);
    const due = epoch(x.deadline);
    const boundary = cal.lastN(due, 2);
    const LH = handlerOf(t.org.lead);
    await t.advanceTo(boundary - 60);
    const r = await t.ok(LH, x.id, 'request_extension', { days: 3, reason: '需现场勘查' });
    assert.equal(r.extensions[0].status, 'pending');
    await t.advanceTo(boundary + 60);
    const late = await t.act(LH, y.id, 'request_extension', { days: 3, reason: '需现场勘查' });
    assertError(late, 409, 'invalid_transition', undefined, 'a minute too late');
    assert.match(late.body.error.message, /2 working days/);
    const d = await t.ok('supervisor', x.id, 'decide_extension', { extension_id: r.extensions[0].id, approve: true, note: '同意' });
    assert.equal(epoch(d.deadline), cal.after(due - 1, 3), '3 working days after the old deadline');
    assert.equal(d.extensions[0].new_deadline, d.deadline);
  });

  it('the return window is 1 working day after dispatch (from the rules)', async () => {
    const c = await t.dispatched({ type: 'complain' });
    const until = cal.after(epoch(c.dispatched_at), 1);
    const other = await t.dispatched({ type: 'complain' });
    await t.advanceTo(until - 120);
    assertStatus(await t.act(handlerOf(t.org.lead), c.id, 'return', { reason: '不属于本单位' }), 200, 'within the window');
    await t.advanceTo(until + 60);
    assertError(await t.act(handlerOf(t.org.lead), other.id, 'return', { reason: '不属于本单位' }), 409, 'invalid_transition', undefined, 'after the window');
  });
});
