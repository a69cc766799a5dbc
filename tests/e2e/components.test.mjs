// The shared frontend modules in the real browser under the real CSP:
// formatters and the catalogue (i18n.js), the modal, toasts, form fields and
// the data table. Each test renders components into the login page with the
// app's own modules (same URLs, so the same module instances as the app).
import { assert, expectVisible } from './lib.mjs';

export async function formattersArePolishAndDeterministic({ page }) {
	await page.goto('/login');
	const out = await page.evaluate(async () => {
		const f = await import('/js/i18n.js');
		return {
			winter: f.formatDateTime('2025-01-15T12:30:00Z'),
			summer: f.formatDateTime('2025-07-01T22:15:00.000Z'),
			date: f.formatDate('2025-12-31T23:30:00Z'),
			noDate: f.formatDateTime(null),
			badDate: f.formatDateTime('not a date'),
			money: f.formatMoney(120000),
			moneyText: f.formatMoney('1234.5'),
			moneySmall: f.formatMoney(5),
			moneyNegative: f.formatMoney(-1500000.255),
			moneyRoundsToZero: f.formatMoney(-0.001),
			moneyNone: f.formatMoney(null),
			moneyBad: f.formatMoney('abc'),
			km: f.formatNumber(123456) + f.NBSP + 'km',
			phone: f.formatPhone('48123456789'),
			phoneTyped: f.formatPhone('+48 123-456-789'),
			phoneForeign: f.formatPhone('+44 20 7946 0958'),
			phoneApi: f.phoneForApi('123 456 789'),
			phoneApiBad: f.phoneForApi('12345'),
			role: f.roleLabel('PARTNER_MANAGER'),
			status: f.statusInfo('lead', 'CLOSED_WON'),
			formStatus: f.statusInfo('form', 'submitted'),
			unknownStatus: f.statusInfo('lead', 'SOMETHING'),
			statuses: f.LEAD_STATUS_OPTIONS.length,
			interpolated: f.t('shell.partner', { name: 'Auto Dealer' }),
			missingKey: f.t('no.such.key'),
			api: f.apiMessage('Invalid credentials'),
			apiPolish: f.apiMessage('Klient nadal edytuje formularz.'),
			issueRequired: f.issueMessage({ code: 'invalid_type', received: 'undefined', path: ['x'] }),
			issueShort: f.issueMessage({ code: 'too_small', type: 'string', minimum: 12, path: ['password'] }),
			issueRegex: f.issueMessage({ code: 'invalid_string', validation: 'regex', message: 'Nieprawidłowy kod pocztowy' }),
		};
	});
	const nb = '\u00a0';
	assert.deepEqual(out, {
		winter: '15.01.2025 13:30',
		summer: '02.07.2025 00:15',
		date: '01.01.2026',
		noDate: '—',
		badDate: '—',
		money: `120${nb}000,00${nb}zł`,
		moneyText: `1${nb}234,50${nb}zł`,
		moneySmall: `5,00${nb}zł`,
		moneyNegative: `-1${nb}500${nb}000,26${nb}zł`,
		moneyRoundsToZero: `0,00${nb}zł`,
		moneyNone: '—',
		moneyBad: '—',
		km: `123${nb}456${nb}km`,
		phone: '+48 123 456 789',
		phoneTyped: '+48 123 456 789',
		phoneForeign: '+44 20 7946 0958',
		phoneApi: '+48123456789',
		phoneApiBad: null,
		role: 'Menedżer partnera',
		status: { label: 'Zakończony – sukces', tone: 'indigo' },
		formStatus: { label: 'Przesłany', tone: 'success' },
		unknownStatus: { label: 'SOMETHING', tone: 'neutral' },
		statuses: 17,
		interpolated: 'Partner: Auto Dealer',
		missingKey: 'no.such.key',
		api: 'Nieprawidłowy e-mail lub hasło',
		apiPolish: 'Klient nadal edytuje formularz.',
		issueRequired: 'To pole jest wymagane',
		issueShort: 'Wymagane co najmniej 12 znaków',
		issueRegex: 'Nieprawidłowy kod pocztowy',
	});
}

/** Renders `source` (an async function body using html/render) into the page. */
async function mount(page, setup) {
	await page.goto('/login');
	// The login screen focuses its e-mail field when it mounts: let that
	// happen first, or it may steal the focus a test gives to its content.
	await page.getByRole('button', { name: 'Zaloguj się' }).waitFor();
	await page.evaluate(setup);
}

