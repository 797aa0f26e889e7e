// Screenshots of the dispatch desk's queues and dialogs on a populated server:
//   node web/dev/explore-desks.mjs http://127.0.0.1:8181 /tmp/explore
import { launch, newPage, login } from '../../tests/e2e/helpers.mjs';
import { join } from 'node:path';

const base = process.argv[2] || 'http://127.0.0.1:8181';
const out = process.argv[3] || '/tmp/explore';
const b = await launch();
const p = await newPage(b);
const snap = async (n) => { await p.waitForTimeout(500); await p.screenshot({ path: join(out, `${n}.png`) }); console.log('shot', n); };
try {
  await login(p, base, 'dispatcher');
  for (const q of ['new', 'accepted', 'returned', 'replied', 'extensions']) {
    await p.locator(`[data-queue="${q}"]`).click(); await snap(`dq-${q}`);
  }
  await p.locator('.queue-desk button', { hasText: '批准' }).first().click(); await snap('dq-ext-dialog');
  await p.locator('.action-dialog button', { hasText: '取消' }).click(); await p.waitForTimeout(400);
  await p.locator('[data-queue="new"]').click(); await p.waitForTimeout(400);
  await p.locator('.queue-desk .case-link').first().click(); await p.waitForTimeout(600); await snap('dq-new-detail');
  await p.locator('[data-testid="detail-actions"] [data-action="merge"]').click(); await p.waitForTimeout(400);
  await p.locator('[data-testid="merge-into"]').click(); await snap('dq-merge');
  await p.goto(`${base}/cases?per_page=20`); await p.waitForTimeout(600); await snap('search-full');
  await p.evaluate(() => localStorage.setItem('hotline.locale', 'en')); await p.reload(); await p.waitForTimeout(800); await snap('search-en');
  await p.goto(`${base}/agent`); await p.waitForTimeout(600); await snap('agent-en');
  await p.evaluate(() => localStorage.setItem('hotline.locale', 'zh-CN'));
  console.log('problems', p.problems);
} finally { await b.close(); }
