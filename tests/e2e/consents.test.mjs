// The consent screens (issue 10) through the real stack: template versions
// with the diff and deactivation (FR-30, SR-36), the archive with its
// filters, record detail, withdrawal by an operator and the audited export
// (FR-35..37, SR-45), and the consent timeline on the lead (FR-34).
import {
	ADMIN, OPERATOR, assert, expectVisible, login, waitForPath, unique, apiAs, expectApi, sql, customer, toasts,
} from './lib.mjs';

/** A lead of the seed partner created by the operator (so assigned to them) with two consents captured by phone. */
async function leadWithConsents(baseURL, tag) {
	const op = await apiAs(baseURL, OPERATOR);
	const lead = await expectApi(op, 'POST', '/api/leads', { partnerId: 'seed-partner', customer: customer(tag) }, 201);
	const templates = await expectApi(op, 'GET', '/api/consent-templates', undefined, 200);
	const pick = (type) => templates.data.find((x) => x.consentType === type);
	const pd = pick('PARTNER_DECLARATION');
	const mk = pick('MARKETING');
	await expectApi(op, 'POST', '/api/consent-records/capture', {
		leadId: lead.id,
		notes: 'Klient potwierdził przez telefon',
		consents: [
			{ consentTemplateId: pd.id, version: pd.version, consentGiven: true },
			{ consentTemplateId: mk.id, version: mk.version, consentGiven: true },
		],
	}, 201);
	return { id: lead.id, pd, mk };
}

export async function templatesAreVersionedComparedAndDeactivated({ page, baseURL }) {
	const tag = unique();
	const title = `Zgoda e2e ${tag}`;
	await login(page, ADMIN);
	await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name: 'Zarządzanie zgodami' }).click();
	await waitForPath(page, '/admin/consents');
	await expectVisible(page.getByRole('heading', { name: 'Szablony zgód' }), 'the templates page');
	await page.getByLabel('Formularz').selectOption('onboarding_insurance');
	await waitForPath(page, '/admin/consents?form_type=onboarding_insurance');

	await page.getByRole('button', { name: 'Dodaj szablon' }).click();
	const create = page.getByRole('dialog', { name: 'Nowy szablon zgody' });
	await create.getByLabel('Rodzaj zgody').selectOption('MARKETING');
	await create.getByLabel('Tytuł').fill(title);
	await create.getByLabel('Treść (HTML)').fill('<p>Pierwszy akapit</p><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">');
	await expectVisible(create.locator('.consent-preview').getByText('Pierwszy akapit'), 'the live preview');
	assert.equal(await create.locator('.consent-preview script, .consent-preview img').count(), 0, 'the preview drops script and images');
	await create.getByRole('button', { name: 'Utwórz szablon' }).click();
	const created = toasts(page).getByText(/Utworzono szablon \(wersja \d+\)\./);
	await expectVisible(created, 'the created toast');
	const v1 = Number(/wersja (\d+)/.exec(await created.first().textContent())[1]);
	const first = page.getByRole('row').filter({ hasText: title });
	await expectVisible(first.getByText('Aktywny'), 'the new template, active');
	assert.equal(await sql(`SELECT content FROM "ConsentTemplate" WHERE title = '${title}'`), '<p>Pierwszy akapit</p>',
		'the stored text is sanitised');
	assert.equal(await page.evaluate(() => window.pwned), undefined, 'nothing ran');

	// An edit of the wording is a new version; the old one is closed.
	await page.getByRole('button', { name: `Edytuj ${title} (wersja ${v1})` }).click();
	const edit = page.getByRole('dialog', { name: `Edycja: ${title} (wersja ${v1})` });
	await expectVisible(edit.getByText(/zapisze nową wersję szablonu/), 'the versioning note');
	await edit.getByLabel('Treść (HTML)').fill('<p>Pierwszy akapit</p>\n<p>Drugi akapit</p>');
	await edit.getByRole('button', { name: 'Zapisz' }).click();
	await expectVisible(toasts(page).getByText(`Zapisano nową wersję ${v1 + 1} szablonu.`), 'the new version toast');
	await expectVisible(page.getByRole('row').filter({ hasText: title }).filter({ hasText: `wersja ${v1}` }).getByText('Zastąpiony'),
		'the old version closed');
	await expectVisible(page.getByRole('row').filter({ hasText: title }).filter({ hasText: `wersja ${v1 + 1}` }).getByText('Aktywny'),
		'the new version active');

	// The diff of the two versions.
	await page.getByRole('button', { name: `Wersje i porównanie: ${title} (wersja ${v1 + 1})` }).click();
	const history = page.getByRole('dialog', { name: `Wersje: ${title}` });
	const diff = history.getByLabel('Różnice między wersjami');
	await expectVisible(diff.locator('.diff__line--insert').getByText('<p>Drugi akapit</p>'), 'the inserted line');
	await expectVisible(diff.locator('.diff__line--equal').getByText('<p>Pierwszy akapit</p>'), 'the unchanged line');
	await expectVisible(diff.getByText('Dodane wiersze: 1, usunięte wiersze: 0'), 'the counts');
	await history.getByRole('button', { name: 'Close dialog' }).click();

	// Deactivation keeps the row.
	await page.getByRole('button', { name: `Dezaktywuj ${title} (wersja ${v1 + 1})` }).click();
	const confirm = page.getByRole('dialog', { name: 'Dezaktywacja szablonu' });
	await confirm.getByRole('button', { name: 'Dezaktywuj' }).click();
	await expectVisible(toasts(page).getByText('Szablon został dezaktywowany.'), 'the deactivated toast');
	await expectVisible(page.getByRole('row').filter({ hasText: `wersja ${v1 + 1}` }).filter({ hasText: title }).getByText('Nieaktywny'),
		'the version inactive, still listed');
	const anon = await fetch(baseURL + '/api/consent-templates?form_type=onboarding_insurance');
	assert.ok(!(await anon.text()).includes(title), 'the public list no longer offers it');
	const hidden = await fetch(baseURL + '/api/consent-templates?form_type=onboarding_insurance&include_inactive=true');
	assert.equal(hidden.status, 401, 'inactive templates are not shown to anonymous callers');
}

