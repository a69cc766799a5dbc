// The web-to-lead form (issue 14) in Chromium, embedded the way a partner does
// it: an admin sets the form up on the partner list (three purposes, the
// partner's site as allowed origin) and copies the iframe snippet; a page on
// ANOTHER local origin (a small server of this test on IZZY_TEST_E2E_EMBED_PORT)
// embeds it; a visitor fills the form in the iframe and ticks two of the three
// purposes. The lead arrives INBOUND with source web_form and no consent yet;
// the double opt-in mail arrives in maildev and its link confirms: the records
// show exactly the two ticked purposes, with the visitor's address and user
// agent; the link works once. The plain HTML snippet, served by the partner's
// page, posts to us from that origin; a filled honeypot is refused.
import http from 'node:http';
import { ADMIN, assert, expectVisible, login, unique, apiAs, expectApi, sql } from './lib.mjs';

const EMBED_PORT = Number(process.env.IZZY_TEST_E2E_EMBED_PORT || 41581);
// The server issues the form token when the form is shown; a submission within 3 s is refused.
const MIN_FILL_MS = 3200;

/** Serves `html` at / on 127.0.0.1:EMBED_PORT (another origin than the CRM's); returns close(). */
async function partnerSite(html) {
	const server = http.createServer((req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
		res.end(html);
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(EMBED_PORT, '127.0.0.1', resolve);
	});
	return () => new Promise((resolve) => server.close(resolve));
}

/** The /potwierdz#token link of the newest confirmation mail to `to`, polled from maildev. */
async function confirmLink(to) {
	const base = process.env.IZZY_MAILDEV_URL;
	if (!base) throw new Error('IZZY_MAILDEV_URL is not set (run the suite through tests/e2e/run.sh)');
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		const res = await fetch(base + '/api/email');
		const mails = res.ok ? await res.json() : [];
		const mine = mails.filter((m) => m.subject === 'Potwierdź swoje zgłoszenie' && JSON.stringify(m.to || m.headers || '').includes(to));
		const last = mine[mine.length - 1];
		const body = last ? String(last.text || last.html || '').replace(/=\r?\n/g, '') : '';
		const m = /https?:\/\/[^\s]+\/potwierdz#[0-9a-f]{64}/.exec(body);
		if (last && !m) throw new Error(`the confirmation mail to ${to} has no link: ${body.slice(0, 300)}`);
		if (m) return m[0];
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`no confirmation mail reached ${to}`);
}

/** Three purposes of a form type of this run, none required; returns their ids. */
async function purposes(tag) {
	const ids = ['MARKETING', 'FINANCIAL_PARTNERS', 'VEHICLE_PARTNERS'].map((_, i) => `cweb${tag}${i}`.padEnd(25, '0'));
	await sql(`INSERT INTO "ConsentTemplate" (id, "consentType", "formType", title, content, version, "isRequired") VALUES
		('${ids[0]}', 'MARKETING', 'web_${tag}', 'Marketing ${tag}', 'Zgadzam się na informacje handlowe (${tag}).', 1, false),
		('${ids[1]}', 'FINANCIAL_PARTNERS', 'web_${tag}', 'Banki ${tag}', 'Zgadzam się na przekazanie danych bankom (${tag}).', 1, false),
		('${ids[2]}', 'VEHICLE_PARTNERS', 'web_${tag}', 'Dealerzy ${tag}', 'Zgadzam się na przekazanie danych dealerom (${tag}).', 1, false)`);
	return ids;
}

