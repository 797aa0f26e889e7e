// The logged-in user and the CSRF token that goes with the session cookie.
import { reactive } from 'vue';

export const session = reactive({
  user: null,      // {id, username, name, role, unit_id, unit_name, unit_kind}
  csrf: null,
  checked: false,  // GET /auth/me has been tried once
});

export function setSession(user, csrf) {
  session.user = user;
  session.csrf = csrf;
  session.checked = true;
}

export function clearSession() {
  session.user = null;
  session.csrf = null;
  session.checked = true;
}
