// Every 409 and the main 403s, driven by the lifecycle table of DESIGN.md §3
// (FROM in _helpers.mjs). For each status we can reach through the API, every
// action not allowed from it is tried by a caller who would otherwise be
// allowed to take it, with a valid body: the answer must be 409
// invalid_transition, and nothing may change.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, assertError, assertStatus, assertActions, handlerOf, adminOf, FROM, STATUSES, UNIT_ACTIONS,
} from './_helpers.mjs';

describe('409 invalid_transition from every reachable status', () => {
  let t, L, LH;
  before(async () => {
    t = await setup();
    L = t.org.district; // the lead is a district, so subdispatch has a child (street) to go to
    LH = handlerOf(L);
  });
  after(async () => { await t.srv.stop(); });

  // Brings a fresh case to `status`; returns {c, ext} (ext: a pending extension, where one was made).
  async function reach(status) {
    switch (status) {
      case 'new': return { c: await t.publicCase() };
      case 'accepted': return { c: await t.createCase() };
      case 'dispatched': return { c: await t.dispatched(L) };
      case 'handling': return { c: await t.handling(L) };
      case 'returned': {
        const c = await t.dispatched(L);
        const x = await t.ok(LH, c.id, 'request_extension', { days: 2, reason: '需要更多时间' });
        const r = await t.ok(LH, c.id, 'return', { reason: '不属于本单位' });
        return { c: r, ext: x.extensions[0] };
      }
      case 'replied': case 'closed': {
        const c = await t.handling(L);
        const x = await t.ok(LH, c.id, 'request_extension', { days: 2, reason: '需要更多时间' });
        let r = await t.ok(LH, c.id, 'reply', { reply: '已办理', contacted: true, resolved: true });
        if (status === 'closed') r = await t.ok('dispatcher', c.id, 'visit', { satisfaction: 'satisfied', resolved: true });
        return { c: r, ext: x.extensions[0] };
      }
      case 'rejected': {
        const c = await t.createCase();
        return { c: await t.ok('dispatcher', c.id, 'reject', { reason: '无效来电' }) };
      }
      case 'merged': {
        const target = await t.createCase();
        const c = await t.createCase();
        return { c: await t.ok('dispatcher', c.id, 'merge', { into: target.id }) };
      }
    }
    throw new Error(status);
  }

  // Who tries each action, and a body that would be valid.
  function attempt(action, { ext, mergeTarget }) {
    const R = { reason: '测试理由' };
    const table = {
      accept: ['dispatcher', {}],
      reject: ['dispatcher', R],
      answer: ['dispatcher', { reply: '直接答复' }],
      merge: ['dispatcher', { into: mergeTarget.id }],
      dispatch: ['dispatcher', { lead_unit_id: L.id }],
      sign: [LH, {}],
      return: [LH, R],
      deny_return: ['dispatcher', R],
      subdispatch: [adminOf(L), { unit_id: t.org.street.id }],
      request_extension: [LH, { days: 2, reason: '需要更多时间' }],
      decide_extension: ['dispatcher', { extension_id: ext && ext.id, approve: true }],
      reply: [LH, { reply: '已办理', contacted: true, resolved: true }],
      review_reject: ['dispatcher', R],
      visit: ['dispatcher', { satisfaction: 'satisfied', resolved: true }],
      reopen: ['dispatcher', R],
      close: ['dispatcher', R],
      supervise: ['supervisor', { note: '督办' }],
      urge: ['dispatcher', { note: '催办' }],
    };
    return table[action];
  }

  const UNIT_SEES = new Set(['dispatched', 'handling', 'returned', 'replied', 'closed']);

  for (const status of STATUSES) {
    it(`from ${status}`, async () => {
      const { c, ext } = await reach(status);
      assert.equal(c.status, status, 'setup reached the status');
      const mergeTarget = await t.createCase();
      const before_ = await t.getCase('dispatcher', c.id);
      const tried = [];
      for (const action of Object.keys(FROM)) {
        if (FROM[action].includes(status)) continue;
        if (action === 'decide_extension' && !ext) continue; // needs an extension of this case
        const isUnit = UNIT_ACTIONS.has(action);
        // the lead unit has no assignment before dispatch or after reject/merge (404 tests cover those);
        // after a return its assignment stays active until a re-dispatch (docs/lifecycle.md)
        if (isUnit && !UNIT_SEES.has(status)) continue;
        const [who, body] = attempt(action, { ext, mergeTarget });
        const r = await t.act(who, c.id, action, body);
        tried.push(action);
        assertError(r, 409, 'invalid_transition', undefined, `${action} by ${who} from ${status}`);
      }
      assert.ok(tried.length >= 8, `tried ${tried.join(',')}`);
      const after_ = await t.getCase('dispatcher', c.id);
      assert.equal(after_.status, status, 'status unchanged');
      assert.equal(after_.events.length, before_.events.length, 'no event appended by a refused action');
      assert.equal(after_.deadline, before_.deadline, 'deadline unchanged');
      assert.deepEqual(after_.assignments, before_.assignments, 'assignments unchanged');
      if (ext) assert.equal(after_.extensions.find((x) => x.id === ext.id).status, 'pending', 'extension still pending');
      assert.equal((await t.getCase('dispatcher', mergeTarget.id)).status, 'accepted', 'merge target untouched');
    });
  }
});

