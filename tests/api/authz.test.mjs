// The authorization matrix (docs/authorization.md): every route of the route
// table (src/http/routes.c) × every role and anonymous, asserted over HTTP
// exactly as the table states it — allowed means neither 401 nor 403, denied
// means 401 (anonymous) or 403 (a role outside the route's set). A route
// added without a rule, or whose handler does not enforce it, fails here.
// The table's scopes (SCOPE_ALL / SCOPE_UNIT, src/http/http.h) are checked
// too: every route open to a unit role states one, and a SCOPE_UNIT route
// hides other units' rows (404 on an item, absent from a list).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/server.mjs';
import { setup, handlerOf, adminOf, assertStatus, newPhone } from './_helpers.mjs';

const ROLES = ['agent', 'dispatcher', 'handler', 'unit_admin', 'supervisor', 'leader', 'admin'];
const UNIT_ROLES = ['handler', 'unit_admin'];
const ROLE_BASE = {
  ROLE_BITS_ALL: ROLES,
  ROLE_BITS_UNIT: UNIT_ROLES,
  ROLE_BITS_PLATFORM: ['agent', 'dispatcher', 'supervisor', 'leader', 'admin'],
};

// ---- the route table, as data ------------------------------------------------

export function parseRoutes(text) {
  text = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const macros = {};
  for (const m of text.matchAll(/^#define\s+(\w+)\s+((?:.*\\\n)*.*)$/gm)) macros[m[1]] = m[2].replace(/\\\n/g, ' ').trim();
  const expand = (expr, roles, scopes) => {
    for (let tok of expr.split('|')) {
      tok = tok.replace(/[()\s]/g, '');
      if (tok === '0') continue;
      if (tok.startsWith('SCOPE_')) scopes.add(tok);
      else if (ROLE_BASE[tok]) ROLE_BASE[tok].forEach((r) => roles.add(r));
      else if (tok.startsWith('ROLE_BIT_')) roles.add(tok.slice('ROLE_BIT_'.length).toLowerCase());
      else if (macros[tok]) expand(macros[tok], roles, scopes);
      else throw new Error(`routes.c: cannot expand '${tok}' — a rule this test does not know`);
    }
  };
  const flat = text.replace(/\s+/g, ' ');
  const re = /\{\s*"(GET|POST|PATCH|PUT|DELETE)",\s*"([^"]+)",\s*(\w+),\s*(ACCESS_\w+),\s*([^,]+),\s*([^}]+?)\s*\}/g;
  return [...flat.matchAll(re)].map((m) => {
    const roles = new Set(), scopes = new Set();
    expand(m[5], roles, scopes);
    return { method: m[1], pattern: m[2], access: m[4], roles: [...roles].sort(), scopes: [...scopes] };
  });
}

const routesText = readFileSync(join(ROOT, 'src/http/routes.c'), 'utf8');
const routes = parseRoutes(routesText);
const name = (r) => `${r.method} ${r.pattern}`;

describe('the route table states a rule for every route', () => {
  it('parses every route line', () => {
    const n = (routesText.match(/\{"(GET|POST|PATCH|PUT|DELETE)"/g) || []).length;
    assert.equal(routes.length, n, 'every {"METHOD", ...} line parsed');
    assert.ok(routes.length >= 20);
  });

  it('every staff route names roles; every route open to a unit role states its scope', () => {
    for (const r of routes) {
      assert.ok(['ACCESS_PUBLIC', 'ACCESS_STAFF', 'ACCESS_CHANNEL'].includes(r.access), `${name(r)}: access ${r.access}`);
      if (r.access !== 'ACCESS_STAFF') {
        assert.deepEqual(r.roles, [], `${name(r)}: a public/channel route names no roles`);
        continue;
      }
      assert.ok(r.roles.length > 0, `${name(r)}: a staff route without roles admits nobody`);
      assert.ok(r.scopes.length <= 1, `${name(r)}: one scope at most`);
      if (r.roles.some((x) => UNIT_ROLES.includes(x)))
        assert.equal(r.scopes.length, 1, `${name(r)} admits a unit role but states no SCOPE_ALL / SCOPE_UNIT`);
    }
  });

  it('leaders are read-only: a route that changes data admits them only for their own rows (SCOPE_SELF)', () => {
    for (const r of routes.filter((x) => x.method !== 'GET' && x.access === 'ACCESS_STAFF')) {
      if (r.scopes.includes('SCOPE_SELF')) continue; // own session, password, notifications
      assert.ok(!r.roles.includes('leader'), `${name(r)} admits leaders, who read only`);
    }
  });
});

// ---- over HTTP ---------------------------------------------------------------

let t;
const tokens = {};       // role -> token
const users = {};        // role -> username
let own, foreign, sub;   // cases: the lead unit's, another unit's, a street's
const ids = {};

async function fresh(role) {
  tokens[role] = (await t.srv.login(users[role])).token;
  return tokens[role];
}

before(async () => {
  t = await setup();
  const { lead, other, district, street } = t.org;
  Object.assign(users, {
    agent: 'agent', dispatcher: 'dispatcher', supervisor: 'supervisor', leader: 'leader', admin: 'admin',
    handler: handlerOf(lead), unit_admin: adminOf(lead),
  });
  for (const r of ROLES) await fresh(r);
  own = await t.dispatched(lead);
  foreign = await t.dispatched(other);
  sub = await t.dispatched(street);
  ids.ownUser = (await t.srv.login(handlerOf(lead))).user.id;
  ids.foreignUser = (await t.srv.login(handlerOf(other))).user.id;
  ids.district = district;
  // knowledge base: articles of the lead unit and of another unit (drafts)
  const article = async (unit) => assertStatus(await t.srv.api('POST', '/api/v1/kb/articles',
    { title: `权限矩阵 ${unit.code}`, answer: '<p>测试</p>' }, (await t.srv.login(handlerOf(unit))).token), 201, 'kb article').id;
  ids.ownKb = await article(lead);      // the matrix may delete it
  ids.ownKbList = await article(lead);
  ids.foreignKb = await article(other);
});
after(async () => { await t?.srv.stop(); });

const VALID_BODY = {
  'PATCH /api/v1/users/:id': { name: '越权测试' },
  'POST /api/v1/users/:id/password': { password: 'Authz-Matrix-2026-long!' },
};

// A concrete request for a route, as harmless as the route allows: bodies are
// empty or invalid where a valid one would change shared data.
function sample(r, target = own) {
  const p = r.pattern;
  const values = {
    id: p.startsWith('/api/v1/cases') ? target.id
      : p.startsWith('/api/v1/users') ? (target === own ? ids.ownUser : ids.foreignUser)
      : p.startsWith('/api/v1/units') ? t.org.lead.id
      : p.startsWith('/api/v1/categories') ? 1
      : p.startsWith('/api/v1/notifications') ? 999999
      : p.startsWith('/api/v1/kb') ? (target === own ? ids.ownKb : ids.foreignKb) : undefined,
    format: 'csv',
    action: 'note',
    key: 'no-such-template',
    phone: own.citizen.phone,
    case_no: own.case_no,
    year: 2026,
  };
  const path = p.replace(/:(\w+)/g, (_, k) => {
    assert.ok(values[k] !== undefined, `${name(r)}: authz.test.mjs has no sample value for :${k} — add one`);
    return String(values[k]);
  });
  let query = '';
  if (p === '/api/v1/public/cases/:case_no') query = `?code=${own.query_code}`;
  let body;
  if (r.method !== 'GET' && r.method !== 'DELETE') body = p.endsWith('/:action') ? { text: 'authz matrix' } : {};
  // On another unit's row a valid body, so that only the scope can refuse it.
  if (target === foreign && VALID_BODY[`${r.method} ${p}`]) body = VALID_BODY[`${r.method} ${p}`];
  return { path: path + query, body };
}

// Like srv.api, but a stream (text/event-stream) is not waited for: its
// status is the answer.
async function request(method, path, body, token) {
  const h = {};
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const ctl = new AbortController();
  const r = await fetch(t.srv.url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), signal: ctl.signal });
  if ((r.headers.get('content-type') || '').startsWith('text/event-stream')) {
    ctl.abort();
    return { status: r.status, body: null };
  }
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = text; }
  return { status: r.status, body: json };
}

