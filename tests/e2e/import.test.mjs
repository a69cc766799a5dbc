// The lead import in the browser (issue 14): an admin opens "Import" from the
// lead list, uploads a small CSV (Windows-1250, ';'), keeps the suggested
// mapping, chooses the partner, sees the dry-run report (the bad PESEL with its
// row), runs it, watches the progress reach 100 %, finds the leads in the list
// (another tab) and undoes the import: the leads are gone.
import { ADMIN, assert, expectVisible, login, unique, sql } from './lib.mjs';

function cp1250(text) {
	const map = { 'ą': 0xb9, 'ć': 0xe6, 'ę': 0xea, 'ł': 0xb3, 'ń': 0xf1, 'ó': 0xf3, 'ś': 0x9c, 'ź': 0x9f, 'ż': 0xbf, 'Ł': 0xa3, 'Ż': 0xaf };
	return Buffer.from([...text].map((c) => map[c] ?? c.charCodeAt(0)));
}

export async function adminImportsACsvWithProgressAndUndo({ page, baseURL }) {
	const tag = unique();
	const rows = [
		'Imię;Nazwisko;E-mail;PESEL',
		`Łucja;Żółw${tag};a-${tag}@example.com;`,
		`Józef;Mróz${tag};b-${tag}@example.com;44051401359`,
		`Ania;Kłos${tag};c-${tag}@example.com;12345678901`,
		`Piotr;Wąs${tag};d-${tag}@example.com;`,
	];
	const file = cp1250(rows.join('\r\n') + '\r\n');
	await login(page, ADMIN);
	await page.getByTestId('lead-import-open').click();
	await expectVisible(page.getByRole('heading', { name: 'Import leadów' }), 'the import screen');
	await page.getByLabel('Plik do importu').setInputFiles({ name: `leady-${tag}.csv`, mimeType: 'text/csv', buffer: file });
	await page.getByRole('button', { name: 'Wczytaj plik' }).click();

	const mapping = page.getByTestId('import-mapping');
	await expectVisible(mapping, 'the mapping step');
	assert.equal(await page.getByLabel('Pole leada dla kolumny Imię').inputValue(), 'firstName', 'the Polish header is recognised');
	assert.equal(await page.getByLabel('Pole leada dla kolumny PESEL').inputValue(), 'pesel');
	await page.getByLabel('Partner', { exact: true }).selectOption('seed-partner');
	await page.getByRole('button', { name: 'Sprawdź plik (próba)' }).click();

	const report = page.getByTestId('import-report');
	await expectVisible(report, 'the dry-run report');
	assert.equal((await page.getByTestId('import-valid').textContent()).trim(), '3', 'three valid rows');
	const bad = report.getByRole('row').filter({ hasText: '12345678901' });
	await expectVisible(bad, 'the bad PESEL in the report');
	assert.match(await bad.textContent(), /^\s*4\s*PESEL\s*12345678901\s*Nieprawidłowy numer PESEL\s*$/);
	await report.getByRole('button', { name: 'Importuj 3 leady' }).click();

	await expectVisible(page.getByTestId('import-done'), 'the end of the run');
	assert.equal((await page.getByTestId('import-progress').textContent()).trim(), '100 %');
	await expectVisible(page.getByText('Utworzono leadów: 3'), 'the count');

	// The leads are in the list (a second tab keeps the result with its undo).
	const list = await page.context().newPage();
	await list.goto(baseURL + '/leads');
	await list.getByLabel('Szukaj klienta').fill(tag);
	for (const name of [`Żółw${tag}`, `Mróz${tag}`, `Wąs${tag}`]) {
		await expectVisible(list.getByRole('row').filter({ hasText: name }), `${name} in the list`);
	}
	assert.equal(await list.getByRole('row').filter({ hasText: `Kłos${tag}` }).count(), 0, 'the invalid row was not imported');
	await list.close();

	page.once('dialog', (d) => d.accept());
	await page.getByRole('button', { name: 'Cofnij cały import' }).click();
	await expectVisible(page.getByTestId('import-undone'), 'the undo');
	const left = await sql(`SELECT count(*) FROM "CustomerProfile" WHERE "lastName" LIKE '%${tag}'`);
	assert.equal(String(left).trim(), '0', 'the imported leads are gone');
}
