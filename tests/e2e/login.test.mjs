// Login, logout, redirects after login (SR-3), role guards (FR-2) and the
// password-reset pages (FR-5, SR-10), through the real stack.
import {
	ADMIN, OPERATOR, assert, expectVisible, login, submitLogin, waitForPath, whoAmI,
} from './lib.mjs';

export async function adminLogsInAndOut({ page }) {
	await page.goto('/');
	await waitForPath(page, '/login');
	await expectVisible(page.getByRole('heading', { name: 'Logowanie' }), 'the login heading');

	await submitLogin(page, ADMIN);
	await waitForPath(page, '/leads');

	const me = await whoAmI(page);
	assert.equal(me.status, 200);
	const header = page.getByRole('banner');
	await expectVisible(header.getByText(me.body.user.fullName || ADMIN.email, { exact: true }), 'the user name in the header');
	await expectVisible(header.getByText(ADMIN.email), 'the e-mail in the header');
	await expectVisible(header.getByText('Administrator', { exact: true }), 'the role label');
	await expectVisible(page.getByRole('heading', { name: 'Leady', level: 1 }), 'the lead workspace');

	// FR-2: the ADMIN sidebar, in order.
	const nav = page.getByRole('navigation', { name: 'Nawigacja główna' });
	const labels = await nav.getByRole('link').evaluateAll((links) =>
		links.map((a) => a.querySelector('.shell-nav__label').textContent));
	assert.deepEqual(labels, ['Leady', 'Tablica', 'Partnerzy', 'Analityka', 'Użytkownicy', 'Zarządzanie zgodami', 'Archiwum zgód']);

	// Another screen opens inside the shell.
	await nav.getByRole('link', { name: 'Analityka' }).click();
	await waitForPath(page, '/analytics');
	await expectVisible(page.getByRole('heading', { name: 'Analityka', level: 1 }), 'the analytics screen');

	await page.getByRole('button', { name: 'Wyloguj' }).click();
	await waitForPath(page, '/login');
	await expectVisible(page.getByRole('button', { name: 'Zaloguj się' }), 'the login button');
	assert.equal(new URL(page.url()).search, '', 'a deliberate logout adds no ?next=');
	assert.equal((await whoAmI(page)).status, 401, 'the server session ended');

	// The protected page is gone after logout.
	await page.goto('/leads');
	await waitForPath(page, '/login?next=%2Fleads');
}

export async function wrongPasswordShowsPolishMessage({ page }) {
	await page.goto('/login');
	await submitLogin(page, { email: ADMIN.email, password: 'Wrong-password-1' });
	await expectVisible(page.getByRole('alert').getByText('Nieprawidłowy e-mail lub hasło'), 'the Polish "Invalid credentials" message');
	await waitForPath(page, '/login');
	assert.equal((await whoAmI(page)).status, 401);
}

export async function emptyFieldsAreMarkedWithoutCallingTheApi({ page }) {
	await page.goto('/login');
	let calls = 0;
	page.on('request', (req) => { if (req.url().endsWith('/api/auth/login')) calls += 1; });
	await page.getByRole('button', { name: 'Zaloguj się' }).click();
	await expectVisible(page.getByText('To pole jest wymagane'), 'the required-field message');
	assert.equal(await page.getByLabel('E-mail').getAttribute('aria-invalid'), 'true');
	assert.equal(calls, 0);
}

export async function nextParameterCannotLeaveTheSite({ page, baseURL }) {
	await page.goto('/login?next=//evil.example');
	await submitLogin(page, ADMIN);
	await waitForPath(page, '/leads');
	assert.equal(new URL(page.url()).origin, new URL(baseURL).origin);
}

