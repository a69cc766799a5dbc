// The route table: one row per screen. The router (router.js) matches paths
// and applies `access` and `roles`; the shell (screens/shell.js) builds the
// sidebar from the rows that have `nav`, in table order (FR-2).
//
// Row fields:
//   path    '/leads' or with parameters '/leads/:id'
//   access  'guest'  only without a session (a logged-in user goes to /leads)
//           'user'   needs a session; `roles` limits it further
//           'public' anybody (client-facing pages)
//   roles   allowed roles for 'user' rows (omitted = every role)
//   shell   true: rendered inside the app shell (header + sidebar)
//   title   catalogue key of the page title (document title, placeholder heading)
//   nav     { key, icon }: sidebar entry; labels come from `nav.<key>` in i18n.js
//   feature an IZZY_FEATURES flag (features.js): while it is off the row is
//           neither in the sidebar nor reachable
//   load    () => import(screen module); its default export is the screen
//
// Adding a screen = one module in screens/ + one row here.
import { LEAD_STAFF } from './roles.js';

const placeholder = () => import('./screens/placeholder.js');
// One loader for both lead rows: the router then keeps the same screen
// instance (list, filters, scroll) when a lead's detail opens or closes.
const leads = () => import('./screens/leads.js');

export const WORKSPACE = '/leads';
export const LOGIN = '/login';

export const routes = [
	{ path: '/login', access: 'guest', title: 'login.title', load: () => import('./screens/login.js') },
	{ path: '/reset-password', access: 'guest', title: 'forgotPassword.title', load: () => import('./screens/forgot-password.js') },
	{ path: '/set-password', access: 'public', title: 'setPassword.title', load: () => import('./screens/set-password.js') },

	{ path: '/leads', access: 'user', shell: true, title: 'nav.leads.label', nav: { key: 'leads', icon: 'inbox' }, load: leads },
	// Issue 13: the pipeline board (before /leads/:id, which would take "board" for an id).
	{ path: '/leads/board', access: 'user', roles: ['OPERATOR', 'SUPERVISOR', 'ADMIN'], shell: true, title: 'nav.board.label', nav: { key: 'board', icon: 'columns' }, load: () => import('./screens/board.js') },
	// Issue 14: the lead import (before /leads/:id, which would take "import" for an id).
	{ path: '/leads/import', access: 'user', roles: ['SUPERVISOR', 'ADMIN', 'PARTNER_MANAGER'], shell: true, title: 'leadImport.title', load: () => import('./screens/lead-import.js') },
	{ path: '/leads/:id', access: 'user', shell: true, title: 'nav.leads.label', load: leads },
	{ path: '/admin/partners', access: 'user', roles: ['ADMIN'], shell: true, title: 'nav.partners.label', nav: { key: 'partners', icon: 'briefcase' }, load: () => import('./screens/partners.js') },
	// Issue 14: a partner manager's API keys (admins reach them from /admin/partners).
	{ path: '/partner/api-keys', access: 'user', roles: ['PARTNER_MANAGER'], shell: true, title: 'nav.apiKeys.label', nav: { key: 'apiKeys', icon: 'shield' }, load: () => import('./screens/api-keys.js') },
	// Issue 14: a partner manager's webhooks (admins reach them from /admin/partners).
	{ path: '/partner/webhooks', access: 'user', roles: ['PARTNER_MANAGER'], shell: true, title: 'nav.webhooks.label', nav: { key: 'webhooks', icon: 'refresh' }, load: () => import('./screens/webhooks.js') },
	// Issue 14: the web-to-lead form of a partner manager's own partner.
	{ path: '/partner/web-form', access: 'user', roles: ['PARTNER_MANAGER'], shell: true, title: 'nav.webForm.label', nav: { key: 'webForm', icon: 'shield' }, load: () => import('./screens/web-form.js') },
	{ path: '/analytics', access: 'user', roles: LEAD_STAFF, feature: 'analytics', shell: true, title: 'nav.analytics.label', nav: { key: 'analytics', icon: 'chart' }, load: () => import('./screens/analytics.js') },
	{ path: '/admin/users', access: 'user', roles: ['ADMIN', 'SUPERVISOR'], shell: true, title: 'nav.users.label', nav: { key: 'users', icon: 'users' }, load: () => import('./screens/users.js') },
	{ path: '/admin/consents', access: 'user', roles: ['ADMIN'], shell: true, title: 'nav.consents.label', nav: { key: 'consents', icon: 'shield' }, load: () => import('./screens/consent-templates.js') },
	{ path: '/admin/consent-records', access: 'user', roles: ['ADMIN', 'SUPERVISOR', 'OPERATOR'], shell: true, title: 'nav.consentRecords.label', nav: { key: 'consentRecords', icon: 'archive' }, load: () => import('./screens/consent-archive.js') },
	{ path: '/client-form', access: 'public', title: 'clientForm.title', load: () => import('./screens/client-form.js') },
	{ path: '/thank-you', access: 'public', title: 'clientForm.thanksTitle', load: () => import('./screens/client-form.js') },
	{ path: '/application-form', access: 'user', shell: true, title: 'nav.applicationForm.label', load: placeholder },
];
