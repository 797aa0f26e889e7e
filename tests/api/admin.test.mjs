// Administration: units (create, move a subtree, hotlines, deactivate, delete),
// users (admin and unit_admin scope, disable, password reset), categories, and
// the `hotline user` command. Rules are quoted from src/org/admin.h.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { setup, assertError, assertStatus, handlerOf } from './_helpers.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BINARY, DEMO_PASSWORD } from '../lib/server.mjs';

const NEW_PW = 'Winter-Heat-2026';

describe('admin: units, users, categories', () => {
  let t;
  before(async () => { t = await setup(); });
  after(async () => { await t.srv.stop(); });

  const units = async () => assertStatus(await t.get('admin', '/api/v1/units'), 200, 'units').items;
  const unitById = async (id) => (await units()).find((u) => u.id === id);
  let seq = 0;
  const code = (p = 'u') => `${p}${Date.now().toString(36)}${++seq}`;
  const newUnit = async (parent, over = {}) => assertStatus(await t.post('admin', '/api/v1/units',
    { parent_id: parent.id, code: code(), name: `测试单位${seq}`, kind: 'street', ...over }), 201, 'create unit');
  const patch = (user, path, body) => t.api(user, 'PATCH', path, body);

  it('RULE unit-move: create a unit and a child, move the subtree; paths follow', async () => {
    const { district, district2 } = t.org;
    const a = await newUnit(district, { kind: 'street', contact: '张主任', phone: '0416-1234567',
      hotlines: [{ number: '0416-7654321', note: '原便民热线' }, { number: '96123' }] });
    assert.equal(a.path, `${district.path}${a.id}/`);
    assert.equal(a.parent_id, district.id);
    assert.equal(a.active, true);
    assert.deepEqual(a.hotlines, [{ number: '0416-7654321', note: '原便民热线' }, { number: '96123', note: null }]);
    const b = await newUnit(a, { kind: 'company' });
    assert.equal(b.path, `${a.path}${b.id}/`);

    const moved = assertStatus(await patch('admin', `/api/v1/units/${a.id}`, { parent_id: district2.id }), 200, 'move');
    assert.equal(moved.path, `${district2.path}${a.id}/`);
    assert.equal(moved.parent_id, district2.id);
    const b2 = await unitById(b.id);
    assert.equal(b2.path, `${district2.path}${a.id}/${b.id}/`, 'the child moved with its parent');
    // the list carries hotlines and contact for every unit, and keeps the old fields
    const listed = await unitById(a.id);
    assert.deepEqual(listed.hotlines.map((h) => h.number), ['0416-7654321', '96123']);
    assert.equal(listed.contact, '张主任');
    for (const k of ['id', 'parent_id', 'code', 'name', 'kind', 'path', 'active', 'phone', 'district_code'])
      assert.ok(k in listed, `units list keeps ${k}`);

    // never under itself or a descendant
    assertError(await patch('admin', `/api/v1/units/${a.id}`, { parent_id: b.id }), 400, 'validation_failed', 'parent_id');
    assertError(await patch('admin', `/api/v1/units/${a.id}`, { parent_id: a.id }), 400, 'validation_failed', 'parent_id');
    assert.equal((await unitById(b.id)).path, `${district2.path}${a.id}/${b.id}/`, 'a refused move changes nothing');

    // a unit handler of the moved subtree is now seen by the new district's admin
    const hUser = assertStatus(await t.post('admin', '/api/v1/users',
      { username: `${b.code}.h1`, name: '新人', role: 'handler', unit_id: b.id, password: NEW_PW }), 201, 'user in b');
    const seen = assertStatus(await t.get(`${district2.code}.admin`, `/api/v1/users?unit_id=${b.id}`), 200, 'list');
    assert.deepEqual(seen.items.map((u) => u.id), [hUser.id]);
    const notSeen = assertStatus(await t.get(`${district.code}.admin`, `/api/v1/users?unit_id=${b.id}`), 200, 'list');
    assert.equal(notSeen.total, 0, 'the old district no longer sees it');

    // rename, change kind and code
    const ren = assertStatus(await patch('admin', `/api/v1/units/${b.id}`, { name: '改名单位', kind: 'street', code: code('r') }), 200, 'rename');
    assert.equal(ren.name, '改名单位');
    assert.equal(ren.kind, 'street');
  });

  it('unit input is validated; codes and hotline numbers are unique', async () => {
    const { district } = t.org;
    assertError(await t.post('admin', '/api/v1/units', { parent_id: district.id, code: 'x y', name: 'n', kind: 'street' }), 400, 'validation_failed', 'code');
    assertError(await t.post('admin', '/api/v1/units', { parent_id: district.id, code: code(), name: 'n', kind: 'platform' }), 400, 'validation_failed', 'kind');
    assertError(await t.post('admin', '/api/v1/units', { parent_id: 999999, code: code(), name: 'n', kind: 'street' }), 400, 'validation_failed', 'parent_id');
    assertError(await t.post('admin', '/api/v1/units', { parent_id: district.id, code: t.org.lead.code, name: 'n', kind: 'street' }), 409, 'conflict', 'code');
    assertError(await t.post('admin', '/api/v1/units', { parent_id: district.id, code: code(), name: 'n', kind: 'street', colour: 1 }), 400, 'validation_failed');
    assertError(await t.post('admin', '/api/v1/units', { parent_id: district.id, code: code(), name: 'n', kind: 'street', hotlines: [{ number: 'abc' }] }), 400, 'validation_failed', 'hotlines');
    const a = await newUnit(district, { hotlines: [{ number: '0416-5550001' }] });
    const b = await newUnit(district);
    assertError(await patch('admin', `/api/v1/units/${b.id}`, { hotlines: [{ number: '0416-5550001' }] }), 409, 'conflict', 'hotlines');
    // replacing a unit's list frees its numbers
    assertStatus(await patch('admin', `/api/v1/units/${a.id}`, { hotlines: [] }), 200, 'clear');
    const b2 = assertStatus(await patch('admin', `/api/v1/units/${b.id}`, { hotlines: [{ number: '0416-5550001', note: '转入' }] }), 200, 'take over');
    assert.deepEqual(b2.hotlines, [{ number: '0416-5550001', note: '转入' }]);
    // only admins write units
    assertError(await t.post(`${district.code}.admin`, '/api/v1/units', { parent_id: district.id, code: code(), name: 'n', kind: 'street' }), 403, 'forbidden');
    assertError(await patch('dispatcher', `/api/v1/units/${a.id}`, { name: 'x' }), 403, 'forbidden');
    assertError(await patch('admin', '/api/v1/units/999999', { name: 'x' }), 404, 'not_found');
  });

  it('RULE unit-deactivate: a unit with open cases → 409; once closed it may be deactivated; RULE unit-delete', async () => {
    const { district3 } = t.org;
    const parent = t.org.district2;
    const u = await newUnit(parent, { kind: 'company' });
    const handler = assertStatus(await t.post('admin', '/api/v1/users',
      { username: `${u.code}.handler`, name: '承办人', role: 'handler', unit_id: u.id, password: NEW_PW }), 201, 'handler');
    const c = await t.createCase();
    await t.ok('dispatcher', c.id, 'dispatch', { lead_unit_id: u.id });
    const r = await patch('admin', `/api/v1/units/${u.id}`, { active: false });
    assertError(r, 409, 'conflict', 'active', 'deactivate with an open case');
    assert.match(r.body.error.message, /open case/);
    assert.equal((await unitById(u.id)).active, true, 'still active');
    // DELETE is refused for a unit with a history
    const d = await t.api('admin', 'DELETE', `/api/v1/units/${u.id}`);
    assertError(d, 409, 'conflict');
    assert.match(d.body.error.message, /never deleted/);
    // the parent with an active child cannot be deactivated either
    assertError(await patch('admin', `/api/v1/units/${parent.id}`, { active: false }), 409, 'conflict', 'active');

    // close the case: sign, reply, visit → the unit may now be deactivated
    const tok = (await t.srv.login(handler.username, NEW_PW)).token;
    assertStatus(await t.srv.api('POST', `/api/v1/cases/${c.id}/sign`, {}, tok), 200, 'sign');
    assertStatus(await t.srv.api('POST', `/api/v1/cases/${c.id}/reply`, { reply: '已处理', contacted: true, resolved: true }, tok), 200, 'reply');
    await t.ok('dispatcher', c.id, 'visit', { satisfaction: 'satisfied', resolved: true });
    const off = assertStatus(await patch('admin', `/api/v1/units/${u.id}`, { active: false }), 200, 'deactivate');
    assert.equal(off.active, false);
    assertError(await t.api('admin', 'DELETE', `/api/v1/units/${u.id}`), 409, 'conflict', undefined, 'still never deleted');
    // a fresh unit with nothing attached can be deleted
    const fresh = await newUnit(district3 ? t.org.district2 : parent);
    assertStatus(await t.api('admin', 'DELETE', `/api/v1/units/${fresh.id}`), 200, 'delete fresh');
    assert.equal(await unitById(fresh.id), undefined);
    // a unit routed to by a category cannot be deactivated
    const cu = await newUnit(parent, { kind: 'department' });
    assertStatus(await t.post('admin', '/api/v1/categories', { code: code('c'), name: '路由测试', default_unit_id: cu.id }), 201, 'category');
    assertError(await patch('admin', `/api/v1/units/${cu.id}`, { active: false }), 409, 'conflict', 'active');
  });

  it('RULE user-admin-scope: admin creates any user; unit_admin only in their subtree (403 outside)', async () => {
    const { district, street, district2, lead } = t.org;
    const dadmin = `${district.code}.admin`;
    const mk = (user, body) => t.post(user, '/api/v1/users', { name: '测试用户', password: NEW_PW, ...body });
    // admin: a platform agent
    const ag = assertStatus(await mk('admin', { username: code('ag'), role: 'agent', unit_id: (await units()).find((u) => u.kind === 'platform').id, phone: '13900001111' }), 201, 'agent');
    assert.equal(ag.role, 'agent');
    assert.equal(ag.active, true);
    assert.equal(ag.phone, '13900001111');
    assert.ok(!('password_hash' in ag) && !('password' in ag));
    assertStatus(await t.srv.api('POST', '/api/v1/auth/login', { username: ag.username, password: NEW_PW }), 200, 'new agent logs in');
    // RULE user-role-unit
    assertError(await mk('admin', { username: code('x'), role: 'agent', unit_id: lead.id }), 400, 'validation_failed', 'unit_id');
    assertError(await mk('admin', { username: code('x'), role: 'handler', unit_id: ag.unit_id }), 400, 'validation_failed', 'unit_id');
    // unit_admin: a handler on a street below the district → 201
    const h = assertStatus(await mk(dadmin, { username: code('st'), role: 'handler', unit_id: street.id }), 201, 'unit_admin in subtree');
    assert.equal(h.unit.id, street.id);
    // outside the subtree, or a platform role → 403
    assertError(await mk(dadmin, { username: code('x'), role: 'handler', unit_id: district2.id }), 403, 'forbidden', 'unit_id');
    assertError(await mk(dadmin, { username: code('x'), role: 'handler', unit_id: lead.id }), 403, 'forbidden', 'unit_id');
    assertError(await mk(dadmin, { username: code('x'), role: 'dispatcher', unit_id: street.id }), 403, 'forbidden', 'role');
    assertError(await mk(handlerOf(district), { username: code('x'), role: 'handler', unit_id: street.id }), 403, 'forbidden', undefined, 'a handler manages no users');
    // duplicate username, weak password
    assertError(await mk('admin', { username: 'AGENT', role: 'agent', unit_id: ag.unit_id }), 409, 'conflict', 'username');
    assertError(await mk('admin', { username: code('w'), role: 'agent', unit_id: ag.unit_id, password: 'password' }), 400, 'validation_failed', 'password');
    // the list: unit_admin sees only their subtree; admin sees all; filters
    const mine = assertStatus(await t.get(dadmin, '/api/v1/users?per_page=200'), 200, 'list');
    assert.ok(mine.items.length > 0);
    const paths = new Map((await units()).map((u) => [u.id, u.path]));
    assert.ok(mine.items.every((u) => paths.get(u.unit.id).startsWith(district.path)), 'only own subtree');
    assert.ok(mine.items.some((u) => u.id === h.id));
    assertError(await t.get(dadmin, `/api/v1/users/${ag.id}`), 404, 'not_found', undefined, 'users outside are invisible');
    assertStatus(await t.get(dadmin, `/api/v1/users/${h.id}`), 200, 'own user');
    const all = assertStatus(await t.get('admin', '/api/v1/users?role=agent&per_page=200'), 200, 'admin list');
    assert.ok(all.items.every((u) => u.role === 'agent'));
    assert.ok(all.items.some((u) => u.id === ag.id));
    const q = assertStatus(await t.get('admin', `/api/v1/users?q=${ag.username.slice(2)}`), 200, 'q');
    assert.deepEqual(q.items.map((u) => u.id), [ag.id]);
    const page = assertStatus(await t.get('admin', '/api/v1/users?per_page=2&page=2'), 200, 'page');
    assert.equal(page.items.length, 2);
    assert.ok(page.total > 10);
    assertError(await t.get('agent', '/api/v1/users'), 403, 'forbidden');
    // unit_admin edits their user but cannot move it out of the subtree
    assertStatus(await patch(dadmin, `/api/v1/users/${h.id}`, { name: '改名', phone: '13900002222' }), 200, 'edit');
    assertError(await patch(dadmin, `/api/v1/users/${h.id}`, { unit_id: district2.id }), 403, 'forbidden', 'unit_id');
    assertError(await patch(dadmin, `/api/v1/users/${ag.id}`, { name: 'x' }), 404, 'not_found');
  });

  it('RULE user-disable: a disabled user cannot log in and their sessions die; RULE user-self', async () => {
    const { street } = t.org;
    const u = assertStatus(await t.post('admin', '/api/v1/users', { username: code('d'), name: '将停用', role: 'handler', unit_id: street.id, password: NEW_PW }), 201, 'create');
    const a = (await t.srv.login(u.username, NEW_PW)).token;
    const b = (await t.srv.login(u.username, NEW_PW)).token;
    assertStatus(await t.srv.api('GET', '/api/v1/auth/me', undefined, a), 200, 'alive');
    const off = assertStatus(await patch('admin', `/api/v1/users/${u.id}`, { active: false }), 200, 'disable');
    assert.equal(off.active, false);
    for (const tok of [a, b]) assertError(await t.srv.api('GET', '/api/v1/auth/me', undefined, tok), 401, 'unauthorized');
    assertError(await t.srv.api('POST', '/api/v1/auth/login', { username: u.username, password: NEW_PW }), 401, 'unauthorized');
    // enabling again: login works, the old sessions stay dead
    assertStatus(await patch('admin', `/api/v1/users/${u.id}`, { active: true }), 200, 'enable');
    await t.srv.login(u.username, NEW_PW);
    assertError(await t.srv.api('GET', '/api/v1/auth/me', undefined, a), 401, 'unauthorized');
    // nobody disables themselves or changes their own role
    const me = (await t.srv.login('admin')).user;
    assertError(await patch('admin', `/api/v1/users/${me.id}`, { active: false }), 403, 'forbidden');
    assertError(await patch('admin', `/api/v1/users/${me.id}`, { role: 'agent' }), 403, 'forbidden');
    assertStatus(await patch('admin', `/api/v1/users/${me.id}`, { phone: '13900003333' }), 200, 'own phone');
  });

  it('password reset by an admin or the unit admin: the new password works, old sessions and password do not', async () => {
    const { district, street } = t.org;
    const u = assertStatus(await t.post('admin', '/api/v1/users', { username: code('p'), name: '重置', role: 'handler', unit_id: street.id, password: NEW_PW }), 201, 'create');
    const old = (await t.srv.login(u.username, NEW_PW)).token;
    const pw2 = 'Spring-Water-88';
    assertError(await t.post(`${district.code}.admin`, `/api/v1/users/${u.id}/password`, { password: 'short' }), 400, 'validation_failed', 'password');
    assertError(await t.post(`${district.code}.admin`, `/api/v1/users/${u.id}/password`, { password: `x-${u.username}-9` }), 400, 'validation_failed', 'password');
    assertStatus(await t.post(`${district.code}.admin`, `/api/v1/users/${u.id}/password`, { password: pw2 }), 200, 'reset');
    assertError(await t.srv.api('GET', '/api/v1/auth/me', undefined, old), 401, 'unauthorized', undefined, 'old session dead');
    assertError(await t.srv.api('POST', '/api/v1/auth/login', { username: u.username, password: NEW_PW }), 401, 'unauthorized');
    await t.srv.login(u.username, pw2);
    const got = assertStatus(await t.get('admin', `/api/v1/users/${u.id}`), 200, 'get');
    assert.ok(got.password_changed_at, 'password_changed_at set');
    assertError(await t.post(`${t.org.district2.code}.admin`, `/api/v1/users/${u.id}/password`, { password: pw2 + 'x' }), 404, 'not_found', undefined, 'another district');
  });

  it('categories: create, edit, move, deactivate; admin-only; ?all=1 shows inactive', async () => {
    const { lead, assist } = t.org;
    const parent = assertStatus(await t.post('admin', '/api/v1/categories', { code: code('P'), name: '测试大类', default_unit_id: lead.id }), 201, 'create');
    assert.equal(parent.active, true);
    assert.equal(parent.parent_id, null);
    assert.equal(parent.default_unit_id, lead.id);
    const child = assertStatus(await t.post('admin', '/api/v1/categories', { code: code('C'), name: '测试小类', parent_id: parent.id }), 201, 'child');
    assert.equal(child.parent_id, parent.id);
    assertError(await t.post('admin', '/api/v1/categories', { code: child.code, name: 'dup' }), 409, 'conflict', 'code');
    assertError(await t.post('admin', '/api/v1/categories', { code: code(), name: 'x', default_unit_id: 999999 }), 400, 'validation_failed', 'default_unit_id');
    assertError(await t.api('admin', 'PATCH', `/api/v1/categories/${parent.id}`, { parent_id: child.id }), 400, 'validation_failed', 'parent_id');
    const ed = assertStatus(await t.api('admin', 'PATCH', `/api/v1/categories/${child.id}`, { name: '改名小类', default_unit_id: assist.id }), 200, 'edit');
    assert.equal(ed.name, '改名小类');
    assert.equal(ed.default_unit_id, assist.id);
    const cleared = assertStatus(await t.api('admin', 'PATCH', `/api/v1/categories/${child.id}`, { default_unit_id: null }), 200, 'clear unit');
    assert.equal(cleared.default_unit_id, null);
    assertError(await t.api('admin', 'PATCH', `/api/v1/categories/${parent.id}`, { active: false }), 409, 'conflict', 'active', 'active children');
    assertStatus(await t.api('admin', 'PATCH', `/api/v1/categories/${child.id}`, { active: false }), 200, 'deactivate child');
    const visible = assertStatus(await t.get('agent', '/api/v1/categories'), 200, 'list').items;
    assert.ok(!visible.some((c) => c.id === child.id), 'inactive categories leave the pickers');
    assert.ok(visible.some((c) => c.id === parent.id));
    const all = assertStatus(await t.get('admin', '/api/v1/categories?all=1'), 200, 'all').items;
    assert.equal(all.find((c) => c.id === child.id).active, false);
    const agentAll = assertStatus(await t.get('agent', '/api/v1/categories?all=1'), 200, 'agent all').items;
    assert.ok(!agentAll.some((c) => c.id === child.id), 'only admins see inactive ones');
    // a new category is usable by intake at once
    const c = await t.createCase({ category_code: parent.code });
    assert.equal(c.category.code, parent.code);
    assertError(await t.post('dispatcher', '/api/v1/categories', { code: code(), name: 'x' }), 403, 'forbidden');
    assertError(await t.api('admin', 'PATCH', '/api/v1/categories/999999', { name: 'x' }), 404, 'not_found');
  });

  it('hotline user add / passwd / disable on the command line', async () => {
    const db = t.srv.db;
    const run = (args, input) => spawnSync(BINARY, ['user', ...args, '--db', db], { input, encoding: 'utf8', env: { ...process.env, HOTLINE_LOG_LEVEL: 'warn', ASAN_OPTIONS: 'detect_leaks=1' } });
    const name = code('cli');
    let r = run(['add', '--username', name, '--name', '首个管理员', '--role', 'admin', '--unit', 'platform', '--password-stdin'], NEW_PW + '\n');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`user ${name} .*created`));
    const l = await t.srv.login(name, NEW_PW);
    assert.equal(l.user.role, 'admin');
    // weak password, unknown unit, wrong role for the unit → exit 1, nothing created
    r = run(['add', '--username', code('w'), '--name', 'n', '--role', 'admin', '--unit', 'platform', '--password-stdin'], 'weak\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /password/);
    r = run(['add', '--username', code('w'), '--name', 'n', '--role', 'admin', '--unit', 'nope', '--password-stdin'], NEW_PW + '\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not found/);
    r = run(['add', '--username', code('w'), '--name', 'n', '--role', 'handler', '--unit', 'platform', '--password-stdin'], NEW_PW + '\n');
    assert.equal(r.status, 1);
    // without --password-stdin a strong password is generated and printed once
    const gen = code('g');
    r = run(['add', '--username', gen, '--name', 'n', '--role', 'handler', '--unit', t.org.lead.code]);
    assert.equal(r.status, 0, r.stderr);
    const pw = r.stdout.match(/password: (\S+)/)[1];
    await t.srv.login(gen, pw);
    // passwd: the old session dies, the new password works
    r = run(['passwd', name], 'Another-Pass-77\n');
    assert.equal(r.status, 0, r.stderr);
    assertError(await t.srv.api('GET', '/api/v1/auth/me', undefined, l.token), 401, 'unauthorized');
    const l2 = await t.srv.login(name, 'Another-Pass-77');
    // disable: sessions die, login fails
    r = run(['disable', name]);
    assert.equal(r.status, 0, r.stderr);
    assertError(await t.srv.api('GET', '/api/v1/auth/me', undefined, l2.token), 401, 'unauthorized');
    assertError(await t.srv.api('POST', '/api/v1/auth/login', { username: name, password: 'Another-Pass-77' }), 401, 'unauthorized');
    r = run(['disable', 'no-such-user']);
    assert.equal(r.status, 1);
    r = run(['frobnicate']);
    assert.equal(r.status, 1);
  });

  it('hotline user add on a fresh database creates the platform unit for the first admin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-cli-'));
    const db = join(dir, 'fresh.db');
    const env = { ...process.env, HOTLINE_LOG_LEVEL: 'warn', ASAN_OPTIONS: 'detect_leaks=1' };
    try {
      assert.equal(spawnSync(BINARY, ['migrate', '--db', db], { env }).status, 0);
      const r = spawnSync(BINARY, ['user', 'add', '--username', 'root', '--name', '管理员', '--role', 'admin', '--unit', 'platform', '--password-stdin', '--db', db], { input: NEW_PW + '\n', encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /created the platform unit/);
      const again = spawnSync(BINARY, ['user', 'add', '--username', 'root2', '--name', 'n', '--role', 'admin', '--unit', 'platform', '--password-stdin', '--db', db], { input: NEW_PW + '\n', encoding: 'utf8', env });
      assert.equal(again.status, 0, again.stderr);
      assert.doesNotMatch(again.stdout, /created the platform unit/, 'only once');
      const dup = spawnSync(BINARY, ['user', 'add', '--username', 'ROOT', '--name', 'n', '--role', 'admin', '--unit', 'platform', '--password-stdin', '--db', db], { input: NEW_PW + '\n', encoding: 'utf8', env });
      assert.equal(dup.status, 1);
      assert.match(dup.stderr, /taken/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the seeded demo password still logs in (it meets the rules)', async () => {
    const l = await t.srv.login('supervisor', DEMO_PASSWORD);
    assert.equal(l.user.role, 'supervisor');
  });
});