export async function archiveFiltersShowsWithdrawsAndExports({ page, baseURL }) {
	const tag = unique();
	const lead = await leadWithConsents(baseURL, tag);

	await login(page, OPERATOR);
	await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name: 'Archiwum zgód' }).click();
	await waitForPath(page, '/admin/consent-records');
	await expectVisible(page.getByRole('heading', { name: 'Archiwum zgód' }), 'the archive');
	assert.equal(await page.getByRole('button', { name: 'Eksport CSV' }).count(), 0, 'no export for operators');
	await page.getByLabel('Klient').fill('Test' + tag);
	await expectVisible(page.getByText('Zgód: 2'), 'the two records of the lead');
	await page.getByLabel('Rodzaj').selectOption('MARKETING');
	await expectVisible(page.getByText('Zgód: 1'), 'the type filter');

	// An operator may not withdraw marketing consent; the detail shows the snapshot.
	await page.getByRole('row').filter({ hasText: 'Zgoda marketingowa' }).click();
	let detail = page.getByRole('dialog', { name: /Zgoda marketingowa \(wersja/ });
	await expectVisible(detail.getByText('Zgadzam się na otrzymywanie informacji handlowych drogą elektroniczną.'), 'the snapshot text');
	await expectVisible(detail.getByText('Rozmowa telefoniczna'), 'the method');
	assert.equal(await detail.getByRole('button', { name: 'Wycofaj zgodę' }).count(), 0, 'operators withdraw only partner declarations');
	await detail.getByRole('button', { name: 'Close dialog' }).click();

	await page.getByLabel('Rodzaj').selectOption('PARTNER_DECLARATION');
	await page.getByRole('row').filter({ hasText: 'Oświadczenie o partnerstwie' }).click();
	detail = page.getByRole('dialog', { name: /Oświadczenie o partnerstwie/ });
	await detail.getByRole('button', { name: 'Wycofaj zgodę' }).click();
	const confirm = page.getByRole('dialog', { name: 'Wycofanie zgody' });
	await confirm.getByLabel('Jak klient zgłosił wycofanie').selectOption('PHONE');
	await confirm.getByRole('button', { name: 'Wycofaj zgodę' }).click();
	await expectVisible(toasts(page).getByText('Zgoda została wycofana.'), 'the withdrawn toast');
	assert.equal(await sql(`SELECT "withdrawalChannel" FROM "ConsentRecord" WHERE "leadId" = '${lead.id}' AND "consentType" = 'PARTNER_DECLARATION'`),
		'PHONE', 'the channel is stored');
	await expectVisible(page.getByRole('row').filter({ hasText: 'Oświadczenie o partnerstwie' }).getByText(/\d{2}\.\d{2}\.\d{4}/).nth(1),
		'the withdrawal date in the row');

	// A supervisor-level export downloads a CSV and is audited.
	const before = Number(await sql(`SELECT count(*) FROM "ConsentAuditLog" WHERE action = 'CONSENT_RECORDS_EXPORTED'`));
	await page.getByRole('button', { name: 'Wyloguj' }).click();
	await waitForPath(page, '/login');
	await login(page, ADMIN);
	await page.goto(`/admin/consent-records?clientSearch=Test${tag}`);
	await expectVisible(page.getByText('Zgód: 2'), 'the records for the admin');
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Eksport CSV' }).click(),
	]);
	assert.match(download.suggestedFilename(), /^consent-records-export-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.csv$/);
	const { readFile } = await import('node:fs/promises');
	const csv = await readFile(await download.path(), 'utf8');
	const lines = csv.split('\n');
	assert.equal(lines[0].split(',')[0], 'recordId', 'the header');
	assert.equal(lines.length, 3, 'the header and the two records');
	assert.ok(lines.slice(1).every((l) => l.includes(lead.id) && l.includes('Test' + tag)), 'the filtered records');
	await expectVisible(toasts(page).getByText(/Pobrano plik consent-records-export-/), 'the export toast');
	assert.equal(Number(await sql(`SELECT count(*) FROM "ConsentAuditLog" WHERE action = 'CONSENT_RECORDS_EXPORTED'`)), before + 1,
		'the export is audited');
}

