// The client's application form (issue 10) on a phone-sized screen: the
// link from the mail catcher, the server-side PIN gate, the consents with
// nothing pre-ticked, the six steps with the server's rules (an invalid
// PESEL refused, a valid one fills the birth date and sex), resume after a
// reload, submit and the thank-you page; meanwhile the operator's edits are
// blocked. Then an unlock: a new link, new consent records, a resubmit.
import { ADMIN, OPERATOR, assert, expectVisible, login, waitForPath, unique, apiAs, expectApi, sql, customer } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
// What the first test leaves for the second (tests of a file run in order).
let journey = null;

/** The newest /client-form#token link mailed to `to` with `subject`, polled from maildev. */
async function mailedLink(to, subject) {
	const base = process.env.IZZY_MAILDEV_URL;
	if (!base) throw new Error('IZZY_MAILDEV_URL is not set (run the suite through tests/e2e/run.sh)');
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		const res = await fetch(base + '/api/email');
		const mails = res.ok ? await res.json() : [];
		const mine = mails.filter((m) => m.subject === subject && JSON.stringify(m.to || m.headers || '').includes(to));
		const last = mine[mine.length - 1];
		const body = last ? String(last.text || last.html || '').replace(/=\r?\n/g, '').replace(/\s+/g, ' ') : '';
		const m = /\/client-form#[0-9a-f]{48}/.exec(body);
		if (last && !m) throw new Error(`the "${subject}" mail to ${to} has no form link: ${body.slice(0, 300)}`);
		if (m) return m[0];
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`no "${subject}" mail with a form link reached ${to}`);
}

async function fill(page, values) {
	for (const [id, value] of Object.entries(values)) {
		const el = page.locator('#' + id);
		if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
		else await el.fill(value);
	}
}

async function nextStep(page, n) {
	await page.getByRole('button', { name: 'Dalej' }).click();
	await expectVisible(page.getByText(`Krok ${n} z 6`), `step ${n}`);
}

async function pinAndConsents(page, link) {
	await page.goto(link);
	await page.getByLabel('Kod dostępu').fill('0234');
	await page.getByRole('button', { name: 'Odblokuj' }).click();
	await expectVisible(page.getByRole('heading', { name: 'Zgody RODO' }), 'the consents');
	const boxes = page.locator('.client__consent input[type="checkbox"]');
	const n = await boxes.count();
	assert.ok(n > 0, 'consent templates are shown');
	for (let i = 0; i < n; i++) assert.equal(await boxes.nth(i).isChecked(), false, 'nothing is pre-ticked');
	assert.ok(await page.getByRole('button', { name: 'Zapisz zgody' }).isDisabled(), 'no saving with the required ones unticked');
	for (let i = 0; i < n; i++) await boxes.nth(i).check();
	await page.getByRole('button', { name: 'Zapisz zgody' }).click();
	await expectVisible(page.getByText('Zgody zostały zapisane.'), 'the saved note');
	return n;
}

