// What each role sees (FR-2, FR-14, frontend.md §4.10): an operator sees
// only the leads the API lets them see, cannot open admin screens, gets the
// 403 page for another partner's lead and only the recommended status
// moves; a partner employee (created and invited through the API, password
// set through the mailed link) creates leads for their own partner and sees
// only the leads they created, read-only.
import {
	ADMIN, OPERATOR, assert, expectVisible, login, waitForPath, unique, apiAs, expectApi, acceptInvitation,
	toasts, openLeadFromList, sql, tickAllConsents,
} from './lib.mjs';

export async function operatorSeesOnlyPermittedLeads({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const other = await expectApi(admin, 'POST', '/api/partners', { name: `Inny partner ${tag}` }, 201);
	const hidden = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: other.id, customer: { firstName: 'Ukryty', lastName: `Widok${tag}` }, consents: [],
	}, 201);
	const visible = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Jawny', lastName: `Widok${tag}` }, consents: [],
	}, 201);

	await login(page, OPERATOR);
	await page.getByLabel('Szukaj klienta').fill(`Widok${tag}`);
	await expectVisible(page.getByRole('row').filter({ hasText: `Jawny Widok${tag}` }), 'the own-partner lead');
	await expectVisible(page.getByText('Wyniki: 1'), 'exactly one result');
	assert.equal(await page.getByText(`Ukryty Widok${tag}`).count(), 0, 'the other partner\'s lead is not listed');
	// No partner filter (operators cannot list partners), but the assignee filter is there.
	assert.equal(await page.getByLabel('Partner', { exact: true }).count(), 0);
	await expectVisible(page.getByLabel('Przypisanie'), 'the assignee filter');

	// An admin screen by URL: back to the workspace with a toast.
	await page.goto('/admin/users');
	await waitForPath(page, '/leads');
	await expectVisible(toasts(page).getByText('Nie masz dostępu do tej części aplikacji.', { exact: false }), 'the forbidden toast');

	// Another partner's lead by URL: the 403 page, not a crash.
	await page.goto(`/leads/${hidden.id}`);
	await expectVisible(page.getByRole('heading', { name: 'Brak dostępu' }), 'the 403 page');
	await expectVisible(page.getByText('Błąd 403'), 'the error code');
	assert.equal(await page.getByRole('dialog').count(), 0, 'no detail dialog');
	await page.getByRole('link', { name: 'Wróć do listy leadów' }).click();
	await waitForPath(page, '/leads');
	await expectVisible(page.getByRole('heading', { name: 'Leady' }), 'the list again');

	// A lead that does not exist: the 404 page.
	await page.goto('/leads/cnosuchlead000000000000000');
	await expectVisible(page.getByRole('heading', { name: 'Nie znaleziono leada' }), 'the 404 page');

	// The visible lead: only the recommended statuses, no override, no assignment select, no anonymise.
	await page.goto(`/leads/${visible.id}`);
	const dialog = page.getByRole('dialog');
	await expectVisible(dialog.getByRole('heading', { name: `Jawny Widok${tag}` }), 'the lead detail');
	const select = dialog.getByRole('region', { name: 'Zmiana statusu' }).getByLabel('Nowy status');
	const groups = await select.locator('optgroup').evaluateAll((els) => els.map((g) => g.label));
	assert.deepEqual(groups, ['Zalecane'], 'operators get no override group');
	const offered = await select.locator('option').evaluateAll((els) => els.map((o) => o.value).filter(Boolean));
	assert.deepEqual(offered, ['ONBOARDING_CONFIRMED', 'FIRST_CONTACT', 'UNQUALIFIED', 'CLOSED_LOST', 'CANCELLED']);
	assert.equal(await dialog.locator('select[name="assignedUserId"]').count(), 0, 'no assignment select');
	assert.equal(await dialog.getByRole('button', { name: 'Anonimizuj klienta' }).count(), 0, 'no anonymise');
	assert.equal(await dialog.getByRole('region', { name: 'Duplikaty i scalanie' }).count(), 0, 'no merge');

	// Claiming it: FIRST_CONTACT assigns it to the operator.
	await select.selectOption('FIRST_CONTACT');
	await dialog.getByRole('button', { name: 'Zmień status' }).click();
	await expectVisible(toasts(page).getByText('Status leada zmieniony na „Pierwszy kontakt”.'), 'the status toast');
	await expectVisible(dialog.getByRole('region', { name: /Historia statusów/ }).getByText('Seed Operator'), 'the history row');
	const lead = await expectApi(admin, 'GET', `/api/leads/${visible.id}`, undefined, 200);
	assert.equal(lead.assignedUser && lead.assignedUser.email, OPERATOR.email);
}

