// Privacy as each role sees it (docs/authorization.md): RULE
// privacy-confidential, RULE privacy-leader-masked, RULE privacy-list-masked.
// A confidential reporter's identity is 保密 to units and leaders — in the
// detail, in lists and in the events; phones are masked in every list; the
// full phone is only on a detail, for the roles that work the case; the
// citizen's tracking view holds nothing personal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, handlerOf, adminOf, assertStatus, newPhone, maskPhone } from './_helpers.mjs';

const SECRET = '保密';
const NAME = '王建国';
const CONF_NAME = '孙举报';
const ADDRESS = '古塔区士英街道中央大街88号3单元';

let t, plain, conf, phonePlain, phoneConf;
const platformFull = ['agent', 'dispatcher', 'supervisor', 'admin'];
let unitRoles, everyone;

// Does the JSON text anywhere hold the value (the phone also without its
// formatting)?
const leaks = (obj, value) => JSON.stringify(obj).includes(value);

before(async () => {
  t = await setup();
  const { lead } = t.org;
  unitRoles = [handlerOf(lead), adminOf(lead)];
  everyone = [...platformFull, 'leader', ...unitRoles];
  phonePlain = newPhone();
  phoneConf = newPhone();
  const base = { type: 'report', address: ADDRESS, lat: 41.1, lng: 121.1 };
  plain = await t.dispatched(lead, [], { ...base, type: 'complain', citizen: { name: NAME, phone: phonePlain, anonymous: false, confidential: false } });
  conf = await t.dispatched(lead, [], { ...base, content: '举报某单位违规收费，请为举报人保密。', citizen: { name: CONF_NAME, phone: phoneConf, anonymous: false, confidential: true } });
  // events and extensions with something in them: a note, a sign, an extension request
  await t.ok('dispatcher', conf.id, 'note', { text: '已核实举报线索' });
  await t.ok(handlerOf(lead), conf.id, 'sign');
  await t.ok(handlerOf(lead), conf.id, 'request_extension', { days: 3, reason: '需要调取票据' });
});
after(async () => { await t?.srv.stop(); });

describe('RULE privacy-confidential: a confidential reporter is 保密 to units and leaders', () => {
  it('detail: name and phone 保密, address and position withheld, and nothing of them anywhere in the JSON', async () => {
    for (const who of [...unitRoles, 'leader']) {
      const c = await t.getCase(who, conf.id);
      assert.equal(c.citizen.name, SECRET, `${who}: name`);
      assert.equal(c.citizen.phone, SECRET, `${who}: phone`);
      assert.equal(c.citizen.confidential, true);
      assert.equal(c.address, null, `${who}: address`);
      assert.equal(c.lat, null, `${who}: lat`);
      assert.equal(c.lng, null, `${who}: lng`);
      assert.ok(c.events.length >= 4, 'the events are there');
      for (const v of [CONF_NAME, phoneConf, '****' + phoneConf.slice(-4), ADDRESS])
        assert.ok(!leaks(c, v), `${who}: the detail (events, extensions, visits included) holds '${v}'`);
      assert.ok(!leaks(c.events.map((e) => e.payload), phoneConf), `${who}: event payloads`);
    }
  });

  it('lists: 保密 for unit roles and leaders', async () => {
    for (const who of [...unitRoles, 'leader']) {
      const l = await t.list(who);
      const item = l.items.find((x) => x.id === conf.id);
      assert.ok(item, `${who} lists the case`);
      assert.deepEqual(item.citizen, { name: SECRET, phone: SECRET }, who);
      for (const v of [CONF_NAME, phoneConf]) assert.ok(!leaks(l, v), `${who}: the list holds '${v}'`);
    }
  });

  it('the platform roles that work the case still see who reported it', async () => {
    for (const who of platformFull) {
      const c = await t.getCase(who, conf.id);
      assert.equal(c.citizen.name, CONF_NAME, who);
      assert.equal(c.citizen.phone, phoneConf, who);
      assert.equal(c.address, ADDRESS, who);
    }
  });
});

describe('RULE privacy-list-masked and the full phone on the detail', () => {
  it('every role gets the phone masked in lists, the citizen history and duplicate hints', async () => {
    for (const who of everyone) {
      const l = await t.list(who);
      const item = l.items.find((x) => x.id === plain.id);
      assert.ok(item, `${who} lists the case`);
      assert.equal(item.citizen.phone, maskPhone(phonePlain), who);
      assert.ok(!leaks(l, phonePlain), `${who}: full phone in a list`);
    }
    for (const who of platformFull) {
      const h = assertStatus(await t.get(who, `/api/v1/citizens/${phonePlain}/cases`), 200, `history as ${who}`);
      assert.ok(h.items.some((x) => x.id === plain.id));
      assert.ok(!leaks(h, phonePlain), `${who}: full phone in the caller history`);
      const s = assertStatus(await t.get(who, `/api/v1/cases/${conf.id}/similar`), 200, `similar as ${who}`);
      assert.ok(!leaks(s, phonePlain) && !leaks(s, phoneConf), `${who}: full phone in duplicate hints`);
    }
  });

  it('full phone and name on the detail for agents, dispatchers, supervisors, admins and the handling unit', async () => {
    for (const who of [...platformFull, ...unitRoles]) {
      const c = await t.getCase(who, plain.id);
      assert.equal(c.citizen.phone, phonePlain, who);
      assert.equal(c.citizen.name, NAME, who);
    }
  });

  it('RULE privacy-leader-masked: leaders get masked identities, even on the detail', async () => {
    const c = await t.getCase('leader', plain.id);
    assert.equal(c.citizen.phone, maskPhone(phonePlain));
    assert.equal(c.citizen.name, '王**');
    assert.ok(!leaks(c, phonePlain) && !leaks(c, NAME), 'no full identity anywhere in the leader\'s detail');
    const l = await t.list('leader');
    assert.equal(l.items.find((x) => x.id === plain.id).citizen.name, '王**');
  });

  it('an anonymous case has no name for anyone', async () => {
    const a = await t.createCase({ citizen: { anonymous: true, phone: newPhone() } });
    for (const who of ['agent', 'leader']) assert.equal((await t.getCase(who, a.id)).citizen.name, null, who);
  });
});

describe('the citizen\'s tracking view', () => {
  it('holds nothing personal, not even for a confidential case', async () => {
    for (const c of [plain, conf]) {
      const qc = (await t.getCase('dispatcher', c.id)).query_code;
      const v = assertStatus(await t.srv.api('GET', `/api/v1/public/cases/${c.case_no}?code=${qc}`), 200, 'track');
      assert.ok(!('citizen' in v) && !('address' in v));
      for (const x of [NAME, CONF_NAME, phonePlain, phoneConf, ADDRESS]) assert.ok(!leaks(v, x), `tracking view holds '${x}'`);
      for (const e of v.timeline) assert.deepEqual(Object.keys(e).sort(), ['action', 'at', 'status']);
    }
  });
});
