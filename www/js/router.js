// History-API router: the current location as state, navigation, links, the
// route guards and the check of redirect targets (SR-3).
//
// The route table is routes.js. resolveRoute() turns a location and the
// logged-in user into either the route to render or a redirect:
//   /                      -> /leads (logged in) or /login
//   unknown path           -> the same
//   guest page, logged in  -> the page's ?next= if safe, else /leads
//   user page, logged out  -> /login?next=<the page>
//   user page, wrong role  -> /leads with an error toast (FR-2)
import { html, useEffect, useState } from './lib.js';
import { routes, WORKSPACE, LOGIN } from './routes.js';
import { hasRole } from './roles.js';
import { features } from './features.js';
import { t } from './i18n.js';

function snapshot() {
	const { pathname, search, hash } = window.location;
	return { pathname, search, hash, query: new URLSearchParams(search) };
}

let current = snapshot();
const listeners = new Set();

function update() {
	current = snapshot();
	for (const listener of listeners) listener(current);
}

window.addEventListener('popstate', update);

/** The current location { pathname, search, hash, query }; re-renders on change. */
export function useLocation() {
	const [value, setValue] = useState(current);
	useEffect(() => {
		listeners.add(setValue);
		setValue(current);
		return () => listeners.delete(setValue);
	}, []);
	return value;
}

/**
 * Goes to an in-app path. Anything that is not a same-origin relative path
 * is refused (it goes to the workspace instead).
 */
export function navigate(to, { replace = false } = {}) {
	const target = safeNext(to) || WORKSPACE;
	if (replace) {
		window.history.replaceState(null, '', target);
	} else {
		window.history.pushState(null, '', target);
		window.scrollTo(0, 0);
	}
	update();
}

/**
 * A redirect target from a URL parameter (?next=) or a stored location, if it
 * is a same-origin relative path: it starts with exactly one "/", holds no
 * backslash or control character, and still does after the URL parser has
 * normalised it (so "/.//evil.example" and "/%2e%2e//x" are refused too).
 * Returns the normalised path, or null for anything else (SR-3).
 */
export function safeNext(next) {
	if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return null;
	if (next[0] !== '/' || next[1] === '/') return null;
	// "\" is read as "/" by URL parsers; tabs and newlines are dropped by them.
	if (/[\\\u0000-\u001f\u007f]/.test(next)) return null;
	let url;
	try {
		url = new URL(next, window.location.origin);
	} catch {
		return null;
	}
	if (url.origin !== window.location.origin) return null;
	const path = url.pathname + url.search + url.hash;
	if (!path.startsWith('/') || path.startsWith('//')) return null;
	return path;
}

function compile(pattern) {
	const names = [];
	const source = pattern.split('/').map((part) => {
		if (part.startsWith(':')) {
			names.push(part.slice(1));
			return '([^/]+)';
		}
		return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}).join('/');
	return { regex: new RegExp('^' + source + '/?$'), names };
}

const compiled = routes.map((route) => ({ route, ...compile(route.path) }));

/** { route, params } of the first row matching the path, or null. */
export function matchRoute(pathname) {
	for (const { route, regex, names } of compiled) {
		const m = regex.exec(pathname);
		if (m) {
			const params = {};
			names.forEach((name, i) => {
				try {
					params[name] = decodeURIComponent(m[i + 1]);
				} catch {
					params[name] = m[i + 1];
				}
			});
			return { route, params };
		}
	}
	return null;
}

/**
 * What to show for a location: { route, params } or
 * { redirect, toast?: { message, kind } }.
 */
export function resolveRoute(location, user) {
	const home = user ? WORKSPACE : LOGIN;
	const match = location.pathname === '/' ? null : matchRoute(location.pathname);
	if (!match) return { redirect: home };

	const { route } = match;
	if (route.access === 'guest' && user) {
		return { redirect: safeNext(location.query.get('next')) || WORKSPACE };
	}
	if (route.access === 'user') {
		if (!user) {
			const here = location.pathname + location.search + location.hash;
			return { redirect: LOGIN + '?' + new URLSearchParams({ next: here }).toString() };
		}
		if (!hasRole(user, route.roles)) {
			return { redirect: WORKSPACE, toast: { message: t('router.forbidden'), kind: 'error' } };
		}
		// A switched-off feature's screen does not exist (its API answers 404).
		if (!features.on(route.feature)) return { redirect: WORKSPACE };
	}
	return match;
}

function isPlainLeftClick(event) {
	return event.button === 0 && !event.defaultPrevented
		&& !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/** An <a> that navigates inside the app (other clicks behave as usual). */
export function Link({ href, onClick, children, ...rest }) {
	function handle(event) {
		if (onClick) onClick(event);
		if (!isPlainLeftClick(event) || rest.target) return;
		event.preventDefault();
		navigate(href);
	}
	return html`<a href=${href} onClick=${handle} ...${rest}>${children}</a>`;
}
