/** Roles that see the manager dashboard (the server enforces the same). Apart from DashboardPage, so the first page need not load the dashboard to know. */
export const DASHBOARD_ROLES = ['member', 'manager', 'admin'];
