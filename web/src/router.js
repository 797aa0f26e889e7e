// Routes. Staff screens live under StaffLayout and need a session; /portal is public.
// meta.nav names the NAV row (config/nav.js) whose roles may open the screen.
import { createRouter, createWebHistory } from 'vue-router';
import { session } from './api/session.js';
import { auth } from './api/hotline.js';
import { homeFor, mayOpen, navFor, STAFF_ROLES } from './config/nav.js';
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
      { path: 'faq', name: 'portal-faq', component: () => import('./views/portal/PortalFaq.vue'), meta: { public: true, title: 'faq.title' } },
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
      {
        path: 'admin',
        component: () => import('./views/admin/AdminLayout.vue'),
        meta: { nav: 'admin' },
        children: [
          { path: '', name: 'admin', redirect: () => navFor(session.user?.role).find((n) => n.name === 'admin')?.path || '/' },
          { path: 'units', name: 'admin-units', component: () => import('./views/admin/UnitAdmin.vue'), meta: { nav: 'admin-units', title: 'nav.adminUnits' } },
          { path: 'users', name: 'admin-users', component: () => import('./views/admin/UserAdmin.vue'), meta: { nav: 'admin-users', title: 'nav.adminUsers' } },
          { path: 'categories', name: 'admin-categories', component: () => import('./views/admin/CategoryAdmin.vue'), meta: { nav: 'admin-categories', title: 'nav.adminCategories' } },
          { path: 'calendar', name: 'admin-calendar', component: () => import('./views/admin/CalendarAdmin.vue'), meta: { nav: 'admin-calendar', title: 'nav.adminCalendar' } },
          { path: 'time-limits', name: 'admin-time-limits', component: () => import('./views/admin/TimeLimitAdmin.vue'), meta: { nav: 'admin-time-limits', title: 'nav.adminTimeLimits' } },
          { path: 'templates', name: 'admin-templates', component: () => import('./views/admin/TemplateAdmin.vue'), meta: { nav: 'admin-templates', title: 'nav.adminTemplates' } },
        ],
      },
      { path: 'kb', name: 'kb', component: () => import('./views/kb/KbList.vue'), meta: { nav: 'kb', title: 'nav.kb' } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditLog.vue'), meta: { nav: 'audit', title: 'nav.audit' } },
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
  // every matched route's nav row must allow the role (the admin group and its page)
  if (to.matched.some((r) => r.meta.nav && !mayOpen(session.user.role, r.meta.nav))) return homeFor(session.user.role);
  return true;
});

router.afterEach((to) => {
  const k = to.meta.title;
  document.title = k ? `${t(k)} · ${t('app.short')}` : t('app.title');
});
