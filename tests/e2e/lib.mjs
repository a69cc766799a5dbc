// Helpers shared by the browser tests (tests/e2e/*.test.mjs). playwright-core
// has no expect(); these wait for a state and throw a readable error.
import assert from 'node:assert/strict';

export { assert };

/** The development seed's logins (ARCHITECTURE.md §8). */
export const ADMIN = { email: 'admin@example.com', password: 'Admin123!' };
export const OPERATOR = { email: 'operator@example.com', password: 'Operator123!' };

/** Waits until the page's path (and query, if given) is `expected`. */
export async function waitForPath(page, expected, { timeout = 10_000 } = {}) {
	const wanted = new URL(expected, 'http://x');
	try {
		await page.waitForURL((url) => url.pathname === wanted.pathname
			&& (!expected.includes('?') || url.search === wanted.search), { timeout });
	} catch {
		throw new Error(`expected to be at ${expected}, but the page is at ${page.url()}`);
	}
}

/** Waits until the locator is visible. */
export async function expectVisible(locator, what = String(locator)) {
	try {
		await locator.first().waitFor({ state: 'visible' });
	} catch {
		throw new Error(`expected to see ${what}`);
	}
}

/** Fills the login form and submits it (the page must show /login). */
export async function submitLogin(page, { email, password }) {
	await page.getByLabel('E-mail').fill(email);
	await page.getByLabel('Hasło', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Zaloguj się' }).click();
}

/** Logs in from the login page and waits for the app shell. */
export async function login(page, user) {
	await page.goto('/login');
	await submitLogin(page, user);
	await waitForPath(page, '/leads');
	await expectVisible(page.getByRole('button', { name: 'Wyloguj' }), 'the "Wyloguj" button');
}

/** GET /api/auth/me from inside the page: { status, body }. */
export async function whoAmI(page) {
	return page.evaluate(async () => {
		const res = await fetch('/api/auth/me', { credentials: 'same-origin' });
		return { status: res.status, body: res.status === 200 ? await res.json() : null };
	});
}

// ---------------------------------------------------------------------------
// Data set-up for the lead and admin tests: the real API from Node (Bearer
// token of a real login) and the test database through psql. Every test
// makes its own data with unique names, so tests never depend on each other.

/** A short unique tag for names and e-mails: "t1a2b3c". */
export function unique(prefix = 't') {
	return prefix + Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
}

/** Logs in through the API; returns call(method, path, body) → { status, body }. */
export async function apiAs(baseURL, { email, password }) {
	const res = await fetch(baseURL + '/api/auth/login', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ email, password }),
	});
	const login = await res.json();
	if (res.status !== 200 || !login.token) throw new Error(`API login of ${email} failed: ${res.status} ${JSON.stringify(login)}`);
	return async function call(method, path, body) {
		const r = await fetch(baseURL + path, {
			method,
			headers: { Authorization: 'Bearer ' + login.token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await r.text();
		let parsed = null;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			parsed = text;
		}
		return { status: r.status, body: parsed };
	};
}

/** Like call(), but throws unless the status is the expected one; returns the body. */
export async function expectApi(call, method, path, body, status) {
	const res = await call(method, path, body);
	if (res.status !== status) {
		throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)} (expected ${status})`);
	}
	return res.body;
}

/** One value from the test database (IZZY_DB_URL, set by run.sh). */
export async function sql(query) {
	const { execFileSync } = await import('node:child_process');
	const url = process.env.IZZY_DB_URL;
	if (!url) throw new Error('IZZY_DB_URL is not set (run the suite through tests/e2e/run.sh)');
	return execFileSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', url, '-c', query], { encoding: 'utf8' }).trim();
}

function sqlString(text) {
	return "'" + String(text).replace(/'/g, "''") + "'";
}

/** The /set-password link of the newest e-mail to `email` (invitation or reset). */
export async function setPasswordLink(email) {
	const body = await sql(`SELECT "bodyText" FROM "Outbox" WHERE recipient = ${sqlString(email)} ORDER BY "createdAt" DESC LIMIT 1`);
	const m = /https?:\/\/[^\s"'<>]*\/set-password\?token=[A-Za-z0-9_-]+/.exec(body) || /\/set-password\?token=[A-Za-z0-9_-]+/.exec(body);
	if (!m) throw new Error(`no set-password link in the newest e-mail to ${email}`);
	const url = new URL(m[0], 'http://x');
	return url.pathname + url.search;
}

/** Opens the set-password link of `email` and sets `password` (the invitation flow). */
export async function acceptInvitation(page, email, password) {
	await page.goto(await setPasswordLink(email));
	await page.getByLabel('Nowe hasło', { exact: true }).fill(password);
	await page.getByLabel('Powtórz nowe hasło').fill(password);
	await page.getByRole('button', { name: 'Ustaw hasło' }).click();
	await waitForPath(page, '/login');
}

/** A customer block for POST /api/leads. */
export function customer(tag, extra = {}) {
	return { firstName: 'Jan' + tag, lastName: 'Test' + tag, ...extra };
}

/** The toast region: toasts are read from it. */
export function toasts(page) {
	return page.getByRole('region', { name: 'Powiadomienia' });
}

/** Opens the lead detail dialog of the row showing `text` (after searching for it). */
export async function openLeadFromList(page, search, text) {
	await page.getByLabel('Szukaj klienta').fill(search);
	const row = page.getByRole('row').filter({ hasText: text });
	await expectVisible(row, `the list row of ${text}`);
	await row.first().click();
	const dialog = page.getByRole('dialog');
	await expectVisible(dialog, 'the lead detail dialog');
	return dialog;
}

/**
 * Waits until the create-lead form has loaded its consent templates (the
 * submit button is enabled again), then ticks every consent shown.
 * Returns how many there were.
 */
export async function tickAllConsents(form) {
	const submit = form.getByRole('button', { name: 'Utwórz lead' });
	await form.page().waitForFunction((el) => !el.disabled, await submit.elementHandle());
	const boxes = form.locator('.consent-list input[type="checkbox"]');
	const n = await boxes.count();
	for (let i = 0; i < n; i++) await boxes.nth(i).check();
	return n;
}
