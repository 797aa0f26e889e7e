// The audit log (docs/audit.md): what is recorded (logins, logouts, case
// intake and actions, views of a citizen's full personal data), what is not
// (failed actions, masked views, personal data values), the API's filters,
// and `hotline audit verify` on an intact and on a tampered chain.
// RULE audit-personal-data-view, RULE audit-no-personal-data, RULE audit-chain.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BINARY } from '../lib/server.mjs';
import { setup, handlerOf, adminOf, assertStatus, assertError, newPhone, sleep } from './_helpers.mjs';

let t;
const NAME = '刘女士';
const ADDRESS = '太和区凌西大街12号';

// All entries matching a query string (newest first).
async function entries(qs = '', who = 'admin') {
  const r = assertStatus(await t.get(who, `/api/v1/audit?per_page=200${qs ? '&' + qs : ''}`), 200, `audit ${qs}`);
  return r.items;
}
const ofCase = (id, kind) => entries(`case=${id}${kind ? '&kind=' + kind : ''}`);
const verify = (db) => spawnSync(BINARY, ['audit', 'verify', '--db', db], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
const sql = (db, text) => {
  const r = spawnSync('sqlite3', [db], { input: `.timeout 5000\n${text}\n`, encoding: 'utf8' });
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  return r.stdout.trim();
};

before(async () => { t = await setup(); });
after(async () => { await t?.srv.stop(); });

describe('what the log records', () => {
  it('logins that succeed and fail, and logouts, with the client address', async () => {
    const ok = await t.srv.login('supervisor');
    const bad = await t.srv.api('POST', '/api/v1/auth/login', { username: 'supervisor', password: 'wrong-password-1' });
    assert.equal(bad.status, 401);
    const typo = 'nosuchuser-Secret123';
    assert.equal((await t.srv.api('POST', '/api/v1/auth/login', { username: typo, password: 'x' })).status, 401);
    assertStatus(await t.srv.api('POST', '/api/v1/auth/logout', {}, ok.token), 200, 'logout');

    const log = await entries('from=' + encodeURIComponent(new Date(Date.now() - 60000).toISOString()));
    const mine = log.filter((x) => x.target?.type === 'user' && x.target.id === ok.user.id);
    const okEntry = mine.find((x) => x.kind === 'login_ok');
    assert.ok(okEntry, 'login_ok');
    assert.equal(okEntry.actor.username, 'supervisor');
    assert.equal(okEntry.actor.role, 'supervisor');
    assert.equal(okEntry.client_ip, '127.0.0.1');
    const failed = mine.find((x) => x.kind === 'login_failed');
    assert.ok(failed, 'login_failed of a known account names the account');
    assert.deepEqual(failed.detail, { user_known: true });
    assert.equal(failed.actor, null);
    const logout = mine.find((x) => x.kind === 'logout');
    assert.ok(logout && logout.actor.id === ok.user.id, 'logout');
    const unknown = log.find((x) => x.kind === 'login_failed' && x.detail.user_known === false);
    assert.ok(unknown, 'a failed login of an unknown name is recorded');
    assert.equal(unknown.target.id, null);
    assert.ok(!JSON.stringify(log).includes(typo), 'what was typed as a username is not stored (it may be a password)');
  });

  it('case intake and every action, in the action\'s own transaction; failed actions leave nothing', async () => {
    const { lead } = t.org;
    const c = await t.dispatched(lead);
    await t.ok(handlerOf(lead), c.id, 'sign');
    const before403 = (await ofCase(c.id, 'case_action')).length;
    assertError(await t.act(handlerOf(lead), c.id, 'close', { reason: 'x' }), 403, 'forbidden');
    assertError(await t.act('dispatcher', c.id, 'accept', {}), 409, 'invalid_transition');
    assertError(await t.act(handlerOf(lead), c.id, 'reply', {}), 400, 'validation_failed');
    const acts = await ofCase(c.id, 'case_action');
    assert.equal(acts.length, before403, 'refused actions are not recorded (they changed nothing)');
    assert.deepEqual(acts.map((x) => x.detail.action), ['sign', 'dispatch'], 'newest first');
    assert.deepEqual(acts[1].detail, { action: 'dispatch', from: 'accepted', to: 'dispatched' });
    assert.equal(acts[0].actor.username, handlerOf(lead));
    assert.equal(acts[0].case.case_no, c.case_no);
    const created = await ofCase(c.case_no, 'case_create');
    assert.equal(created.length, 1, 'case given by its case_no');
    assert.deepEqual(created[0].detail, { channel: 'phone', status: 'accepted' });
    assert.equal(created[0].actor.username, 'agent');
    // one audit entry per timeline event
    const detail = await t.getCase('dispatcher', c.id);
    assert.equal(created.length + acts.length, detail.events.length);
  });

  it('RULE audit-personal-data-view: a view of the full identity is recorded; a masked one is not', async () => {
    const { lead } = t.org;
    const c = await t.dispatched(lead, [], { citizen: { name: NAME, phone: newPhone(), confidential: false } });
    const cf = await t.dispatched(lead, [], { citizen: { name: NAME, phone: newPhone(), confidential: true } });
    const viewsOf = async (id) => (await ofCase(id, 'personal_data_view'));
    const n0 = (await viewsOf(c.id)).length; // the responses to create and dispatch were views too

    await t.getCase(handlerOf(lead), c.id);
    let v = await viewsOf(c.id);
    assert.equal(v.length, n0 + 1, 'the handling unit\'s view');
    assert.equal(v[0].actor.username, handlerOf(lead));
    assert.equal(v[0].client_ip, '127.0.0.1');
    assert.deepEqual(v[0].detail, { fields: ['name', 'phone'] });
    assert.equal(v[0].target.type, 'case');
    assert.equal(v[0].case.id, c.id);

    await t.getCase('leader', c.id);                  // masked
    await t.get('leader', '/api/v1/cases?per_page=5'); // lists are masked
    assert.equal((await viewsOf(c.id)).length, n0 + 1, 'masked views are not personal-data views');

    const m0 = (await viewsOf(cf.id)).length;
    await t.getCase(adminOf(lead), cf.id);            // 保密 to the unit
    assert.equal((await viewsOf(cf.id)).length, m0, 'a withheld identity was not seen');
    await t.getCase('supervisor', cf.id);
    const w = await viewsOf(cf.id);
    assert.equal(w.length, m0 + 1);
    assert.equal(w[0].actor.username, 'supervisor');
  });

  it('RULE audit-no-personal-data: entries hold ids, never the citizen\'s name, phone or address', async () => {
    const phone = newPhone();
    const c = await t.createCase({ address: ADDRESS, citizen: { name: NAME, phone } });
    await t.ok('agent', c.id, 'note', { text: `已回电 ${phone}` });
    await t.getCase('dispatcher', c.id);
    const all = JSON.stringify(await ofCase(c.id));
    for (const v of [NAME, phone, phone.slice(-4), ADDRESS, '已回电']) assert.ok(!all.includes(v), `audit holds '${v}'`);
  });
});

describe('changes to the organisation and settings', () => {
  it('a unit change is recorded with the fields that changed, not their values, in the change\'s transaction', async () => {
    const unit = t.org.third;
    const contact = '值班室 0416-1234567';
    assertStatus(await t.api('admin', 'PATCH', `/api/v1/units/${unit.id}`, { contact }), 200, 'PATCH unit');
    const e = (await entries('kind=unit_change'))[0];
    assert.ok(e, 'unit_change');
    assert.deepEqual(e.detail, { op: 'update', fields: ['contact'] });
    assert.deepEqual(e.target, { type: 'unit', id: unit.id });
    assert.equal(e.actor.username, 'admin');
    assert.ok(!JSON.stringify(e).includes('1234567'));
    // a refused change leaves no entry
    const n = (await entries('kind=unit_change')).length;
    assert.ok((await t.api('admin', 'PATCH', `/api/v1/units/${unit.id}`, { parent_id: unit.id })).status >= 400);
    assert.equal((await entries('kind=unit_change')).length, n);
  });
});

describe('GET /api/v1/audit', () => {
  it('filters by user, kind and time; pages newest first', async () => {
    const me = await t.srv.login('dispatcher');
    const mine = await entries(`user_id=${me.user.id}`);
    assert.ok(mine.length > 0 && mine.every((x) => x.actor.id === me.user.id));
    const kinds = await entries('kind=login_ok');
    assert.ok(kinds.length > 0 && kinds.every((x) => x.kind === 'login_ok'));
    const seqs = (await entries()).map((x) => x.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
    const p1 = assertStatus(await t.get('admin', '/api/v1/audit?per_page=2&page=1'), 200, 'p1');
    const p2 = assertStatus(await t.get('admin', '/api/v1/audit?per_page=2&page=2'), 200, 'p2');
    assert.equal(p1.items.length, 2);
    assert.ok(p1.items[1].seq > p2.items[0].seq);
    assert.equal(p1.total, p2.total);
    await sleep(1100);
    const future = await entries('from=' + encodeURIComponent(new Date(Date.now() + 3600e3).toISOString()));
    assert.equal(future.length, 0);
    assert.equal((await entries('case=JZ20000101999999')).length, 0, 'an unknown case has no entries');
    assertError(await t.get('admin', '/api/v1/audit?kind=coffee'), 400, 'validation_failed', 'kind');
    assertError(await t.get('admin', '/api/v1/audit?from=2026-02-01&to=2026-01-01'), 400, 'validation_failed', 'to');
    assertError(await t.get('admin', '/api/v1/audit?per_page=201'), 400, 'validation_failed', 'per_page');
  });

  it('admins and supervisors read it; nobody else', async () => {
    for (const who of ['admin', 'supervisor']) assertStatus(await t.get(who, '/api/v1/audit'), 200, who);
    for (const who of ['agent', 'dispatcher', 'leader', handlerOf(t.org.lead), adminOf(t.org.lead)])
      assertError(await t.get(who, '/api/v1/audit'), 403, 'forbidden', undefined, who);
    assertError(await t.get(null, '/api/v1/audit'), 401, 'unauthorized');
  });

  it('entries chain: each names the hash of the one before', async () => {
    const all = (await entries()).reverse();
    for (let i = 1; i < all.length; i++) {
      if (all[i].seq !== all[i - 1].seq + 1) continue; // a page boundary
      assert.equal(all[i].prev_hash, all[i - 1].hash, `seq ${all[i].seq}`);
    }
  });
});

describe('hotline audit verify', () => {
  it('RULE audit-chain: ok on the live log; an edited, a deleted or a reordered row is found', async () => {
    const db = t.srv.db;
    await t.createCase();
    let r = verify(db);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const n = Number(sql(db, 'SELECT COUNT(*) FROM audit_log;'));
    assert.match(r.stdout, new RegExp(`^ok ${n} entries$`, 'm'));

    // an edited row: who did it is changed
    sql(db, "CREATE TABLE keep3 AS SELECT actor_name FROM audit_log WHERE seq = 3; UPDATE audit_log SET actor_name = 'somebody' WHERE seq = 3;");
    r = verify(db);
    assert.equal(r.status, 1, 'tampering exits 1');
    assert.match(r.stdout, /broken at row id \d+ seq 3: .*edited/);
    sql(db, 'UPDATE audit_log SET actor_name = (SELECT actor_name FROM keep3) WHERE seq = 3; DROP TABLE keep3;');
    assert.equal(verify(db).status, 0, 'restored');

    // reordered: rows 4 and 5 swap places
    sql(db, 'UPDATE audit_log SET seq = -4 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = -4;');
    r = verify(db);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /seq 4: .*prev_hash/);
    sql(db, 'UPDATE audit_log SET seq = -4 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = -4;');
    assert.equal(verify(db).status, 0, 'restored');

    // deleted: a row in the middle, then the last one
    sql(db, 'CREATE TABLE keep AS SELECT * FROM audit_log WHERE seq = 2; DELETE FROM audit_log WHERE seq = 2;');
    r = verify(db);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /seq 3: .*deleted/);
    sql(db, 'INSERT INTO audit_log SELECT * FROM keep; DROP TABLE keep;');
    assert.equal(verify(db).status, 0, 'restored');
    sql(db, 'DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log);');
    r = verify(db);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /head/);
  });
});
