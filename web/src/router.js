// Routes. Staff screens live under StaffLayout and need a session; /portal is public.
// meta.nav names the NAV row (config/nav.js) whose roles may open the screen.
import { createRouter, createWebHistory } from 'vue-router';
import { session } from './api/session.js';
import { auth } from './api/hotline.js';
import { homeFor, mayOpen, STAFF_ROLES } from './config/nav.js';
import { t } from './i18n/index.js';

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: 'login.title' } },
  {
    path: '/portal',
    component: () => import('./layouts/PortalLayout.vue'),
    meta: { public: true },
    children: [
      { path: '', name: 'portal', component: () => import('./views/portal/PortalSubmit.vue'), meta: { public: true, title: 'portal.submitTitle' } },
      { path: 'track', name: 'portal-track', component: () => import('./views/portal/PortalTrack.vue'), meta: { public: true, title: 'portal.trackTitle' } },
    ],
  },
  {
    path: '/',
    component: () => import('./layouts/StaffLayout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => homeFor(session.user?.role) },
      { path: 'agent', name: 'agent', component: () => import('./views/AgentDesk.vue'), meta: { nav: 'agent', title: 'agent.title' } },
      { path: 'dispatch', name: 'dispatch', component: () => import('./views/DispatchDesk.vue'), meta: { nav: 'dispatch', title: 'dispatch.title' } },
      { path: 'unit', name: 'unit', component: () => import('./views/UnitWorkbench.vue'), meta: { nav: 'unit', title: 'unit.title' } },
      { path: 'cases', name: 'search', component: () => import('./views/CaseSearch.vue'), meta: { nav: 'search', title: 'search.title' } },
      { path: 'cases/:id', name: 'case', component: () => import('./views/CaseView.vue'), meta: { title: 'detail.title' }, props: true },
      { path: ':rest(.*)*', name: 'notfound', component: () => import('./views/NotFound.vue'), meta: { title: 'common.notFound' } },
    ],
  },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

router.beforeEach(async (to) => {
  if (to.matched.some((r) => r.meta.public)) return true;
  if (!session.checked) {
    try { await auth.me(); } catch { /* network: fall through to login */ }
  }
  if (!session.user || !STAFF_ROLES.includes(session.user.role)) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  }
  if (to.meta.nav && !mayOpen(session.user.role, to.meta.nav)) return homeFor(session.user.role);
  return true;
});

router.afterEach((to) => {
  const k = to.meta.title;
  document.title = k ? `${t(k)} · ${t('app.short')}` : t('app.title');
});
