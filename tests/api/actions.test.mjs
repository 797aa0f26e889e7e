// The branches of the lifecycle: return → re-dispatch / deny_return,
// review_reject, reopen, merge, answer, reject, close, subdispatch, and the
// actions that leave the status alone (supervise, urge, note).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, assertError, assertStatus, assertActions, handlerOf, adminOf, ISO_RE, epoch,
} from './_helpers.mjs';

describe('lifecycle branches', () => {
  let t;
  before(async () => { t = await setup(); });
  after(async () => { await t.srv.stop(); });

  const lastEvent = (c) => c.events[c.events.length - 1];

  it('return → re-dispatch to another unit: old assignment inactive, new lead', async () => {
    const { lead, other } = t.org;
    const c = await t.handling(lead);
    const r = await t.ok(handlerOf(lead), c.id, 'return', { reason: '该事项属于其他部门职责' });
    assert.equal(r.status, 'returned');
    const ev = lastEvent(r);
    assert.equal(ev.action, 'return');
    assert.equal(ev.from_status, 'handling');
    assert.equal(ev.to_status, 'returned');
    assert.ok(JSON.stringify(ev.payload).includes('该事项属于其他部门职责'), 'the reason is in the event payload');
    assertActions(await t.getCase('dispatcher', c.id), ['dispatch', 'deny_return', 'urge', 'note'], [], 'dispatcher on returned');
    assertActions(await t.getCase('supervisor', c.id), ['supervise', 'urge', 'note'], [], 'supervisor on returned');

    const d = await t.ok('dispatcher', c.id, 'dispatch', { lead_unit_id: other.id, note: '改派' });
    assert.equal(d.status, 'dispatched');
    assert.equal(d.lead_unit.id, other.id);
    const leads = d.assignments.filter((a) => a.role === 'lead');
    assert.equal(leads.length, 2, 'old and new lead assignments are both kept');
    const oldA = leads.find((a) => a.unit.id === lead.id);
    const newA = leads.find((a) => a.unit.id === other.id);
    assert.ok(oldA && !oldA.active, 'old assignment inactive');
    assert.ok(newA && newA.active, 'new assignment active');
    assert.equal(newA.signed_at, null);

    // the old unit no longer sees or acts on it; the new one signs
    // docs/lifecycle.md: a case the caller cannot see → 404, for reading and acting
    assertError(await t.get(handlerOf(lead), `/api/v1/cases/${c.id}`), 404, 'not_found', undefined, 'old unit reads the case');
    assertError(await t.act(handlerOf(lead), c.id, 'sign'), 404, 'not_found', undefined, 'old unit signs');
    assertError(await t.act(handlerOf(lead), c.id, 'note', { text: 'x' }), 404, 'not_found', undefined, 'old unit notes');
    const old = await t.list(handlerOf(lead));
    assert.ok(!old.items.some((x) => x.id === c.id), 'gone from the old unit\'s list');
    assertActions(await t.getCase(handlerOf(other), c.id), ['sign', 'return', 'request_extension', 'note'], [], 'new lead on dispatched');
    assert.equal((await t.ok(handlerOf(other), c.id, 'sign')).status, 'handling');
  });

  it('return → deny_return: same unit, deadline unchanged, status dispatched', async () => {
    const { lead } = t.org;
    const c = await t.dispatched(lead);
    const r = await t.ok(handlerOf(lead), c.id, 'return', { reason: '不是我们的' });
    assert.equal(r.status, 'returned');
    const d = await t.ok('dispatcher', c.id, 'deny_return', { reason: '属于贵单位职责，请继续办理' });
    assert.equal(d.status, 'dispatched');
    assert.equal(d.lead_unit.id, lead.id);
    assert.equal(d.deadline, c.deadline, 'deadline unchanged');
    assert.equal(d.sign_deadline, c.sign_deadline, 'sign deadline unchanged');
    const leads = d.assignments.filter((a) => a.role === 'lead' && a.active);
    assert.equal(leads.length, 1);
    assert.equal(leads[0].unit.id, lead.id);
    assert.equal(leads[0].deadline, c.deadline);
    const ev = lastEvent(d);
    assert.equal(ev.action, 'deny_return');
    assert.equal(ev.from_status, 'returned');
    assert.equal(ev.to_status, 'dispatched');
    assertActions(await t.getCase(handlerOf(lead), c.id), ['sign', 'return', 'request_extension', 'note'], [], 'lead after deny_return');
    assert.equal((await t.ok(handlerOf(lead), c.id, 'sign')).status, 'handling');
  });

  it('return needs a reason', async () => {
    const c = await t.dispatched(t.org.lead);
    assertError(await t.act(handlerOf(t.org.lead), c.id, 'return', {}), 400, 'validation_failed', 'reason');
    assertError(await t.act(handlerOf(t.org.lead), c.id, 'return', { reason: '' }), 400, 'validation_failed', 'reason');
    assertError(await t.act(handlerOf(t.org.lead), c.id, 'return', { reason: 'x'.repeat(2001) }), 400, 'validation_failed', 'reason');
    assert.equal((await t.getCase('dispatcher', c.id)).status, 'dispatched', 'nothing changed');
  });

  it('review_reject: replied → handling, the lead can reply again', async () => {
    const { lead } = t.org;
    const c = await t.replied(lead);
    const r = await t.ok('dispatcher', c.id, 'review_reject', { reason: '答复内容不完整，请补充' });
    assert.equal(r.status, 'handling');
    assert.equal(r.lead_unit.id, lead.id);
    assert.equal(lastEvent(r).action, 'review_reject');
    assertActions(await t.getCase(handlerOf(lead), c.id), ['return', 'request_extension', 'reply', 'note'], [], 'lead after review_reject');
    const again = await t.ok(handlerOf(lead), c.id, 'reply', { reply: '补充答复：已完成整改。', contacted: true, resolved: true });
    assert.equal(again.status, 'replied');
    assert.equal(again.reply, '补充答复：已完成整改。');
  });

  it('reopen from closed → handling, same unit, new deadline', async () => {
    const { lead } = t.org;
    const c = await t.closed(lead);
    assert.equal(c.status, 'closed');
    const r = await t.ok('dispatcher', c.id, 'reopen', { reason: '市民反映问题仍未解决' });
    assert.equal(r.status, 'handling');
    assert.equal(r.lead_unit.id, lead.id);
    assert.match(r.deadline, ISO_RE);
    // "a new deadline" counted from the reopen; on the day of dispatch it can equal the old one,
    // so we check it lies days ahead and not before the old one.
    assert.ok(epoch(r.deadline) > Date.now() / 1000 + 86400, 'the new deadline lies days ahead');
    assert.ok(epoch(r.deadline) >= epoch(c.deadline), 'not earlier than the old one');
    assert.equal(r.closed_at, null, 'no longer closed');
    const ev = lastEvent(r);
    assert.equal(ev.action, 'reopen');
    assert.equal(ev.from_status, 'closed');
    assert.equal(ev.to_status, 'handling');
    assertActions(await t.getCase(handlerOf(lead), c.id), ['request_extension', 'reply', 'note'], ['return'], 'lead after reopen');
    assert.equal((await t.ok(handlerOf(lead), c.id, 'reply', { reply: '再次处理完毕', contacted: true, resolved: true })).status, 'replied');
  });

  it('reopen from replied by a supervisor → handling', async () => {
    const c = await t.replied(t.org.lead);
    const r = await t.ok('supervisor', c.id, 'reopen', { reason: '答复与事实不符' });
    assert.equal(r.status, 'handling');
    assert.equal(r.lead_unit.id, t.org.lead.id);
  });

  it('merge into an open case: status merged, merged_into set', async () => {
    const first = await t.createCase({ content: '某路段井盖缺失，存在安全隐患。' });
    const dup = await t.createCase({ content: '同一路段井盖缺失，又一位市民来电。' });
    const m = await t.ok('dispatcher', dup.id, 'merge', { into: first.id });
    assert.equal(m.status, 'merged');
    assert.deepEqual(m.merged_into, { id: first.id, case_no: first.case_no });
    assert.equal(lastEvent(m).action, 'merge');
    assertActions(await t.getCase('dispatcher', dup.id), ['note'], [], 'dispatcher on merged');
    assert.equal((await t.getCase('dispatcher', first.id)).status, 'accepted', 'the target is untouched');
    // into may be a case_no, and the target may be further along (dispatched is open)
    const target = await t.dispatched(t.org.lead);
    const dup2 = await t.publicCase();
    const m2 = await t.ok('dispatcher', dup2.id, 'merge', { into: target.case_no });
    assert.equal(m2.status, 'merged');
    assert.equal(m2.merged_into.id, target.id);
  });

  it('merge into a closed case, into itself or a missing case → error, nothing changes', async () => {
    const closed = await t.createCase({ type: 'consult' });
    await t.ok('agent', closed.id, 'answer', { reply: '按政策办理即可。' });
    const c = await t.createCase();
    for (const [label, into] of [['closed', closed.id], ['itself', c.id], ['itself by case_no', c.case_no], ['missing', 99999999]]) {
      const r = await t.act('dispatcher', c.id, 'merge', { into });
      assert.ok([400, 404, 409].includes(r.status), `merge into ${label}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.ok(r.body && r.body.error && typeof r.body.error.code === 'string', `merge into ${label}: error body`);
      assert.notEqual(r.body.error.code, 'internal');
    }
    const rejected = await t.createCase();
    await t.ok('dispatcher', rejected.id, 'reject', { reason: '重复来电' });
    const r = await t.act('dispatcher', c.id, 'merge', { into: rejected.id });
    assert.ok([400, 409].includes(r.status), `merge into a rejected case: ${r.status}`);
    assertError(await t.act('dispatcher', c.id, 'merge', {}), 400, 'validation_failed', 'into');
    const after_ = await t.getCase('dispatcher', c.id);
    assert.equal(after_.status, 'accepted');
    assert.equal(after_.merged_into, null);
  });

  it('answer: a consult closes at once with the reply', async () => {
    const c = await t.createCase({ type: 'consult', content: '咨询公积金提取需要什么材料？' });
    const a = await t.ok('agent', c.id, 'answer', { reply: '携带身份证和购房合同到公积金中心办理。' });
    assert.equal(a.status, 'closed');
    assert.equal(a.reply, '携带身份证和购房合同到公积金中心办理。');
    assert.match(a.closed_at, ISO_RE);
    assert.equal(a.lead_unit, null);
    const ev = lastEvent(a);
    assert.equal(ev.action, 'answer');
    assert.equal(ev.from_status, 'accepted');
    assert.equal(ev.to_status, 'closed');
    // nobody handled it, so there is nothing to reopen
    assertActions(await t.getCase('dispatcher', c.id), ['note'], [], 'dispatcher on an answered case');
    assertError(await t.act('dispatcher', c.id, 'reopen', { reason: 'x' }), 409, 'invalid_transition', undefined, 'reopen an answered case');
    // a web case can be answered straight from new
    const w = await t.publicCase({ type: 'consult' });
    assert.equal((await t.ok('dispatcher', w.id, 'answer', { reply: '已答复' })).status, 'closed');
    assertError(await t.act('agent', (await t.createCase()).id, 'answer', {}), 400, 'validation_failed', 'reply');
  });

  it('reject with a reason → rejected', async () => {
    const w = await t.publicCase({ content: '测试测试随便写的内容' });
    const r = await t.ok('agent', w.id, 'reject', { reason: '内容不明确，无法受理' });
    assert.equal(r.status, 'rejected');
    const ev = lastEvent(r);
    assert.equal(ev.action, 'reject');
    assert.equal(ev.from_status, 'new');
    assert.equal(ev.to_status, 'rejected');
    assert.ok(JSON.stringify(ev.payload).includes('内容不明确，无法受理'));
    const pub = assertStatus(await t.srv.api('GET', `/api/v1/public/cases/${w.case_no}?code=${w.query_code}`), 200, 'track');
    assert.equal(pub.status, 'rejected');
    assertError(await t.act('dispatcher', (await t.createCase()).id, 'reject', {}), 400, 'validation_failed', 'reason');
  });

  it('close: replied → closed by the dispatcher', async () => {
    const c = await t.replied(t.org.lead);
    const r = await t.ok('dispatcher', c.id, 'close', { reason: '市民无法联系，按程序办结' });
    assert.equal(r.status, 'closed');
    assert.match(r.closed_at, ISO_RE);
    assert.equal(lastEvent(r).action, 'close');
    assertError(await t.act('agent', (await t.replied(t.org.lead)).id, 'close', { reason: 'x' }), 403, 'forbidden', undefined, 'agent closes');
  });

  it('supervise, urge and note append events and leave the status alone', async () => {
    const { lead } = t.org;
    for (const mk of [() => t.dispatched(lead), () => t.handling(lead), () => t.returned(lead)]) {
      const c = await mk();
      const st = c.status;
      const n0 = (await t.getCase('dispatcher', c.id)).events.length;
      const s = await t.ok('supervisor', c.id, 'supervise', { note: '请加快办理' });
      assert.equal(s.status, st);
      assert.equal(lastEvent(s).action, 'supervise');
      const u = await t.ok('dispatcher', c.id, 'urge', { note: '催办' });
      assert.equal(u.status, st);
      assert.equal(lastEvent(u).action, 'urge');
      const u2 = await t.ok('supervisor', c.id, 'urge', { note: '再次催办' });
      assert.equal(u2.status, st);
      const n = await t.ok('agent', c.id, 'note', { text: '市民再次来电询问进度' });
      assert.equal(n.status, st);
      const ne = lastEvent(n);
      assert.equal(ne.action, 'note');
      assert.equal(ne.from_status, st);
      assert.equal(ne.to_status, st);
      assert.equal(n.events.length, n0 + 4, `four events appended on ${st}`);
      assert.equal(n.deadline, c.deadline, 'deadline untouched');
    }
    // note works on every status, also terminal ones, by any staff who sees it
    const closed = await t.closed(lead);
    assert.equal((await t.ok('dispatcher', closed.id, 'note', { text: '归档备注' })).status, 'closed');
    assert.equal((await t.ok(handlerOf(lead), closed.id, 'note', { text: '单位备注' })).status, 'closed');
    const nw = await t.publicCase();
    assert.equal((await t.ok('agent', nw.id, 'note', { text: '待核实' })).status, 'new');
    assertError(await t.act('agent', nw.id, 'note', {}), 400, 'validation_failed', 'text');
  });

  it('subdispatch: the lead unit_admin passes the case to a child unit, which signs and gives an opinion', async () => {
    const { district, street, street2, lead } = t.org;
    const c = await t.dispatched(district);
    assert.equal((await t.ok(adminOf(district), c.id, 'sign')).status, 'handling');
    // a plain handler may not sub-dispatch
    assertError(await t.act(handlerOf(district), c.id, 'subdispatch', { unit_id: street.id }), 403, 'forbidden', undefined, 'handler subdispatches');
    // only to a unit below the lead
    const bad = await t.act(adminOf(district), c.id, 'subdispatch', { unit_id: lead.id });
    assertError(bad, 400, 'validation_failed', 'unit_id', 'subdispatch to a unit not below the lead');
    const s = await t.ok(adminOf(district), c.id, 'subdispatch', { unit_id: street.id, note: '请街道核实' });
    assert.equal(s.status, 'handling');
    const leadA = s.assignments.find((a) => a.role === 'lead' && a.active);
    const sub = s.assignments.find((a) => a.role === 'sub');
    assert.ok(sub, 'a sub assignment');
    assert.equal(sub.unit.id, street.id);
    assert.equal(sub.parent_id, leadA.id);
    assert.ok(sub.active);
    assert.equal(s.lead_unit.id, district.id, 'the lead stays the district');
    assert.equal(lastEvent(s).action, 'subdispatch');

    const SH = handlerOf(street);
    assertActions(await t.getCase(SH, c.id), ['sign', 'opinion', 'note'], [], 'sub unit before signing');
    const ss = await t.ok(SH, c.id, 'sign');
    assert.equal(ss.status, 'handling');
    assert.match(ss.assignments.find((a) => a.role === 'sub').signed_at, ISO_RE);
    const op = await t.ok(SH, c.id, 'opinion', { text: '已现场核实，情况属实。' });
    assert.equal(op.assignments.find((a) => a.role === 'sub').opinion, '已现场核实，情况属实。');
    assertError(await t.act(SH, c.id, 'reply', { reply: 'x', contacted: true, resolved: true }), 403, 'forbidden', undefined, 'sub unit replies');
    assertError(await t.get(handlerOf(street2), `/api/v1/cases/${c.id}`), 404, 'not_found', undefined, 'sibling street reads it');
    // sub-dispatching again to a unit already on the case → 409 conflict
    assertError(await t.act(adminOf(district), c.id, 'subdispatch', { unit_id: street.id }), 409, 'conflict', undefined, 'subdispatch twice to one unit');
    // a sub-dispatch never gets a later deadline than its parent
    const sa = (await t.getCase('dispatcher', c.id)).assignments.find((a) => a.role === 'sub');
    assert.ok(epoch(sa.deadline) <= epoch(leadA.deadline), 'sub deadline not after the lead\'s');
    assert.equal((await t.ok(handlerOf(district), c.id, 'reply', { reply: '街道已处理', contacted: true, resolved: true })).status, 'replied');
  });

  it('dispatch validates its arguments', async () => {
    const c = await t.createCase();
    assertError(await t.act('dispatcher', c.id, 'dispatch', {}), 400, 'validation_failed', 'lead_unit_id');
    assertError(await t.act('dispatcher', c.id, 'dispatch', { lead_unit_id: 99999999 }), 400, 'validation_failed', 'lead_unit_id');
    const ba = await t.act('dispatcher', c.id, 'dispatch', { lead_unit_id: t.org.lead.id, assist_unit_ids: [99999999] });
    assertError(ba, 400, 'validation_failed');
    assert.match(ba.body.error.field, /^assist_unit_ids(\[0\])?$/);
    const many = t.units.filter((u) => u.kind === 'department' && u.id !== t.org.lead.id).slice(0, 11).map((u) => u.id);
    if (many.length === 11) {
      const tm = await t.act('dispatcher', c.id, 'dispatch', { lead_unit_id: t.org.lead.id, assist_unit_ids: many });
      assertError(tm, 400, 'validation_failed', undefined, '> 10 assists');
      assert.match(tm.body.error.field, /^assist_unit_ids/);
    }
    assert.equal((await t.getCase('dispatcher', c.id)).status, 'accepted', 'nothing half-written');
    assert.deepEqual((await t.getCase('dispatcher', c.id)).assignments, []);
  });

  it('extension arguments and the limit of 3 per case', async () => {
    const { lead } = t.org;
    const LH = handlerOf(lead);
    const c = await t.handling(lead);
    assertError(await t.act(LH, c.id, 'request_extension', { days: 31, reason: 'x' }), 400, 'validation_failed', 'days');
    assertError(await t.act(LH, c.id, 'request_extension', { days: 0, reason: 'x' }), 400, 'validation_failed', 'days');
    assertError(await t.act(LH, c.id, 'request_extension', { days: 2 }), 400, 'validation_failed', 'reason');
    let deadline = c.deadline;
    for (let i = 1; i <= 3; i++) {
      const r = await t.ok(LH, c.id, 'request_extension', { days: 1, reason: `第${i}次延期` });
      const ext = r.extensions.find((x) => x.status === 'pending');
      const d = await t.ok('supervisor', c.id, 'decide_extension', { extension_id: ext.id, approve: true });
      assert.ok(epoch(d.deadline) > epoch(deadline), `extension ${i} moved the deadline`);
      deadline = d.deadline;
    }
    const fourth = await t.act(LH, c.id, 'request_extension', { days: 1, reason: '第4次' });
    assertError(fourth, 409, 'invalid_transition', undefined, 'a 4th extension');
    assert.equal((await t.getCase('dispatcher', c.id)).extensions.length, 3);
    // a denied request leaves the deadline alone
    const c2 = await t.handling(lead);
    const r2 = await t.ok(LH, c2.id, 'request_extension', { days: 5, reason: '需要更多时间' });
    // a second request while one is pending → 409 conflict
    assertError(await t.act(LH, c2.id, 'request_extension', { days: 2, reason: '再申请' }), 409, 'conflict', undefined, 'second pending request');
    const d2 = await t.ok('dispatcher', c2.id, 'decide_extension', { extension_id: r2.extensions[0].id, approve: false, note: '理由不充分' });
    assert.equal(d2.extensions[0].status, 'denied');
    assert.equal(d2.deadline, c2.deadline);
    assert.equal(d2.status, 'handling');
    // deciding a decided request → 409 conflict (another request is pending, so the guard holds)
    const r3 = await t.ok(LH, c2.id, 'request_extension', { days: 2, reason: '第二次申请' });
    assert.equal(r3.extensions.length, 2);
    assertError(await t.act('dispatcher', c2.id, 'decide_extension', { extension_id: r2.extensions[0].id, approve: true }), 409, 'conflict', undefined, 'deciding a decided request');
    assert.equal((await t.getCase('dispatcher', c2.id)).deadline, c2.deadline);
  });

  it('time limits: the clock starts at dispatch; consult 3, complain 10 days; urgent 24 h, emergency 2 h', async () => {
    const { lead } = t.org;
    const dayStart = (iso) => Date.parse(iso.slice(0, 10) + 'T00:00:00+08:00') / 1000;
    for (const [type, n] of [['consult', 3], ['help', 5], ['complain', 10], ['suggest', 15]]) {
      const c = await t.dispatched(lead, [], { type });
      assert.match(c.deadline, /T00:00:00\+08:00$/, `${type}: a day limit ends at 24:00 city time`);
      const days = (epoch(c.deadline) - dayStart(c.dispatched_at)) / 86400;
      assert.ok(days >= n + 1 && days <= 2 * n + 10, `${type}: ${n} (working) days after the dispatch day, got ${days}`);
      const s = await t.ok(handlerOf(lead), c.id, 'sign');
      assert.equal(s.deadline, c.deadline, `${type}: signing does not move it`);
    }
    const u = await t.dispatched(lead, [], { urgency: 'urgent' });
    assert.equal(epoch(u.deadline) - epoch(u.dispatched_at), 24 * 3600, 'urgent: 24 h natural time');
    const e = await t.dispatched(lead, [], { urgency: 'emergency' });
    assert.equal(epoch(e.deadline) - epoch(e.dispatched_at), 2 * 3600, 'emergency: 2 h natural time');
    assert.ok(epoch(e.sign_deadline) <= epoch(e.deadline));
  });

  it('an extension must be filed at least 2 days before the deadline → 409 otherwise', async () => {
    const { lead } = t.org;
    const c = await t.handling(lead, [], { urgency: 'urgent' }); // 24 h left
    const r = await t.act(handlerOf(lead), c.id, 'request_extension', { days: 2, reason: '来不及' });
    assertError(r, 409, 'invalid_transition', undefined, 'extension with < 2 days left');
    const after_ = await t.getCase('dispatcher', c.id);
    assert.deepEqual(after_.extensions, []);
    assert.equal(after_.deadline, c.deadline);
  });

  it('visit validates satisfaction', async () => {
    const c = await t.replied(t.org.lead);
    assertError(await t.act('dispatcher', c.id, 'visit', { satisfaction: 'great', resolved: true }), 400, 'validation_failed', 'satisfaction');
    assert.equal((await t.getCase('dispatcher', c.id)).status, 'replied');
    const v = await t.ok('agent', c.id, 'visit', { satisfaction: 'unsatisfied', resolved: false, note: '不满意' });
    assert.equal(v.status, 'closed');
    assert.equal(v.visits[0].satisfaction, 'unsatisfied');
    assert.equal(v.visits[0].resolved, false);
  });
});
