// Shared helpers for the black-box API tests (tests/api/*.test.mjs).
// Not a test file itself (node --test only runs *.test.mjs here).
//
// Every test file calls setup() in a before() hook: a real `hotline serve`
// on a free port with a fresh database seeded with the organisation only
// (units, categories, users; no cases). Tokens are cached per user so each
// file pays the argon2id login cost once per role.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { randomInt } from 'node:crypto';
import { startServer } from '../lib/server.mjs';

// DESIGN.md §3 — the statuses an action may start from.
export const FROM = {
  accept: ['new'],
  reject: ['new', 'accepted'],
  answer: ['new', 'accepted'],
  merge: ['new', 'accepted'],
  dispatch: ['accepted', 'returned'],
  sign: ['dispatched'],
  return: ['dispatched', 'handling'],
  deny_return: ['returned'],
  subdispatch: ['handling'],
  request_extension: ['dispatched', 'handling'],
  decide_extension: ['dispatched', 'handling'],
  reply: ['handling'],
  review_reject: ['replied'],
  visit: ['replied'],
  reopen: ['replied', 'closed'],
  close: ['replied'],
  supervise: ['dispatched', 'handling', 'returned'],
  urge: ['dispatched', 'handling', 'returned'],
  note: ['new', 'accepted', 'dispatched', 'handling', 'returned', 'replied', 'closed', 'rejected', 'merged'],
};
export const STATUSES = ['new', 'accepted', 'dispatched', 'handling', 'returned', 'replied', 'closed', 'rejected', 'merged'];
// Actions taken by the lead unit (the rest are platform actions).
export const UNIT_ACTIONS = new Set(['sign', 'return', 'subdispatch', 'request_extension', 'reply']);

export const ISO_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;
export const CASE_NO_RE = /^JZ\d{8}\d{6}$/;

const usedPhones = new Set();
// A fresh mobile number (1[3-9] + 9 digits) no other test uses.
export function newPhone(prefix = '139') {
  for (;;) {
    const p = prefix + String(randomInt(0, 1e8)).padStart(8, '0');
    if (!usedPhones.has(p)) { usedPhones.add(p); return p; }
  }
}
export const maskPhone = (p) => p.slice(0, 3) + '****' + p.slice(-4);

