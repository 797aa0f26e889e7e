// A real local HTTP server standing in for the SMS gateway (tests/api/notify.test.mjs).
// It records every request it receives (even those it never answers) and
// can be told to answer 500 for the next N requests, or to hold the next N
// requests without answering (to kill the sender mid-delivery).
import { createServer } from 'node:http';

export async function startGateway({ key = 'test-key' } = {}) {
  const gw = {
    requests: [],       // every request: {headers, body, answered, status}
    failNext: 0,        // answer 500 to this many requests
    holdNext: 0,        // never answer this many requests
    held: [],
    key,
    waiters: [],
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body = null;
      try { body = JSON.parse(text); } catch { body = text; }
      const rec = { method: req.method, url: req.url, headers: req.headers, body, answered: false, status: null };
      gw.requests.push(rec);
      const answer = (status, obj) => {
        rec.answered = true; rec.status = status;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      if (req.headers['x-api-key'] !== gw.key) answer(401, { code: 'bad_key' });
      else if (gw.holdNext > 0) { gw.holdNext--; gw.held.push(res); }
      else if (gw.failNext > 0) { gw.failNext--; answer(500, { code: 'busy' }); }
      else answer(200, { code: 'OK', biz_id: 'b' + gw.requests.length });
      for (const w of gw.waiters.splice(0)) w();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  gw.url = `http://127.0.0.1:${server.address().port}/sms/send`;
  // Resolves when pred(requests) holds (checked on each request), or rejects after ms.
  gw.waitFor = async (pred, ms = 15000, what = 'gateway condition') => {
    const end = Date.now() + ms;
    while (!pred(gw.requests)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(gw.requests.map((r) => r.body))}`);
      await new Promise((r) => { gw.waiters.push(r); setTimeout(r, 100); });
    }
  };
  gw.acked = () => gw.requests.filter((r) => r.answered && r.status === 200);
  gw.stop = () => new Promise((r) => { for (const h of gw.held) h.destroy(); server.closeAllConnections?.(); server.close(() => r()); });
  return gw;
}
