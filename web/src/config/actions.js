// The single table of case actions: what form each action opens and which fields it posts.
// Which actions a user may take is decided by the server (`actions` in the case detail);
// this table only knows how to ask for each action's input. An action missing here still
// works: it opens a plain confirmation.
//
// field kinds: textarea, text, number, switch, satisfaction, approve, unit, units, extension,
// case (a case number, with GET /cases/{id}/similar offered as choices)
// `label` is an i18n key; `required` fields are checked before posting (the server checks again).
export const ACTIONS = {
  accept: { fields: [], type: 'primary' },
  reject: { fields: [{ key: 'reason', kind: 'textarea', label: 'form.reason', required: true }], type: 'danger' },
  answer: { fields: [{ key: 'reply', kind: 'textarea', label: 'form.reply', required: true, rows: 5 }], type: 'success' },
  merge: { fields: [{ key: 'into', kind: 'case', label: 'form.into', required: true, placeholder: 'form.intoPlaceholder' }] },
  dispatch: {
    type: 'primary', width: '720px',
    fields: [
      { key: 'lead_unit_id', kind: 'unit', label: 'form.lead_unit_id', required: true },
      { key: 'assist_unit_ids', kind: 'units', label: 'form.assist_unit_ids', default: () => [] },
      { key: 'note', kind: 'textarea', label: 'form.note', rows: 2 },
    ],
  },
  sign: { fields: [], type: 'primary' },
  return: { fields: [{ key: 'reason', kind: 'textarea', label: 'form.reason', required: true }], type: 'warning' },
  deny_return: { fields: [{ key: 'reason', kind: 'textarea', label: 'form.reason', required: true }] },
  subdispatch: {
    width: '640px',
    fields: [
      { key: 'unit_id', kind: 'unit', label: 'form.unit_id', required: true, below: 'lead' },
      { key: 'note', kind: 'textarea', label: 'form.note', rows: 2 },
    ],
  },
  request_extension: {
    fields: [
      { key: 'days', kind: 'number', label: 'form.days', required: true, min: 1, max: 30, default: () => 3 },
      { key: 'reason', kind: 'textarea', label: 'form.reason', required: true },
    ],
  },
  decide_extension: {
    fields: [
      { key: 'extension_id', kind: 'extension', label: 'form.extension_id', required: true },
      { key: 'approve', kind: 'approve', label: 'form.approve', default: () => true },
      { key: 'note', kind: 'textarea', label: 'form.note', rows: 2 },
    ],
  },
  reply: {
    type: 'primary', width: '640px',
    fields: [
      { key: 'reply', kind: 'textarea', label: 'form.reply', required: true, rows: 6 },
      { key: 'internal_note', kind: 'textarea', label: 'form.internal_note', rows: 2 },
      { key: 'contacted', kind: 'switch', label: 'form.contacted', default: () => true },
      { key: 'resolved', kind: 'switch', label: 'form.resolved', default: () => true },
    ],
  },
  opinion: { fields: [{ key: 'text', kind: 'textarea', label: 'form.text', required: true }] },
  review_reject: { fields: [{ key: 'reason', kind: 'textarea', label: 'form.reason', required: true }], type: 'warning' },
  visit: {
    type: 'primary',
    fields: [
      { key: 'satisfaction', kind: 'satisfaction', label: 'form.satisfaction', required: true, default: () => 'satisfied' },
      { key: 'resolved', kind: 'switch', label: 'form.resolved', default: () => true },
      { key: 'note', kind: 'textarea', label: 'form.note', rows: 2 },
    ],
  },
  reopen: { fields: [{ key: 'reason', kind: 'textarea', label: 'form.reason', required: true }], type: 'warning' },
  close: { fields: [{ key: 'reason', kind: 'textarea', label: 'form.reason', required: true }] },
  supervise: { fields: [{ key: 'note', kind: 'textarea', label: 'form.note', required: true }], type: 'warning' },
  urge: { fields: [{ key: 'note', kind: 'textarea', label: 'form.note', required: true }] },
  note: { fields: [{ key: 'text', kind: 'textarea', label: 'form.text', required: true }] },
};

export function actionSpec(name) {
  return ACTIONS[name] || { fields: [] };
}

export function initialValues(name) {
  const v = {};
  for (const f of actionSpec(name).fields) v[f.key] = f.default ? f.default() : (f.kind === 'switch' ? false : (f.kind === 'number' ? null : ''));
  return v;
}
