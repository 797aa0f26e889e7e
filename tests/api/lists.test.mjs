// Case lists: who sees what, masking, pagination, filters, full-text search,
// and a caller's history.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, assertError, assertStatus, handlerOf, adminOf, newPhone, maskPhone, newTag, sleep, ISO_RE, epoch,
} from './_helpers.mjs';

const ids = (list) => list.items.map((x) => x.id);

describe('visibility and masking', () => {
  let t;
  before(async () => { t = await setup(); });
  after(async () => { await t.srv.stop(); });

  it('a unit handler lists only cases assigned to its unit (lead or assist)', async () => {
    const { lead, assist, other } = t.org;
    const mine = await t.dispatched(lead);
    const asAssist = await t.dispatched(other, [lead]);
    const theirs = await t.dispatched(other);
    const undispatched = await t.createCase();
    const l = await t.list(handlerOf(lead));
    assert.ok(ids(l).includes(mine.id), 'lead case listed');
    assert.ok(ids(l).includes(asAssist.id), 'assist case listed');
    assert.ok(!ids(l).includes(theirs.id), 'another unit\'s case not listed');
    assert.ok(!ids(l).includes(undispatched.id), 'undispatched case not listed');
    assert.equal(l.total, l.items.length, 'total counts only visible cases');
    const a = await t.list(handlerOf(assist));
    assert.ok(!ids(a).includes(mine.id) && !ids(a).includes(theirs.id));
    // platform roles see all of them
    const all = await t.list('dispatcher');
    for (const c of [mine, asAssist, theirs, undispatched]) assert.ok(ids(all).includes(c.id), `dispatcher sees ${c.id}`);
    const sup = await t.list('supervisor');
    assert.ok(ids(sup).includes(undispatched.id));
  });

  it('a district admin sees cases of its streets (led by a street, or sub-dispatched to one)', async () => {
    const { district, street, street2, district2 } = t.org;
    const direct = await t.dispatched(street);
    const viaSub = await t.handling(district);
    await t.ok(adminOf(district), viaSub.id, 'subdispatch', { unit_id: street2.id });
    const da = await t.list(adminOf(district));
    assert.ok(ids(da).includes(direct.id), 'district admin sees the street-led case');
    assert.ok(ids(da).includes(viaSub.id));
    // a unit above the lead acts as the lead (docs/lifecycle.md: "the lead unit or above it")
    const dv = await t.getCase(adminOf(district), direct.id);
    assert.ok(dv.actions.includes('sign'), `district admin may sign for its street: ${dv.actions}`);
    const s2 = await t.list(handlerOf(street2));
    assert.ok(ids(s2).includes(viaSub.id), 'the street sees the case sub-dispatched to it');
    assert.ok(!ids(s2).includes(direct.id), 'a sibling street does not see the other street\'s case');
    const s1 = await t.list(handlerOf(street));
    assert.ok(ids(s1).includes(direct.id));
    assert.ok(!ids(s1).includes(viaSub.id));
    const o = await t.list(adminOf(district2));
    assert.ok(!ids(o).includes(direct.id) && !ids(o).includes(viaSub.id), 'another district sees neither');
  });

  it('phones are masked in lists; in full in the detail for platform roles and the handling unit', async () => {
    const { lead } = t.org;
    const phone = newPhone('138');
    const c = await t.dispatched(lead, [], { citizen: { name: '钱先生', phone } });
    for (const who of ['dispatcher', 'agent', handlerOf(lead)]) {
      const it_ = (await t.list(who)).items.find((x) => x.id === c.id);
      assert.ok(it_, `${who} lists the case`);
      assert.equal(it_.citizen.phone, maskPhone(phone), `${who}: masked like 138****1234`);
      assert.match(it_.citizen.phone, /^1\d\d\*{4}\d{4}$/);
      assert.equal(it_.citizen.name, '钱先生');
    }
    const h = assertStatus(await t.get('agent', `/api/v1/citizens/${phone}/cases`), 200, 'history');
    assert.equal(h.items[0].citizen.phone, maskPhone(phone), 'masked in the history list too');
    assert.equal((await t.getCase('dispatcher', c.id)).citizen.phone, phone);
    const hv = await t.getCase(handlerOf(lead), c.id);
    assert.equal(hv.citizen.phone, phone, 'the handling unit sees the full phone');
    assert.equal((await t.getCase('leader', c.id)).citizen.phone, maskPhone(phone), 'leaders get it masked, also in the detail');
    assert.equal((await t.getCase('supervisor', c.id)).citizen.phone, phone);
    assert.ok(hv.query_code === undefined || hv.query_code === null, 'query_code is for platform roles only');
    assert.match((await t.getCase('dispatcher', c.id)).query_code, /^\d{6}$/);
  });

  it('list items have the documented shape', async () => {
    const c = await t.dispatched(t.org.lead);
    const it_ = (await t.list('dispatcher')).items.find((x) => x.id === c.id);
    for (const k of ['id', 'case_no', 'status', 'type', 'urgency', 'title', 'channel', 'category', 'district', 'lead_unit', 'citizen', 'created_at', 'sign_deadline', 'deadline', 'warning']) {
      assert.ok(k in it_, `list item has ${k}`);
    }
    assert.deepEqual(it_.lead_unit, { id: t.org.lead.id, name: t.org.lead.name });
    assert.match(it_.created_at, ISO_RE);
    assert.match(it_.deadline, ISO_RE);
    assert.equal(it_.warning, 'none', 'a case dispatched just now is not late');
  });

  it('confidential: unit roles see 保密 and no address; platform roles see everything', async () => {
    const { lead } = t.org;
    const phone = newPhone();
    const c = await t.dispatched(lead, [], { type: 'report', address: '太和区某路88号', lat: 41.1, lng: 121.1, citizen: { name: '孙举报', phone, confidential: true } });
    const hv = await t.getCase(handlerOf(lead), c.id);
    assert.equal(hv.citizen.name, '保密');
    assert.equal(hv.citizen.phone, '保密');
    assert.equal(hv.address, null, 'address withheld (null)');
    assert.equal(hv.lat, null);
    assert.equal(hv.lng, null);
    const txt = JSON.stringify(hv);
    assert.ok(!txt.includes(phone) && !txt.includes('孙举报') && !txt.includes('太和区某路88号') && !txt.includes(maskPhone(phone)), 'no trace of the whistle-blower');
    const li = (await t.list(handlerOf(lead))).items.find((x) => x.id === c.id);
    assert.equal(li.citizen.name, '保密');
    assert.ok(!JSON.stringify(li).includes(maskPhone(phone)), 'not even the masked phone');
    assert.equal(li.citizen.phone, '保密');
    const dv = await t.getCase('dispatcher', c.id);
    assert.equal(dv.citizen.name, '孙举报');
    assert.equal(dv.citizen.phone, phone);
    assert.equal(dv.citizen.confidential, true);
    assert.equal(dv.address, '太和区某路88号');
    assert.equal(dv.lat, 41.1);
    assert.equal(dv.lng, 121.1);
  });

  it('anonymous: no name in lists', async () => {
    const c = await t.createCase({ citizen: { anonymous: true } });
    const li = (await t.list('dispatcher')).items.find((x) => x.id === c.id);
    assert.equal(li.citizen.name, null);
    assert.equal(c.citizen.anonymous, true);
  });
});

