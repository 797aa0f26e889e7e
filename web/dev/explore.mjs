// Clicks through the screens against a running server and saves screenshots:
//   node web/dev/explore.mjs http://127.0.0.1:8181 [outdir]
// (uses playwright-core from tests/node_modules)
import { launch, newPage, login, logout } from '../../tests/e2e/helpers.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const base = process.argv[2] || 'http://127.0.0.1:8181';
const out = process.argv[3] || '/tmp/explore';
mkdirSync(out, { recursive: true });
const b = await launch();
const p = await newPage(b);
const snap = async (n) => { await p.waitForTimeout(400); await p.screenshot({ path: join(out, `${n}.png`), fullPage: true }); console.log('shot', n); };
try {
  await p.goto(`${base}/login`); await snap('login');
  for (const u of (process.env.USERS || 'agent,dispatcher').split(',')) {
    await login(p, base, u); await snap(`home-${u}`);
    await p.goto(`${base}/cases`); await p.waitForTimeout(600); await snap(`search-${u}`);
    await logout(p);
  }
  const m = await newPage(b, { width: 375, height: 812, mobile: true });
  await m.goto(`${base}/portal`); await m.waitForTimeout(500); await m.screenshot({ path: join(out, 'portal.png'), fullPage: true });
  console.log('problems', p.problems, m.problems);
} finally { await b.close(); }