export async function safeNextAcceptsOnlySameOriginPaths({ page }) {
	await page.goto('/login');
	const results = await page.evaluate(async () => {
		const { safeNext } = await import('/js/router.js');
		const vectors = [
			'/leads', '/admin/users?page=2#top', '/leads/abc',
			'//evil.example', '///evil.example', '/\\evil.example', '\\\\evil.example',
			'https://evil.example/', 'http:/evil.example', 'javascript:alert(1)', 'data:text/html,x',
			'/\t/evil.example', '/\n/evil.example', '/.//evil.example', '/%2e%2e//evil.example',
			'leads', '', ' /leads',
		];
		return Object.fromEntries(vectors.map((v) => [v, safeNext(v)]));
	});
	assert.deepEqual(results, {
		'/leads': '/leads',
		'/admin/users?page=2#top': '/admin/users?page=2#top',
		'/leads/abc': '/leads/abc',
		'//evil.example': null,
		'///evil.example': null,
		'/\\evil.example': null,
		'\\\\evil.example': null,
		'https://evil.example/': null,
		'http:/evil.example': null,
		'javascript:alert(1)': null,
		'data:text/html,x': null,
		'/\t/evil.example': null,
		'/\n/evil.example': null,
		'/.//evil.example': null,
		'/%2e%2e//evil.example': null,
		'leads': null,
		'': null,
		' /leads': null,
	});
}

export async function deepLinkReturnsAfterLogin({ page }) {
	await page.goto('/leads');
	await waitForPath(page, '/login?next=%2Fleads');
	await submitLogin(page, ADMIN);
	await waitForPath(page, '/leads');

	// A deeper link keeps its query too.
	await page.getByRole('button', { name: 'Wyloguj' }).click();
	await waitForPath(page, '/login');
	await page.goto('/admin/users?page=2');
	await waitForPath(page, '/login?next=%2Fadmin%2Fusers%3Fpage%3D2');
	await submitLogin(page, ADMIN);
	await waitForPath(page, '/admin/users?page=2');
	await expectVisible(page.getByRole('heading', { name: 'Użytkownicy' }), 'the users page heading');
}

export async function loggedInUserSkipsTheLoginPage({ page }) {
	await login(page, ADMIN);
	await page.goto('/login');
	await waitForPath(page, '/leads');
	await page.goto('/no/such/page');
	await waitForPath(page, '/leads');
}

export async function forbiddenRouteRedirectsToWorkspaceWithToast({ page }) {
	await login(page, OPERATOR);
	const nav = page.getByRole('navigation', { name: 'Nawigacja główna' });
	const labels = await nav.getByRole('link').evaluateAll((links) =>
		links.map((a) => a.querySelector('.shell-nav__label').textContent));
	assert.deepEqual(labels, ['Leady', 'Tablica', 'Analityka', 'Archiwum zgód']);

	await page.goto('/admin/partners');
	await waitForPath(page, '/leads');
	await expectVisible(page.getByText('Nie masz dostępu do tej części aplikacji.', { exact: false }), 'the forbidden-route toast');
}

export async function expiredSessionRedirectsToLoginAndBack({ page, context }) {
	await login(page, ADMIN);
	await page.goto('/admin/users?page=2');
	await expectVisible(page.getByRole('heading', { name: 'Użytkownicy' }), 'the users page');
	// The page's own load is over (its refresh button is enabled again), so the 401 below comes
	// from the click, not from a request that was still on its way.
	await page.waitForFunction(() => [...document.querySelectorAll('button')]
		.some((b) => b.textContent.trim() === 'Odśwież' && !b.disabled), null, { timeout: 10000 });
	await context.clearCookies(); // the session ends behind the app's back
	// Any authenticated call now gets 401: reloading the list is one.  A call of the app's own
	// (a background refresh) may get there first and leave the page before the click: the
	// redirect below is what is checked, the click only makes sure a call happens.
	await page.getByRole('button', { name: 'Odśwież' }).click({ timeout: 3000 }).catch(() => {});
	await waitForPath(page, '/login?reason=expired&next=%2Fadmin%2Fusers%3Fpage%3D2');
	await expectVisible(page.getByText('Sesja wygasła. Zaloguj się ponownie.'), 'the expired-session notice');
	await submitLogin(page, ADMIN);
	await waitForPath(page, '/admin/users?page=2');
}

