// The "Dokumenty" section of the lead detail (frontend.md §7.4.10, issue 8):
// a staff user uploads a PDF and sees the progress bar while the upload is
// in flight, finds it listed, and downloads it byte-identical through the
// authorised path; a file over the size limit is refused with the Polish
// message before a byte is sent.
//
// The progress bar is caught deterministically: a psql session holds the
// lead's row lock (FOR UPDATE), so the server's INSERT of the Document row
// (its foreign key takes a KEY SHARE lock on the lead) waits until the test
// has seen the bar, then the lock is released.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
	ADMIN, assert, expectVisible, login, unique, apiAs, expectApi, toasts, sql,
} from './lib.mjs';

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** A psql session holding the lead's row lock until release() (COMMIT). */
async function holdLead(id) {
	const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', process.env.IZZY_DB_URL], { stdio: ['pipe', 'pipe', 'inherit'] });
	let out = '';
	psql.stdout.on('data', (d) => { out += d; });
	psql.stdin.write(`BEGIN;\nSELECT 'locked' FROM "Lead" WHERE id = '${id}' FOR UPDATE;\n`);
	for (let i = 0; i < 100 && !out.includes('locked'); i++) await new Promise((r) => setTimeout(r, 50));
	assert.ok(out.includes('locked'), 'the test holds the lead row lock');
	return () => new Promise((resolve) => {
		psql.on('close', resolve);
		psql.stdin.end('COMMIT;\n');
	});
}

export async function uploadShowsProgressListsAndDownloads({ page, context, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Dokument', lastName: `Test${tag}` }, consents: [],
	}, 201);
	const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(512 * 1024, 'x'), Buffer.from('\n%%EOF\n')]);

	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	const section = dialog.locator('section').filter({ has: page.getByRole('heading', { name: /^Dokumenty/ }) });
	await expectVisible(section.getByText('Brak dokumentów.'), 'the empty list');
	await expectVisible(section.getByText('Załącz nowy dokument'), 'the upload sub-form');
	assert.equal(await section.getByLabel('Rodzaj dokumentu').inputValue(), 'agreement', 'the default type');

	// No file chosen: a message, no request.
	await section.getByRole('button', { name: 'Załącz plik' }).click();
	await expectVisible(section.getByRole('alert').getByText('Wybierz plik do załączenia.'), 'the no-file message');

	await section.getByLabel('Rodzaj dokumentu').fill('id_card');
	await section.locator('input[type="file"]').setInputFiles({ name: 'dowód osobisty.pdf', mimeType: 'application/pdf', buffer: pdf });
	await expectVisible(section.getByText('dowód osobisty.pdf'), 'the chosen file name');

	const release = await holdLead(lead.id);
	let released = false;
	try {
		await section.getByRole('button', { name: 'Załącz plik' }).click();
		const bar = section.getByRole('progressbar', { name: 'Postęp wysyłania' });
		await expectVisible(bar, 'the progress bar during the upload');
		await expectVisible(section.getByRole('button', { name: 'Załączanie pliku...' }), 'the busy button');
		// The body is sent; the server waits on the row lock: the bar shows it all went.
		for (let i = 0; i < 100 && (await bar.getAttribute('value')) !== '100'; i++) await page.waitForTimeout(50);
		assert.equal(await bar.getAttribute('value'), '100', 'the bar reaches 100% from XHR upload progress');
		await release();
		released = true;
	} finally {
		if (!released) await release();
	}
	await expectVisible(toasts(page).getByText('Dokument został załączony.'), 'the success toast');
	await expectVisible(section.getByText('Nie wybrano pliku'), 'the file input is cleared');

	// Listed: type, name, type and size, checksum.
	const item = section.locator('.doc-item').filter({ hasText: 'dowód osobisty.pdf' });
	await expectVisible(item, 'the uploaded document in the list');
	await expectVisible(item.getByText('id_card'), 'its type');
	await expectVisible(item.getByText(/application\/pdf · 512,\d KB/), 'its MIME type and size');
	await expectVisible(item.getByText(`Suma kontrolna: ${sha256(pdf)}`), 'its server-side checksum');
	assert.equal(await sql(`SELECT count(*) FROM "Document" WHERE "leadId" = '${lead.id}'`), '1', 'one row');

	// Download through the authorised path: the same bytes.
	const link = item.getByRole('link', { name: 'dowód osobisty.pdf' });
	const href = await link.getAttribute('href');
	assert.match(href, new RegExp(`/api/leads/${lead.id}/documents/c[a-z0-9]+/download$`), 'the link goes through the authorised path');
	const download = new Promise((resolve) => {
		page.once('download', resolve);
		context.once('page', (popup) => popup.once('download', resolve));
	});
	await link.click();
	const file = await download;
	assert.equal(file.suggestedFilename(), 'dowód osobisty.pdf', 'saved under the original name');
	assert.equal(sha256(await readFile(await file.path())), sha256(pdf), 'the downloaded file is the uploaded one');
}

export async function tooLargeFileIsRefusedBeforeSending({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Duży', lastName: `Plik${tag}` }, consents: [],
	}, 201);
	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	const section = dialog.locator('section').filter({ has: page.getByRole('heading', { name: /^Dokumenty/ }) });
	let uploads = 0;
	page.on('request', (req) => { if (req.url().includes('/documents/upload')) uploads++; });
	// One byte over UPLOAD_MAX_BYTES (a sparse file: nothing is written).
	const dir = await mkdtemp(path.join(tmpdir(), 'izzy-e2e-'));
	const big = path.join(dir, 'za-duzy.pdf');
	const fh = await open(big, 'w');
	await fh.truncate(52428800 + 1);
	await fh.close();
	try {
		await section.locator('input[type="file"]').setInputFiles(big);
		await section.getByRole('button', { name: 'Załącz plik' }).click();
		await expectVisible(section.getByRole('alert').getByText('Plik jest za duży. Maksymalny rozmiar to 50 MB.'), 'the Polish size message');
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
	assert.equal(uploads, 0, 'nothing was sent');
	assert.equal(await sql(`SELECT count(*) FROM "Document" WHERE "leadId" = '${lead.id}'`), '0', 'no row');
}