export async function leadDetailShowsTheConsentTimeline({ page, baseURL }) {
	const tag = unique();
	const lead = await leadWithConsents(baseURL, tag);
	await login(page, OPERATOR);
	await page.goto('/leads/' + lead.id);
	const dialog = page.getByRole('dialog');
	const timeline = dialog.getByRole('region', { name: /Historia zgód/ });
	await expectVisible(timeline, 'the consent timeline');
	const item = timeline.getByRole('listitem').filter({ hasText: 'Zgoda marketingowa' });
	await expectVisible(item.getByText('wersja 1'), 'title and version');
	await expectVisible(item.getByText('Udzielona'), 'given');
	await expectVisible(item.getByText(/Rozmowa telefoniczna · zarejestrował\(a\): /), 'method and who recorded it');
	await expectVisible(item.getByText('Notatka z rozmowy: Klient potwierdził przez telefon'), 'the call notes');
	await item.getByRole('button', { name: 'Pokaż treść' }).click();
	await expectVisible(item.getByText('Zgadzam się na otrzymywanie informacji handlowych drogą elektroniczną.'), 'the snapshot text');

	// The operator withdraws the partner declaration from the timeline.
	const pd = timeline.getByRole('listitem').filter({ hasText: 'Oświadczenie o partnerstwie' });
	assert.equal(await item.getByRole('button', { name: 'Wycofaj zgodę' }).count(), 0, 'no withdrawal of marketing for operators');
	await pd.getByRole('button', { name: 'Wycofaj zgodę' }).click();
	await page.getByRole('dialog', { name: 'Wycofanie zgody' }).getByRole('button', { name: 'Wycofaj zgodę' }).click();
	await expectVisible(timeline.getByRole('listitem').filter({ hasText: 'Oświadczenie o partnerstwie' }).getByText(/^Wycofana /),
		'the withdrawn mark');
	assert.equal(await sql(`SELECT count(*) FROM "AuditLog" WHERE "leadId" = '${lead.id}' AND action = 'CONSENT_WITHDRAWN'`), '1',
		'the withdrawal is audited on the lead');
}