async function call(r, role, target = own) {
  const { path, body } = sample(r, target);
  const token = role ? tokens[role] : null;
  const res = await request(r.method, path, body, token);
  // a route that ends sessions: log in again so the next request has one
  if (role && /logout|password/.test(r.pattern)) await fresh(role);
  return res;
}

describe('every route × every role, as the table says', () => {
  it('anonymous: staff routes 401, channel routes denied, public routes open', async () => {
    for (const r of routes) {
      const res = await call(r, null);
      const ctx = `${name(r)} anonymous → ${res.status} ${JSON.stringify(res.body)}`;
      if (r.access === 'ACCESS_STAFF') assert.equal(res.status, 401, ctx);
      else if (r.access === 'ACCESS_CHANNEL') assert.ok([401, 403].includes(res.status), ctx);
      else assert.ok(![401, 403].includes(res.status), ctx);
    }
  });

  for (const role of ROLES) {
    it(`${role}: allowed exactly where the table admits the role`, async () => {
      // a case the unit roles may see is dispatched to their unit (the lead)
      for (const r of routes) {
        if (r.pattern.includes('logout')) continue; // below, with its own session
        const res = await call(r, role);
        const ctx = `${name(r)} as ${role} → ${res.status} ${JSON.stringify(res.body)}`;
        if (r.access === 'ACCESS_PUBLIC') assert.ok(![401, 403].includes(res.status), ctx);
        else if (r.access === 'ACCESS_CHANNEL') assert.ok([401, 403].includes(res.status), ctx);
        else if (r.roles.includes(role)) assert.ok(![401, 403].includes(res.status), `allowed: ${ctx}`);
        else {
          assert.equal(res.status, 403, `denied: ${ctx}`);
          assert.equal(res.body.error.code, 'forbidden', ctx);
        }
      }
    });
  }

  it('logout routes: every role may end its own session, and the token is dead afterwards', async () => {
    for (const r of routes.filter((x) => x.pattern.includes('logout'))) {
      for (const role of ROLES) {
        const tok = await fresh(role);
        const res = await t.srv.api(r.method, r.pattern, {}, tok);
        assert.equal(res.status, r.roles.includes(role) ? 200 : 403, `${name(r)} as ${role}`);
        assert.equal((await t.srv.api('GET', '/api/v1/auth/me', undefined, tok)).status, 401, `${name(r)}: token dead`);
        await fresh(role);
      }
    }
  });
});

