// The lead workspace through the real stack: the administrator's whole
// journey (invite, create with consents, search, detail, edits, status with
// a reason and its history, assignment, note, financing, logout), the
// create form's checks (nothing is saved while a field is wrong), the input
// masks, duplicates with merge, deep links, and sending an e-mail from the
// composer (queued in the outbox, shown among the notes).
import {
	ADMIN, assert, expectVisible, login, waitForPath, unique, apiAs, expectApi, toasts, openLeadFromList, tickAllConsents, sql,
} from './lib.mjs';

const NBSP = '\u00a0';

/** The consent templates the create form shows, as the API lists them (null: no consent API yet). */
async function consentApi(call) {
	const res = await call('GET', '/api/consent-templates?form_type=lead_creation');
	return res.status === 200 ? res : null;
}

export async function adminJourney({ page, baseURL }) {
	const tag = unique();
	const operatorEmail = `op-${tag}@example.com`;
	await login(page, ADMIN);

	// Invite an operator: no password field, a set-password link is mailed.
	await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name: 'Użytkownicy' }).click();
	await waitForPath(page, '/admin/users');
	await page.getByRole('button', { name: 'Zaproś użytkownika' }).click();
	const invite = page.getByRole('dialog', { name: 'Zaproś użytkownika' });
	await expectVisible(invite, 'the invite dialog');
	assert.equal(await invite.locator('input[type="password"]').count(), 0, 'no password field on invite');
	await invite.getByLabel('E-mail').fill(operatorEmail);
	await invite.getByLabel('Imię i nazwisko').fill(`Operator ${tag}`);
	await invite.getByLabel('Rola').selectOption('OPERATOR');
	await invite.getByRole('button', { name: 'Wyślij zaproszenie' }).click();
	await expectVisible(toasts(page).getByText(`Wysłano zaproszenie do ${operatorEmail}.`), 'the invitation toast');
	await page.getByLabel('Szukaj').fill(operatorEmail);
	const userRow = page.getByRole('row').filter({ hasText: operatorEmail });
	await expectVisible(userRow, 'the invited user in the list');
	await expectVisible(userRow.getByText('Zaproszony'), 'the INVITED status');

	// Create a lead with consents.
	await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name: 'Leady' }).click();
	await waitForPath(page, '/leads');
	await page.getByRole('button', { name: 'Dodaj nowy lead' }).click();
	const form = page.getByRole('dialog', { name: 'Nowy lead' });
	await form.getByLabel('Imię', { exact: true }).fill('Jan');
	await form.getByLabel('Nazwisko', { exact: true }).fill(`Kowalski${tag}`);
	await form.getByLabel('Partner', { exact: true }).selectOption({ label: 'Seed Partner' });
	await form.getByLabel('E-mail').fill(`jan.${tag}@example.com`);
	const phone = form.getByLabel('Telefon');
	await phone.pressSequentially('600100200');
	assert.equal(await phone.inputValue(), '+48 600 100 200', 'the phone mask');
	const postal = form.getByLabel('Kod pocztowy');
	await postal.pressSequentially('00950');
	assert.equal(await postal.inputValue(), '00-950', 'the postal-code mask');
	await form.getByLabel('Miasto').fill('Warszawa');
	await form.getByLabel('Dostępna kwota (PLN)').fill('20000');
	await form.getByRole('button', { name: 'Informacje o pojeździe' }).click();
	const vin = form.getByLabel('Nr VIN pojazdu');
	await vin.pressSequentially('wvw-zzz1jz3w386752');
	assert.equal(await vin.inputValue(), 'WVWZZZ1JZ3W386752', 'the VIN is upper-cased and stripped');
	await form.getByLabel('Marka').first().fill('Skoda');
	// Two desired vehicles.
	await form.locator('[name="desiredVehicle.preferences.vehicles.0.make"]').fill('Toyota');
	await form.locator('[name="desiredVehicle.preferences.vehicles.0.budgetTo"]').fill('120000');
	await form.getByRole('button', { name: 'Dodaj pojazd' }).click();
	await form.locator('[name="desiredVehicle.preferences.vehicles.1.make"]').fill('Kia');

	// Consents: nothing is ticked in advance; the required ones are ticked by hand.
	const consentBoxes = form.locator('.consent-list input[type="checkbox"]');
	await page.waitForFunction((el) => !el.disabled, await form.getByRole('button', { name: 'Utwórz lead' }).elementHandle());
	const templates = await consentApi(await apiAs(baseURL, ADMIN));
	if (templates) {
		await expectVisible(consentBoxes, 'the consent checkboxes');
		const n = await consentBoxes.count();
		for (let i = 0; i < n; i++) assert.equal(await consentBoxes.nth(i).isChecked(), false, 'no consent is pre-ticked');
		for (let i = 0; i < n; i++) await consentBoxes.nth(i).check();
	} else {
		await expectVisible(form.getByText('Wzory zgód nie są jeszcze dostępne', { exact: false }), 'the no-consent-API notice');
	}
	await form.getByRole('button', { name: 'Utwórz lead' }).click();
	await expectVisible(toasts(page).getByText(/^Utworzono lead /), 'the created toast');
	await form.waitFor({ state: 'detached' });

	// Find it by search and open it; its status form loads the rules from the API.
	const policyLoaded = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/leads/status-policy' && r.status() === 200);
	const dialog = await openLeadFromList(page, `Kowalski${tag}`, `Jan Kowalski${tag}`);
	await policyLoaded;
	assert.match(new URL(page.url()).pathname, /^\/leads\/[^/]+$/, 'the detail has its own URL');
	const leadId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
	await expectVisible(dialog.getByRole('heading', { name: `Jan Kowalski${tag}` }), 'the lead name as the dialog title');
	await expectVisible(dialog.getByText('+48 600 100 200').first(), 'the formatted phone');
	await expectVisible(dialog.getByText(/Toyota/).first(), 'the desired vehicle');
	await expectVisible(dialog.getByText(`20${NBSP}000,00${NBSP}zł`).first(), 'the amount in Polish money format');
	if (templates) await expectVisible(dialog.getByText(/^(Zgody kompletne|Zgody niepełne|Brak wymaganych zgód)$/).first(), 'the consent status');

	// Edit the client.
	const customerSection = dialog.getByRole('region', { name: 'Informacje o kliencie' });
	await customerSection.getByRole('button', { name: 'Edytuj' }).click();
	const edit = page.getByRole('dialog', { name: 'Edycja danych klienta' });
	await edit.getByLabel('Miasto').fill('Kraków');
	await edit.getByLabel('Województwo').selectOption('małopolskie');
	await edit.getByRole('button', { name: 'Zapisz' }).click();
	await expectVisible(toasts(page).getByText('Zaktualizowano dane klienta.'), 'the client-saved toast');
	await edit.waitFor({ state: 'detached' });
	await expectVisible(customerSection.getByText('Kraków'), 'the new city');
	await expectVisible(customerSection.getByText('małopolskie'), 'the new voivodeship');

	// Status with a reason: the reason list appears for a terminal status,
	// and the change shows up in the history.
	const statusSection = dialog.getByRole('region', { name: 'Zmiana statusu' });
	// Recommended targets first; for a manager the rest under "Poza ścieżką (nadpisanie)".
	const nextStatus = statusSection.getByLabel('Nowy status');
	assert.equal(await nextStatus.locator('optgroup[label="Zalecane"] option[value="FIRST_CONTACT"]').count(), 1, 'FIRST_CONTACT is recommended from NEW');
	assert.equal(await nextStatus.locator('optgroup[label="Zalecane"] option[value="CLOSED_WON"]').count(), 0, 'CLOSED_WON is not recommended from NEW');
	assert.equal(await nextStatus.locator('optgroup[label="Poza ścieżką (nadpisanie)"] option[value="CLOSED_WON"]').count(), 1, 'an ADMIN may move off the path');
	assert.equal(await nextStatus.locator('option[value="MERGED"]').count(), 0, 'MERGED is never offered');
	await nextStatus.selectOption('UNQUALIFIED');
	await statusSection.getByRole('button', { name: 'Zmień status' }).click();
	await expectVisible(statusSection.getByText('Wybierz powód z listy lub opisz go w notatce.'), 'the missing-reason message');
	await statusSection.getByLabel('Powód').selectOption('NO_CREDIT_CAPACITY');
	await statusSection.getByLabel('Notatka (opcjonalnie)').fill(`Dochód za niski ${tag}`);
	await statusSection.getByRole('button', { name: 'Zmień status' }).click();
	await expectVisible(toasts(page).getByText('Status leada zmieniony na „Nieskwalifikowany”.'), 'the status toast');
	const history = dialog.getByRole('region', { name: /Historia statusów/ });
	const historyRow = history.getByRole('row').filter({ hasText: `Dochód za niski ${tag}` });
	await expectVisible(historyRow, 'the history entry with the note');
	await expectVisible(historyRow.getByText('Nieskwalifikowany'), 'the new status in the history');
	await expectVisible(historyRow.getByText('Seed Admin'), 'who changed it');
	// The reason code is in the history row when the API returns it, and
	// always in the activity entry of the change.
	const activity = dialog.getByRole('region', { name: /Ostatnia aktywność/ });
	await expectVisible(activity.getByText('Powód: Brak zdolności kredytowej'), 'the reason in the activity');

	// Assign it to the seed operator.
	const assignee = dialog.getByLabel('Przypisany do');
	await page.waitForFunction(() => {
		const el = document.querySelector('select[name="assignedUserId"]');
		return el && !el.disabled && el.options.length > 1;
	});
	await assignee.selectOption({ label: 'Seed Operator (operator@example.com)' });
	await expectVisible(toasts(page).getByText('Lead przypisany do Seed Operator.'), 'the assignment toast');

	// A note.
	const notes = dialog.getByRole('region', { name: /Notatki/ });
	await notes.getByRole('button', { name: 'Nowa notatka' }).click();
	const noteDialog = page.getByRole('dialog', { name: 'Nowa notatka' });
	await noteDialog.getByLabel('Treść notatki').fill(`Klient prosi o kontakt po 16:00 ${tag}`);
	await noteDialog.getByRole('button', { name: 'Zapisz notatkę' }).click();
	await noteDialog.waitFor({ state: 'detached' });
	await expectVisible(notes.getByText(`Klient prosi o kontakt po 16:00 ${tag}`), 'the note in the list');

	// A financing application.
	const financing = dialog.getByRole('region', { name: /Wnioski o finansowanie/ });
	await financing.getByRole('button', { name: 'Dodaj wniosek' }).click();
	const finDialog = page.getByRole('dialog', { name: 'Nowy wniosek o finansowanie' });
	await finDialog.getByLabel('Bank / instytucja').fill(`PKO ${tag}`);
	await finDialog.getByLabel('Kwota kredytu (PLN)').fill('120000');
	await finDialog.getByLabel('Okres (miesiące)').fill('48');
	await finDialog.getByLabel('Decyzja').selectOption('PENDING');
	await finDialog.getByRole('button', { name: 'Zapisz wniosek' }).click();
	await finDialog.waitFor({ state: 'detached' });
	const finRow = financing.getByRole('row').filter({ hasText: `PKO ${tag}` });
	await expectVisible(finRow, 'the financing application');
	await expectVisible(finRow.getByText(`120${NBSP}000,00${NBSP}zł`), 'the loan amount');
	await expectVisible(finRow.getByText('Oczekuje'), 'the decision');

	// The server agrees.
	const call = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(call, 'GET', `/api/leads/${leadId}`, undefined, 200);
	assert.equal(lead.status, 'UNQUALIFIED');
	assert.equal(lead.assignedUser && lead.assignedUser.email, 'operator@example.com');
	assert.equal(lead.customerProfile.address.city, 'Kraków');
	assert.equal(lead.customerProfile.phone, '+48600100200');
	assert.equal(lead.vehicleCurrent.vin, 'WVWZZZ1JZ3W386752');
	assert.deepEqual(lead.vehicleDesired.preferences.vehicles.map((v) => v.make), ['Toyota', 'Kia']);
	if (templates) {
		assert.ok(lead.consentRecords.length >= 1, 'the ticked consents were recorded');
		assert.ok(lead.consentRecords.every((r) => r.consentGiven === true));
	}

	// Close the detail (back to the list, keeping the search), log out.
	await dialog.getByRole('button', { name: 'Close dialog' }).click();
	await waitForPath(page, `/leads?search=Kowalski${tag}`);
	await page.getByRole('button', { name: 'Wyloguj' }).click();
	await waitForPath(page, '/login');
}

