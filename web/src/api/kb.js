// The knowledge base (issue 6): articles, their review workflow and history, search for the
// agent desk, and the public FAQ. Shapes in docs/api.md ("Knowledge base").
import { get, post, qs, request } from './client.js';

const V = '/api/v1';
const A = `${V}/kb/articles`;
const id$ = (id) => encodeURIComponent(id);

export const kb = {
  list: (params) => get(A, params),
  get: (id) => get(`${A}/${id$(id)}`),
  create: (body) => post(A, body),
  update: (id, body) => request('PATCH', `${A}/${id$(id)}`, body),
  // submit | approve | reject | expire; reject carries {note}
  act: (id, action, body = {}) => post(`${A}/${id$(id)}/${action}`, body),
  remove: (id) => request('DELETE', `${A}/${id$(id)}`),
  history: (id) => get(`${A}/${id$(id)}/history`),
  import: (csv, submit = false) => post(`${V}/kb/import`, { csv, submit }),
  exportUrl: (params) => `${V}/kb/export/csv${qs(params)}`,
  search: (q, params = {}) => get(`${V}/kb/search`, { q, ...params }),
  publicSearch: (q, params = {}) => get(`${V}/public/kb`, { q, ...params }, { public: true }),
};

// The article's answer as plain text, for a reply to a citizen. The server sanitises the
// rich text; the browser only strips the tags for a plain reply.
export function answerText(html) {
  if (!html) return '';
  const doc = new DOMParser().parseFromString(String(html), 'text/html');
  doc.querySelectorAll('br').forEach((b) => b.replaceWith('\n'));
  doc.querySelectorAll('p, li, div').forEach((p) => p.append('\n'));
  return (doc.body.textContent || '').replace(/\n{3,}/g, '\n\n').trim();
}

// Plain text typed in the editor → the answer's HTML: one <p> per non-empty line, escaped.
export function textToHtml(text) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return String(text || '').split('\n').map((l) => l.trim()).filter(Boolean).map((l) => `<p>${esc(l)}</p>`).join('');
}
