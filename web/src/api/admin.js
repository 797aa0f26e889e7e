// Administration, audit, time limits and notifications (issues 4 and 5). Paths and shapes
// follow docs/api.md; screens call these, never fetch().
import { get, post, request } from './client.js';

const V = '/api/v1';
const put = (path, body) => request('PUT', path, body);
const patch = (path, body) => request('PATCH', path, body);
const id = (x) => encodeURIComponent(x);

export const account = {
  changePassword: (body) => post(`${V}/auth/password`, body),
  logoutAll: () => post(`${V}/auth/logout-all`, {}),
};

export const units = {
  list: (params) => get(`${V}/units`, params),
  create: (body) => post(`${V}/units`, body),
  update: (u, body) => patch(`${V}/units/${id(u)}`, body),
  remove: (u) => request('DELETE', `${V}/units/${id(u)}`),
};

export const users = {
  list: (params) => get(`${V}/users`, params),
  create: (body) => post(`${V}/users`, body),
  update: (u, body) => patch(`${V}/users/${id(u)}`, body),
  resetPassword: (u, body) => post(`${V}/users/${id(u)}/password`, body),
};

export const categories = {
  list: () => get(`${V}/categories`),
  create: (body) => post(`${V}/categories`, body),
  update: (c, body) => patch(`${V}/categories/${id(c)}`, body),
};

export const audit = {
  list: (params) => get(`${V}/audit`, params),
};

export const calendar = {
  get: (year) => get(`${V}/calendar/${id(year)}`),
  put: (year, body) => put(`${V}/calendar/${id(year)}`, body),
  importIcs: (body) => post(`${V}/calendar/import`, body),
};

export const timeLimits = {
  get: () => get(`${V}/time-limits`),
  put: (rules) => put(`${V}/time-limits`, { rules }),
};

export const notifications = {
  list: (params) => get(`${V}/notifications`, params),
  read: (n) => post(`${V}/notifications/${id(n)}/read`, {}),
  readAll: () => post(`${V}/notifications/read-all`, {}),
  prefs: () => get(`${V}/auth/me/notify-prefs`),
  setPrefs: (body) => put(`${V}/auth/me/notify-prefs`, body),
  templates: () => get(`${V}/notify/templates`),
  // body null restores the default text
  setTemplate: (key, body) => put(`${V}/notify/templates/${id(key)}`, body),
};