describe('pagination, filters, search, history', () => {
  let t;
  before(async () => { t = await setup(); });
  after(async () => { await t.srv.stop(); });

  it('pagination: total, page, per_page; pages partition the list', async () => {
    const base = assertStatus(await t.get('dispatcher', '/api/v1/cases?per_page=1'), 200, 'list').total;
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push((await t.createCase()).id);
      if (i === 0) await sleep(1100); // made[0] is strictly older than the rest
    }
    const p1 = assertStatus(await t.get('dispatcher', '/api/v1/cases?per_page=2&page=1'), 200, 'p1');
    assert.equal(p1.total, base + 5);
    assert.equal(p1.page, 1);
    assert.equal(p1.per_page, 2);
    assert.equal(p1.items.length, 2);
    const pages = Math.ceil(p1.total / 2);
    const seen = [];
    for (let p = 1; p <= pages; p++) {
      const r = assertStatus(await t.get('dispatcher', `/api/v1/cases?per_page=2&page=${p}`), 200, `page ${p}`);
      assert.equal(r.page, p);
      assert.equal(r.total, p1.total);
      assert.equal(r.items.length, p < pages ? 2 : p1.total - 2 * (pages - 1));
      seen.push(...ids(r));
    }
    assert.equal(new Set(seen).size, p1.total, 'no case twice, none missing');
    for (const id of made) assert.ok(seen.includes(id));
    // newest first by default: page 1 holds two of the four newest
    assert.ok(ids(p1).every((id) => made.slice(1).includes(id)), `page 1 ${ids(p1)} of ${made}`);
    const beyond = assertStatus(await t.get('dispatcher', `/api/v1/cases?per_page=2&page=${pages + 1}`), 200, 'beyond');
    assert.deepEqual(beyond.items, []);
    assert.equal(beyond.total, p1.total);
    const def = assertStatus(await t.get('dispatcher', '/api/v1/cases'), 200, 'defaults');
    assert.equal(def.page, 1);
    assert.equal(def.per_page, 20);
    // ascending sort turns it round
    const asc = assertStatus(await t.get('dispatcher', `/api/v1/cases?per_page=200&sort=created_at`), 200, 'asc');
    const ai = ids(asc);
    assert.ok(ai.indexOf(made[0]) < ai.indexOf(made[4]), 'sort=created_at is oldest first');
  });

  it('per_page over 200, page 0 and bad values → 400 naming the parameter', async () => {
    assertError(await t.get('dispatcher', '/api/v1/cases?per_page=500'), 400, 'validation_failed', 'per_page');
    assertError(await t.get('dispatcher', '/api/v1/cases?per_page=0'), 400, 'validation_failed', 'per_page');
    assertError(await t.get('dispatcher', '/api/v1/cases?per_page=abc'), 400, 'validation_failed', 'per_page');
    assertError(await t.get('dispatcher', '/api/v1/cases?page=0'), 400, 'validation_failed', 'page');
    assertError(await t.get('dispatcher', '/api/v1/cases?status=bogus'), 400, 'validation_failed', 'status');
    assertError(await t.get('dispatcher', '/api/v1/cases?sort=bogus'), 400, 'validation_failed', 'sort');
    assertStatus(await t.get('dispatcher', '/api/v1/cases?per_page=200'), 200, 'per_page=200 is fine');
  });

  it('filter by status (one or a comma list), type, channel, urgency', async () => {
    const acc = await t.createCase({ type: 'suggest', urgency: 'urgent' });
    const nw = await t.publicCase({ type: 'help' });
    const disp = await t.dispatched(t.org.lead, [], { type: 'report' });

    const s1 = await t.list('dispatcher', 'status=new');
    assert.ok(ids(s1).includes(nw.id) && !ids(s1).includes(acc.id) && !ids(s1).includes(disp.id));
    assert.ok(s1.items.every((x) => x.status === 'new'));
    const s2 = await t.list('dispatcher', 'status=new,accepted');
    assert.ok(ids(s2).includes(nw.id) && ids(s2).includes(acc.id) && !ids(s2).includes(disp.id));
    assert.ok(s2.items.every((x) => ['new', 'accepted'].includes(x.status)));
    assert.equal(s2.total, s1.total + (await t.list('dispatcher', 'status=accepted')).total, 'comma list is the union');

    const ty = await t.list('dispatcher', 'type=report');
    assert.ok(ids(ty).includes(disp.id) && !ids(ty).includes(acc.id));
    assert.ok(ty.items.every((x) => x.type === 'report'));

    const chw = await t.list('dispatcher', 'channel=web');
    assert.ok(ids(chw).includes(nw.id) && !ids(chw).includes(acc.id));
    assert.ok(chw.items.every((x) => x.channel === 'web'));
    const chp = await t.list('dispatcher', 'channel=phone');
    assert.ok(ids(chp).includes(acc.id) && !ids(chp).includes(nw.id));

    const ur = await t.list('dispatcher', 'urgency=urgent');
    assert.ok(ids(ur).includes(acc.id) && !ids(ur).includes(disp.id));
    assert.ok(ur.items.every((x) => x.urgency === 'urgent'));
  });

  it('filter by unit_id covers the unit and its subtree', async () => {
    const { lead, other, district, street } = t.org;
    const a = await t.dispatched(lead);
    const b = await t.dispatched(other);
    const s = await t.dispatched(street);
    const u = await t.list('dispatcher', `unit_id=${lead.id}`);
    assert.ok(ids(u).includes(a.id) && !ids(u).includes(b.id) && !ids(u).includes(s.id));
    assert.ok(u.items.every((x) => x.lead_unit && x.lead_unit.id === lead.id));
    const d = await t.list('dispatcher', `unit_id=${district.id}`);
    assert.ok(ids(d).includes(s.id), 'a street-led case is under its district');
    assert.ok(!ids(d).includes(a.id));
  });

  it('filter by district_code and category_code', async () => {
    const cats = assertStatus(await t.get('dispatcher', '/api/v1/categories'), 200, 'categories').items;
    const leaf = cats.find((c) => c.parent_id !== null && cats.some((p) => p.id === c.parent_id));
    assert.ok(leaf, 'a category with a parent');
    const parent = cats.find((p) => p.id === leaf.parent_id);
    const dists = assertStatus(await t.get('dispatcher', '/api/v1/districts'), 200, 'districts').items;
    const dist = dists.find((d) => d.level === 1);
    const other = dists.find((d) => d.level === 1 && d.code !== dist.code);
    const x = await t.createCase({ category_code: leaf.code, district_code: dist.code });
    const y = await t.createCase({ district_code: other.code });
    assert.equal(x.category.code, leaf.code);
    assert.equal(x.district.code, dist.code);
    const byCat = await t.list('dispatcher', `category_code=${encodeURIComponent(parent.code)}`);
    assert.ok(ids(byCat).includes(x.id), 'the parent category covers its subtree');
    assert.ok(!ids(byCat).includes(y.id));
    const byDist = await t.list('dispatcher', `district_code=${dist.code}`);
    assert.ok(ids(byDist).includes(x.id) && !ids(byDist).includes(y.id));
  });

  it('mine=1 lists the caller\'s own intake', async () => {
    const a = await t.createCase({}, 'agent');
    const d = await t.createCase({}, 'dispatcher');
    const m = await t.list('agent', 'mine=1');
    assert.ok(ids(m).includes(a.id) && !ids(m).includes(d.id));
    const md = await t.list('dispatcher', 'mine=1');
    assert.ok(ids(md).includes(d.id) && !ids(md).includes(a.id));
  });

  it('from/to filter on created_at (ISO 8601 or epoch seconds)', async () => {
    const c = await t.createCase();
    const at = epoch(c.created_at);
    const iso = (s) => new Date(s * 1000 + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00';
    const q = async (qs) => ids(await t.list('dispatcher', qs)).includes(c.id);
    assert.equal(await q(`from=${at - 3600}&to=${at + 3600}`), true, 'inside (epoch)');
    assert.equal(await q(`from=${encodeURIComponent(iso(at - 3600))}&to=${encodeURIComponent(iso(at + 3600))}`), true, 'inside (ISO)');
    assert.equal(await q(`from=${at + 3600}`), false, 'from after it');
    assert.equal(await q(`to=${at - 3600}`), false, 'to before it');
    assert.equal(await q(`from=${encodeURIComponent(iso(at + 3600))}`), false, 'from after it (ISO)');
    const all = await t.list('dispatcher', `from=${at + 3600}`);
    assert.equal(all.total, 0, 'nothing was created in the future');
    assertError(await t.get('dispatcher', '/api/v1/cases?from=yesterday'), 400, 'validation_failed', 'from');
  });

  it('q: a 2-character Chinese query finds the case whose content has it', async () => {
    const hit = await t.createCase({ title: '反映问题', content: '楼上住户每天深夜制造噪音，严重影响休息。' });
    const miss = await t.createCase({ title: '反映问题', content: '小区门口道路积水严重，出行不便。' });
    const r = await t.list('dispatcher', `q=${encodeURIComponent('噪音')}`);
    assert.ok(ids(r).includes(hit.id), '噪音 finds the case');
    assert.ok(!ids(r).includes(miss.id), 'and not the other');
    const r2 = await t.list('dispatcher', `q=${encodeURIComponent('积水')}`);
    assert.ok(ids(r2).includes(miss.id) && !ids(r2).includes(hit.id));
    // title is searched too
    const tt = await t.createCase({ title: '供暖温度不达标', content: '家里只有十五度。' });
    assert.ok(ids(await t.list('dispatcher', `q=${encodeURIComponent('供暖')}`)).includes(tt.id), 'title is searched');
    // an ASCII word
    const tag = newTag();
    const w = await t.createCase({ content: `快递柜 ${tag} 无法取件` });
    const rw = await t.list('dispatcher', `q=${tag}`);
    assert.deepEqual(ids(rw), [w.id]);
    assert.equal(rw.total, 1);
    // q combines with other filters and with the caller's scope
    assert.ok(!ids(await t.list('dispatcher', `q=${encodeURIComponent('噪音')}&status=closed`)).includes(hit.id));
    assert.ok(!ids(await t.list(handlerOf(t.org.lead), `q=${encodeURIComponent('噪音')}`)).includes(hit.id), 'a unit does not find undispatched cases');
  });

  it('warning filter', async () => {
    // A red case needs a deadline in the past: the shortest limit is 2 h (emergency) and nothing
    // in the API sets the clock, so an overdue case cannot be made here. We check that the red
    // filter filters (every item is red; cases dispatched just now are not among them).
    // Yellow (≤ 1 working day left) we can make: an emergency case has 2 hours.
    const c = await t.dispatched(t.org.lead);
    const em = await t.dispatched(t.org.lead, [], { urgency: 'emergency' });
    assert.equal(em.warning, 'yellow', 'an emergency case is yellow at once');
    const yl = await t.list('dispatcher', 'warning=yellow');
    assert.ok(ids(yl).includes(em.id), 'warning=yellow finds it');
    assert.ok(!ids(await t.list('dispatcher', 'warning=red')).includes(em.id));
    const acc = await t.createCase({ urgency: 'emergency' });
    assert.equal(acc.warning, 'none', 'no warning before dispatch (the clock starts at dispatch)');
    const red = await t.list('dispatcher', 'warning=red');
    assert.ok(red.items.every((x) => x.warning === 'red'));
    assert.ok(!ids(red).includes(c.id));
    const yellow = await t.list('dispatcher', 'warning=yellow');
    assert.ok(yellow.items.every((x) => x.warning === 'yellow'));
    assert.ok(!ids(yellow).includes(c.id), 'a 10-day case dispatched now is not yellow');
    assertError(await t.get('dispatcher', '/api/v1/cases?warning=purple'), 400, 'validation_failed', 'warning');
  });

  it('citizen history: that caller\'s cases, newest first', async () => {
    const phone = newPhone('135');
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push((await t.createCase({ citizen: { name: '吴先生', phone }, content: `第${i + 1}次来电反映问题。` })).id);
      if (i < 2) await sleep(1100); // distinct created_at seconds
    }
    await t.createCase(); // someone else
    const h = assertStatus(await t.get('agent', `/api/v1/citizens/${phone}/cases`), 200, 'history');
    assert.equal(h.total, 3);
    assert.deepEqual(ids(h), [made[2], made[1], made[0]], 'newest first');
    for (const x of h.items) assert.equal(x.citizen.phone, maskPhone(phone));
    const none = assertStatus(await t.get('agent', `/api/v1/citizens/${newPhone()}/cases`), 200, 'unknown caller');
    assert.equal(none.total, 0);
    assert.deepEqual(none.items, []);
    const bad = await t.get('agent', '/api/v1/citizens/abc/cases');
    assertError(bad, 400, 'validation_failed', 'phone');
  });
});