let tagSeq = 0;
// A unique ASCII word for full-text search (the tokenizer indexes ASCII words).
export function newTag() {
  tagSeq += 1;
  return 'tg' + randomInt(0, 1e9).toString(36) + 'x' + tagSeq;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const epoch = (iso) => Math.floor(Date.parse(iso) / 1000);

// Header value from a fetch Headers object or node's plain header object.
export function hdr(res, name) {
  const h = res.headers;
  if (!h) return undefined;
  if (typeof h.get === 'function') return h.get(name) ?? undefined;
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

// Asserts an error response: status, {error:{code,message,field}}, optional field.
export function assertError(res, status, code, field = undefined, msg = '') {
  const ctx = `${msg} → ${res.status} ${JSON.stringify(res.body)}`;
  assert.equal(res.status, status, `expected HTTP ${status} ${ctx}`);
  assert.ok(res.body && typeof res.body === 'object' && res.body.error, `error body expected ${ctx}`);
  if (code !== undefined) assert.equal(res.body.error.code, code, `error code ${ctx}`);
  assert.equal(typeof res.body.error.message, 'string', `error.message ${ctx}`);
  assert.ok(res.body.error.message.length > 0, `error.message non-empty ${ctx}`);
  assert.ok('field' in res.body.error, `error.field present (null when none) ${ctx}`);
  if (field !== undefined) assert.equal(res.body.error.field, field, `error field ${ctx}`);
}

export function assertStatus(res, status, msg = '') {
  assert.equal(res.status, status, `${msg}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// `actions` must hold every required action and nothing outside required ∪ optional.
export function assertActions(c, required, optional = [], msg = '') {
  assert.ok(Array.isArray(c.actions), `${msg}: actions is an array`);
  const have = [...c.actions].sort();
  const extra = have.filter((a) => !required.includes(a) && !optional.includes(a));
  const missing = required.filter((a) => !have.includes(a));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] },
    `${msg}: actions ${JSON.stringify(have)} (status ${c.status}), expected ${JSON.stringify(required)}` +
    (optional.length ? ` (+ optional ${JSON.stringify(optional)})` : ''));
  assert.equal(new Set(have).size, have.length, `${msg}: no duplicate actions`);
}

// Raw HTTP request (node:http) for bodies fetch cannot send as we want:
// invalid UTF-8, huge bodies. Writes a large body in chunks and stops as soon
// as the server answers (a server may answer 413 before reading it all).
export function rawRequest(srv, method, path, { headers = {}, body = null } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(srv.url + path);
    const buf = body == null ? null : (Buffer.isBuffer(body) ? body : Buffer.from(body));
    const h = { ...headers };
    if (buf) h['content-length'] = String(buf.length);
    let answered = false;
    const req = httpRequest({ host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers: h }, (res) => {
      answered = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { json = text; }
        resolve({ status: res.statusCode, body: json, headers: res.headers });
      });
      res.on('error', (e) => reject(e));
    });
    req.on('error', (e) => { if (!answered) reject(e); });
    if (!buf) { req.end(); return; }
    const CH = 64 * 1024;
    let off = 0;
    const pump = async () => {
      while (off < buf.length && !answered && !req.destroyed) {
        const part = buf.subarray(off, off + CH);
        off += part.length;
        const ok = req.write(part);
        if (!ok) await new Promise((r) => { req.once('drain', r); req.once('close', r); setTimeout(r, 200); });
        if (off === CH) await sleep(100); // give an early answer (Content-Length check) a chance
      }
      if (!answered && !req.destroyed) req.end();
    };
    pump().catch((e) => { if (!answered) reject(e); });
  });
}

// Picks the units the tests use from GET /api/v1/units (no hard-coded ids).
export function pickUnits(units) {
  const active = units.filter((u) => u.active === undefined || u.active === true || u.active === 1);
  const depts = active.filter((u) => u.kind === 'department');
  assert.ok(depts.length >= 4, `need ≥ 4 departments, have ${depts.length}`);
  const lead = depts.find((u) => u.code === 'zjj') || depts[0];
  const others = depts.filter((u) => u.id !== lead.id);
  const streets = active.filter((u) => u.kind === 'street');
  const districts = active.filter((u) => u.kind === 'district' && streets.filter((s) => s.parent_id === u.id).length >= 2);
  assert.ok(districts.length >= 2, 'need ≥ 2 districts with ≥ 2 streets each');
  const district = districts[0];
  const [street, street2] = streets.filter((s) => s.parent_id === district.id);
  const district2 = districts[1];
  const street3 = streets.find((s) => s.parent_id === district2.id);
  return { lead, assist: others[0], other: others[1], third: others[2], district, street, street2, district2, street3 };
}

export const handlerOf = (unit) => `${unit.code}.handler`;
export const adminOf = (unit) => `${unit.code}.admin`;

export async function setup() {
  const srv = await startServer({ seed: 'org' });
  const tokens = new Map();
  const t = {
    srv,
    async tok(user) {
      if (!tokens.has(user)) tokens.set(user, (await srv.login(user)).token);
      return tokens.get(user);
    },
    // user: a username (logs in once), or null for no credentials.
    async api(user, method, path, body, headers) {
      return srv.api(method, path, body, user ? await t.tok(user) : null, headers);
    },
    get: (user, path) => t.api(user, 'GET', path),
    post: (user, path, body = {}, headers) => t.api(user, 'POST', path, body, headers),

    async getCase(user, ref) {
      return assertStatus(await t.get(user, `/api/v1/cases/${ref}`), 200, `GET case ${ref} as ${user}`);
    },
    act: (user, id, action, body = {}) => t.post(user, `/api/v1/cases/${id}/${action}`, body),
    async ok(user, id, action, body = {}) {
      const r = await t.act(user, id, action, body);
      return assertStatus(r, 200, `${action} on case ${id} by ${user}`);
    },

    // A phone case registered by an agent (status accepted).
    async createCase(over = {}, user = 'agent', headers = undefined) {
      const body = {
        channel: 'phone', type: 'complain', urgency: 'normal',
        content: '小区楼下烧烤店油烟噪音扰民，夜间营业到凌晨，多次反映未解决。',
        citizen: { name: '张先生', phone: newPhone(), anonymous: false, confidential: false },
        ...over,
      };
      const r = await t.post(user, '/api/v1/cases', body, headers);
      return assertStatus(r, 201, `create case by ${user}`);
    },
    // A case submitted on the public portal (status new); returns staff detail + query_code.
    async publicCase(over = {}) {
      const body = { type: 'complain', content: '路灯不亮已经一周，晚上出行很不方便。', citizen: { name: '李女士', phone: newPhone('138') }, ...over };
      const r = await srv.api('POST', '/api/v1/public/cases', body);
      const pub = assertStatus(r, 201, 'public submit');
      const c = await t.getCase('dispatcher', pub.case_no);
      return { ...c, query_code: pub.query_code, public: pub };
    },
    async dispatched(lead, assists = [], over = {}) {
      const c = await t.createCase(over);
      const body = { lead_unit_id: lead.id };
      if (assists.length) body.assist_unit_ids = assists.map((u) => u.id);
      return t.ok('dispatcher', c.id, 'dispatch', body);
    },
    async handling(lead, assists = [], over = {}) {
      const c = await t.dispatched(lead, assists, over);
      return t.ok(handlerOf(lead), c.id, 'sign');
    },
    async replied(lead, over = {}) {
      const c = await t.handling(lead, [], over);
      return t.ok(handlerOf(lead), c.id, 'reply', { reply: '已协调处理完毕。', internal_note: '内部记录', contacted: true, resolved: true });
    },
    async closed(lead, over = {}) {
      const c = await t.replied(lead, over);
      return t.ok('dispatcher', c.id, 'visit', { satisfaction: 'satisfied', resolved: true, note: '回访满意' });
    },
    async returned(lead, over = {}) {
      const c = await t.dispatched(lead, [], over);
      return t.ok(handlerOf(lead), c.id, 'return', { reason: '不属于本单位职责范围' });
    },
    // All list items (up to 200) visible to user for a query string.
    async list(user, qs = '') {
      const r = await t.get(user, `/api/v1/cases?per_page=200${qs ? '&' + qs : ''}`);
      return assertStatus(r, 200, `list ${qs} as ${user}`);
    },
  };
  const units = assertStatus(await t.get('dispatcher', '/api/v1/units'), 200, 'GET /api/v1/units').items;
  t.units = units;
  t.org = pickUnits(units);
  return t;
}
