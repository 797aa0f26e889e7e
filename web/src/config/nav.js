// Which screens each role may use. The router guards and the navigation both read this table.
// A row with `children` is a group (系统管理): the header shows it once, linking to the first
// child the role may open, and the group's page shows the children as a side menu.
export const NAV = [
  { name: 'dispatch', path: '/dispatch', label: 'nav.dispatch', roles: ['dispatcher'] },
  { name: 'agent', path: '/agent', label: 'nav.agent', roles: ['agent', 'dispatcher'] },
  { name: 'unit', path: '/unit', label: 'nav.unit', roles: ['handler', 'unit_admin'] },
  {
    name: 'admin', path: '/admin', label: 'nav.admin',
    children: [
      { name: 'admin-units', path: '/admin/units', label: 'nav.adminUnits', roles: ['admin'] },
      { name: 'admin-users', path: '/admin/users', label: 'nav.adminUsers', roles: ['admin', 'unit_admin'] },
      { name: 'admin-categories', path: '/admin/categories', label: 'nav.adminCategories', roles: ['admin'] },
      { name: 'admin-calendar', path: '/admin/calendar', label: 'nav.adminCalendar', roles: ['admin'] },
      { name: 'admin-time-limits', path: '/admin/time-limits', label: 'nav.adminTimeLimits', roles: ['admin'] },
      { name: 'admin-templates', path: '/admin/templates', label: 'nav.adminTemplates', roles: ['admin'] },
    ],
  },
  { name: 'search', path: '/cases', label: 'nav.search', roles: ['agent', 'dispatcher', 'handler', 'unit_admin', 'supervisor', 'leader', 'admin'] },
  { name: 'kb', path: '/kb', label: 'nav.kb', roles: ['agent', 'dispatcher', 'handler', 'unit_admin', 'admin'] },
  { name: 'audit', path: '/audit', label: 'nav.audit', roles: ['supervisor', 'admin'] },
];

export const STAFF_ROLES = ['agent', 'dispatcher', 'handler', 'unit_admin', 'supervisor', 'leader', 'admin'];

// The children of a group that a role may open.
export function childrenFor(row, role) {
  return (row.children || []).filter((c) => c.roles.includes(role));
}

// A role's navigation rows; a group appears when the role may open one of its children,
// and links to the first of them.
export function navFor(role) {
  const out = [];
  for (const n of NAV) {
    if (n.children) {
      const kids = childrenFor(n, role);
      if (kids.length) out.push({ ...n, path: kids[0].path, children: kids });
    } else if (n.roles.includes(role)) {
      out.push(n);
    }
  }
  return out;
}

// The screen a role lands on after login: its first navigation entry.
export function homeFor(role) {
  const n = navFor(role);
  return n.length ? n[0].path : '/cases';
}

function findRow(name) {
  for (const n of NAV) {
    if (n.name === name) return n;
    for (const c of n.children || []) if (c.name === name) return c;
  }
  return null;
}

// May this role open the screen whose route meta.nav is `routeName`? Unknown names are open.
export function mayOpen(role, routeName) {
  const n = findRow(routeName);
  if (!n) return true;
  if (n.children) return childrenFor(n, role).length > 0;
  return n.roles.includes(role);
}
