// Starts a real `hotline serve` on a free port with a fresh database, for the
// black-box API tests and the browser tests. Each call gets its own database
// file and process; stop() ends the process and removes the files.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The sanitizer build when it exists (make test builds it), else the release binary.
export const BINARY = process.env.HOTLINE_BIN ||
  (existsSync(join(ROOT, 'build/hotline-asan')) ? join(ROOT, 'build/hotline-asan') : join(ROOT, 'hotline'));
export const DEMO_PASSWORD = 'demo-pass-2026';

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

const ENV = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:exitcode=99', HOTLINE_LOG_LEVEL: process.env.HOTLINE_LOG_LEVEL || 'warn' };

// seed: 'org' (units, categories, users; no cases), 'demo' (org + demo cases), 'none'.
// args: extra `serve` flags (e.g. ['--session-idle', '2']); env: extra HOTLINE_* variables.
// db: serve this existing database file (no seeding; a restart). keepDb: stop()
// and kill() leave the files so a later startServer({db}) can serve them again.
export async function startServer({ seed = 'org', staticDir = null, env = {}, args: extraArgs = [], db: dbPath = null, keepDb = false } = {}) {
  const dir = dbPath ? dirname(dbPath) : mkdtempSync(join(tmpdir(), 'hotline-test-'));
  const db = dbPath || join(dir, 'hotline.db');
  const removeFiles = () => { if (!keepDb && !dbPath) rmSync(dir, { recursive: true, force: true }); };
  if (!dbPath && seed !== 'none') {
    const r = spawnSync(BINARY, ['seed', seed === 'demo' ? '--demo' : '--org', '--db', db], { env: ENV, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`seed failed (${r.status}): ${r.stderr}`);
  }
  const port = await freePort();
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--db', db];
  if (staticDir) args.push('--static', staticDir);
  args.push(...extraArgs);
  const proc = spawn(BINARY, args, { env: { ...ENV, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`hotline exited (${proc.exitCode}): ${stderr}`);
    try { const r = await fetch(url + '/healthz'); if (r.ok) break; } catch { /* not up yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error('hotline did not start: ' + stderr); }
    await new Promise((r) => setTimeout(r, 50));
  }

  const srv = {
    url, db, dir, proc,
    get stderr() { return stderr; },
    // JSON request; returns {status, body, headers}. token: bearer token or null.
    async api(method, path, body = undefined, token = null, headers = {}) {
      const h = { ...headers };
      if (token) h.authorization = `Bearer ${token}`;
      let payload;
      if (body !== undefined) {
        h['content-type'] = h['content-type'] || 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const r = await fetch(url + path, { method, headers: h, body: payload });
      const text = await r.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { json = text; }
      return { status: r.status, body: json, headers: r.headers };
    },
    async login(username, password = DEMO_PASSWORD) {
      const r = await srv.api('POST', '/api/v1/auth/login', { username, password });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body; // {token, csrf_token, user}
    },
    // Stops the server with SIGTERM; rejects if it exits non-zero (a sanitizer report exits 99).
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((res) => proc.once('exit', res));
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 15000);
        await done;
        clearTimeout(t);
      }
      const code = proc.exitCode;
      removeFiles();
      if (code !== 0) throw new Error(`hotline exited with ${code}: ${stderr.slice(-4000)}`);
    },
    // kill -9: no clean stop (crash tests). Files stay with keepDb or db.
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise((res) => proc.once('exit', res));
        proc.kill('SIGKILL');
        await done;
      }
      removeFiles();
    },
  };
  return srv;
}
