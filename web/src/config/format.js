// Display helpers. Times arrive as ISO 8601 with +08:00 (city time): show them as written.
export function fmtTime(s) {
  if (!s) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(String(s));
  return m ? `${m[1]} ${m[2]}` : String(s);
}

// Deadlines end at 24:00 of a day, which the API writes as 00:00 of the next
// (…T00:00:00+08:00). People read "12-09 24:00" as the 9th's end; "12-10 00:00"
// reads as a day later than it is. Only an exact midnight is shifted.
export function fmtDeadline(s) {
  if (!s) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})T00:00:00(?:\+08:00)?$/.exec(String(s));
  if (!m) return fmtTime(s);
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]) - 86400000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} 24:00`;
}

export function fmtDate(s) {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(String(s || ''));
  return m ? m[1] : '';
}

// Today's date in the city (Asia/Shanghai), as YYYY-MM-DD.
export function cityToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

// Start of a city day as ISO 8601 with offset, what the API's from/to take.
export const dayStart = (d) => `${d}T00:00:00+08:00`;
export const dayEnd = (d) => `${d}T23:59:59+08:00`;

export const PHONE_RE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

// Builds a tree (children arrays) from a flat list with id/parent keys, parents first or not.
export function buildTree(items, idKey = 'id', parentKey = 'parent_id') {
  const byId = new Map();
  const roots = [];
  for (const it of items) byId.set(it[idKey], { ...it, children: [] });
  for (const it of items) {
    const node = byId.get(it[idKey]);
    const parent = it[parentKey] !== null && it[parentKey] !== undefined ? byId.get(it[parentKey]) : null;
    if (parent) parent.children.push(node); else roots.push(node);
  }
  const prune = (n) => { if (!n.children.length) delete n.children; else n.children.forEach(prune); };
  roots.forEach(prune);
  return roots;
}

// CSV of rows (arrays of strings) with a UTF-8 BOM so Excel reads Chinese correctly.
export function toCsv(rows) {
  const esc = (v) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`; // no formulas from case text
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\uFEFF' + rows.map((r) => r.map(esc).join(',')).join('\r\n') + '\r\n';
}

export function download(filename, text, mime = 'text/csv;charset=utf-8') {
  const blob = new Blob([text], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// A search snippet from the server, where hits are wrapped in <mark>…</mark>, as text parts
// [{text, hit}] so a template can render it without v-html (any other markup is dropped).
export function snippetParts(s) {
  const out = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  const plain = (x) => x.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  let last = 0;
  let m;
  const str = String(s || '');
  while ((m = re.exec(str))) {
    if (m.index > last) out.push({ text: plain(str.slice(last, m.index)), hit: false });
    out.push({ text: plain(m[1]), hit: true });
    last = re.lastIndex;
  }
  if (last < str.length) out.push({ text: plain(str.slice(last)), hit: false });
  return out;
}
