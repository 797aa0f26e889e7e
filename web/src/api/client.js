// The one place that talks HTTP. Every call returns parsed JSON or throws ApiError
// carrying the server's {error: {code, message, field}}.
import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }
}

let onUnauthorized = () => {};
// main.js installs the handler that sends the user to the login screen.
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

// A random key for Idempotency-Key; crypto.randomUUID needs a secure context, getRandomValues does not.
export function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * request('POST', '/api/v1/cases', body, {idempotencyKey, public: false})
 * public: no cookie, no CSRF token, a 401 is not a logout (citizen portal).
 */
export async function request(method, path, body, opts = {}) {
  const headers = { accept: 'application/json' };
  const init = { method, headers, credentials: opts.public ? 'omit' : 'same-origin' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && !opts.public && session.csrf) headers['x-csrf-token'] = session.csrf;
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', e.message, null);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const e = new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, err.field);
    if (res.status === 401 && !opts.public && !opts.noRedirect) onUnauthorized(e);
    throw e;
  }
  return data;
}

export const get = (path, params, opts) => request('GET', path + qs(params), undefined, opts);
export const post = (path, body = {}, opts) => request('POST', path, body, opts);
