import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.js';
import en from './en.js';

export const LOCALES = ['zh-CN', 'en'];
const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('hotline.locale') : null;

export const i18n = createI18n({
  legacy: false,
  locale: LOCALES.includes(saved) ? saved : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
});

export function setLocale(l) {
  i18n.global.locale.value = l;
  localStorage.setItem('hotline.locale', l);
  document.documentElement.lang = l;
}

// t() for plain modules (not components).
export const t = (...a) => i18n.global.t(...a);
export const te = (k) => i18n.global.te(k);
// Label of a code from a group ("status", "type", …), falling back to the code itself.
export function label(group, code) {
  if (code === null || code === undefined || code === '') return '';
  const k = `${group}.${code}`;
  return i18n.global.te(k) ? i18n.global.t(k) : String(code);
}