export async function clientCompletesTheFormOnAPhone({ page, context, baseURL }) {
	await page.setViewportSize(PHONE);
	const tag = unique();
	const email = `klient-${tag}@example.com`;
	const op = await apiAs(baseURL, OPERATOR);
	const lead = await expectApi(op, 'POST', '/api/leads', { partnerId: 'seed-partner', customer: customer(tag, { email, phone: '+48 600 100 234' }) }, 201);
	const gen = await expectApi(op, 'POST', `/api/leads/${lead.id}/application-form`, {}, 201);
	const formId = gen.applicationFormId;
	const link = await mailedLink(email, 'Formularz wniosku');
	assert.ok(!link.includes(formId) && !link.includes(lead.id), 'the link carries only the token');

	// The PIN gate: a wrong PIN is refused by the server.
	await page.goto(link);
	await expectVisible(page.getByRole('heading', { name: 'Podaj kod dostępu' }), 'the PIN gate');
	await page.getByLabel('Kod dostępu').fill('1111');
	await page.getByRole('button', { name: 'Odblokuj' }).click();
	await expectVisible(page.getByText('Nieprawidłowy kod dostępu'), 'the wrong-PIN error');

	const consents = await pinAndConsents(page, link);
	await expectVisible(page.getByText('Krok 1 z 6'), 'step 1');

	// Step 1: an invalid PESEL is refused; a valid one fills the birth date and sex.
	await fill(page, {
		pesel: '44051401358', firstName: 'Jan', lastName: 'Kowalski', mobilePhone: '+48 600 100 234', email,
		birthPlace: 'Kraków', countryOfBirth: 'Polska', nationality: 'polska', citizenship: 'polskie',
		maidenName: 'Kowalski', mothersMaidenName: 'Nowak', maritalStatus: 'married', childrenCount: '2',
	});
	await page.getByRole('button', { name: 'Dalej' }).click();
	await expectVisible(page.getByText('Nieprawidłowy numer PESEL'), 'the PESEL error');
	await expectVisible(page.getByText('Krok 1 z 6'), 'still step 1');
	await fill(page, { pesel: '44051401359' });
	assert.equal(await page.locator('#birthDate').inputValue(), '1944-05-14', 'the birth date from the PESEL');
	assert.equal(await page.locator('#gender').inputValue(), 'M', 'the sex from the PESEL');
	await nextStep(page, 2);

	// Meanwhile the operator is blocked.
	const lead1 = await expectApi(op, 'GET', `/api/leads/${lead.id}`, undefined, 200);
	assert.equal(lead1.applicationForm.isClientActive, true, 'the operator sees the client active');
	const note = await op('POST', `/api/leads/${lead.id}/notes`, { content: 'w trakcie' });
	assert.equal(note.status, 409, 'the operator cannot edit');
	assert.equal(note.body.code, 'CLIENT_ACTIVE');
	const sp = await context.newPage();
	await login(sp, OPERATOR);
	await sp.goto('/leads/' + lead.id);
	await expectVisible(sp.getByText('Klient jest obecnie aktywny w formularzu online.', { exact: false }), 'the operator sees "Klient aktywny"');
	await sp.close();

	// Step 2, then a reload on step 3 resumes there.
	await fill(page, { documentType: 'id_card', documentNumber: 'ABC123456', issueDate: '20200115', expiryDate: '20990115', education: 'higher' });
	assert.equal(await page.locator('#issueDate').inputValue(), '2020-01-15', 'the date mask');
	await fill(page, { expiryDate: '2001-01-01' });
	await page.getByRole('button', { name: 'Dalej' }).click();
	await expectVisible(page.getByText('Dokument stracił ważność'), 'an expired document is refused');
	await fill(page, { expiryDate: '2099-01-15' });
	await nextStep(page, 3);
	await expectVisible(page.getByText('Zapisano.'), 'autosaved');
	await page.reload();
	await expectVisible(page.getByText('Krok 3 z 6'), 'resumed on step 3');

	await fill(page, { registeredStreet: 'Długa 1/2', registeredPostalCode: '30001', registeredCity: 'Kraków', registeredPostOffice: 'Kraków' });
	assert.equal(await page.locator('#registeredPostalCode').inputValue(), '30-001', 'the postal code mask');
	await page.locator('#isResidentialSameAsRegistered').check();
	assert.equal(await page.locator('#residentialCity').inputValue(), 'Kraków', 'the address is copied');
	await nextStep(page, 4);
	await fill(page, {
		incomeSource: 'umowa o pracę', employmentSince: '201503', profession: 'inżynier', position: 'kierownik',
		employmentSector: 'prywatny', totalWorkExperience: '20 lat', workplaceType: 'spółka', employerName: 'ACME',
		employerPhone: '12 345 67 89', employerStreet: 'Krótka 5', employerPostalCode: '31002', employerCity: 'Kraków',
		employerPostOffice: 'Kraków', employerNip: '5261040827',
	});
	await page.getByRole('button', { name: 'Dalej' }).click();
	await expectVisible(page.getByText('Nieprawidłowy NIP'), 'a wrong NIP checksum is refused');
	await fill(page, { employerNip: '5261040828' });
	await nextStep(page, 5);
	await fill(page, { mainIncome: '8000', housingFees: '900', otherLivingCosts: '1500' });
	await expectVisible(page.getByText('Zdolność kredytowa (informacyjnie): 5600.00 PLN'), 'the budget summary');
	await nextStep(page, 6);
	await expectVisible(page.getByRole('heading', { name: 'Podsumowanie danych' }), 'the summary');
	await expectVisible(page.getByText('Żonaty / Mężatka'), 'option labels in the summary');
	await page.getByRole('button', { name: 'Wyślij wniosek' }).click();
	await waitForPath(page, '/thank-you');
	await expectVisible(page.getByRole('heading', { name: 'Dziękujemy!' }), 'the thank-you page');
	assert.equal(await sql(`SELECT status || ',' || ("formData"->>'pesel') FROM "ApplicationForm" WHERE id = '${formId}'`), 'SUBMITTED,44051401359');
	const note2 = await op('POST', `/api/leads/${lead.id}/notes`, { content: 'po wysłaniu' });
	assert.equal(note2.status, 201, 'the operator may edit after the submit');

	journey = { formId, email, link, consents, leadId: lead.id };
}