describe('scopes: a unit reaches only its own unit and the units below it', () => {
  it('SCOPE_UNIT items: another unit\'s row is invisible (404) to unit roles, visible to the platform', async () => {
    const scoped = routes.filter((r) => r.scopes.includes('SCOPE_UNIT') && r.pattern.includes(':id'));
    assert.ok(scoped.length >= 2, 'the case routes at least');
    for (const r of scoped) {
      for (const role of UNIT_ROLES.filter((x) => r.roles.includes(x))) {
        const res = await call(r, role, foreign);
        assert.equal(res.status, 404, `${name(r)} as ${role} on another unit's row → ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
  });

  it('SCOPE_UNIT lists: another unit\'s rows are left out', async () => {
    const lists = routes.filter((r) => r.scopes.includes('SCOPE_UNIT') && r.method === 'GET' && !r.pattern.includes(':'));
    assert.ok(lists.some((r) => r.pattern === '/api/v1/cases'));
    for (const r of lists) {
      const [mine, theirs] = r.pattern === '/api/v1/cases' ? [own.id, foreign.id]
        : r.pattern === '/api/v1/users' ? [ids.ownUser, ids.foreignUser]
        : r.pattern === '/api/v1/kb/articles' ? [ids.ownKbList, ids.foreignKb]
        : r.pattern === '/api/v1/kb/stats' ? [t.org.lead.id, t.org.other.id] : [undefined, undefined];
      assert.ok(mine !== undefined, `${name(r)}: authz.test.mjs has no own/foreign sample for this scoped list — add one`);
      for (const role of UNIT_ROLES.filter((x) => r.roles.includes(x))) {
        const body = assertStatus(await t.srv.api('GET', r.pattern + '?per_page=200', undefined, tokens[role]), 200, `${name(r)} as ${role}`);
        const got = body.items.map((x) => x.id);
        assert.ok(got.includes(mine), `${name(r)} as ${role}: own row listed`);
        assert.ok(!got.includes(theirs), `${name(r)} as ${role}: another unit's row is not listed`);
      }
      const all = assertStatus(await t.srv.api('GET', r.pattern + '?per_page=200', undefined, tokens.admin), 200, name(r));
      assert.ok(all.items.some((x) => x.id === theirs), `${name(r)}: the admin sees every unit's rows`);
    }
  });

  it('a unit user acting on another unit\'s case gets 404, on its own case a forbidden action 403', async () => {
    for (const role of UNIT_ROLES) {
      for (const action of ['sign', 'note', 'return', 'reply']) {
        const res = await t.srv.api('POST', `/api/v1/cases/${foreign.id}/${action}`, { text: 'x', reason: 'x', reply: 'x', contacted: true, resolved: true }, tokens[role]);
        assert.equal(res.status, 404, `${role} ${action} on another unit's case → ${res.status}`);
      }
      const res = await t.srv.api('POST', `/api/v1/cases/${own.id}/close`, { reason: 'x' }, tokens[role]);
      assert.equal(res.status, 403, `${role} close on own case`);
    }
  });

  it('unit_admin: the subtree, not the siblings', async () => {
    const { district, street, street2, district2 } = t.org;
    const see = async (user, id) => (await t.get(user, `/api/v1/cases/${id}`)).status;
    assert.equal(await see(adminOf(district), sub.id), 200, 'district admin sees a case of a street below');
    assert.equal(await see(handlerOf(district), sub.id), 200, 'district handler too');
    assert.equal(await see(adminOf(street), sub.id), 200, 'the street itself');
    assert.equal(await see(adminOf(street2), sub.id), 404, 'a sibling street does not');
    assert.equal(await see(adminOf(district2), sub.id), 404, 'another district does not');
    assert.equal(await see(adminOf(street), own.id), 404, 'a street does not see a department\'s case');
    const list = await t.list(adminOf(district));
    assert.ok(list.items.some((x) => x.id === sub.id), 'listed for the district admin');
    assert.ok(!list.items.some((x) => x.id === own.id), 'a department\'s case is not');
  });

  it('leaders read everything and every action answers 403', async () => {
    assert.equal((await t.srv.api('GET', `/api/v1/cases/${foreign.id}`, undefined, tokens.leader)).status, 200);
    const actions = ['accept', 'reject', 'answer', 'merge', 'dispatch', 'sign', 'return', 'deny_return', 'subdispatch',
      'request_extension', 'decide_extension', 'reply', 'opinion', 'review_reject', 'visit', 'reopen', 'close',
      'supervise', 'urge', 'note'];
    for (const a of actions) {
      const res = await t.srv.api('POST', `/api/v1/cases/${own.id}/${a}`, {}, tokens.leader);
      assert.equal(res.status, 403, `leader ${a} → ${res.status}`);
    }
    const c = assertStatus(await t.srv.api('POST', '/api/v1/cases', { type: 'consult', content: '咨询', citizen: { name: '赵先生', phone: newPhone() } }, tokens.agent), 201, 'create');
    assert.equal((await t.srv.api('POST', `/api/v1/cases/${c.id}/note`, { text: 'x' }, tokens.leader)).status, 403);
  });
});
