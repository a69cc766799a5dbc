// The export of the lead list (issue 14) through the real stack: "Eksportuj" →
// CSV downloads a file whose rows are exactly the list's rows under its
// filters, with the list's visible columns; XLSX downloads a workbook; each
// export is audited; a saved view's sidebar button exports its filters and
// columns.
import {
	ADMIN, assert, expectVisible, login, unique, apiAs, expectApi, sql, customer,
} from './lib.mjs';
import { readFile } from 'node:fs/promises';

/** Clicks Eksportuj → item and returns the downloaded file's name and bytes. */
async function download(page, item) {
	await page.getByTestId('export-menu').locator('summary').click();
	const [file] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('menuitem', { name: item }).click(),
	]);
	return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

export async function exportCsvEqualsTheFilteredList({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const ids = [];
	for (let i = 1; i <= 3; i++) {
		const lead = await expectApi(admin, 'POST', '/api/leads', { partnerId: 'seed-partner', customer: customer(`${tag}x${i}`) }, 201);
		ids.push(lead.id);
	}
	// One of them leaves the filter (status NEW): the file must leave it out too.
	await expectApi(admin, 'POST', `/api/leads/${ids[1]}/status`, { status: 'FIRST_CONTACT' }, 200);
	await login(page, ADMIN);
	await page.goto(`/leads?status=NEW&search=${tag}&cols=client,status`);
	await page.waitForFunction(() => document.querySelectorAll('tr[data-row-key]').length === 2);
	const listed = await page.locator('tr[data-row-key]').evaluateAll((rows) => rows.map((r) => r.dataset.rowKey));
	const before = Number(await sql(`SELECT count(*) FROM "UserAuditLog" WHERE action = 'LEADS_EXPORTED'`));

	const csv = await download(page, 'CSV (Excel, LibreOffice)');
	assert.equal(csv.name, 'leady.csv');
	assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM');
	const lines = csv.bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
	assert.equal(lines[0], '"ID";"Imię";"Nazwisko";"E-mail";"Telefon";"Status"', 'the visible columns, in Polish');
	const rows = lines.slice(1).map((l) => l.split(';').map((c) => c.replace(/^"|"$/g, '')));
	assert.deepEqual(rows.map((r) => r[0]), listed, 'the rows are the list\'s rows, in its order');
	assert.ok(!rows.some((r) => r[0] === ids[1]), 'the lead off the filter is not in the file');
	assert.deepEqual(rows.map((r) => r[1]).sort(), [`Jan${tag}x1`, `Jan${tag}x3`]);
	assert.ok(rows.every((r) => r[5] === 'NEW'));
	await expectVisible(page.getByText('Plik CSV został pobrany.'), 'the toast');

	const xlsx = await download(page, 'XLSX (arkusz Excel)');
	assert.equal(xlsx.name, 'leady.xlsx');
	assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip (XLSX) file');
	assert.equal(Number(await sql(`SELECT count(*) FROM "UserAuditLog" WHERE action = 'LEADS_EXPORTED'`)), before + 2,
		'both exports are audited');
	assert.equal(await sql(`SELECT "newValue"->>'rows' FROM "UserAuditLog" WHERE action = 'LEADS_EXPORTED'
		ORDER BY "createdAt" DESC, id DESC LIMIT 1`), '2');
}

export async function savedViewExportsItsFiltersAndColumns({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const ids = [];
	for (let i = 1; i <= 2; i++) {
		const lead = await expectApi(admin, 'POST', '/api/leads', { partnerId: 'seed-partner', customer: customer(`${tag}v${i}`) }, 201);
		ids.push(lead.id);
	}
	await expectApi(admin, 'POST', `/api/leads/${ids[0]}/status`, { status: 'FIRST_CONTACT' }, 200);
	await expectApi(admin, 'POST', '/api/saved-views', {
		name: `Eksport ${tag}`, state: { query: `?status=NEW&search=${tag}&cols=status,client`, columns: ['client', 'status'] },
	}, 201);
	await login(page, ADMIN);
	// The view's buttons show in the expanded navigation.
	await page.getByRole('button', { name: 'Rozwiń nawigację' }).click();
	const [file] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('saved-views').getByRole('button', { name: `Eksportuj widok Eksport ${tag} do CSV` }).click(),
	]);
	const bytes = await readFile(await file.path());
	const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
	assert.equal(lines[0], '"ID";"Status";"Imię";"Nazwisko";"E-mail";"Telefon"', 'the view\'s columns in its order');
	assert.deepEqual(lines.slice(1).map((l) => l.split(';')[0].replace(/"/g, '')), [ids[1]], 'only the lead under the view\'s filters');
}
