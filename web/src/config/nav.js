// Which screens each role may use. The router guards and the navigation both read this table.
// Later issues add screens (supervision, big screen, admin) by adding rows here.
export const NAV = [
  { name: 'dispatch', path: '/dispatch', label: 'nav.dispatch', roles: ['dispatcher'] },
  { name: 'agent', path: '/agent', label: 'nav.agent', roles: ['agent', 'dispatcher'] },
  { name: 'unit', path: '/unit', label: 'nav.unit', roles: ['handler', 'unit_admin'] },
  { name: 'search', path: '/cases', label: 'nav.search', roles: ['agent', 'dispatcher', 'handler', 'unit_admin', 'supervisor', 'leader', 'admin'] },
];

export const STAFF_ROLES = ['agent', 'dispatcher', 'handler', 'unit_admin', 'supervisor', 'leader', 'admin'];

export function navFor(role) {
  return NAV.filter((n) => n.roles.includes(role));
}

// The screen a role lands on after login: its first navigation entry.
export function homeFor(role) {
  const n = navFor(role);
  return n.length ? n[0].path : '/cases';
}

// A role's nav order: agents start on intake, dispatchers on dispatch, units on the workbench.
export function mayOpen(role, routeName) {
  const n = NAV.find((x) => x.name === routeName);
  return !n || n.roles.includes(role);
}
