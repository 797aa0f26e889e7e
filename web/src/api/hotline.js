// Typed-ish wrappers over the hotline API (docs/api.md). Screens call these, never fetch().
import { get, post, request } from './client.js';
import { session, setSession, clearSession } from './session.js';

const V = '/api/v1';

export const auth = {
  async login(username, password) {
    const r = await request('POST', `${V}/auth/login`, { username, password }, { noRedirect: true });
    setSession(r.user, r.csrf_token);
    return r.user;
  },
  async me() {
    try {
      const r = await request('GET', `${V}/auth/me`, undefined, { noRedirect: true });
      setSession(r.user, r.csrf_token);
    } catch (e) {
      if (e.status === 401) clearSession(); else { session.checked = true; throw e; }
    }
    return session.user;
  },
  async logout() {
    try { await post(`${V}/auth/logout`, {}, { noRedirect: true }); } finally { clearSession(); }
  },
};

export const cases = {
  list: (params) => get(`${V}/cases`, params),
  get: (id) => get(`${V}/cases/${encodeURIComponent(id)}`),
  create: (body, key) => post(`${V}/cases`, body, { idempotencyKey: key }),
  act: (id, action, body = {}) => post(`${V}/cases/${encodeURIComponent(id)}/${action}`, body),
  similar: (id) => get(`${V}/cases/${encodeURIComponent(id)}/similar`),
  byCitizen: (phone) => get(`${V}/citizens/${encodeURIComponent(phone)}/cases`),
};

export const extensions = {
  list: (params) => get(`${V}/extensions`, params),
};

// Reference data changes rarely: fetch once per page load.
const cache = new Map();
function once(key, fn) {
  if (!cache.has(key)) cache.set(key, fn().catch((e) => { cache.delete(key); throw e; }));
  return cache.get(key);
}
export const ref = {
  units: () => once('units', () => get(`${V}/units`).then((r) => r.items)),
  categories: () => once('categories', () => get(`${V}/categories`).then((r) => r.items)),
  districts: () => once('districts', () => get(`${V}/districts`).then((r) => r.items)),
  publicCategories: () => once('pcategories', () => get(`${V}/public/categories`, null, { public: true }).then((r) => r.items)),
  publicDistricts: () => once('pdistricts', () => get(`${V}/public/districts`, null, { public: true }).then((r) => r.items)),
};

export const portal = {
  submit: (body, key) => request('POST', `${V}/public/cases`, body, { public: true, idempotencyKey: key }),
  track: (caseNo, code) => get(`${V}/public/cases/${encodeURIComponent(caseNo)}`, { code }, { public: true }),
  rate: (caseNo, body) => request('POST', `${V}/public/cases/${encodeURIComponent(caseNo)}/rating`, body, { public: true }),
};
