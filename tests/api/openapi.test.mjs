// docs/openapi.json stays in step with the code: every route of the route
// table (src/http/routes.c) is documented with its method, roles and body
// limit, and nothing else is; the enums match the C tables; and live answers
// of a real server validate against the documented schemas.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, ROOT } from '../lib/server.mjs';

const spec = JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8'));
const src = (p) => readFileSync(join(ROOT, p), 'utf8');
const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

// ---- the route table -------------------------------------------------------

const ROLE_BASE = {
  ROLE_BITS_ALL: ['agent', 'dispatcher', 'handler', 'unit_admin', 'supervisor', 'leader', 'admin'],
  ROLE_BITS_UNIT: ['handler', 'unit_admin'],
  ROLE_BITS_PLATFORM: ['agent', 'dispatcher', 'supervisor', 'leader', 'admin'],
};

function parseRoutes() {
  const text = src('src/http/routes.c').replace(/\/\*[\s\S]*?\*\//g, '');
  const macros = {};
  for (const m of text.matchAll(/^#define\s+(\w+)\s+((?:.*\\\n)*.*)$/gm)) macros[m[1]] = m[2].replace(/\\\n/g, ' ').trim();
  const roles = (expr) => {
    const out = new Set();
    for (let tok of expr.split('|')) {
      tok = tok.replace(/[()\s]/g, '');
      if (tok === '0' || tok.startsWith('SCOPE_')) continue; // scopes: authz.test.mjs
      if (ROLE_BASE[tok]) ROLE_BASE[tok].forEach((r) => out.add(r));
      else if (tok.startsWith('ROLE_BIT_')) out.add(tok.slice('ROLE_BIT_'.length).toLowerCase());
      else if (macros[tok]) roles(macros[tok]).forEach((r) => out.add(r));
      else throw new Error(`routes.c: cannot expand role expression '${tok}'`);
    }
    return [...out].sort();
  };
  const limit = (expr) => {
    const m = expr.trim().match(/^(\d+)(?:\s*\*\s*KB)?$/);
    if (!m) throw new Error(`routes.c: cannot read body limit '${expr}'`);
    return Number(m[1]) * (/KB/.test(expr) ? Number(macros.KB) : 1);
  };
  const flat = text.replace(/\s+/g, ' ');
  const re = /\{\s*"(GET|POST|PATCH|PUT|DELETE)",\s*"([^"]+)",\s*(\w+),\s*(ACCESS_\w+),\s*([^,]+),\s*([^}]+?)\s*\}/g;
  return [...flat.matchAll(re)].map((m) => ({
    method: m[1].toLowerCase(),
    path: m[2].replace(/:(\w+)/g, '{$1}'),
    access: m[4] === 'ACCESS_PUBLIC' ? 'public' : 'staff',
    roles: m[4] === 'ACCESS_PUBLIC' ? ['public'] : roles(m[5]),
    limit: limit(m[6]),
  }));
}
const routes = parseRoutes();

test('routes.c parses into a plausible table', () => {
  assert.ok(routes.length >= 19, `only ${routes.length} routes found`);
  const n = (src('src/http/routes.c').match(/\{"(GET|POST|PATCH|PUT|DELETE)"/g) || []).length;
  assert.equal(routes.length, n, 'every {"METHOD", ...} line parsed');
});

test('every route in routes.c is in the OpenAPI paths, with its access, roles and body limit', () => {
  for (const r of routes) {
    const o = spec.paths[r.path]?.[r.method];
    assert.ok(o, `${r.method.toUpperCase()} ${r.path} missing from docs/openapi.json`);
    const where = `${r.method.toUpperCase()} ${r.path}`;
    assert.equal(o['x-access'], r.access, `${where}: x-access`);
    assert.deepEqual([...o['x-roles']].sort(), r.roles, `${where}: x-roles`);
    assert.equal(o['x-body-limit'], r.limit, `${where}: x-body-limit`);
    assert.ok(o.operationId && o.responses, `${where}: operationId and responses`);
    if (r.access === 'public') // no login needed: no requirement, or an empty alternative
      assert.ok(o.security.length === 0 || o.security.some((x) => Object.keys(x).length === 0), `${where}: public, anonymous allowed`);
    else {
      assert.ok(o.responses['401'] && o.responses['403'], `${where}: 401 and 403 documented`);
      const names = o.security.flatMap((s) => Object.keys(s)).sort();
      const want = r.method === 'get' ? ['bearerAuth', 'sessionCookie'] : ['bearerAuth', 'csrfToken', 'sessionCookie'];
      assert.deepEqual(names, want, `${where}: security`);
    }
    if (r.limit === 0) assert.ok(!o.requestBody, `${where}: takes no body, documents none`);
    for (const p of r.path.match(/\{\w+\}/g) || []) {
      const params = (o.parameters || []).map(resolve);
      assert.ok(params.some((q) => q.in === 'path' && `{${q.name}}` === p), `${where}: path parameter ${p}`);
    }
  }
});

test('no OpenAPI path or method is missing from routes.c', () => {
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const m of Object.keys(ops).filter((k) => METHODS.includes(k)))
      assert.ok(routes.some((r) => r.path === path && r.method === m), `${m.toUpperCase()} ${path} is documented but not routed`);
  }
});

test('enums match the C tables', () => {
  const S = spec.components.schemas;
  const strings = (file, re) => [...src(file).match(re)[1].matchAll(/"(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(S.Role.enum, strings('src/org/auth.c', /role_names\[ROLE__COUNT\] = \{([^}]*)\}/));
  assert.deepEqual(S.CaseStatus.enum, strings('src/cases/lifecycle.c', /status_names\[CS__COUNT\] = \{([^}]*)\}/));
  const actions = [...new Set([...src('src/cases/lifecycle.c').matchAll(/\{CA_\w+, "(\w+)"/g)].map((m) => m[1]))];
  assert.deepEqual([...S.CaseAction.enum].sort(), actions.sort());
  const codes = [...src('src/util/err.c').matchAll(/\[ERR_\w+\] = \{\d+, "(\w+)"\}/g)].map((m) => m[1]).filter((c) => c !== 'ok');
  assert.deepEqual([...S.ErrorCode.enum].sort(), codes.sort());
  assert.deepEqual(S.CaseType.enum, strings('src/cases/rules.c', /case_types\[\] = \{([^}]*)\}/));
  assert.deepEqual(S.Satisfaction.enum, strings('src/cases/rules.c', /case_satisfactions\[\] = \{([^}]*)\}/));
  // Each action's documented body exists and the lifecycle table in the description names every action.
  const body = spec.paths['/api/v1/cases/{id}/{action}'].post;
  for (const a of actions) {
    assert.ok(S[body.requestBody['x-action-bodies'][a].split('/').pop()], `body schema for ${a}`);
    assert.match(body.description, new RegExp(`\\| ${a} \\|`), `lifecycle row for ${a}`);
  }
});

test('the action table in the description matches lifecycle.c row by row', () => {
  const c = src('src/cases/lifecycle.c');
  const writers = c.match(/#define STAFF_WRITERS\s+((?:.*\\\n)*.*)/)[1];
  const set = (expr, re) => [...expr.matchAll(re)].map((m) => m[1].toLowerCase()).sort();
  const rows = [...c.matchAll(/\{CA_\w+,\s*"(\w+)",\s*([^,]+),\s*(CS_\w+),\s*(WHO_\w+),\s*([^,]+),\s*(GUARD_\w+),\s*\d\}/g)].map((m) => ({
    action: m[1],
    from: /CS__COUNT/.test(m[2]) ? ['any'] : set(m[2], /B\((\w+)\)/g),
    to: m[3] === 'CS_SAME' ? '(unchanged)' : m[3].slice(3).toLowerCase(),
    who: { WHO_PLATFORM: 'platform', WHO_LEAD: 'lead unit', WHO_PARTICIPANT: 'assist/sub unit', WHO_VIEWER: 'anyone' }[m[4]],
    roles: set(m[5].includes('STAFF_WRITERS') ? writers : m[5], /R\((\w+)\)/g),
  }));
  assert.ok(rows.length >= 20, `only ${rows.length} lifecycle rows parsed`);
  const desc = spec.paths['/api/v1/cases/{id}/{action}'].post.description;
  const table = desc.split('\n').filter((l) => /^\| [a-z_]+ \|/.test(l) && !l.startsWith('| action |')).map((l) => {
    const [action, from, to, roles, who] = l.split('|').slice(1, -1).map((x) => x.trim());
    return { action, from: from.split(', ').sort(), to, who, roles: roles.split(', ').sort() };
  });
  assert.equal(table.length, rows.length, 'one documented row per lifecycle row');
  rows.forEach((r, i) => {
    const t = table[i];
    assert.deepEqual({ ...t, who: undefined }, { ...r, who: undefined }, `row ${i + 1} (${r.action})`);
    assert.ok(t.who.startsWith(r.who), `row ${i + 1} (${r.action}): relation ${t.who} vs ${r.who}`);
  });
});

// ---- a tiny JSON Schema validator (the subset docs/openapi.json uses) -------

function resolve(x) {
  while (x && x.$ref) x = x.$ref.slice(2).split('/').reduce((o, k) => o[k], spec);
  return x;
}
const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
function validate(schema, v, at = '$', errs = []) {
  const s = resolve(schema);
  if (s.oneOf) {
    const n = s.oneOf.filter((alt) => validate(alt, v, at, []).length === 0).length;
    if (n !== 1) errs.push(`${at}: matches ${n} of oneOf`);
    return errs;
  }
  if (s.type) {
    const types = [].concat(s.type), t = typeOf(v);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) {
      errs.push(`${at}: ${JSON.stringify(v)} is ${t}, not ${types.join('|')}`);
      return errs;
    }
  }
  if (s.enum && !s.enum.includes(v)) errs.push(`${at}: ${JSON.stringify(v)} not in ${s.enum.join(',')}`);
  if ('const' in s && v !== s.const) errs.push(`${at}: ${JSON.stringify(v)} is not ${JSON.stringify(s.const)}`);
  if (typeof v === 'string' && s.pattern && !new RegExp(s.pattern, 'u').test(v)) errs.push(`${at}: '${v}' does not match ${s.pattern}`);
  if (typeof v === 'number' && ((s.minimum ?? -Infinity) > v || (s.maximum ?? Infinity) < v)) errs.push(`${at}: ${v} out of range`);
  if (Array.isArray(v) && s.items) v.forEach((x, i) => validate(s.items, x, `${at}[${i}]`, errs));
  if (typeOf(v) === 'object') {
    for (const k of s.required || []) if (!(k in v)) errs.push(`${at}: missing ${k}`);
    for (const [k, x] of Object.entries(v)) {
      if (s.properties?.[k]) validate(s.properties[k], x, `${at}.${k}`, errs);
      else if (s.additionalProperties === false) errs.push(`${at}: unexpected ${k}`);
    }
  }
  return errs;
}

// The documented response for (method, concrete path, status), validated.
function conforms(method, path, res) {
  const tpl = Object.keys(spec.paths).find((p) =>
    new RegExp('^' + p.replace(/\{\w+\}/g, '[^/]+') + '$').test(path.split('?')[0]) && spec.paths[p][method]) ;
  assert.ok(tpl, `${method} ${path}: no documented path`);
  const r = resolve(spec.paths[tpl][method].responses[String(res.status)]);
  assert.ok(r, `${method.toUpperCase()} ${tpl}: status ${res.status} not documented (${JSON.stringify(res.body)})`);
  const [type, media] = Object.entries(r.content)[0];
  assert.equal(res.headers.get('content-type').split(';')[0], type.split(';')[0], `${method} ${path}: content type`);
  const errs = validate(media.schema, res.body);
  assert.deepEqual(errs, [], `${method.toUpperCase()} ${path} ${res.status} against docs/openapi.json`);
  return res.body;
}
const bodyErrors = (name, body) => validate({ $ref: `#/components/schemas/${name}` }, body);

test('the validator catches what it should', () => {
  assert.deepEqual(bodyErrors('Error', { error: { code: 'not_found', message: 'x', field: null } }), []);
  assert.equal(bodyErrors('Error', { error: { code: 'nope', message: 'x', field: null } }).length, 1);
  assert.equal(bodyErrors('Error', { error: { code: 'not_found', message: 'x' } }).length, 1);
  assert.equal(bodyErrors('ActionReason', { reason: 'r', extra: 1 }).length, 1);
  assert.equal(validate(spec.paths['/api/v1/cases/{id}/{action}'].post.requestBody.content['application/json'].schema, { reply: 'r' }).length, 0);
});

// ---- live answers ----------------------------------------------------------

let srv, agent;
before(async () => {
  srv = await startServer({ seed: 'org' });
});
after(async () => {
  await srv?.stop();
});

test('live responses validate against the documented schemas', async () => {
  const login = await srv.api('POST', '/api/v1/auth/login', { username: 'agent', password: 'demo-pass-2026' });
  assert.equal(login.status, 200);
  agent = conforms('post', '/api/v1/auth/login', login);
  const tok = agent.token;

  conforms('get', '/api/v1/auth/me', await srv.api('GET', '/api/v1/auth/me', undefined, tok));
  const units = conforms('get', '/api/v1/units', await srv.api('GET', '/api/v1/units', undefined, tok));
  assert.ok(units.items.length > 0);
  const cats = conforms('get', '/api/v1/categories', await srv.api('GET', '/api/v1/categories', undefined, tok));
  const dists = conforms('get', '/api/v1/districts', await srv.api('GET', '/api/v1/districts', undefined, tok));
  conforms('get', '/api/v1/public/categories', await srv.api('GET', '/api/v1/public/categories'));
  conforms('get', '/healthz', await srv.api('GET', '/healthz'));
  assert.match(conforms('get', '/metrics', await srv.api('GET', '/metrics')), /hotline_http_requests_total/); // loopback

  const input = {
    channel: 'phone', type: 'complain', urgency: 'normal', title: '小区夜间施工噪音扰民',
    content: '每晚十点后仍有施工噪音，影响休息。', category_code: cats.items[0].code,
    district_code: dists.items[0].code, address: '古塔区北京路1号', lat: 41.12, lng: 121.13,
    citizen: { name: '张先生', phone: '13800001234', anonymous: false, confidential: false },
    external_id: null, attachments: [],
  };
  assert.deepEqual(bodyErrors('CaseCreate', input), [], 'the sample body is a valid CaseCreate');
  const created = await srv.api('POST', '/api/v1/cases', input, tok, { 'idempotency-key': 'openapi-test-1' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const c = conforms('post', '/api/v1/cases', created);
  assert.equal(c.status, 'accepted');
  assert.ok('query_code' in c, 'platform roles get the query code');

  const detail = conforms('get', `/api/v1/cases/${c.id}`, await srv.api('GET', `/api/v1/cases/${c.id}`, undefined, tok));
  assert.equal(detail.case_no, c.case_no);
  conforms('get', `/api/v1/cases/${c.case_no}`, await srv.api('GET', `/api/v1/cases/${c.case_no}`, undefined, tok));
  conforms('get', '/api/v1/cases?per_page=5', await srv.api('GET', '/api/v1/cases?per_page=5', undefined, tok));
  conforms('get', `/api/v1/cases/${c.id}/similar`, await srv.api('GET', `/api/v1/cases/${c.id}/similar`, undefined, tok));
  conforms('get', '/api/v1/citizens/13800001234/cases', await srv.api('GET', '/api/v1/citizens/13800001234/cases', undefined, tok));

  const noted = await srv.api('POST', `/api/v1/cases/${c.id}/note`, { text: '已联系施工方' }, tok);
  assert.equal(noted.status, 200, JSON.stringify(noted.body));
  assert.equal(conforms('post', `/api/v1/cases/${c.id}/note`, noted).events.at(-1).action, 'note');

  // Through a unit: dispatch with an assist, the lead unit's handler signs and asks for more time.
  const disp = (await srv.login('dispatcher')).token;
  const [lead, assist] = units.items.filter((u) => u.kind === 'department' && u.active);
  const dispatched = await srv.api('POST', `/api/v1/cases/${c.id}/dispatch`, { lead_unit_id: lead.id, assist_unit_ids: [assist.id], note: '请核实' }, disp);
  assert.equal(dispatched.status, 200, JSON.stringify(dispatched.body));
  assert.equal(conforms('post', `/api/v1/cases/${c.id}/dispatch`, dispatched).assignments.length, 2);
  const handler = (await srv.login(`${lead.code}.handler`)).token;
  const signed = conforms('post', `/api/v1/cases/${c.id}/sign`, await srv.api('POST', `/api/v1/cases/${c.id}/sign`, {}, handler));
  assert.equal(signed.status, 'handling');
  assert.ok(!('query_code' in signed), 'unit roles do not get the query code');
  const asked = await srv.api('POST', `/api/v1/cases/${c.id}/request_extension`, { days: 3, reason: '需协调多个部门' }, handler);
  assert.equal(asked.status, 200, JSON.stringify(asked.body));
  assert.equal(conforms('post', `/api/v1/cases/${c.id}/request_extension`, asked).extensions.length, 1);
  const queue = conforms('get', '/api/v1/extensions', await srv.api('GET', '/api/v1/extensions?status=pending', undefined, disp));
  assert.equal(queue.items.length, 1);
  const forbidden = await srv.api('POST', `/api/v1/cases/${c.id}/close`, { reason: 'x' }, handler);
  assert.equal(conforms('post', `/api/v1/cases/${c.id}/close`, forbidden).error.code, 'forbidden');

  const bad = await srv.api('POST', '/api/v1/cases', { ...input, citizen: { phone: '12345' } }, tok);
  assert.equal(bad.status, 400);
  assert.equal(conforms('post', '/api/v1/cases', bad).error.field, 'citizen.phone');
  const unknown = await srv.api('POST', '/api/v1/cases', { ...input, colour: 'red' }, tok);
  assert.equal(conforms('post', '/api/v1/cases', unknown).error.code, 'validation_failed');
  const wrongState = await srv.api('POST', `/api/v1/cases/${c.id}/accept`, {}, tok);
  assert.equal(wrongState.status, 409);
  assert.equal(conforms('post', `/api/v1/cases/${c.id}/accept`, wrongState).error.code, 'invalid_transition');
  conforms('get', '/api/v1/extensions', await srv.api('GET', '/api/v1/extensions', undefined, tok)); // 403 for agents
  conforms('get', '/api/v1/units', await srv.api('GET', '/api/v1/units')); // 401

  const track = `/api/v1/public/cases/${c.case_no}?code=${c.query_code}`;
  const view = conforms('get', track, await srv.api('GET', track));
  assert.equal(view.case_no, c.case_no);
  assert.ok(!('citizen' in view), 'nothing personal');
  const wrong = await srv.api('GET', `/api/v1/public/cases/${c.case_no}?code=000000${c.query_code === '000000' ? '1' : ''}`);
  assert.equal(conforms('get', `/api/v1/public/cases/${c.case_no}`, wrong).error.code, 'not_found');

  const pub = { type: 'suggest', content: '建议增设公交站点。', citizen: { phone: '13900002222' } };
  assert.deepEqual(bodyErrors('PublicCaseCreate', pub), []);
  const filed = conforms('post', '/api/v1/public/cases', await srv.api('POST', '/api/v1/public/cases', pub));
  const early = await srv.api('POST', `/api/v1/public/cases/${filed.case_no}/rating`, { code: filed.query_code, satisfaction: 'satisfied', resolved: true });
  assert.equal(conforms('post', `/api/v1/public/cases/${filed.case_no}/rating`, early).error.code, 'invalid_transition');

  conforms('post', '/api/v1/auth/logout', await srv.api('POST', '/api/v1/auth/logout', {}, tok));
});
