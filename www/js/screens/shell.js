// The app shell of every logged-in screen (frontend.md §3.2): a header with
// the product, the logged-in user (name or e-mail, role, partner) and
// "Wyloguj"; a sidebar built from the route table's `nav` rows that the
// user's role may open (FR-2); the screen in <main>.
//
// The sidebar is collapsed by default (icons only; the labels stay readable
// by screen readers and as tooltips). On narrow screens the collapsed sidebar
// is hidden and the toggle opens it above the content.
import { html, useEffect, useRef, useState } from '../lib.js';
import { t, roleLabel } from '../i18n.js';
import { routes } from '../routes.js';
import { hasRole } from '../roles.js';
import { features } from '../features.js';
import { Link, matchRoute } from '../router.js';
import { logout } from '../session.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';
import { SavedViewsNav } from '../components/saved-views.js';
import { Shortcuts } from '../shortcuts.js';
import { AbsenceDialog } from './round-robin.js';
import { TaskBell } from './lead-tasks.js';

// The staff workspace of issue 13 (saved views, shortcuts) is for these roles.
const WORKSPACE_ROLES = ['OPERATOR', 'SUPERVISOR', 'ADMIN'];

const NARROW = '(max-width: 768px)';

/** Two letters for the avatar: first + last word, or a word's first two. */
export function initials(name) {
	const words = String(name || '').trim().split(/[\s@.]+/).filter(Boolean);
	if (words.length === 0) return 'IZ';
	if (words.length === 1) return words[0].slice(0, 2).toUpperCase();
	return (words[0][0] + words[words.length - 1][0]).toUpperCase();
}

/** Two paths served by the same screen module (e.g. /leads and /leads/:id). */
function sameScreen(a, b) {
	const x = matchRoute(a);
	const y = matchRoute(b);
	return Boolean(x && y && x.route.load === y.route.load);
}

function isActive(path, pathname) {
	return pathname === path || pathname.startsWith(path + '/');
}

function UserBox({ user }) {
	const [busy, setBusy] = useState(false);
	const [absence, setAbsence] = useState(false);
	const name = user.fullName || user.email;

	async function onLogout() {
		setBusy(true);
		try {
			await logout();
		} catch (err) {
			setBusy(false);
			toast(err.message || t('errors.unexpected'), 'error');
		}
	}

	return html`<div class="shell-user" aria-label=${t('shell.userMenu')} role="group">
		<span class="shell-user__avatar" aria-hidden="true">${initials(user.fullName || user.email.split('@')[0])}</span>
		<div class="shell-user__text">
			<span class="shell-user__name">${name}</span>
			<span class="shell-user__meta">
				${user.fullName && html`<span class="shell-user__email">${user.email}</span>`}
				<span class="shell-user__role">${roleLabel(user.role)}</span>
				${(user.partner || user.partnerId) && html`<span class="shell-user__partner">${t('shell.partner', { name: user.partner ? user.partner.name : user.partnerId })}</span>`}
			</span>
		</div>
		<button type="button" class="btn btn--on-dark" onClick=${onLogout} disabled=${busy} aria-busy=${busy ? 'true' : undefined}>
			<${Icon} name="logout" size=${18} /><span>${busy ? t('shell.loggingOut') : t('shell.logout')}</span>
		</button>
		${hasRole(user, ['OPERATOR', 'SUPERVISOR', 'ADMIN']) && html`<button type="button" class="btn btn--on-dark"
			onClick=${() => setAbsence(true)}>${t('absence.mine')}</button>`}
		${absence && html`<${AbsenceDialog} user=${user} onClose=${() => setAbsence(false)} />`}
	</div>`;
}

function Sidebar({ user, pathname, expanded, onNavigate }) {
	const items = routes.filter((route) => route.nav && hasRole(user, route.roles) && features.on(route.feature));
	// The saved views are a landmark of their own beside the main navigation.
	return html`<div id="shell-nav" class="shell-nav"><nav aria-label=${t('nav.label')}>
		<ul class="shell-nav__list">
			${items.map((route) => {
				const label = t(`nav.${route.nav.key}.label`);
				const active = isActive(route.path, pathname);
				return html`<li key=${route.path}>
					<${Link} href=${route.path} class=${'shell-nav__item' + (active ? ' shell-nav__item--active' : '')}
						aria-current=${active ? 'page' : undefined} title=${expanded ? undefined : label}
						onClick=${onNavigate}>
						<span class="shell-nav__icon"><${Icon} name=${route.nav.icon} /></span>
						<span class="shell-nav__text">
							<span class="shell-nav__label">${label}</span>
							<span class="shell-nav__description">${t(`nav.${route.nav.key}.description`)}</span>
						</span>
					</${Link}>
				</li>`;
			})}
		</ul></nav>
		${WORKSPACE_ROLES.includes(user.role) && html`<${SavedViewsNav} expanded=${expanded} onNavigate=${onNavigate} user=${user} />`}
	</div>`;
}

export function Shell({ user, location, children }) {
	const [expanded, setExpanded] = useState(false);
	const main = useRef(null);
	const firstPath = useRef(location.pathname);

	// After an in-app navigation to another screen, move focus to the new
	// page's content so screen-reader and keyboard users start there (not on
	// the first load). Not when the same screen stays (e.g. a lead's detail
	// dialog opening over the list: the dialog manages focus itself).
	const lastPath = useRef(location.pathname);
	useEffect(() => {
		const previous = lastPath.current;
		lastPath.current = location.pathname;
		if (location.pathname === firstPath.current || !main.current) return;
		firstPath.current = null;
		if (sameScreen(previous, location.pathname) || document.querySelector('[aria-modal="true"]')) return;
		main.current.focus({ preventScroll: true });
	}, [location.pathname]);

	function onNavigate() {
		if (window.matchMedia(NARROW).matches) setExpanded(false);
	}

	function skipToContent(event) {
		event.preventDefault();
		main.current.focus();
	}

	return html`<div class=${'shell ' + (expanded ? 'shell--expanded' : 'shell--collapsed')}>
		<a class="skip-link" href="#main" onClick=${skipToContent}>${t('app.skipToContent')}</a>
		<header class="shell-header">
			<div class="shell-header__brand">
				<button type="button" class="shell-header__toggle" aria-controls="shell-nav"
					aria-expanded=${expanded ? 'true' : 'false'}
					aria-label=${expanded ? t('nav.collapse') : t('nav.expand')}
					onClick=${() => setExpanded(!expanded)}><${Icon} name="chevron" /></button>
				<img class="shell-header__logo" src="/logo.svg" alt="" width="45" height="45" />
				<div class="shell-header__product">
					<span class="shell-header__name">${t('app.name')}</span>
					<span class="shell-header__tagline">${t('app.tagline')}</span>
				</div>
			</div>
			${WORKSPACE_ROLES.includes(user.role) && html`<${TaskBell} user=${user} />`}
			<${UserBox} user=${user} />
		</header>
		<div class="shell-body">
			<${Sidebar} user=${user} pathname=${location.pathname} expanded=${expanded} onNavigate=${onNavigate} />
			<main id="main" class="shell-main" ref=${main} tabindex="-1">${children}</main>
		</div>
		${WORKSPACE_ROLES.includes(user.role) && html`<${Shortcuts} />`}
	</div>`;
}
