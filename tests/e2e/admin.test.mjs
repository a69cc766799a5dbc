// The administration screens (frontend.md §10.1, §10.2) through the real
// stack: users (filters, edit, set-password link, deactivation, the
// messages of refused changes) and partners (create, edit, search), plus a
// walk over every page of the app for console errors and CSP violations
// (the runner fails a test on either), at desktop and phone width.
import {
	ADMIN, OPERATOR, assert, expectVisible, login, waitForPath, unique, apiAs, expectApi, acceptInvitation, toasts,
} from './lib.mjs';

export async function usersCanBeFilteredEditedResetAndDeactivated({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const email = `user-${tag}@example.com`;
	await expectApi(admin, 'POST', '/api/users', { email, fullName: `Użytkownik ${tag}`, role: 'OPERATOR' }, 201);
	await acceptInvitation(page, email, 'Uzytkownik-Haslo-42!');

	await login(page, ADMIN);
	await page.goto('/admin/users');
	await expectVisible(page.getByRole('heading', { name: 'Użytkownicy' }), 'the users page');
	await page.getByLabel('Rola').selectOption('OPERATOR');
	await page.getByLabel('Szukaj').fill(tag);
	await waitForPath(page, `/admin/users?role=OPERATOR&search=${tag}`);
	const row = page.getByRole('row').filter({ hasText: email });
	await expectVisible(row, 'the user');
	await expectVisible(row.getByText('Aktywny'), 'ACTIVE after the password was set');
	await expectVisible(page.getByText('1 łącznie'), 'the total');

	// Edit: the e-mail is read-only; name and phone change.
	await row.getByRole('button', { name: `Edytuj: Użytkownik ${tag}` }).click();
	const edit = page.getByRole('dialog', { name: `Edycja: Użytkownik ${tag}` });
	assert.equal(await edit.getByLabel('E-mail').getAttribute('readonly'), '');
	await edit.getByLabel('Imię i nazwisko').fill(`Zmieniony ${tag}`);
	await edit.getByLabel('Telefon').fill('+48600700800');
	await edit.getByRole('button', { name: 'Zapisz zmiany' }).click();
	await expectVisible(toasts(page).getByText(`Zapisano zmiany użytkownika ${email}.`), 'the saved toast');
	await expectVisible(page.getByRole('row').filter({ hasText: `Zmieniony ${tag}` }).getByText('+48 600 700 800'), 'the new name and phone');

	// Send a set-password link.
	await page.getByRole('button', { name: `Wyślij link do ustawienia hasła: Zmieniony ${tag}` }).click();
	const reset = page.getByRole('dialog', { name: 'Link do ustawienia hasła' });
	await reset.getByRole('button', { name: 'Wyślij link' }).click();
	await expectVisible(toasts(page).getByText(`Wysłano link do ustawienia hasła na ${email}.`), 'the reset toast');

	// Deactivate.
	await page.getByRole('button', { name: `Dezaktywuj: Zmieniony ${tag}` }).click();
	const deactivate = page.getByRole('dialog', { name: 'Dezaktywacja konta' });
	await deactivate.getByRole('button', { name: 'Dezaktywuj' }).click();
	await expectVisible(toasts(page).getByText(`Konto ${email} zostało dezaktywowane.`), 'the deactivated toast');
	await expectVisible(page.getByRole('row').filter({ hasText: email }).getByText('Nieaktywny'), 'INACTIVE');
	const res = await fetch(baseURL + '/api/auth/login', {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ email, password: 'Uzytkownik-Haslo-42!' }),
	});
	assert.equal(res.status, 403, 'a deactivated user cannot log in');

	// A refused change shows the API's message in Polish: my own role.
	await page.goto(`/admin/users?search=${encodeURIComponent(ADMIN.email)}`);
	await page.getByRole('button', { name: /^Edytuj: / }).first().click();
	const self = page.getByRole('dialog');
	assert.equal(await self.getByLabel('Rola').isDisabled(), true, 'my own role cannot be changed');
	await expectVisible(self.getByText('Nie możesz zmienić własnej roli.'), 'why');
	await self.getByRole('button', { name: 'Anuluj' }).click();

	// An e-mail already in use.
	await page.getByRole('button', { name: 'Zaproś użytkownika' }).click();
	const invite = page.getByRole('dialog', { name: 'Zaproś użytkownika' });
	await invite.getByLabel('E-mail').fill(OPERATOR.email);
	await invite.getByLabel('Imię i nazwisko').fill('Duplikat');
	await invite.getByRole('button', { name: 'Wyślij zaproszenie' }).click();
	await expectVisible(invite.getByRole('alert').getByText('Ten adres e-mail jest już używany.'), 'the 409 message');
}

