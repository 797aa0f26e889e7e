import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { router } from './router.js';
import { i18n } from './i18n/index.js';
import { setUnauthorizedHandler } from './api/client.js';
import { clearSession } from './api/session.js';

// Any staff call answered 401: the session is gone; go to login and come back afterwards.
setUnauthorizedHandler(() => {
  clearSession();
  const cur = router.currentRoute.value;
  if (cur.name !== 'login' && !cur.matched.some((r) => r.meta.public)) {
    router.push({ name: 'login', query: { redirect: cur.fullPath } });
  }
});

document.documentElement.lang = i18n.global.locale.value;
createApp(App).use(i18n).use(router).use(ElementPlus).mount('#app');