export async function supervisorMayOverrideWithJustification({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const email = `sup-${tag}@example.com`;
	await expectApi(admin, 'POST', '/api/users', { email, fullName: `Kierownik ${tag}`, role: 'SUPERVISOR' }, 201);
	await acceptInvitation(page, email, 'Kierownik-Haslo-42!');
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Nadpis', lastName: `Status${tag}` }, consents: [],
	}, 201);

	await login(page, { email, password: 'Kierownik-Haslo-42!' });
	const nav = page.getByRole('navigation', { name: 'Nawigacja główna' });
	const labels = await nav.getByRole('link').evaluateAll((links) => links.map((a) => a.querySelector('.shell-nav__label').textContent));
	assert.deepEqual(labels, ['Leady', 'Tablica', 'Analityka', 'Użytkownicy', 'Archiwum zgód']);

	await page.goto(`/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	const section = dialog.getByRole('region', { name: 'Zmiana statusu' });
	await section.getByLabel('Nowy status').selectOption('CREDIT_ANALYSIS');
	await expectVisible(section.getByText('Ten status jest poza zalecaną ścieżką.', { exact: false }), 'the override notice');
	// Off the path needs nothing more (spec §7.3 as settled): the note is optional.
	assert.equal(await section.getByLabel('Notatka (opcjonalnie)').count(), 1, 'no justification is demanded');
	await section.getByLabel('Notatka (opcjonalnie)').fill(`Dokumenty dostarczone osobiście ${tag}`);
	await section.getByRole('button', { name: 'Zmień status' }).click();
	await expectVisible(toasts(page).getByText('Status leada zmieniony na „Analiza kredytowa”.'), 'the status toast');
	const row = dialog.getByRole('region', { name: /Historia statusów/ }).getByRole('row').filter({ hasText: `Dokumenty dostarczone osobiście ${tag}` });
	await expectVisible(row, 'the history row with the justification');
	await expectVisible(dialog.getByRole('region', { name: /Ostatnia aktywność/ }).getByText('Nadpisanie zalecanej ścieżki statusów').first(), 'the override in the activity');

	// Supervisors manage users but not admins or supervisors.
	await page.goto(`/admin/users?search=${encodeURIComponent(ADMIN.email)}`);
	const adminRow = page.getByRole('row').filter({ hasText: ADMIN.email });
	await expectVisible(adminRow, 'the admin row');
	assert.equal(await adminRow.getByRole('button', { name: /^Edytuj/ }).isDisabled(), true, 'an admin account cannot be edited by a supervisor');
}

export async function partnerEmployeeCreatesAndSeesOnlyOwnLeads({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const partner = await expectApi(admin, 'POST', '/api/partners', { name: `Autohandel ${tag}` }, 201);
	const email = `pe-${tag}@example.com`;
	await expectApi(admin, 'POST', '/api/users', {
		email, fullName: `Pracownik ${tag}`, role: 'PARTNER_EMPLOYEE', partnerId: partner.id,
	}, 201);
	// A lead of the same partner that the employee did not create.
	await expectApi(admin, 'POST', '/api/leads', {
		partnerId: partner.id, customer: { firstName: 'Cudzy', lastName: `Klient${tag}` }, consents: [],
	}, 201);

	const password = 'Pracownik-Haslo-42!';
	await acceptInvitation(page, email, password);
	await login(page, { email, password });
	const header = page.getByRole('banner');
	await expectVisible(header.getByText(`Partner: Autohandel ${tag}`), 'the partner name in the header');
	const nav = page.getByRole('navigation', { name: 'Nawigacja główna' });
	const labels = await nav.getByRole('link').evaluateAll((links) => links.map((a) => a.querySelector('.shell-nav__label').textContent));
	assert.deepEqual(labels, ['Leady']);
	assert.equal(await page.getByLabel('Przypisanie').count(), 0, 'no assignee filter for partners');

	// Create a lead: the partner is fixed to their own.
	await page.getByRole('button', { name: 'Dodaj nowy lead' }).click();
	const form = page.getByRole('dialog', { name: 'Nowy lead' });
	const partnerField = form.getByLabel('Partner', { exact: true });
	assert.equal(await partnerField.inputValue(), `Autohandel ${tag}`);
	assert.equal(await partnerField.getAttribute('readonly'), '', 'read-only');
	await form.getByLabel('Imię', { exact: true }).fill('Własny');
	await form.getByLabel('Nazwisko', { exact: true }).fill(`Klient${tag}`);
	await form.getByLabel('Telefon').pressSequentially('501502503');
	await tickAllConsents(form);
	await form.getByRole('button', { name: 'Utwórz lead' }).click();
	await expectVisible(toasts(page).getByText(/^Utworzono lead /), 'the created toast');

	// Only their own lead is listed.
	await page.getByLabel('Szukaj klienta').fill(`Klient${tag}`);
	await expectVisible(page.getByRole('row').filter({ hasText: `Własny Klient${tag}` }), 'the own lead');
	await expectVisible(page.getByText('Wyniki: 1'), 'exactly one');
	assert.equal(await page.getByText(`Cudzy Klient${tag}`).count(), 0, 'not the colleague\'s lead');

	// Its detail is read-only for a partner.
	const dialog = await openLeadFromList(page, `Klient${tag}`, `Własny Klient${tag}`);
	await expectVisible(dialog.getByRole('region', { name: 'Informacje o kliencie' }), 'the client section');
	assert.equal(await dialog.getByRole('region', { name: 'Zmiana statusu' }).count(), 0, 'no status change');
	assert.equal(await dialog.getByRole('button', { name: 'Edytuj' }).count(), 0, 'no edit buttons');
	assert.equal(await dialog.getByRole('button', { name: 'Nowa notatka' }).count(), 0, 'no notes');
	const lead = await expectApi(admin, 'GET', `/api/leads/${decodeURIComponent(new URL(page.url()).pathname.split('/')[2])}`, undefined, 200);
	assert.equal(lead.partnerId, partner.id);
	assert.equal(lead.customerProfile.phone, '+48501502503');
}

export async function clientActiveFormBlocksOperatorEdits({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Aktywny', lastName: `Klient${tag}` }, consents: [],
	}, 201);
	// The client is filling in the online form right now (FR-46).
	await sql(`INSERT INTO "ApplicationForm" (id, "leadId", status, "uniqueLink", "accessCodeHash", "isClientActive", "lastClientActivity")
		VALUES ('cform${tag}', '${lead.id}', 'IN_PROGRESS', 'link${tag}', 'hash${tag}', true, now())`);

	await login(page, OPERATOR);
	await page.goto(`/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	await expectVisible(dialog.getByText('Klient jest obecnie aktywny w formularzu online.', { exact: false }), 'the client-active banner');
	await expectVisible(dialog.getByText('Wypełniany'), 'the form status');

	// An edit is refused by the API; its Polish message is shown.
	await dialog.getByRole('button', { name: 'Nowa notatka' }).click();
	const note = page.getByRole('dialog', { name: 'Nowa notatka' });
	await note.getByLabel('Treść notatki').fill('Próba w trakcie sesji klienta');
	await note.getByRole('button', { name: 'Zapisz notatkę' }).click();
	const message = 'Klient nadal edytuje formularz. Spróbuj ponownie, gdy sesja wygaśnie.';
	await expectVisible(note.getByRole('alert').getByText(message), 'the API message in the form');
	await expectVisible(toasts(page).getByText(message), 'the API message as a toast');
	await note.getByRole('button', { name: 'Anuluj' }).click();
	await expectVisible(dialog.getByText(message), 'the banner with the API message');
	const after = await expectApi(admin, 'GET', `/api/leads/${lead.id}`, undefined, 200);
	assert.equal(after.notes.length, 0, 'no note was saved');
}