export async function partnersCanBeCreatedEditedAndSearched({ page, baseURL }) {
	const tag = unique();
	await login(page, ADMIN);
	await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name: 'Partnerzy' }).click();
	await waitForPath(page, '/admin/partners');
	await page.getByRole('button', { name: 'Dodaj partnera' }).click();
	const create = page.getByRole('dialog', { name: 'Nowy partner' });
	await create.getByRole('button', { name: 'Utwórz partnera' }).click();
	await expectVisible(create.getByText('Podaj nazwę partnera.'), 'the required name');
	await create.getByLabel('Nazwa').fill(`Salon ${tag}`);
	await create.getByLabel('Status').selectOption('PENDING');
	await create.getByLabel('Imię i nazwisko').fill('Anna Kontakt');
	await create.getByLabel('E-mail').fill(`kontakt.${tag}@example.com`);
	await create.getByLabel('Czas reakcji na lead (minuty)').fill('30');
	await create.getByLabel('Notatki').fill(`Kluczowy klient ${tag}`);
	await create.getByRole('button', { name: 'Utwórz partnera' }).click();
	await expectVisible(toasts(page).getByText(`Utworzono partnera Salon ${tag}.`), 'the created toast');

	await page.getByLabel('Szukaj').fill(tag);
	const row = page.getByRole('row').filter({ hasText: `Salon ${tag}` });
	await expectVisible(row, 'the partner');
	await expectVisible(row.getByText('Oczekujący'), 'the status');
	await expectVisible(row.getByText(`kontakt.${tag}@example.com`), 'the contact');

	await row.getByRole('button', { name: `Edytuj: Salon ${tag}` }).click();
	const edit = page.getByRole('dialog', { name: `Edycja: Salon ${tag}` });
	assert.equal(await edit.getByLabel('Czas reakcji na lead (minuty)').inputValue(), '30');
	await edit.getByLabel('Nazwa').fill(`Salon Plus ${tag}`);
	await edit.getByLabel('Status').selectOption('ACTIVE');
	await edit.getByRole('button', { name: 'Zapisz zmiany' }).click();
	await expectVisible(toasts(page).getByText(`Zapisano partnera Salon Plus ${tag}.`), 'the saved toast');
	await expectVisible(page.getByRole('row').filter({ hasText: `Salon Plus ${tag}` }).getByText('Aktywny'), 'the edited row');

	await page.getByLabel('Status').selectOption('INACTIVE');
	await expectVisible(page.getByText('Brak partnerów.'), 'the empty state with the filter');

	const admin = await apiAs(baseURL, ADMIN);
	const list = await expectApi(admin, 'GET', `/api/partners?search=${tag}`, undefined, 200);
	assert.equal(list.data[0].slaRules.leadResponseMinutes, 30);
}

async function visitAll(page, paths) {
	for (const path of paths) {
		await page.goto(path);
		await expectVisible(page.getByRole('heading', { level: 1 }), `the heading of ${path}`);
		await page.waitForLoadState('networkidle');
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the window`);
	}
}

export async function everyAdminPageLoadsCleanly({ page }) {
	await login(page, ADMIN);
	await visitAll(page, ['/leads', '/admin/partners', '/admin/users', '/leads?status=open&page=2']);
	await page.getByRole('button', { name: 'Dodaj nowy lead' }).click();
	await expectVisible(page.getByRole('dialog', { name: 'Nowy lead' }), 'the create dialog');
	await page.keyboard.press('Escape');
	await page.getByRole('dialog').waitFor({ state: 'detached' });
}

export async function everyOperatorPageLoadsCleanly({ page }) {
	await login(page, OPERATOR);
	await visitAll(page, ['/leads', '/leads?assignee=me']);
}

export async function pagesWorkAtPhoneWidth({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Mobilny', lastName: `Telefon${tag}`, email: `m.${tag}@example.com` }, consents: [],
	}, 201);
	await page.setViewportSize({ width: 390, height: 844 });
	await login(page, ADMIN);
	await visitAll(page, ['/leads', '/admin/users', '/admin/partners']);
	await page.goto(`/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	await expectVisible(dialog.getByRole('heading', { name: `Mobilny Telefon${tag}` }), 'the detail at phone width');
	const box = await dialog.boundingBox();
	assert.ok(box.width <= 390, 'the dialog fits the screen');
}

export async function keyboardOpensALeadFromTheList({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Klawiatura', lastName: `Enter${tag}` }, consents: [],
	}, 201);
	await login(page, ADMIN);
	await page.getByLabel('Szukaj klienta').fill(`Enter${tag}`);
	await waitForPath(page, `/leads?search=Enter${tag}`);
	const row = page.getByRole('row').filter({ hasText: `Klawiatura Enter${tag}` });
	await expectVisible(row, 'the row');
	await row.focus();
	await page.keyboard.press('Enter');
	await waitForPath(page, `/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	await expectVisible(dialog.getByRole('heading', { name: `Klawiatura Enter${tag}` }), 'the detail');
	await page.keyboard.press('Escape');
	await dialog.waitFor({ state: 'detached' });
	await waitForPath(page, `/leads?search=Enter${tag}`);
	try {
		await page.waitForFunction((id) => document.activeElement && document.activeElement.dataset.rowKey === id, lead.id, { timeout: 3000 });
	} catch {
		throw new Error(`focus did not return to the lead's row (it is on ${await page.evaluate(() => document.activeElement.tagName)})`);
	}
}
