// A throw-away stand-in for `hotline serve`, for working on the UI when no binary is built:
// serves web/dist with the production CSP and a small in-memory subset of docs/api.md.
// It does NOT decide anything the real server decides in the same way — never test against it.
//   node web/dev/mock-server.mjs [port]
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, extname, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const PORT = Number(process.argv[2] || 8182);
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
const now = () => new Date(Date.now() + 8 * 3600e3).toISOString().replace(/\.\d+Z$/, '+08:00');

const units = [
  { id: 1, parent_id: null, code: 'platform', name: '锦州市12345平台', kind: 'platform', active: true },
  { id: 2, parent_id: null, code: 'gtq', name: '古塔区人民政府', kind: 'district', active: true },
  { id: 3, parent_id: 2, code: 'gtq.bjl', name: '北京街道', kind: 'street', active: true },
  { id: 4, parent_id: null, code: 'heat', name: '锦州市热力公司', kind: 'company', active: true },
  { id: 5, parent_id: null, code: 'zjj', name: '市住房和城乡建设局', kind: 'department', active: true },
];
const users = {
  admin: { role: 'admin', unit_id: 1 }, agent: { role: 'agent', unit_id: 1 }, dispatcher: { role: 'dispatcher', unit_id: 1 },
  supervisor: { role: 'supervisor', unit_id: 1 }, leader: { role: 'leader', unit_id: 1 },
  'heat.handler': { role: 'handler', unit_id: 4 }, 'heat.admin': { role: 'unit_admin', unit_id: 4 },
};
const categories = [
  { id: 1, parent_id: null, code: '03', name: '城乡建设', default_unit_id: 5 },
  { id: 2, parent_id: 1, code: '0301', name: '供热', default_unit_id: 4 },
  { id: 3, parent_id: 1, code: '0302', name: '施工噪音', default_unit_id: 2 },
];
const districts = [
  { code: '210700', parent_code: null, name: '锦州市', level: 1 },
  { code: '210702', parent_code: '210700', name: '古塔区', level: 2 },
  { code: '210702001', parent_code: '210702', name: '北京街道', level: 3 },
  { code: '210703', parent_code: '210700', name: '凌河区', level: 2 },
];
const sessions = new Map();
const cases = [];
let seq = 0;

const ACT = {
  accept: [['new'], 'accepted', ['agent', 'dispatcher']], reject: [['new', 'accepted'], 'rejected', ['agent', 'dispatcher']],
  answer: [['new', 'accepted'], 'closed', ['agent', 'dispatcher']], merge: [['new', 'accepted'], 'merged', ['dispatcher']],
  dispatch: [['accepted', 'returned'], 'dispatched', ['dispatcher']], sign: [['dispatched'], 'handling', ['handler', 'unit_admin']],
  return: [['dispatched', 'handling'], 'returned', ['handler', 'unit_admin']], reply: [['handling'], 'replied', ['handler', 'unit_admin']],
  request_extension: [['dispatched', 'handling'], null, ['handler', 'unit_admin']], subdispatch: [['handling'], null, ['unit_admin']],
  visit: [['replied'], 'closed', ['agent', 'dispatcher']], review_reject: [['replied'], 'handling', ['dispatcher']],
  close: [['replied'], 'closed', ['dispatcher']], note: [null, null, ['agent', 'dispatcher', 'handler', 'unit_admin', 'supervisor', 'admin']],
  urge: [['dispatched', 'handling', 'returned'], null, ['dispatcher', 'supervisor']],
};
const actionsFor = (c, u) => Object.entries(ACT).filter(([, [from, , roles]]) => roles.includes(u.role) && (!from || from.includes(c.status))).map(([a]) => a);
const item = (c) => ({
  id: c.id, case_no: c.case_no, status: c.status, type: c.type, urgency: c.urgency, title: c.title, channel: c.channel,
  category: categories.find((x) => x.code === c.category_code) || null, district: districts.find((d) => d.code === c.district_code) || null,
  lead_unit: c.lead ? { id: c.lead, name: units.find((u) => u.id === c.lead).name } : null,
  citizen: { name: c.citizen.name || null, phone: (c.citizen.phone || '').replace(/^(\d{3})\d{4}/, '$1****') },
  created_at: c.created_at, sign_deadline: c.lead ? now() : null, deadline: c.lead ? now() : null, warning: c.id % 3 === 0 ? 'yellow' : 'none',
});
const detail = (c, u) => ({
  ...item(c), content: c.content, address: c.address || null, lat: null, lng: null, query_code: c.query_code, reply: c.reply || null,
  replied_at: null, closed_at: null, dispatched_at: null, merged_into: null, extension_count: 0,
  citizen: { ...c.citizen, anonymous: !!c.citizen.anonymous, confidential: !!c.citizen.confidential },
  assignments: c.lead ? [{ id: 1, unit: { id: c.lead, name: units.find((x) => x.id === c.lead).name }, role: 'lead', parent_id: null, status: c.status, active: true, dispatched_at: now(), sign_deadline: now(), deadline: now(), signed_at: null, replied_at: null, note: null, opinion: null }] : [],
  events: c.events, extensions: [], visits: [], attachments: [], actions: u ? actionsFor(c, u) : [],
});
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-security-policy': CSP, ...headers });
  res.end(JSON.stringify(body));
}
const err = (res, status, code, message, field = null) => send(res, status, { error: { code, message, field } });