export async function formEmbeddedOnAnotherOriginRecordsTheTickedPurposesAndConfirms({ page, baseURL }) {
	const tag = unique();
	const ids = await purposes(tag);
	const admin = await apiAs(baseURL, ADMIN);
	const partner = await expectApi(admin, 'POST', '/api/partners', { name: `Formularz ${tag}` }, 201);
	const site = `http://127.0.0.1:${EMBED_PORT}`;

	// The admin sets the form up on the partner list and copies the iframe snippet.
	await login(page, ADMIN);
	await page.goto(`/admin/partners?search=${tag}`);
	await page.getByRole('button', { name: `Formularz WWW: Formularz ${tag}` }).click();
	const dialog = page.getByRole('dialog', { name: `Formularz WWW: Formularz ${tag}` });
	await expectVisible(dialog.getByText('Zapisz ustawienia, aby utworzyć formularz i jego kod.'), 'no form yet');
	await dialog.getByLabel('Formularz włączony').check();
	for (const title of ['Marketing', 'Banki', 'Dealerzy']) await dialog.getByLabel(new RegExp(`^${title} ${tag}`)).check();
	await dialog.getByLabel('Dozwolone adresy stron (originy)').fill('https://www.partner.example/path');
	await dialog.getByRole('button', { name: 'Zapisz ustawienia' }).click();
	await expectVisible(dialog.getByText(/Nieprawidłowy adres: https:\/\/www\.partner\.example\/path/), 'an origin with a path refused');
	await dialog.getByLabel('Dozwolone adresy stron (originy)').fill(site);
	await dialog.getByRole('button', { name: 'Zapisz ustawienia' }).click();
	const iframeCode = dialog.getByTestId('web-form-iframe');
	await expectVisible(iframeCode, 'the iframe snippet');
	const snippet = await iframeCode.inputValue();
	assert.match(snippet, new RegExp(`<iframe src="${baseURL.replace(/[.]/g, '\\.')}/formularz/[0-9a-f]{48}"`));
	const htmlCode = await dialog.getByTestId('web-form-html').inputValue();
	assert.match(htmlCode, new RegExp(`action="${baseURL.replace(/[.]/g, '\\.')}/api/web-leads/[0-9a-f]{48}"`));
	for (const id of ids) assert.ok(htmlCode.includes(`value="${id}"`), 'each purpose in the HTML snippet');
	const saved = await expectApi(admin, 'GET', `/api/partners/${partner.id}/web-form`, undefined, 200);
	assert.deepEqual(saved.templateIds, ids);
	assert.deepEqual(saved.allowedOrigins, [site]);

	// A visitor on the partner's page (another origin) fills the embedded form.
	const close = await partnerSite(`<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>Partner ${tag}</title></head>
		<body><h1>Strona partnera</h1>${snippet}</body></html>`);
	try {
		const email = `web-${tag}@example.com`;
		await page.goto(site + '/');
		const frame = page.frameLocator('iframe');
		await expectVisible(frame.getByRole('heading', { name: `Skontaktuj się z Formularz ${tag}` }), 'the form in the iframe');
		const shownAt = Date.now();
		const boxes = frame.locator('input[type="checkbox"][name="consent"]');
		assert.equal(await boxes.count(), 3, 'three purposes');
		for (let i = 0; i < 3; i++) assert.equal(await boxes.nth(i).isChecked(), false, 'nothing is pre-ticked');
		await frame.getByLabel('Imię').fill('Ewa');
		await frame.getByLabel('Nazwisko').fill(`Webowa${tag}`);
		await frame.getByLabel('Adres e-mail').fill(email);
		await frame.getByLabel('Telefon (opcjonalnie)').fill('600 700 800');
		await frame.getByLabel(`Zgadzam się na informacje handlowe (${tag}).`).check();
		await frame.getByLabel(`Zgadzam się na przekazanie danych dealerom (${tag}).`).check();
		await page.waitForTimeout(Math.max(0, MIN_FILL_MS - (Date.now() - shownAt)));
		await frame.getByRole('button', { name: 'Wyślij' }).click();
		await expectVisible(frame.getByTestId('webform-done'), 'the thank-you note');
		const ua = await page.evaluate(() => navigator.userAgent);

		const lead = await sql(`SELECT l.id || '|' || l.status || '|' || (l."sourceMetadata"->>'source') || '|' || l."partnerId"
			FROM "Lead" l JOIN "CustomerProfile" cp ON cp."leadId" = l.id WHERE cp.email = '${email}'`);
		const [leadId, status, source, partnerId] = lead.split('|');
		assert.deepEqual([status, source, partnerId], ['INBOUND', 'web_form', partner.id], 'an INBOUND web_form lead of the partner');
		assert.equal(await sql(`SELECT count(*) FROM "ConsentRecord" WHERE "leadId" = '${leadId}'`), '0', 'consents pending until confirmed');

		// The double opt-in: the mail's link, a button press.
		const link = await confirmLink(email);
		assert.ok(link.startsWith(baseURL + '/potwierdz#'), 'the link leads to our confirmation page');
		await page.goto(link);
		await page.getByRole('button', { name: 'Potwierdzam' }).click();
		await expectVisible(page.getByTestId('confirm-done'), 'the confirmation');
		const records = (await sql(`SELECT string_agg("consentTemplateId" || '|' || version || '|' || "consentGiven" || '|' || ("ipAddress" IS NOT NULL AND "ipAddress" <> '') || '|' || "userAgent", E'\\n' ORDER BY "consentTemplateId")
			FROM "ConsentRecord" WHERE "leadId" = '${leadId}'`)).split('\n');
		assert.deepEqual(records, [`${ids[0]}|1|true|true|${ua}`, `${ids[2]}|1|true|true|${ua}`],
			'exactly the two ticked purposes, their versions, with the address and user agent');
		const again = await fetch(baseURL + '/api/web-leads/confirm', {
			method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: link.split('#')[1] }),
		});
		assert.equal(again.status, 409, 'the link works once');
		assert.equal(await sql(`SELECT count(*) FROM "ConsentRecord" WHERE "leadId" = '${leadId}'`), '2');
	} finally {
		await close();
	}
}

