// API errors: shown next to the field they name when the screen has that field,
// otherwise as a message. `aliases` maps the server's field names to the form's props
// (e.g. {'citizen.phone': 'phone'}).
import { reactive } from 'vue';
import { ElMessage } from 'element-plus';
import { t, te } from '../i18n/index.js';

export function errorText(e) {
  if (!e) return '';
  if (e.code === 'network') return t('errors.network');
  const k = `errors.${e.code}`;
  if (te(k)) return t(k, { msg: e.message || '' });
  return t('errors.unknown', { msg: e.message || e.code || '' });
}

export function notifyError(e) {
  ElMessage({ type: 'error', message: errorText(e), grouping: true, showClose: true });
}

export function useFieldErrors(aliases = {}, known = []) {
  const errors = reactive({});
  function clear(key) {
    if (key) delete errors[key];
    else for (const k of Object.keys(errors)) delete errors[k];
  }
  // Returns true when the error was placed on a field.
  function apply(e) {
    clear();
    const f = e && e.field;
    if (f) {
      const prop = aliases[f] || f;
      const list = typeof known === 'function' ? known() : known;
      if (list.includes(prop)) {
        // A localized text for well-known fields (errors.phone), else the server's message.
        const k = `errors.${prop}`;
        errors[prop] = e.code === 'validation_failed' && te(k) ? t(k) : (e.message || errorText(e));
        return true;
      }
    }
    notifyError(e);
    return false;
  }
  return { errors, apply, clear };
}
