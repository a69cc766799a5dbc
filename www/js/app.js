// Boot: asks the server who is logged in (GET /api/auth/me), then renders the
// route for the current location: the router's guards decide between the
// screen and a redirect (logged out -> /login?next=…), the shell wraps the
// logged-in screens, and each screen module is loaded on first use.
import { html, render, useEffect, useState } from './lib.js';
import { t } from './i18n.js';
import { ApiError } from './api.js';
import { useSession, loadSession } from './session.js';
import { navigate, resolveRoute, useLocation } from './router.js';
import { Shell } from './screens/shell.js';
import { Toasts, toast } from './components/toast.js';
import { ErrorBanner, Loading } from './components/states.js';

const modules = new Map();

/** The screen module of a route: loaded on first use, then from the cache. */
function useScreenModule(load) {
	const [, setLoaded] = useState(0);
	const [failedLoad, setFailedLoad] = useState(null);
	useEffect(() => {
		if (modules.has(load)) return undefined;
		let live = true;
		load().then((module) => {
			modules.set(load, module);
			if (live) setLoaded((n) => n + 1);
		}, () => {
			if (live) setFailedLoad(() => load);
		});
		return () => { live = false; };
	}, [load]);
	return { module: modules.get(load) || null, failed: failedLoad === load };
}

function RouteScreen({ route, params, location, user }) {
	const { module, failed } = useScreenModule(route.load);
	useEffect(() => {
		document.title = `${t(route.title)} · ${t('app.titleSuffix')}`;
	}, [route]);
	if (failed) return html`<${ErrorBanner} message=${t('router.loadFailed')} />`;
	if (!module) return html`<${Loading} />`;
	const Screen = module.default;
	return html`<${Screen} route=${route} params=${params} location=${location} user=${user} />`;
}

function Redirect({ to, notice }) {
	useEffect(() => {
		navigate(to, { replace: true });
		if (notice) toast(notice.message, notice.kind);
	}, [to, notice && notice.message]);
	return html`<${Loading} />`;
}

function Routes() {
	const session = useSession();
	const location = useLocation();
	if (session.status === 'loading') {
		return html`<${Loading} className="state--page" label=${t('app.validatingSession')} />`;
	}
	const resolved = resolveRoute(location, session.user);
	if (resolved.redirect) return html`<${Redirect} to=${resolved.redirect} notice=${resolved.toast} />`;

	const { route, params } = resolved;
	// Not keyed: routes that share a screen module (/leads and /leads/:id)
	// keep the same screen instance and its state.
	const screen = html`<${RouteScreen} route=${route} params=${params}
		location=${location} user=${session.user} />`;
	return route.shell
		? html`<${Shell} user=${session.user} location=${location}>${screen}</${Shell}>`
		: screen;
}

function BootError({ message }) {
	return html`<main class="auth" id="main"><div class="auth__card card">
		<${ErrorBanner} message=${message} onRetry=${() => window.location.reload()} />
	</div></main>`;
}

/** `bootError`: the message when the session check itself failed. */
function App({ bootError }) {
	return html`${bootError ? html`<${BootError} message=${bootError} />` : html`<${Routes} />`}<${Toasts} />`;
}

const root = document.getElementById('app');
root.textContent = ''; // the static "Ładowanie…" of index.html
render(html`<${App} bootError=${null} />`, root);
loadSession().catch((err) => {
	const message = err instanceof ApiError ? err.message : t('errors.unexpected');
	render(html`<${App} bootError=${message} />`, root);
});