export async function plainHtmlSnippetPostsFromThePartnersOriginAndTheHoneypotRefusesBots({ page, baseURL }) {
	const tag = unique();
	const ids = await purposes(tag);
	const admin = await apiAs(baseURL, ADMIN);
	const partner = await expectApi(admin, 'POST', '/api/partners', { name: `Prosty ${tag}` }, 201);
	const site = `http://127.0.0.1:${EMBED_PORT}`;
	await expectApi(admin, 'PUT', `/api/partners/${partner.id}/web-form`,
		{ enabled: true, allowedOrigins: [site], templateIds: ids }, 200);
	// The snippet as the partner's manager copies it.
	await login(page, ADMIN);
	await page.goto(`/admin/partners?search=${tag}`);
	await page.getByRole('button', { name: `Formularz WWW: Prosty ${tag}` }).click();
	const dialog = page.getByRole('dialog', { name: `Formularz WWW: Prosty ${tag}` });
	const htmlCode = await dialog.getByTestId('web-form-html').inputValue();
	for (const id of ids) assert.ok(htmlCode.includes(`value="${id}"`), 'each purpose in the HTML snippet');

	const closePlain = await partnerSite(`<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>Partner ${tag}</title></head>
		<body>${htmlCode}</body></html>`);
	try {
		const email = `plain-${tag}@example.com`;
		await page.goto(site + '/');
		const form = page.locator('form[data-izzy-form]');
		await page.waitForFunction(() => document.querySelector('form[data-izzy-form] [name=formToken]').value !== '');
		const shownAt = Date.now();
		await form.getByLabel('Imię').fill('Adam');
		await form.getByLabel('Nazwisko').fill(`Prosty${tag}`);
		await form.getByLabel('E-mail').fill(email);
		await form.getByLabel(`Banki ${tag}`).check();
		await page.waitForTimeout(Math.max(0, MIN_FILL_MS - (Date.now() - shownAt)));
		await form.getByRole('button', { name: 'Wyślij' }).click();
		await expectVisible(page.getByRole('heading', { name: 'Dziękujemy!' }), 'the thank-you page');
		assert.equal(await sql(`SELECT count(*) FROM "CustomerProfile" cp JOIN "Lead" l ON l.id = cp."leadId"
			WHERE cp.email = '${email}' AND l.status = 'INBOUND'`), '1', 'the plain form created the lead');

		await page.goto(site + '/');
		await page.waitForFunction(() => document.querySelector('form[data-izzy-form] [name=formToken]').value !== '');
		await form.getByLabel('Imię').fill('Bot');
		await form.getByLabel('Nazwisko').fill(`Bot${tag}`);
		await form.getByLabel('E-mail').fill(`bot-${tag}@example.com`);
		await page.evaluate(() => { document.querySelector('form[data-izzy-form] [name=website]').value = 'http://spam.example'; });
		await page.waitForTimeout(MIN_FILL_MS);
		await form.getByRole('button', { name: 'Wyślij' }).click();
		await expectVisible(page.getByRole('heading', { name: 'Nie wysłano formularza' }), 'the refusal page');
		assert.equal(await sql(`SELECT count(*) FROM "CustomerProfile" WHERE email = 'bot-${tag}@example.com'`), '0', 'the bot wrote nothing');
	} finally {
		await closePlain();
	}
}