export async function modalTrapsFocusAndRestoresIt({ page }) {
	await mount(page, async () => {
		const { html, render, useState } = await import('/js/lib.js');
		const { Modal } = await import('/js/components/modal.js');
		function Demo() {
			const [open, setOpen] = useState(false);
			return html`<button id="opener" onClick=${() => setOpen(true)}>Otwórz</button>
				${open && html`<${Modal} title="Okno testowe" onClose=${() => setOpen(false)}>
					<input id="first" aria-label="Pierwsze" /><button id="last">Ostatni</button>
				</${Modal}>`}`;
		}
		const host = document.createElement('div');
		document.body.append(host);
		render(html`<${Demo} />`, host);
	});
	const active = () => page.evaluate(() => document.activeElement.id || document.activeElement.getAttribute('aria-label'));

	await page.locator('#opener').click();
	const dialog = page.getByRole('dialog', { name: 'Okno testowe' });
	await expectVisible(dialog, 'the dialog');
	assert.equal(await dialog.getAttribute('aria-modal'), 'true');
	assert.equal(await active(), 'first', 'focus moves into the dialog');
	assert.ok(await page.evaluate(() => document.body.classList.contains('modal-open')), 'the page does not scroll');

	await page.keyboard.press('Tab');
	assert.equal(await active(), 'last');
	await page.keyboard.press('Tab');
	assert.equal(await active(), 'Close dialog', 'Tab wraps to the first control');
	await page.keyboard.press('Shift+Tab');
	assert.equal(await active(), 'last', 'Shift+Tab wraps to the last control');

	await page.keyboard.press('Escape');
	await dialog.waitFor({ state: 'detached' });
	assert.equal(await active(), 'opener', 'focus returns to the opener');
	assert.ok(!(await page.evaluate(() => document.body.classList.contains('modal-open'))));

	await page.locator('#opener').click();
	await page.getByRole('button', { name: 'Close dialog' }).click();
	await dialog.waitFor({ state: 'detached' });
}

export async function toastsAreAnnouncedAndDismissible({ page }) {
	await page.goto('/login');
	await page.evaluate(async () => {
		const { toast } = await import('/js/components/toast.js');
		toast('Zapisano zmiany', 'success');
		toast('Coś poszło nie tak', 'error');
	});
	const region = page.locator('[aria-live="polite"]');
	await expectVisible(region.getByText('Zapisano zmiany'), 'the success toast');
	await expectVisible(region.getByText('Coś poszło nie tak'), 'the error toast');
	await page.getByRole('button', { name: 'Zamknij powiadomienie' }).last().click();
	await page.getByText('Coś poszło nie tak').waitFor({ state: 'detached' });
	// A success toast goes away by itself.
	await page.getByText('Zapisano zmiany').waitFor({ state: 'detached', timeout: 6000 });
}

export async function fieldShowsApiIssuesByPath({ page }) {
	await mount(page, async () => {
		const { html, render } = await import('/js/lib.js');
		const { Field, issuesByPath } = await import('/js/components/form.js');
		const errors = issuesByPath([
			{ code: 'invalid_string', validation: 'email', path: ['customer', 'email'], message: 'Invalid email' },
			{ code: 'invalid_type', received: 'undefined', path: ['customer', 'email'], message: 'Required' },
		]);
		const host = document.createElement('div');
		document.body.append(host);
		render(html`<${Field} label="E-mail klienta" name="customer.email" hint="Adres do korespondencji"
			error=${errors['customer.email']} value="x" />`, host);
	});
	const input = page.getByLabel('E-mail klienta');
	assert.equal(await input.getAttribute('aria-invalid'), 'true');
	const described = await input.evaluate((el) => el.getAttribute('aria-describedby').split(' ')
		.map((id) => document.getElementById(id).textContent));
	assert.deepEqual(described, ['Adres do korespondencji', 'Nieprawidłowy adres e-mail']);
}

export async function tableShowsStatesAndClickableRows({ page }) {
	await mount(page, async () => {
		const { html, render } = await import('/js/lib.js');
		const { DataTable } = await import('/js/components/table.js');
		const { StatusBadge } = await import('/js/components/badge.js');
		const columns = [
			{ key: 'name', label: 'Nazwa' },
			{ key: 'status', label: 'Status', render: (r) => html`<${StatusBadge} value=${r.status} />` },
		];
		const host = document.createElement('div');
		host.id = 'tables';
		document.body.append(host);
		render(html`
			<${DataTable} caption="Ładowana" columns=${columns} loading=${true} loadingText="Ładowanie leadów…" />
			<${DataTable} caption="Pusta" columns=${columns} rows=${[]} emptyText="Brak leadów." />
			<${DataTable} caption="Pełna" columns=${columns}
				rows=${[{ id: 'a', name: 'Jan', status: 'NEW' }, { id: 'b', name: null, status: 'ONBOARDING_CONFIRMED' }]}
				onRowClick=${(row) => { document.getElementById('tables').dataset.clicked = row.id; }} />`, host);
	});
	await expectVisible(page.getByRole('table', { name: 'Ładowana' }).getByText('Ładowanie leadów…'), 'the loading row');
	await expectVisible(page.getByRole('table', { name: 'Pusta' }).getByText('Brak leadów.'), 'the empty row');
	const full = page.getByRole('table', { name: 'Pełna' });
	await expectVisible(full.getByText('Nowy'), 'the status label');
	await expectVisible(full.getByText('—'), 'the empty-value dash');
	await full.getByRole('row').nth(2).focus();
	await page.keyboard.press('Enter');
	assert.equal(await page.locator('#tables').getAttribute('data-clicked'), 'b');
}