export async function createFormRefusesWrongDataAndSavesNothing({ page, baseURL }) {
	const tag = unique();
	await login(page, ADMIN);
	let posts = 0;
	page.on('request', (req) => {
		if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/leads') posts += 1;
	});
	await page.getByRole('button', { name: 'Dodaj nowy lead' }).click();
	const form = page.getByRole('dialog', { name: 'Nowy lead' });
	await form.getByLabel('Imię', { exact: true }).fill(`Walidacja${tag}`);
	// Last name and partner left empty; a postal code that is too short,
	// a wrong e-mail and a VIN that is too short.
	await form.getByLabel('Kod pocztowy').pressSequentially('123');
	await form.getByLabel('E-mail').fill('jan@example');
	await form.getByRole('button', { name: 'Informacje o pojeździe' }).click();
	await form.getByLabel('Nr VIN pojazdu').pressSequentially('ABC123');
	await form.getByRole('button', { name: 'Informacje o pojeździe' }).click(); // collapse again
	await form.getByRole('button', { name: 'Utwórz lead' }).click();

	const expectError = async (label, text) => {
		const field = form.getByLabel(label, { exact: true });
		assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is marked invalid`);
		const described = await field.evaluate((el) => el.getAttribute('aria-describedby').split(' ')
			.map((id) => document.getElementById(id).textContent).join(' | '));
		assert.ok(described.includes(text), `${label} is described by "${text}" (got "${described}")`);
	};
	await expectError('Nazwisko', 'To pole jest wymagane');
	await expectError('Partner', 'Wybierz partnera.');
	await expectError('Kod pocztowy', 'Nieprawidłowy kod pocztowy (wymagany format 00-000).');
	await expectError('E-mail', 'Nieprawidłowy email (np. user@example.com).');
	// The vehicle section opened by itself to show its error.
	await expectError('Nr VIN pojazdu', 'Numer VIN musi składać się z dokładnie 17 znaków alfanumerycznych.');
	await expectVisible(form.getByRole('alert').getByText('Popraw zaznaczone pola.'), 'the form-level message');
	assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-invalid')), 'true', 'focus moved to the first wrong field');
	assert.equal(posts, 0, 'nothing was sent');

	// Nothing was saved.
	const call = await apiAs(baseURL, ADMIN);
	const found = await expectApi(call, 'GET', `/api/leads?search=Walidacja${tag}`, undefined, 200);
	assert.equal(found.meta.total, 0);
}

export async function serverValidationIssuesAppearNextToFields({ page, baseURL }) {
	// What the browser cannot know (the server's own limits) is still shown
	// at the field: a first name over the server's length limit.
	const tag = unique();
	await login(page, ADMIN);
	await page.getByRole('button', { name: 'Dodaj nowy lead' }).click();
	const form = page.getByRole('dialog', { name: 'Nowy lead' });
	await form.getByLabel('Imię', { exact: true }).fill('J'.repeat(300));
	await form.getByLabel('Nazwisko', { exact: true }).fill(`Serwer${tag}`);
	await form.getByLabel('Partner', { exact: true }).selectOption({ label: 'Seed Partner' });
	await tickAllConsents(form);
	await form.getByRole('button', { name: 'Utwórz lead' }).click();
	await expectVisible(form.getByRole('alert').getByText('Popraw zaznaczone pola.'), 'the API message in Polish');
	const first = form.getByLabel('Imię', { exact: true });
	assert.equal(await first.getAttribute('aria-invalid'), 'true', 'the API issue marks the field');
	const call = await apiAs(baseURL, ADMIN);
	const found = await expectApi(call, 'GET', `/api/leads?search=Serwer${tag}`, undefined, 200);
	assert.equal(found.meta.total, 0, 'nothing was saved');
}

export async function masksBehaveWhileTyping({ page }) {
	await page.goto('/login');
	const out = await page.evaluate(async () => {
		const m = await import('/js/masks.js');
		return {
			postal: [m.maskPostalCode('0'), m.maskPostalCode('00'), m.maskPostalCode('00-9'), m.maskPostalCode('0095'),
				m.maskPostalCode('00-9501'), m.maskPostalCode('00', '00-'), m.maskPostalCode('00-', '00'), m.maskPostalCode('ab12cd345')],
			postalValid: [m.isPostalCode('00-950'), m.isPostalCode('00950'), m.isPostalCode('0-950')],
			phone: [m.maskPhone('6'), m.maskPhone('600100'), m.maskPhone('600 100 2009'), m.maskPhone('+48 600 100 200'),
				m.maskPhone('48600100200'), m.maskPhone('+48 600 10', '+48 600 100', true), m.maskPhone('+48 600100', '+48 600 100', true),
				m.maskPhone('+48 ', '+48 6', true), m.maskPhone('+48 600 100 2003')],
			phoneValue: [m.phoneValue('+48 600 100 200'), m.phoneValue('')],
			phoneValid: [m.isPhone('+48 600 100 200'), m.isPhone('600100200'), m.isPhone('60010020')],
			vin: [m.normaliseVin('wvw-zzz 1jz3w386752xx'), m.isVin('WVWZZZ1JZ3W386752'), m.isVin('WVWZZZ1JZ3W38675')],
			amount: [m.parseAmount('1 200,50'), m.parseAmount(''), Number.isNaN(m.parseAmount('12a'))],
		};
	});
	assert.deepEqual(out, {
		postal: ['0', '00-', '00-9', '00-95', '00-950', '00', '00-', '12-345'],
		postalValid: [true, false, false],
		phone: ['+48 6', '+48 600 100', '+48 600 100 200', '+48 600 100 200', '+48 600 100 200', '+48 600 10', '+48 600 10', '', '+48 600 100 200'],
		phoneValue: ['+48600100200', null],
		phoneValid: [true, true, false],
		vin: ['WVWZZZ1JZ3W386752', true, false],
		amount: [1200.5, null, true],
	});
}

export async function duplicateWarningAndMerge({ page, baseURL }) {
	const tag = unique();
	const email = `dup.${tag}@example.com`;
	const call = await apiAs(baseURL, ADMIN);
	const existing = await expectApi(call, 'POST', '/api/leads', {
		partnerId: 'seed-partner',
		customer: { firstName: 'Anna', lastName: `Pierwsza${tag}`, email, phone: '+48600200300' },
		consents: [],
	}, 201);

	await login(page, ADMIN);
	await page.getByRole('button', { name: 'Dodaj nowy lead' }).click();
	const form = page.getByRole('dialog', { name: 'Nowy lead' });
	await form.getByLabel('Imię', { exact: true }).fill('Anna');
	await form.getByLabel('Nazwisko', { exact: true }).fill(`Druga${tag}`);
	await form.getByLabel('Partner', { exact: true }).selectOption({ label: 'Seed Partner' });
	await form.getByLabel('E-mail').fill(email);
	const warning = form.getByText('Możliwy duplikat');
	await expectVisible(warning, 'the live duplicate warning');
	const link = form.getByRole('link', { name: new RegExp(`Anna Pierwsza${tag}`) });
	await expectVisible(link, 'a link to the existing lead');
	assert.equal(await link.getAttribute('href'), `/leads/${existing.id}`);
	await tickAllConsents(form);
	await form.getByRole('button', { name: 'Utwórz lead' }).click();
	await expectVisible(toasts(page).getByText(/^Utworzono lead /), 'the created toast');
	await form.waitFor({ state: 'detached' });

	// Merge the new one into the existing lead from the new lead's detail.
	const dialog = await openLeadFromList(page, `Druga${tag}`, `Anna Druga${tag}`);
	const newId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
	const section = dialog.getByRole('region', { name: 'Duplikaty i scalanie' });
	const item = section.getByRole('listitem').filter({ hasText: `Anna Pierwsza${tag}` });
	await expectVisible(item, 'the existing lead among the duplicates');
	await item.getByRole('button', { name: /Scal z tym leadem/ }).click();
	const confirm = page.getByRole('dialog', { name: 'Scalanie leadów' });
	await confirm.getByRole('button', { name: 'Scal leady' }).click();
	await expectVisible(toasts(page).getByText('Leady zostały scalone.'), 'the merged toast');
	await waitForPath(page, `/leads/${existing.id}`);
	await expectVisible(page.getByRole('dialog').getByRole('heading', { name: `Anna Pierwsza${tag}` }), 'the surviving lead opened');

	const merged = await expectApi(call, 'GET', `/api/leads/${newId}`, undefined, 200);
	assert.equal(merged.status, 'MERGED');
	assert.equal(merged.mergedIntoId, existing.id);

	// The merged lead says so and offers no edits.
	await page.goto(`/leads/${newId}`);
	const old = page.getByRole('dialog');
	await expectVisible(old.getByText('Ten lead został scalony z innym leadem', { exact: false }), 'the merged banner');
	assert.equal(await old.getByRole('region', { name: 'Zmiana statusu' }).count(), 0, 'no status change on a merged lead');
	await old.getByRole('link', { name: 'Przejdź do leada docelowego' }).click();
	await waitForPath(page, `/leads/${existing.id}`);
}

export async function anonymiseNeedsTheConfirmationWord({ page, baseURL }) {
	const tag = unique();
	const call = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(call, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Ewa', lastName: `Anonim${tag}`, email: `anon.${tag}@example.com` }, consents: [],
	}, 201);
	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	await expectVisible(dialog.getByRole('heading', { name: `Ewa Anonim${tag}` }), 'the deep-linked lead');
	await dialog.getByRole('button', { name: 'Anonimizuj klienta' }).click();
	const confirm = page.getByRole('dialog', { name: 'Anonimizacja danych klienta' });
	const go = confirm.getByRole('button', { name: 'Anonimizuj', exact: true });
	assert.equal(await go.isDisabled(), true, 'disabled before the word is typed');
	await confirm.getByLabel('Aby potwierdzić, wpisz ANONIMIZUJ poniżej').fill('anonimizuj');
	assert.equal(await go.isDisabled(), true, 'the word is case-sensitive');
	await confirm.getByLabel('Aby potwierdzić, wpisz ANONIMIZUJ poniżej').fill('ANONIMIZUJ');
	await go.click();
	await expectVisible(toasts(page).getByText('Dane klienta zostały zanonimizowane.'), 'the anonymised toast');
	await confirm.waitFor({ state: 'detached' });
	await expectVisible(dialog.getByText('Dane osobowe klienta zostały zanonimizowane', { exact: false }), 'the anonymised banner');
	assert.equal(await dialog.getByText(`Anonim${tag}`).count(), 0, 'the name is gone from the page');
	assert.equal(await dialog.getByRole('button', { name: 'Anonimizuj klienta' }).isDisabled(), true);
	// A second anonymisation is refused by the API.
	const again = await call('POST', `/api/leads/${lead.id}/anonymize`);
	assert.equal(again.status, 409);
}

export async function listFiltersAndPaginationUseTheUrl({ page, baseURL }) {
	const tag = unique();
	const call = await apiAs(baseURL, ADMIN);
	for (let i = 0; i < 27; i++) {
		await expectApi(call, 'POST', '/api/leads', {
			partnerId: 'seed-partner', customer: { firstName: `Lista${i}`, lastName: `Filtr${tag}` }, consents: [],
		}, 201);
	}
	await login(page, ADMIN);
	let lastQuery = null;
	page.on('request', (req) => {
		const url = new URL(req.url());
		if (url.pathname === '/api/leads') lastQuery = url.searchParams;
	});
	await page.getByLabel('Szukaj klienta').fill(`Filtr${tag}`);
	await waitForPath(page, `/leads?search=Filtr${tag}`);
	await expectVisible(page.getByText('Wyniki: 27'), 'the result count');
	await expectVisible(page.getByText('Strona 1 z 2'), 'the page label');
	assert.equal(await page.locator('tbody tr').count(), 25, '25 rows per page');
	await page.getByRole('button', { name: 'Następna' }).click();
	await expectVisible(page.getByText('Strona 2 z 2'), 'page 2');
	assert.equal(lastQuery.get('page'), '2');
	assert.equal(await page.locator('tbody tr').count(), 2);
	// Leads made by a staff member are assigned to them (FR-12).
	await page.getByLabel('Przypisanie').selectOption('me');
	await expectVisible(page.getByText('Strona 1 z 2'), 'back on page 1 after a filter change');
	assert.equal(lastQuery.get('page'), '1');
	assert.ok(lastQuery.get('assignedUserId'), 'my id is sent');
	await page.getByLabel('Przypisanie').selectOption('unassigned');
	await expectVisible(page.getByText('Brak leadów spełniających kryteria.'), 'the filtered empty state');
	assert.equal(lastQuery.get('assigned'), 'unassigned');
	await page.getByLabel('Przypisanie').selectOption('');
	await page.getByLabel('Status', { exact: true }).selectOption('open');
	await expectVisible(page.getByText('Wyniki: 27'), 'all new leads are open');
	assert.ok(lastQuery.get('status').split(',').includes('NEW'), 'the open statuses are sent as a list');
	await page.getByLabel('Status', { exact: true }).selectOption('closed');
	await expectVisible(page.getByText('Wyniki: 0'), 'none is closed');
	// Back restores the previous filters from the URL.
	await page.goBack();
	await expectVisible(page.getByText('Wyniki: 27'), 'the open filter is back');
	assert.equal(await page.getByLabel('Status', { exact: true }).inputValue(), 'open');
}

export async function emailDraftIsRestoredAndOfferLinkAdded({ page, baseURL }) {
	const tag = unique();
	const call = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(call, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Poczta', lastName: `Szkic${tag}`, email: `szkic.${tag}@example.com` }, consents: [],
	}, 201);
	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	await dialog.getByRole('button', { name: 'Wyślij wiadomość' }).click();
	const composer = page.getByRole('dialog', { name: 'Wiadomość do klienta' });
	await expectVisible(composer.getByText(`Do: szkic.${tag}@example.com`), 'the recipient');
	await composer.getByLabel('Temat').fill(`Oferta ${tag}`);
	await composer.getByLabel('Wiadomość').fill('Dzień dobry, przesyłam propozycję.');

	// A signed special-offer link from the server goes into the first empty link field.
	await composer.getByRole('button', { name: 'Generuj ofertę specjalną' }).click();
	const offer = page.getByRole('dialog', { name: 'Oferta specjalna' });
	await offer.getByLabel('Adres oferty').fill('https://example.pl/oferta/skoda-octavia-123');
	await offer.getByLabel('Wartość rabatu (PLN)').fill('5000');
	await offer.getByRole('button', { name: 'Dodaj link do wiadomości' }).click();
	await offer.waitFor({ state: 'detached' });
	const link = await composer.getByLabel('Link 1').inputValue();
	assert.match(link, /^https:\/\/example\.pl\/oferta\/skoda-octavia-123\?.*offer=/, `an offer link (got ${link})`);

	// The draft is saved by itself and comes back when the composer reopens.
	await expectVisible(composer.getByText('Wersja robocza zapisana.'), 'the draft-saved notice');
	await composer.getByRole('button', { name: 'Zamknij', exact: true }).click();
	await composer.waitFor({ state: 'detached' });
	await dialog.getByRole('button', { name: 'Wyślij wiadomość' }).click();
	const again = page.getByRole('dialog', { name: 'Wiadomość do klienta' });
	await expectVisible(again.getByLabel('Temat'), 'the composer again');
	assert.equal(await again.getByLabel('Temat').inputValue(), `Oferta ${tag}`);
	assert.equal(await again.getByLabel('Wiadomość').inputValue(), 'Dzień dobry, przesyłam propozycję.');
	assert.equal(await again.getByLabel('Link 1').inputValue(), link);
	const draft = await expectApi(call, 'GET', `/api/leads/${lead.id}/email/draft`, undefined, 200);
	assert.equal(draft.subject, `Oferta ${tag}`, 'the draft is stored on the server');
	assert.deepEqual(draft.links, [link]);
}

export async function vehiclesAndFinancingCanBeEdited({ page, baseURL }) {
	const tag = unique();
	const call = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(call, 'POST', '/api/leads', {
		partnerId: 'seed-partner',
		customer: { firstName: 'Auto', lastName: `Edycja${tag}` },
		desiredVehicle: { make: 'Skoda', model: 'Octavia', preferences: { notes: 'kombi', custom: 'zachowaj', vehicles: [{ make: 'Skoda', model: 'Octavia' }] } },
		consents: [],
	}, 201);
	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	const section = dialog.getByRole('region', { name: 'Informacje o pojeździe' });
	await expectVisible(section.getByText('Skoda Octavia'), 'the desired vehicle');
	await section.getByRole('button', { name: 'Edytuj' }).click();
	const edit = page.getByRole('dialog', { name: 'Edycja pojazdów i finansowania' });
	await edit.locator('[name="current.make"]').fill('Opel');
	await edit.locator('[name="current.year"]').fill('1800');
	await edit.getByLabel('Rodzaj finansowania').selectOption('Kredyt');
	await edit.getByLabel('Kwota finansowania (PLN)').fill('50000');
	await edit.getByRole('button', { name: 'Zapisz' }).click();
	await expectVisible(edit.getByText(/Rok musi być liczbą z zakresu 1900–\d{4}\./), 'the year error at the field');
	await edit.locator('[name="current.year"]').fill('2015');
	await edit.getByRole('button', { name: 'Dodaj pojazd' }).click();
	await edit.locator('[name="desired.preferences.vehicles.1.make"]').fill('Kia');
	await edit.locator('[name="desired.preferences.vehicles.1.budgetTo"]').fill('90000');
	await edit.getByRole('button', { name: 'Zapisz' }).click();
	await expectVisible(toasts(page).getByText('Zaktualizowano dane pojazdów.'), 'the saved toast');
	await edit.waitFor({ state: 'detached' });
	await expectVisible(section.getByText('Opel, Rocznik: 2015'), 'the current vehicle');
	await expectVisible(section.getByText(`Kredyt (50${NBSP}000,00${NBSP}zł)`), 'the financing type with the amount');
	await expectVisible(section.getByText(/^Kia, Budżet:/), 'the second desired vehicle');
	const saved = await expectApi(call, 'GET', `/api/leads/${lead.id}`, undefined, 200);
	assert.equal(saved.vehicleDesired.preferences.custom, 'zachowaj', 'unknown preference keys survive (FR-17)');
	assert.equal(saved.vehicleDesired.preferences.notes, 'kombi');

	// Edit the financing application made by the amount available.
	const financing = dialog.getByRole('region', { name: /Wnioski o finansowanie/ });
	await financing.getByRole('button', { name: 'Dodaj wniosek' }).click();
	const add = page.getByRole('dialog', { name: 'Nowy wniosek o finansowanie' });
	await add.getByLabel('Bank / instytucja').fill(`mBank ${tag}`);
	await add.getByRole('button', { name: 'Zapisz wniosek' }).click();
	await add.waitFor({ state: 'detached' });
	await financing.getByRole('button', { name: `Edycja wniosku: mBank ${tag}` }).click();
	const change = page.getByRole('dialog', { name: `Edycja wniosku: mBank ${tag}` });
	await change.getByLabel('Decyzja').selectOption('APPROVED');
	await change.getByLabel('Dochód (PLN)').fill('7500,50');
	await change.getByRole('button', { name: 'Zapisz wniosek' }).click();
	await change.waitFor({ state: 'detached' });
	const row = financing.getByRole('row').filter({ hasText: `mBank ${tag}` });
	await expectVisible(row.getByText('Zaakceptowany'), 'the new decision');
	await expectVisible(row.getByText(`7${NBSP}500,50${NBSP}zł`), 'the income');
	assert.equal(await financing.getByRole('row').filter({ hasText: `mBank ${tag}` }).count(), 1, 'updated, not added');
}

export async function composerSendsTheEmailThroughTheOutbox({ page, baseURL }) {
	const tag = unique();
	const email = `wysylka.${tag}@example.com`;
	const call = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(call, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Poczta', lastName: `Wysyłka${tag}`, email }, consents: [],
	}, 201);
	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	await expectVisible(dialog.getByRole('heading', { name: `Poczta Wysyłka${tag}` }), 'the deep-linked lead');
	await dialog.getByRole('button', { name: 'Wyślij wiadomość' }).click();
	const composer = page.getByRole('dialog', { name: 'Wiadomość do klienta' });
	await expectVisible(composer.getByText(`Do: ${email}`), 'the recipient');

	// An empty message is refused in the browser; nothing is queued.
	await composer.getByLabel('Temat').fill(`Propozycja ${tag}`);
	await composer.getByRole('button', { name: 'Wyślij wiadomość' }).click();
	await expectVisible(composer.getByText('Wpisz treść wiadomości.'), 'the missing-message error');
	const message = `Dzień dobry <b>${tag}</b>,\nprzesyłam ofertę & pozdrawiam.`;
	await composer.getByLabel('Wiadomość').fill(message);
	await composer.getByLabel('Link 1').fill('https://carsalon.pl/samochod/Toyota/RAV4-hybrid');
	await composer.getByRole('button', { name: 'Wyślij wiadomość' }).click();
	await expectVisible(toasts(page).getByText('Wiadomość dodana do kolejki wysyłki.'), 'the sent toast');
	await composer.waitFor({ state: 'detached' });

	// The e-mail shows up among the notes, as text (the markup is not interpreted).
	const notes = dialog.getByRole('region', { name: /Notatki/ });
	const note = notes.getByRole('listitem').filter({ hasText: `Propozycja ${tag}` });
	await expectVisible(note, 'the sent e-mail among the notes');
	await expectVisible(note.getByText('Wysłany e-mail'), 'the outgoing-mail marker');
	await expectVisible(note.getByText(`Dzień dobry <b>${tag}</b>`, { exact: false }), 'the message shown as typed');
	assert.equal(await note.locator('b').count(), 0, 'no markup from the message in the page');

	// It is queued in the outbox for the worker: text and escaped HTML, tracked link.
	const queued = JSON.parse(await sql(`SELECT json_build_object('to', recipient, 'subject', subject, 'status', status,
		'text', "bodyText", 'html', "bodyHtml") FROM "Outbox" WHERE "leadId" = '${lead.id}' AND template = 'lead_email'`));
	const tracked = `https://carsalon.pl/samochod/Toyota/RAV4-hybrid?utm_source=izzy-crm&utm_medium=email&utm_campaign=lead-${lead.id}`;
	assert.equal(queued.to, email);
	assert.equal(queued.subject, `Propozycja ${tag}`);
	// The suite's worker may already have picked it up (or sent it to maildev) by now.
	assert.ok(['PENDING', 'SENDING', 'SENT'].includes(queued.status), `queued, not ${queued.status}`);
	assert.equal(queued.text, `${message}\n\nLinks:\n- ${tracked}`);
	assert.equal(queued.html, `<p>Dzień dobry &lt;b&gt;${tag}&lt;/b&gt;,<br>przesyłam ofertę &amp; pozdrawiam.</p>`
		+ `<p>Links:<br><a href="${tracked.replaceAll('&', '&amp;')}">Toyota RAV4 hybrid</a></p>`);

	// The server agrees: an EMAIL_SENT note, and the composer's draft was cleared.
	const saved = await expectApi(call, 'GET', `/api/leads/${lead.id}`, undefined, 200);
	const sent = saved.notes.filter((n) => n.type === 'EMAIL_SENT');
	assert.equal(sent.length, 1, 'one e-mail note');
	assert.equal(sent[0].metadata.delivery, 'QUEUED');
	assert.deepEqual(sent[0].metadata.links, [tracked]);
	const draft = await expectApi(call, 'GET', `/api/leads/${lead.id}/email/draft`, undefined, 200);
	assert.ok(draft === null || (draft.subject === null && draft.body === null), 'the draft was cleared');
}