export async function apiErrorsCarryStatusCodeAndIssues({ page }) {
	await page.goto('/login');
	const result = await page.evaluate(async () => {
		const { api, ApiError } = await import('/js/api.js');
		try {
			await api.post('/api/auth/login', { email: 'not-an-email', password: 'x' }, { auth: false });
			return 'no error';
		} catch (err) {
			return {
				isApiError: err instanceof ApiError,
				status: err.status,
				message: err.message,
				paths: err.issues.map((issue) => issue.path.join('.')).sort(),
			};
		}
	});
	assert.equal(result.isApiError, true);
	assert.equal(result.status, 400);
	assert.equal(result.message, 'Popraw zaznaczone pola.');
	assert.ok(result.paths.includes('email'), `an issue for "email" in ${JSON.stringify(result.paths)}`);
}

export async function expiredSessionNoticeIsShown({ page }) {
	await page.goto('/login?reason=expired&next=%2Fleads');
	await expectVisible(page.getByText('Sesja wygasła. Zaloguj się ponownie.'), 'the expired-session notice');
	await submitLogin(page, ADMIN);
	await waitForPath(page, '/leads');
}

export async function forgotPasswordAlwaysConfirms({ page }) {
	await page.goto('/login');
	await page.getByRole('link', { name: 'Nie pamiętasz hasła?' }).click();
	await waitForPath(page, '/reset-password');
	await page.getByLabel('E-mail').fill('nobody-here@example.com');
	await page.getByRole('button', { name: 'Wyślij link' }).click();
	await expectVisible(page.getByText('Jeśli konto o podanym adresie istnieje', { exact: false }), 'the confirmation');
	await page.getByRole('link', { name: 'Powrót do logowania' }).click();
	await waitForPath(page, '/login');
}

export async function setPasswordRejectsAnInvalidLink({ page }) {
	await page.goto('/set-password');
	await expectVisible(page.getByText('Link do ustawienia hasła jest niepełny.', { exact: false }), 'the missing-token message');

	await page.goto('/set-password?token=not-a-valid-token');
	const password = page.getByLabel('Nowe hasło', { exact: true });
	await password.fill('short');
	await page.getByLabel('Powtórz nowe hasło').fill('different');
	await page.getByRole('button', { name: 'Ustaw hasło' }).click();
	await expectVisible(page.getByText('Hasło nie spełnia wymagań podanych poniżej'), 'the policy error');
	await expectVisible(page.getByText('Hasła nie są identyczne'), 'the mismatch error');

	await password.fill('Correct-Horse-42');
	await page.getByLabel('Powtórz nowe hasło').fill('Correct-Horse-42');
	await page.getByRole('button', { name: 'Ustaw hasło' }).click();
	await expectVisible(page.getByText('Link do ustawienia hasła jest nieprawidłowy lub wygasł.', { exact: false }), 'the invalid-token message');
}

export async function shellWorksAtPhoneWidth({ page }) {
	await page.setViewportSize({ width: 390, height: 844 });
	await login(page, ADMIN);
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone screen`);
	const nav = page.getByRole('navigation', { name: 'Nawigacja główna' });
	assert.equal(await nav.isVisible(), false, 'the sidebar starts hidden on a phone');
	await page.getByRole('button', { name: 'Rozwiń nawigację' }).click();
	await nav.getByRole('link', { name: 'Analityka' }).click();
	await waitForPath(page, '/analytics');
	assert.equal(await nav.isVisible(), false, 'the sidebar closes after choosing a page');
}

export async function vendoredLibrariesLoad({ page }) {
	await page.goto('/login');
	const kind = await page.evaluate(async () => {
		const { Chart } = await import('/js/charts.js');
		return typeof Chart;
	});
	assert.equal(kind, 'function');
}