describe('403 forbidden and 404', () => {
  let t;
  before(async () => { t = await setup(); });
  after(async () => { await t.srv.stop(); });

  async function forbid(who, id, action, body, label) {
    const r = await t.act(who, id, action, body);
    assertError(r, 403, 'forbidden', undefined, `${label || action} by ${who}`);
  }

  it('platform actions by the wrong role on a case in the right status', async () => {
    const nw = await t.publicCase();
    for (const who of ['leader', 'supervisor']) await forbid(who, nw.id, 'accept', {});
    await forbid('leader', nw.id, 'reject', { reason: 'x' });
    await forbid('agent', nw.id, 'merge', { into: (await t.createCase()).id });

    const acc = await t.createCase();
    const disp = { lead_unit_id: t.org.lead.id };
    for (const who of ['agent', 'supervisor', 'leader']) await forbid(who, acc.id, 'dispatch', disp);
    assert.equal((await t.getCase('dispatcher', acc.id)).status, 'accepted', 'nothing dispatched');

    const d = await t.dispatched(t.org.lead);
    await forbid('dispatcher', d.id, 'sign', {});
    await forbid('agent', d.id, 'sign', {});
    await forbid('dispatcher', d.id, 'supervise', { note: 'x' });
    await forbid('agent', d.id, 'urge', { note: 'x' });
    await forbid('leader', d.id, 'urge', { note: 'x' });
    await forbid('leader', d.id, 'supervise', { note: 'x' });
    await forbid('dispatcher', d.id, 'request_extension', { days: 2, reason: 'x' });

    const h = await t.handling(t.org.lead);
    await forbid('dispatcher', h.id, 'reply', { reply: 'x', contacted: true, resolved: true });
    await forbid('agent', h.id, 'reply', { reply: 'x', contacted: true, resolved: true });
    await forbid('dispatcher', h.id, 'return', { reason: 'x' });

    const rt = await t.returned(t.org.lead);
    await forbid('agent', rt.id, 'dispatch', disp);
    await forbid('agent', rt.id, 'deny_return', { reason: 'x' });
    await forbid('supervisor', rt.id, 'deny_return', { reason: 'x' });

    const rp = await t.replied(t.org.lead);
    for (const [a, body] of [['review_reject', { reason: 'x' }], ['reopen', { reason: 'x' }], ['close', { reason: 'x' }]]) await forbid('agent', rp.id, a, body);
    for (const [a, body] of [['visit', { satisfaction: 'satisfied', resolved: true }], ['close', { reason: 'x' }], ['review_reject', { reason: 'x' }]]) await forbid('supervisor', rp.id, a, body);
    await forbid('leader', rp.id, 'visit', { satisfaction: 'satisfied', resolved: true });
    const after_ = await t.getCase('dispatcher', rp.id);
    assert.equal(after_.status, 'replied');
  });

  it('the lead unit may not take platform actions; an assist unit may not take the lead\'s', async () => {
    const { lead, assist } = t.org;
    const LH = handlerOf(lead), AH = handlerOf(assist);
    const h = await t.handling(lead, [assist]);
    await forbid(LH, h.id, 'urge', { note: 'x' });
    await forbid(LH, h.id, 'supervise', { note: 'x' });
    await forbid(AH, h.id, 'reply', { reply: 'x', contacted: true, resolved: true });
    await forbid(AH, h.id, 'return', { reason: 'x' });
    await forbid(AH, h.id, 'request_extension', { days: 2, reason: 'x' });
    await forbid(adminOf(assist), h.id, 'subdispatch', { unit_id: t.org.street.id });
    await forbid(LH, h.id, 'subdispatch', { unit_id: t.org.street.id }, 'subdispatch by a plain handler');
    const rt = await t.returned(lead);
    // until a re-dispatch the returning unit's assignment is active: it sees the case, may not rule on it
    await forbid(LH, rt.id, 'deny_return', { reason: 'x' }, 'deny_return by the returning unit');
    await forbid(LH, rt.id, 'dispatch', { lead_unit_id: t.org.other.id }, 'dispatch by the returning unit');
    const rp = await t.replied(lead);
    await forbid(LH, rp.id, 'visit', { satisfaction: 'satisfied', resolved: true });
    await forbid(LH, rp.id, 'close', { reason: 'x' });
    await forbid(LH, rp.id, 'review_reject', { reason: 'x' });
    await forbid(LH, rp.id, 'reopen', { reason: 'x' });
    assert.equal((await t.getCase('dispatcher', rp.id)).status, 'replied');
  });

  it('a handler of another unit can neither see nor act on the case', async () => {
    const { lead, other } = t.org;
    const OH = handlerOf(other);
    const d = await t.dispatched(lead);
    // docs/lifecycle.md: a case the caller cannot see → 404 (a unit never learns it exists)
    const seen = await t.get(OH, `/api/v1/cases/${d.id}`);
    assertError(seen, 404, 'not_found', undefined, 'GET by another unit');
    const missing = await t.get(OH, '/api/v1/cases/99999999');
    assert.deepEqual(seen.body, missing.body, 'the same answer as a case that does not exist');
    assertError(await t.get(OH, `/api/v1/cases/${d.case_no}`), 404, 'not_found', undefined, 'by case_no');
    for (const [a, body] of [['sign', {}], ['return', { reason: 'x' }], ['request_extension', { days: 2, reason: 'x' }], ['note', { text: 'x' }], ['dispatch', {}]]) {
      assertError(await t.act(OH, d.id, a, body), 404, 'not_found', undefined, `${a} by another unit`);
    }
    // nor on a case not yet dispatched to anyone
    const acc = await t.createCase();
    assertError(await t.get(handlerOf(lead), `/api/v1/cases/${acc.id}`), 404, 'not_found', undefined, 'unit reads an undispatched case');
    assertError(await t.act(handlerOf(lead), acc.id, 'note', { text: 'x' }), 404, 'not_found', undefined, 'unit notes an undispatched case');
    assert.equal((await t.getCase('dispatcher', d.id)).status, 'dispatched');
    assert.equal((await t.getCase('dispatcher', d.id)).events.length, d.events.length, 'no note was added');
  });

  it('unit roles, leaders and supervisors may not create cases', async () => {
    const body = { channel: 'phone', type: 'complain', content: '测试', citizen: { phone: '13800001111' } };
    for (const who of [handlerOf(t.org.lead), adminOf(t.org.lead), 'leader', 'supervisor']) {
      assertError(await t.post(who, '/api/v1/cases', body), 403, 'forbidden', undefined, `create by ${who}`);
    }
    const hist = assertStatus(await t.get('dispatcher', '/api/v1/citizens/13800001111/cases'), 200, 'history');
    assert.equal(hist.total, 0, 'nothing was created');
  });

  it('the leader reads everything and may act on nothing', async () => {
    const d = await t.dispatched(t.org.lead);
    const v = await t.getCase('leader', d.id);
    assertActions(v, [], [], 'leader');
    assert.ok((await t.list('leader')).items.some((x) => x.id === d.id));
  });

  it('caller history is for agents, dispatchers, supervisors and admins', async () => {
    const c = await t.createCase();
    const p = c.citizen.phone;
    for (const who of ['agent', 'dispatcher', 'supervisor', 'admin']) {
      const r = assertStatus(await t.get(who, `/api/v1/citizens/${p}/cases`), 200, `history by ${who}`);
      assert.equal(r.total, 1);
    }
    const r = await t.get(handlerOf(t.org.lead), `/api/v1/citizens/${p}/cases`);
    assertError(r, 403, 'forbidden', undefined, 'history by a handler');
  });

  it('decision order: 404 unknown/invisible, then 403 role, then 409 status, then 400 arguments', async () => {
    const closed = await t.createCase({ type: 'consult' });
    await t.ok('agent', closed.id, 'answer', { reply: '已答复' });
    // wrong role and wrong status → 403 (the role is checked first)
    await forbid('agent', closed.id, 'dispatch', {}, 'agent dispatches a closed case');
    // right role, wrong status, bad arguments → 409 (status before arguments)
    assertError(await t.act('dispatcher', closed.id, 'dispatch', {}), 409, 'invalid_transition', undefined, 'dispatch a closed case with no body');
    assertError(await t.act('dispatcher', closed.id, 'reject', {}), 409, 'invalid_transition', undefined, 'reject a closed case with no reason');
    // unknown action on an invisible case → 404
    assertError(await t.act(handlerOf(t.org.lead), closed.id, 'teleport', {}), 404, 'not_found');
    // right role, right status, bad arguments → 400
    const acc = await t.createCase();
    assertError(await t.act('dispatcher', acc.id, 'dispatch', {}), 400, 'validation_failed', 'lead_unit_id');
  });

  it('unknown action, unknown case → 404', async () => {
    const c = await t.createCase();
    assertError(await t.act('dispatcher', c.id, 'teleport', {}), 404, 'not_found', undefined, 'unknown action');
    assertError(await t.act('dispatcher', c.id, 'Dispatch', { lead_unit_id: t.org.lead.id }), 404, 'not_found', undefined, 'actions are case-sensitive');
    assertError(await t.act('dispatcher', 99999999, 'accept', {}), 404, 'not_found', undefined, 'missing case');
    assertError(await t.get('dispatcher', '/api/v1/cases/99999999'), 404, 'not_found');
    assertError(await t.get('dispatcher', '/api/v1/cases/JZ20000101000001'), 404, 'not_found');
    assertError(await t.get('dispatcher', '/api/v1/cases/abc%27%20or%201=1'), 404, 'not_found');
    assertError(await t.get('dispatcher', '/api/v1/no-such-endpoint'), 404, 'not_found');
    assert.equal((await t.getCase('dispatcher', c.id)).status, 'accepted');
  });
});