function create(b, channel) {
  if (!b.content) return [400, 'content', 'content: required'];
  if (!b.citizen?.anonymous && !PHONE.test(b.citizen?.phone || '')) return [400, 'citizen.phone', 'citizen.phone: not a valid phone number'];
  seq += 1;
  const c = {
    id: seq, case_no: `JZ${now().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(6, '0')}`, query_code: String(100000 + seq * 7919 % 900000),
    status: channel === 'phone' ? 'accepted' : 'new', type: b.type, urgency: b.urgency || 'normal', title: b.title || b.content.slice(0, 30),
    channel, category_code: b.category_code, district_code: b.district_code, address: b.address, content: b.content, citizen: b.citizen,
    created_at: now(), events: [{ id: 1, at: now(), action: 'create', from_status: null, to_status: channel === 'phone' ? 'accepted' : 'new', actor: null, actor_kind: 'staff', payload: {} }],
  };
  cases.push(c);
  return c;
}

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  let body = '';
  for await (const chunk of req) body += chunk;
  const b = body ? JSON.parse(body) : {};
  const tok = /session=([^;]+)/.exec(req.headers.cookie || '')?.[1];
  const u = tok && sessions.get(tok);
  if (p.startsWith('/api/')) {
    if (p === '/api/v1/auth/login') {
      if (!users[b.username] || b.password !== 'demo-pass-2026') return err(res, 401, 'unauthorized', 'bad credentials');
      const t = `t${Math.random()}`.slice(2);
      const unit = units.find((x) => x.id === users[b.username].unit_id);
      const user = { id: 1, username: b.username, name: b.username, ...users[b.username], unit_name: unit.name, unit_kind: unit.kind };
      sessions.set(t, user);
      return send(res, 200, { token: t, csrf_token: 'c' + t, user }, { 'set-cookie': `session=${t}; HttpOnly; SameSite=Strict; Path=/` });
    }
    if (p === '/api/v1/public/cases' && req.method === 'POST') {
      const c = create(b, b.channel || 'web');
      if (Array.isArray(c)) return err(res, c[0], 'validation_failed', c[2], c[1]);
      return send(res, 201, { case_no: c.case_no, query_code: c.query_code, status: c.status });
    }
    let m = /^\/api\/v1\/public\/cases\/([^/]+)(\/rating)?$/.exec(p);
    if (m) {
      const c = cases.find((x) => x.case_no === m[1] && x.query_code === (url.searchParams.get('code') || b.code));
      if (!c) return err(res, 404, 'not_found', 'no such case');
      if (m[2]) c.rating = { satisfaction: b.satisfaction, resolved: b.resolved, comment: b.comment || null, at: now() };
      return send(res, 200, { case_no: c.case_no, status: c.status, type: c.type, title: c.title, content: c.content, created_at: c.created_at, deadline: null, reply: c.reply || null, replied_at: null, closed_at: null, timeline: c.events.map((e) => ({ at: e.at, action: e.action, status: e.to_status })), rating: c.rating || null, can_rate: !c.rating && ['replied', 'closed'].includes(c.status) });
    }
    if (p === '/api/v1/public/districts' || p === '/api/v1/districts') return send(res, 200, { items: districts });
    if (p === '/api/v1/public/categories') return send(res, 200, { items: categories.map((c) => ({ code: c.code, name: c.name, parent_code: categories.find((x) => x.id === c.parent_id)?.code || null })) });
    if (!u) return err(res, 401, 'unauthorized', 'login required');
    if (req.method !== 'GET' && req.headers['x-csrf-token'] !== 'c' + tok) return err(res, 403, 'forbidden', 'csrf', 'X-CSRF-Token');
    if (p === '/api/v1/auth/me') return send(res, 200, { user: u, csrf_token: 'c' + tok });
    if (p === '/api/v1/auth/logout') { sessions.delete(tok); return send(res, 200, { ok: true }); }
    if (p === '/api/v1/units') return send(res, 200, { items: units });
    if (p === '/api/v1/categories') return send(res, 200, { items: categories });
    if (p === '/api/v1/extensions') return send(res, 200, { items: [], total: 0, page: 1, per_page: 20 });
    if (p === '/api/v1/cases' && req.method === 'POST') {
      const c = create(b, b.channel || 'phone');
      if (Array.isArray(c)) return err(res, c[0], 'validation_failed', c[2], c[1]);
      return send(res, 201, detail(c, u));
    }
    m = /^\/api\/v1\/citizens\/([^/]+)\/cases$/.exec(p);
    if (m) { const items = cases.filter((c) => c.citizen.phone === decodeURIComponent(m[1])).map(item); return send(res, 200, { items, total: items.length, page: 1, per_page: 20 }); }
    if (p === '/api/v1/cases') {
      let list = cases.slice().reverse();
      const st = url.searchParams.get('status');
      if (st) list = list.filter((c) => st.split(',').includes(c.status));
      if (['handler', 'unit_admin'].includes(u.role)) list = list.filter((c) => c.lead === u.unit_id);
      const per = Number(url.searchParams.get('per_page') || 20); const pg = Number(url.searchParams.get('page') || 1);
      return send(res, 200, { items: list.slice((pg - 1) * per, pg * per).map(item), total: list.length, page: pg, per_page: per });
    }
    m = /^\/api\/v1\/cases\/([^/]+)(?:\/([a-z_]+))?$/.exec(p);
    if (m) {
      const c = cases.find((x) => String(x.id) === m[1] || x.case_no === m[1]);
      if (!c) return err(res, 404, 'not_found', 'no such case');
      if (m[2]) {
        const a = ACT[m[2]];
        if (!a) return err(res, 404, 'not_found', 'no such action');
        if (!actionsFor(c, u).includes(m[2])) return err(res, 409, 'invalid_transition', `${m[2]} not allowed from ${c.status}`);
        const from = c.status;
        if (a[1]) c.status = a[1];
        if (m[2] === 'dispatch') c.lead = b.lead_unit_id;
        if (m[2] === 'reply' || m[2] === 'answer') c.reply = b.reply;
        c.events.push({ id: c.events.length + 1, at: now(), action: m[2], from_status: from, to_status: c.status, actor: { id: 1, name: u.username, unit_name: u.unit_name }, actor_kind: 'staff', payload: b });
      }
      return send(res, 200, detail(c, u));
    }
    return err(res, 404, 'not_found', 'no route');
  }
  let f = join(DIST, p);
  if (!f.startsWith(DIST) || !existsSync(f) || statSync(f).isDirectory()) f = join(DIST, 'index.html');
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  res.writeHead(200, { 'content-type': types[extname(f)] || 'application/octet-stream', 'content-security-policy': CSP });
  res.end(readFileSync(f));
}).listen(PORT, '127.0.0.1', () => console.log(`mock on http://127.0.0.1:${PORT}`));
