// Fetch wrapper for the same-origin JSON API under /api.
//
// - The session is an HttpOnly cookie: requests send it (credentials
//   'same-origin') and the app never sees or stores a token.
// - JSON in and out; a non-2xx answer becomes an ApiError whose message is the
//   API's message in Polish (i18n.apiMessage) and whose `issues` are the
//   validation issues of spec/api.md §2.6.
// - A 401 on an authenticated call means the session has ended: the page is
//   replaced by /login?reason=expired&next=<where the user was>. Calls made
//   without a session (login, boot, logout, password reset) pass
//   { auth: false } and get the 401 as an ApiError instead.
// - Nothing here logs request or response bodies.
import { apiMessage, t } from './i18n.js';

export class ApiError extends Error {
	constructor(status, message, { code = null, issues = [], data = null } = {}) {
		super(message);
		this.name = 'ApiError';
		this.status = status;       // HTTP status; 0 when the server was not reached
		this.code = code;           // machine code of the API, e.g. "INVALID_TOKEN"
		this.issues = issues;       // [{ code, path: [...], message }]
		this.data = data;           // the parsed error body
	}
}

let expiring = false;

function redirectToLogin() {
	if (!expiring) {
		expiring = true;
		const here = window.location.pathname + window.location.search + window.location.hash;
		const params = new URLSearchParams({ reason: 'expired', next: here });
		window.location.replace('/login?' + params.toString());
	}
	// The page is being replaced: leave the caller waiting rather than let it
	// show an error for a moment.
	return new Promise(() => {});
}

async function readBody(response) {
	if (response.status === 204 || response.status === 205) return null;
	const type = response.headers.get('Content-Type') || '';
	if (type.includes('application/json')) {
		try {
			return await response.json();
		} catch {
			return null;
		}
	}
	const text = await response.text();
	return text === '' ? null : text;
}

function toError(status, body) {
	const data = body && typeof body === 'object' ? body : null;
	const message = data && typeof data.message === 'string'
		? apiMessage(data.message)
		: t('errors.status', { status });
	return new ApiError(status, message, {
		code: data && typeof data.code === 'string' ? data.code : null,
		issues: data && Array.isArray(data.issues) ? data.issues : [],
		data,
	});
}

/**
 * Sends one request. `path` is relative to the origin ("/api/..."); `body` is
 * sent as JSON (a FormData is sent as is); `query` is an object of search
 * parameters (null/undefined/'' values are skipped).
 */
export async function request(method, path, { body, query, auth = true, signal } = {}) {
	let url = path;
	if (query) {
		const params = new URLSearchParams();
		for (const [key, value] of Object.entries(query)) {
			if (value !== undefined && value !== null && value !== '') params.append(key, String(value));
		}
		const qs = params.toString();
		if (qs) url += (url.includes('?') ? '&' : '?') + qs;
	}
	const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' }, signal };
	if (body instanceof FormData) {
		init.body = body;
	} else if (method !== 'GET' && method !== 'HEAD') {
		// Every mutating call says JSON, body or not: the API refuses a
		// cookie-authenticated POST/PUT/PATCH/DELETE without it (CSRF rule).
		init.headers['Content-Type'] = 'application/json';
		if (body !== undefined) init.body = JSON.stringify(body);
	}

	let response;
	try {
		response = await fetch(url, init);
	} catch (err) {
		if (err && err.name === 'AbortError') throw err;
		throw new ApiError(0, t('errors.network'));
	}
	if (response.status === 401 && auth) return redirectToLogin();
	const data = await readBody(response);
	if (!response.ok) throw toError(response.status, data);
	return data;
}

export const api = {
	get: (path, options) => request('GET', path, options),
	post: (path, body, options) => request('POST', path, { ...options, body }),
	put: (path, body, options) => request('PUT', path, { ...options, body }),
	patch: (path, body, options) => request('PATCH', path, { ...options, body }),
	delete: (path, options) => request('DELETE', path, options),
};
