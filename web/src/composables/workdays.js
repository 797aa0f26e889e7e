// Remaining time before a deadline, for the deadline badges. The server sets deadlines and
// the warning colour; this only counts what is left for display. A working-day deadline ends
// at 24:00 city time (it arrives as 00:00 of the next day); any other time of day is a
// natural-hour limit (urgent and emergency cases), counted in hours.
// Working days follow the server's calendar (GET /api/v1/calendar/{year}, cached per page load).
import { reactive } from 'vue';
import { calendar } from '../api/admin.js';

const years = reactive({}); // year → Map('YYYY-MM-DD' → kind) | 'loading'

function ensureYear(y) {
  if (years[y]) return;
  years[y] = 'loading';
  calendar.get(y).then(
    (r) => { years[y] = new Map((r.days || []).map((d) => [d.date, d.kind])); },
    () => { years[y] = new Map(); }, // no calendar: Monday–Friday
  );
}

// Whole days as UTC dates so the browser's time zone never matters.
const parts = (iso) => /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(String(iso || ''));
const ymd = (d) => d.toISOString().slice(0, 10);

function isWorkday(d) {
  const y = d.getUTCFullYear();
  ensureYear(y);
  const m = years[y];
  const k = m instanceof Map ? m.get(ymd(d)) : undefined;
  if (k === 'holiday') return false;
  if (k === 'workday') return true;
  const w = d.getUTCDay();
  return w !== 0 && w !== 6;
}

// The city's "now" as a UTC date carrying city wall-clock time.
function cityNow(nowMs) {
  return new Date(nowMs + 8 * 3600 * 1000);
}

/**
 * remaining(deadlineIso, nowMs) → null | {unit: 'days'|'hours'|'minutes', n, over: bool}
 * days: working days left after today up to the deadline's last day (0 = due today);
 * over: working days since the last day, today included.
 */
export function remaining(deadline, nowMs = Date.now()) {
  const p = parts(deadline);
  if (!p) return null;
  const dueMs = Date.parse(deadline);
  if (Number.isNaN(dueMs)) return null;
  const natural = !(p[4] === '00' && p[5] === '00' && p[6] === '00');
  if (natural) {
    const mins = Math.round((dueMs - nowMs) / 60000);
    const a = Math.abs(mins);
    if (a < 60) return { unit: 'minutes', n: a, over: mins < 0 };
    return { unit: 'hours', n: Math.floor(a / 60), over: mins < 0 };
  }
  const now = cityNow(nowMs);
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const lastDay = new Date(Date.UTC(+p[1], +p[2] - 1, +p[3] - 1)); // 00:00 of next day → the day before
  const DAY = 86400000;
  let n = 0;
  if (dueMs > nowMs) {
    for (let d = new Date(today.getTime() + DAY); d <= lastDay && n < 400; d = new Date(d.getTime() + DAY)) if (isWorkday(d)) n++;
    return { unit: 'days', n, over: false };
  }
  for (let d = new Date(lastDay.getTime() + DAY); d <= today && n < 400; d = new Date(d.getTime() + DAY)) if (isWorkday(d)) n++;
  return { unit: 'days', n, over: true };
}