// The second half (the 60 s test limit): an unlock of the form submitted above.
export async function clientResubmitsAfterUnlock({ page, baseURL }) {
	if (!journey) throw new Error('needs clientCompletesTheFormOnAPhone to have run first');
	const { formId, email, link, consents } = journey;
	const lead = { id: journey.leadId };
	await page.setViewportSize(PHONE);
	// Unlock: a new link, consents again (new records), resubmit.
	const admin = await apiAs(baseURL, ADMIN);
	await expectApi(admin, 'POST', `/api/application-forms/${formId}/unlock`, { reason: 'Korekta' }, 200);
	const link2 = await mailedLink(email, 'Formularz wniosku odblokowany');
	assert.notEqual(link2, link, 'a new link');
	await pinAndConsents(page, link2);
	await expectVisible(page.getByText('Krok 6 z 6'), 'the form resumes on the summary');
	assert.equal(Number(await sql(`SELECT count(*) FROM "ConsentRecord" WHERE "applicationFormId" = '${formId}'`)), 2 * consents,
		're-consent adds new records');
	await page.getByRole('button', { name: 'Wyślij wniosek' }).click();
	await waitForPath(page, '/thank-you');
	assert.equal(await sql(`SELECT count(*) FROM "Outbox" WHERE template = 'application.ready_for_review' AND "leadId" = '${lead.id}'`), '2',
		'one ready-for-review event per submission');
}

export async function expiredLinkShowsLinkWygasl({ page, baseURL }) {
	await page.setViewportSize(PHONE);
	const tag = unique();
	const email = `klient-${tag}@example.com`;
	const op = await apiAs(baseURL, OPERATOR);
	const lead = await expectApi(op, 'POST', '/api/leads', { partnerId: 'seed-partner', customer: customer(tag, { email, phone: '600100234' }) }, 201);
	const gen = await expectApi(op, 'POST', `/api/leads/${lead.id}/application-form`, {}, 201);
	await sql(`UPDATE "ApplicationForm" SET "linkExpiresAt" = now() - interval '1 minute' WHERE id = '${gen.applicationFormId}'`);
	await page.goto(new URL(gen.link).pathname + new URL(gen.link).hash);
	await page.getByLabel('Kod dostępu').fill('0234');
	await page.getByRole('button', { name: 'Odblokuj' }).click();
	await expectVisible(page.getByRole('dialog', { name: 'Link wygasł' }), 'the "Link wygasł" dialog');
}
