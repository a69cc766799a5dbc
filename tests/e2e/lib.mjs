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
