// The logged-in user: loaded once at boot from GET /api/auth/me, replaced by
// login and cleared by logout. Components read it with useSession().
//
// The session itself is the HttpOnly cookie the server sets; nothing about it
// is stored by the app.
import { useEffect, useState } from './lib.js';
import { api, ApiError } from './api.js';
import { navigate } from './router.js';
import { LOGIN } from './routes.js';
import { loadFeatures } from './features.js';

// status: 'loading' until the boot check ends, then 'ready'.
let state = { status: 'loading', user: null };
const listeners = new Set();

function setState(next) {
	state = next;
	for (const listener of listeners) listener(state);
}

/** The current { status, user }; re-renders the caller when it changes. */
export function useSession() {
	const [value, setValue] = useState(state);
	useEffect(() => {
		listeners.add(setValue);
		setValue(state);
		return () => listeners.delete(setValue);
	}, []);
	return value;
}

/** The current user or null (for code outside components). */
export function currentUser() {
	return state.user;
}

async function fetchMe() {
	const body = await api.get('/api/auth/me', { auth: false });
	return body.user;
}

/** Boot: asks the server who is logged in; a 401 means nobody. */
export async function loadSession() {
	let user = null;
	try {
		user = await fetchMe();
	} catch (err) {
		if (!(err instanceof ApiError) || err.status !== 401) throw err;
	}
	if (user) await loadFeatures();
	setState({ status: 'ready', user });
	return user;
}

/**
 * Logs in; throws the ApiError of a refused login. The login answer has no
 * full name, so the profile is then read from /me (falling back to the login
 * answer's user if that fails).
 */
export async function login(email, password) {
	const body = await api.post('/api/auth/login', { email, password }, { auth: false });
	let user = body.user;
	try {
		user = await fetchMe();
	} catch {
		// keep the login answer's profile
	}
	await loadFeatures();
	setState({ status: 'ready', user });
	return user;
}

/**
 * Logs out and shows the login page. A 401 means the session had already
 * ended, which is as good; any other failure is thrown and the user stays
 * logged in (the HttpOnly cookie can only be cleared by the server).
 */
export async function logout() {
	try {
		await api.post('/api/auth/logout', undefined, { auth: false });
	} catch (err) {
		if (!(err instanceof ApiError) || err.status !== 401) throw err;
	}
	// Both changes land in the same render, so the route guard never sees a
	// protected page without a user (which would add ?next= to the login URL).
	navigate(LOGIN, { replace: true });
	setState({ status: 'ready', user: null });
}
