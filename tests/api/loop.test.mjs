// The closed loop end to end: a phone case through dispatch (with an assist
// unit), sign, opinion, extension, reply and visit; and the citizen's web
// path through the public portal up to the rating. At each step `actions` is
// exactly what DESIGN.md §3 lets that caller do.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, assertError, assertStatus, assertActions, newPhone, maskPhone, handlerOf, adminOf,
  CASE_NO_RE, ISO_RE, epoch,
} from './_helpers.mjs';

// Today's date in the city (Asia/Shanghai) as YYYYMMDD.
const cityDay = (d = new Date()) => new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 10).replace(/-/g, '');

describe('the closed loop', () => {
  let t;
  before(async () => { t = await setup(); });
  after(async () => { await t.srv.stop(); });

  it('phone case → dispatch with an assist → sign → opinion → extension → reply → visit → closed', async () => {
    const { lead, assist } = t.org;
    const LH = handlerOf(lead), LA = adminOf(lead), AH = handlerOf(assist);
    const phone = newPhone();
    const dayBefore = cityDay();

    // 1. the agent registers a phone case
    const created = await t.createCase({
      type: 'complain', title: '小区夜间施工噪音扰民', content: '古塔区某小区旁工地夜间施工，噪音很大，影响休息。',
      address: '古塔区北京路1号', citizen: { name: '张先生', phone, anonymous: false, confidential: false },
    });
    assert.equal(created.status, 'accepted');
    assert.match(created.case_no, CASE_NO_RE);
    assert.ok([dayBefore, cityDay()].includes(created.case_no.slice(2, 10)), `case_no carries today's city date: ${created.case_no}`);
    assert.match(created.query_code, /^\d{6}$/);
    assert.equal(typeof created.id, 'number');
    assert.equal(created.channel, 'phone');
    assert.equal(created.type, 'complain');
    assert.equal(created.urgency, 'normal');
    assert.equal(created.title, '小区夜间施工噪音扰民');
    assert.equal(created.citizen.phone, phone, 'platform roles see the full phone in the detail');
    assert.equal(created.citizen.name, '张先生');
    assert.match(created.created_at, ISO_RE);
    assert.equal(created.lead_unit, null);
    assert.equal(created.deadline, null);
    assert.deepEqual(created.assignments, []);
    assertActions(created, ['reject', 'answer', 'note'], [], 'agent on accepted (create response)');
    const id = created.id;

    // the case is reachable by id and by case_no
    const byNo = await t.getCase('dispatcher', created.case_no);
    assert.equal(byNo.id, id);
    assertActions(byNo, ['reject', 'answer', 'merge', 'dispatch', 'note'], [], 'dispatcher on accepted');
    assertActions(await t.getCase('agent', id), ['reject', 'answer', 'note'], [], 'agent on accepted');
    assertActions(await t.getCase('supervisor', id), ['note'], [], 'supervisor on accepted');
    const lv = await t.getCase('leader', id);
    assertActions(lv, [], [], 'leader reads only');

    // 2. dispatch to the lead with one assist unit
    const d = await t.ok('dispatcher', id, 'dispatch', { lead_unit_id: lead.id, assist_unit_ids: [assist.id], note: '请牵头处理' });
    assert.equal(d.status, 'dispatched');
    assert.equal(d.lead_unit.id, lead.id);
    assert.match(d.dispatched_at, ISO_RE);
    assert.match(d.deadline, ISO_RE);
    assert.match(d.sign_deadline, ISO_RE);
    assert.ok(epoch(d.deadline) > epoch(d.dispatched_at) + 86400, 'handling deadline days after dispatch');
    assert.ok(epoch(d.sign_deadline) <= epoch(d.deadline), 'sign deadline not after the handling deadline');
    assert.equal(d.assignments.length, 2);
    const la = d.assignments.find((a) => a.role === 'lead');
    const aa = d.assignments.find((a) => a.role === 'assist');
    assert.equal(la.unit.id, lead.id);
    assert.equal(aa.unit.id, assist.id);
    assert.ok(la.active && aa.active, 'both assignments active');
    assert.equal(la.signed_at, null);
    assert.equal(la.deadline, d.deadline);
    assert.equal(la.note, '请牵头处理');

    assertActions(await t.getCase(LH, id), ['sign', 'return', 'request_extension', 'note'], [], 'lead handler on dispatched');
    assertActions(await t.getCase(LA, id), ['sign', 'return', 'request_extension', 'note'], [], 'lead unit_admin on dispatched');
    assertActions(await t.getCase(AH, id), ['sign', 'opinion', 'note'], [], 'assist handler on dispatched');
    const agentView = await t.getCase('agent', id);
    assertActions(agentView, ['note'], [], 'agent on dispatched');
    assert.ok(!agentView.actions.includes('dispatch'));
    assertActions(await t.getCase('dispatcher', id), ['urge', 'note'], [], 'dispatcher on dispatched (no pending extension)');
    assertActions(await t.getCase('supervisor', id), ['supervise', 'urge', 'note'], [], 'supervisor on dispatched');
    assertActions(await t.getCase('leader', id), [], [], 'leader on dispatched');

    // 3. the lead handler signs → handling
    const s = await t.ok(LH, id, 'sign');
    assert.equal(s.status, 'handling');
    const ls = s.assignments.find((a) => a.role === 'lead');
    assert.match(ls.signed_at, ISO_RE);
    assert.equal(s.deadline, d.deadline, 'signing does not move the deadline (the clock starts at dispatch)');
    assertActions(await t.getCase(LH, id), ['return', 'request_extension', 'reply', 'note'], [], 'lead handler on handling');
    assertActions(await t.getCase(LA, id), ['return', 'request_extension', 'reply', 'subdispatch', 'note'], [], 'lead unit_admin on handling');
    assertActions(await t.getCase(AH, id), ['sign', 'opinion', 'note'], [], 'assist (unsigned) on handling');
    // the lead cannot sign twice
    assertError(await t.act(LH, id, 'sign'), 409, 'invalid_transition', undefined, 'lead signs again');

    // 4. the assist signs its own assignment and gives its opinion
    const as = await t.ok(AH, id, 'sign');
    assert.equal(as.status, 'handling', 'an assist signing does not change the case status');
    assert.match(as.assignments.find((a) => a.role === 'assist').signed_at, ISO_RE);
    assertActions(await t.getCase(AH, id), ['opinion', 'note'], [], 'assist (signed) on handling');
    const op = await t.ok(AH, id, 'opinion', { text: '我单位配合核查施工许可。' });
    assert.equal(op.status, 'handling');
    assert.equal(op.assignments.find((a) => a.role === 'assist').opinion, '我单位配合核查施工许可。');
    assertError(await t.act(AH, id, 'reply', { reply: 'x', contacted: true, resolved: true }), 403, 'forbidden', undefined, 'assist replies');

    // 5. the lead requests an extension
    const before = await t.getCase('dispatcher', id);
    const rx = await t.ok(LH, id, 'request_extension', { days: 3, reason: '需协调多个部门现场核查' });
    assert.equal(rx.status, 'handling');
    assert.equal(rx.deadline, before.deadline, 'a request alone does not move the deadline');
    assert.equal(rx.extensions.length, 1);
    const ext = rx.extensions[0];
    assert.equal(ext.status, 'pending');
    assert.equal(ext.days, 3);
    assert.equal(ext.reason, '需协调多个部门现场核查');
    assert.equal(typeof ext.id, 'number');
    assert.match(ext.requested_at, ISO_RE);
    const pending = assertStatus(await t.get('dispatcher', '/api/v1/extensions?status=pending'), 200, 'pending extensions');
    const pi = pending.items.find((x) => x.id === ext.id);
    assert.ok(pi, 'the request is in the pending list');
    assert.equal(pi.case.id, id);
    assert.equal(pi.days, 3);
    assertActions(await t.getCase('dispatcher', id), ['decide_extension', 'urge', 'note'], [], 'dispatcher with a pending extension');
    assertActions(await t.getCase('supervisor', id), ['decide_extension', 'supervise', 'urge', 'note'], [], 'supervisor with a pending extension');
    assertError(await t.act('agent', id, 'decide_extension', { extension_id: ext.id, approve: true }), 403, 'forbidden', undefined, 'agent decides');

    // 6. the dispatcher approves: the deadline moves by the days
    const dx = await t.ok('dispatcher', id, 'decide_extension', { extension_id: ext.id, approve: true, note: '同意延期' });
    assert.equal(dx.status, 'handling');
    const ex2 = dx.extensions.find((x) => x.id === ext.id);
    assert.equal(ex2.status, 'approved');
    assert.equal(ex2.old_deadline, before.deadline);
    assert.equal(ex2.new_deadline, dx.deadline);
    assert.match(ex2.decided_at, ISO_RE);
    const moved = epoch(dx.deadline) - epoch(before.deadline);
    assert.ok(moved >= 3 * 86400 && moved <= 13 * 86400, `deadline moved by 3 (working) days, moved ${moved}s`);
    assert.equal(dx.assignments.find((a) => a.role === 'lead').deadline, dx.deadline, 'the lead assignment deadline moves too');
    assert.equal(dx.extension_count, 1);
    assertActions(await t.getCase('dispatcher', id), ['urge', 'note'], [], 'dispatcher after the decision');
    // no request pending any more: the guard fails first → invalid_transition (docs/api.md)
    assertError(await t.act('dispatcher', id, 'decide_extension', { extension_id: ext.id, approve: false }), 409, 'invalid_transition', undefined, 'deciding twice');
    const names = dx.events.map((e) => e.action);
    const order = ['dispatch', 'sign', 'opinion', 'request_extension', 'decide_extension'];
    let at = -1;
    for (const a of order) {
      const i = names.indexOf(a, at + 1);
      assert.ok(i > at, `timeline has ${a} after the previous steps: ${JSON.stringify(names)}`);
      at = i;
    }
    const de = dx.events.find((e) => e.action === 'dispatch');
    assert.equal(de.from_status, 'accepted');
    assert.equal(de.to_status, 'dispatched');
    assert.equal(de.actor.name.length > 0, true);
    assert.equal(de.actor_kind, 'staff');
    assert.match(de.at, ISO_RE);
    for (let i = 1; i < dx.events.length; i++) assert.ok(dx.events[i].id > dx.events[i - 1].id, 'events oldest first');

    // 7. the lead replies → replied
    const rp = await t.ok(LH, id, 'reply', { reply: '经核查，已责令施工单位夜间停工。', internal_note: '联系了城管执法', contacted: true, resolved: true });
    assert.equal(rp.status, 'replied');
    assert.equal(rp.reply, '经核查，已责令施工单位夜间停工。');
    assert.match(rp.replied_at, ISO_RE);
    assert.match(rp.assignments.find((a) => a.role === 'lead').replied_at, ISO_RE);
    assertActions(await t.getCase('dispatcher', id), ['review_reject', 'visit', 'reopen', 'close', 'note'], [], 'dispatcher on replied');
    assertActions(await t.getCase('agent', id), ['visit', 'note'], [], 'agent on replied');
    assertActions(await t.getCase('supervisor', id), ['reopen', 'note'], [], 'supervisor on replied');
    assertActions(await t.getCase(LH, id), ['note'], [], 'lead handler on replied');

    // 8. the dispatcher visits → closed
    const v = await t.ok('dispatcher', id, 'visit', { satisfaction: 'satisfied', resolved: true, note: '市民表示满意' });
    assert.equal(v.status, 'closed');
    assert.match(v.closed_at, ISO_RE);
    assert.equal(v.visits.length, 1);
    assert.equal(v.visits[0].source, 'staff');
    assert.equal(v.visits[0].satisfaction, 'satisfied');
    assert.equal(v.visits[0].resolved, true);
    assert.equal(v.visit.satisfaction, 'satisfied', '`visit` is the latest staff visit');
    assertActions(await t.getCase('dispatcher', id), ['reopen', 'note'], [], 'dispatcher on closed');
    assertActions(await t.getCase('agent', id), ['note'], [], 'agent on closed');
    assertActions(await t.getCase(LH, id), ['note'], [], 'lead handler on closed');
    const last = v.events[v.events.length - 1];
    assert.equal(last.action, 'visit');
    assert.equal(last.from_status, 'replied');
    assert.equal(last.to_status, 'closed');
  });

  it('web path: public submit → accept → dispatch → sign → reply → citizen tracks and rates → visit → closed', async () => {
    const { lead } = t.org;
    const LH = handlerOf(lead);
    const phone = newPhone('137');
    const name = '赵敏慧';
    const sub = await t.srv.api('POST', '/api/v1/public/cases', {
      type: 'help', title: '楼道灯坏了', content: '单元楼道声控灯坏了一个月，老人上下楼不安全。',
      address: '凌河区解放路9号', citizen: { name, phone },
    });
    const pub = assertStatus(sub, 201, 'public submit (no login)');
    assert.match(pub.case_no, CASE_NO_RE);
    assert.match(pub.query_code, /^\d{6}$/);
    assert.equal(pub.status, 'new');
    assert.ok(!('citizen' in pub), 'no citizen data echoed');

    const c0 = await t.getCase('dispatcher', pub.case_no);
    assert.equal(c0.status, 'new');
    assert.equal(c0.channel, 'web');
    assert.equal(c0.citizen.phone, phone);
    assert.equal(c0.query_code, pub.query_code, 'platform roles see the query code');
    assertActions(c0, ['accept', 'reject', 'answer', 'merge', 'note'], [], 'dispatcher on new');
    assertActions(await t.getCase('agent', c0.id), ['accept', 'reject', 'answer', 'note'], [], 'agent on new');
    const evCreate = c0.events[0];
    assert.ok(evCreate, 'creation is on the timeline');
    assert.equal(evCreate.actor_kind, 'citizen');

    const track = (code = pub.query_code, no = pub.case_no) =>
      t.srv.api('GET', `/api/v1/public/cases/${no}?code=${code}`);
    const p0 = assertStatus(await track(), 200, 'track new');
    assert.equal(p0.case_no, pub.case_no);
    assert.equal(p0.status, 'new');
    assert.equal(p0.reply, null);
    assert.equal(p0.can_rate, false);
    assert.equal(p0.rating, null);
    // rating before a reply is refused
    const early = await t.srv.api('POST', `/api/v1/public/cases/${pub.case_no}/rating`, { code: pub.query_code, satisfaction: 'satisfied', resolved: true });
    assert.equal(early.status, 409, `rating a case without a reply: ${early.status} ${JSON.stringify(early.body)}`);

    assert.equal((await t.ok('dispatcher', c0.id, 'accept')).status, 'accepted');
    assert.equal((await t.ok('dispatcher', c0.id, 'dispatch', { lead_unit_id: lead.id })).status, 'dispatched');
    assert.equal((await t.ok(LH, c0.id, 'sign')).status, 'handling');
    await t.ok(LH, c0.id, 'note', { text: '内部备注仅供单位查看ZX' });
    const rp = await t.ok(LH, c0.id, 'reply', { reply: '已更换楼道灯，感谢反映。', internal_note: '物业费用内部处理QQ', contacted: true, resolved: true });
    assert.equal(rp.status, 'replied');

    // the citizen tracks with case_no + code: replied, the reply, nothing personal or internal
    const p1r = await track();
    const p1 = assertStatus(p1r, 200, 'track replied');
    assert.equal(p1.status, 'replied');
    assert.equal(p1.reply, '已更换楼道灯，感谢反映。');
    assert.match(p1.replied_at, ISO_RE);
    assert.equal(p1.can_rate, true);
    assert.equal(p1.content, '单元楼道声控灯坏了一个月，老人上下楼不安全。');
    assert.ok(Array.isArray(p1.timeline) && p1.timeline.length >= 2, 'public timeline');
    for (const e of p1.timeline) {
      assert.match(e.at, ISO_RE);
      assert.equal(typeof e.action, 'string');
      assert.deepEqual(Object.keys(e).sort(), ['action', 'at', 'status'], 'timeline entries carry no actor');
    }
    assert.ok(p1.timeline.some((e) => e.action === 'reply'), 'reply is on the public timeline');
    const txt = JSON.stringify(p1);
    for (const secret of [phone, maskPhone(phone), name, '凌河区解放路9号', '内部备注', '物业费用内部处理']) {
      assert.ok(!txt.includes(secret), `public view must not contain ${secret}: ${txt}`);
    }
    for (const k of ['citizen', 'phone', 'address', 'query_code', 'assignments', 'events', 'lat', 'lng']) {
      assert.ok(!(k in p1), `public view has no ${k}`);
    }
    const ct = p1r.headers.get('content-type') || '';
    assert.match(ct, /application\/json/);

    // wrong code: 404, the same body as a case that does not exist
    const wrongCode = String((Number(pub.query_code) + 1) % 1e6).padStart(6, '0');
    const w = await track(wrongCode);
    assertError(w, 404, 'not_found');
    const missingNo = 'JZ' + pub.case_no.slice(2, 10) + '999999';
    const m = await track(pub.query_code, missingNo);
    assertError(m, 404, 'not_found');
    assert.deepEqual(w.body, m.body, 'wrong code and missing case are indistinguishable');
    assertError(await t.srv.api('GET', `/api/v1/public/cases/${pub.case_no}`), 404, 'not_found', undefined, 'no code');
    assertError(await t.srv.api('POST', `/api/v1/public/cases/${pub.case_no}/rating`, { code: wrongCode, satisfaction: 'satisfied', resolved: true }), 404, 'not_found', undefined, 'rating with a wrong code');

    // the citizen rates once
    const rate = await t.srv.api('POST', `/api/v1/public/cases/${pub.case_no}/rating`, { code: pub.query_code, satisfaction: 'basically_satisfied', resolved: true, comment: '修得挺快' });
    const rv = assertStatus(rate, 200, 'rating');
    assert.equal(rv.case_no, pub.case_no);
    assert.equal(rv.rating.satisfaction, 'basically_satisfied');
    assert.equal(rv.rating.resolved, true);
    assert.equal(rv.rating.comment, '修得挺快');
    assert.equal(rv.can_rate, false);
    const again = await t.srv.api('POST', `/api/v1/public/cases/${pub.case_no}/rating`, { code: pub.query_code, satisfaction: 'unsatisfied', resolved: false });
    assertError(again, 409, 'conflict', undefined, 'rating twice');
    const p2 = assertStatus(await track(), 200, 'track after rating');
    assert.equal(p2.rating.satisfaction, 'basically_satisfied', 'the second rating changed nothing');
    assert.equal(p2.status, 'replied', 'a citizen rating does not close the case');

    const staff = await t.getCase('dispatcher', c0.id);
    const cv = staff.visits.find((x) => x.source === 'citizen');
    assert.ok(cv, 'the rating shows as a citizen visit');
    assert.equal(cv.satisfaction, 'basically_satisfied');
    assert.equal(staff.visit, null, '`visit` is the staff 回访 only, not the citizen rating');

    // the dispatcher's visit closes it
    const v = await t.ok('dispatcher', c0.id, 'visit', { satisfaction: 'satisfied', resolved: true });
    assert.equal(v.status, 'closed');
    const p3 = assertStatus(await track(), 200, 'track closed');
    assert.equal(p3.status, 'closed');
    assert.match(p3.closed_at, ISO_RE);
    assert.equal(p3.can_rate, false);
  });

  it('public submit validates like staff intake and takes only the public fields', async () => {
    const base = { type: 'complain', content: '公交车不按站停靠。', citizen: { name: '周先生', phone: newPhone() } };
    assertError(await t.srv.api('POST', '/api/v1/public/cases', { ...base, type: undefined }), 400, 'validation_failed', 'type');
    assertError(await t.srv.api('POST', '/api/v1/public/cases', { ...base, citizen: { name: '周先生' } }), 400, 'validation_failed', 'citizen.phone');
    assertError(await t.srv.api('POST', '/api/v1/public/cases', { ...base, citizen: { phone: '110' } }), 400, 'validation_failed', 'citizen.phone');
    const staffOnly = await t.srv.api('POST', '/api/v1/public/cases', { ...base, urgency: 'emergency' });
    assertError(staffOnly, 400, 'validation_failed', undefined, 'urgency is not a public field');
    const ch = await t.srv.api('POST', '/api/v1/public/cases', { ...base, channel: 'phone' });
    assertError(ch, 400, 'validation_failed', 'channel', 'public channel is web or app');
    const app = assertStatus(await t.srv.api('POST', '/api/v1/public/cases', { ...base, channel: 'app' }), 201, 'app submit');
    assert.equal(app.status, 'new');
    assert.equal((await t.getCase('dispatcher', app.case_no)).channel, 'app');
  });
});
