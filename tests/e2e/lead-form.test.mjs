// The staff view of the client's application form in the lead detail
// (issue 10 "Staff view"): the operator generates the link from the dialog
// (e-mail and SMS, the default PIN explained), the link arrives in maildev,
// the client fails the PIN twice, opens the form and saves a step; the
// staff widget shows the attempts, the progress, "Klient aktywny" and the
// history; a supervisor-level user unlocks it from the UI with a reason and
// the new link is mailed.
import { ADMIN, OPERATOR, assert, expectVisible, login, unique, apiAs, expectApi, sql, customer } from './lib.mjs';

// What the first test leaves for the second (tests of a file run in order).
let state = null;

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
		if (m) return { link: m[0], body };
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`no "${subject}" mail with a form link reached ${to}`);
}

async function tryPin(page, pin) {
	await page.getByLabel('Kod dostępu').fill(pin);
	await page.getByRole('button', { name: 'Odblokuj' }).click();
}

export async function operatorGeneratesLinkAndSeesAttemptsAndProgress({ page, context, baseURL }) {
	const tag = unique();
	const email = `lf-${tag}@example.com`;
	const op = await apiAs(baseURL, OPERATOR);
	const lead = await expectApi(op, 'POST', '/api/leads', { partnerId: 'seed-partner', customer: customer(tag, { email, phone: '+48 600 100 234' }) }, 201);

	// The operator generates the link from the lead detail.
	await login(page, OPERATOR);
	await page.goto('/leads/' + lead.id);
	const box = page.locator('section.lead-form');
	await expectVisible(box.getByText('Link do formularza nie został jeszcze wygenerowany.'), 'no link yet');
	await box.getByTestId('form-generate').click();
	const dialog = page.getByRole('dialog', { name: 'Wygeneruj link' });
	await expectVisible(dialog.getByTestId('form-pin-hint'), 'the PIN explanation');
	assert.match(await dialog.getByTestId('form-pin-hint').innerText(), /4 ostatnie cyfry numeru telefonu/);
	assert.equal(await dialog.getByTestId('form-ch-email').isChecked(), true, 'e-mail is the default channel');
	await dialog.getByTestId('form-ch-sms').check();
	await dialog.getByRole('button', { name: 'Wyślij link' }).click();
	await expectVisible(box.getByTestId('form-link-sent'), 'the link-sent note');
	const { link, body } = await mailedLink(email, 'Formularz wniosku');
	assert.match(body, /4 ostatnie cyfry/, 'the mail explains the default PIN');
	assert.ok(!body.includes('0234'), 'the mail does not carry the PIN');
	assert.equal(await sql(`SELECT count(*) FROM "Outbox" WHERE "leadId" = '${lead.id}' AND channel = 'SMS' AND template = 'form_link'`), '1',
		'the link also goes by SMS');
	const formId = await sql(`SELECT id FROM "ApplicationForm" WHERE "leadId" = '${lead.id}'`);

	// Regenerating says the old link stops working (cancelled here).
	await box.getByTestId('form-generate').click();
	const again = page.getByRole('dialog', { name: 'Wygeneruj nowy link' });
	await expectVisible(again.getByTestId('form-regenerate-warning'), 'the invalidation warning');
	await again.getByRole('button', { name: 'Anuluj' }).click();

	// The client: two wrong PINs, then the right one, then a saved step.
	const client = await context.newPage();
	await client.setViewportSize({ width: 390, height: 844 });
	await client.goto(link);
	await tryPin(client, '1111');
	await expectVisible(client.getByText('Nieprawidłowy kod dostępu'), 'the first wrong PIN');
	await tryPin(client, '2222');
	await expectVisible(client.getByText('Nieprawidłowy kod dostępu'), 'the second wrong PIN');
	await tryPin(client, '0234');
	await expectVisible(client.getByRole('heading', { name: 'Zgody RODO' }), 'the form opens');
	const saved = await client.request.patch(`/api/application-forms/${formId}`,
		{ data: { formData: {}, currentStep: 2, completionPercent: 33 } });
	assert.equal(saved.status(), 200, 'the client autosaves step 2');

	// The staff widget shows them.
	await box.getByRole('button', { name: 'Odśwież' }).click();
	await expectVisible(box.getByTestId('form-progress').getByText('Krok 2 z 6 (33%)'), 'the progress');
	await expectVisible(box.getByTestId('form-attempts').getByText('2 od wygenerowania linku, blokady: 0'), 'the wrong PINs');
	await expectVisible(box.getByTestId('form-client-active'), '"Klient aktywny"');
	const history = box.getByTestId('form-history');
	assert.equal(await history.getByText('Próba kodu: błędny kod').count(), 2, 'both failures in the history');
	await expectVisible(history.getByText('Próba kodu: poprawny kod'), 'the success in the history');
	await client.close();
	state = { leadId: lead.id, formId, email, link };
}

export async function supervisorUnlocksFromTheLeadDetail({ page }) {
	if (!state) throw new Error('needs operatorGeneratesLinkAndSeesAttemptsAndProgress to have run first');
	await sql(`UPDATE "ApplicationForm" SET status = 'SUBMITTED', "isClientActive" = false WHERE id = '${state.formId}'`);
	await login(page, ADMIN);
	await page.goto('/leads/' + state.leadId);
	const box = page.locator('section.lead-form');
	await expectVisible(box.getByText('Przesłany').first(), 'the submitted status');
	await box.getByTestId('form-unlock').click();
	const dialog = page.getByRole('dialog', { name: 'Odblokuj formularz' });
	await expectVisible(dialog.getByText('ponownie wyrazić zgody', { exact: false }), 'the unlock explanation');
	await dialog.getByTestId('form-unlock-reason').fill('Korekta danych');
	await dialog.getByRole('button', { name: 'Odblokuj formularz' }).click();
	await expectVisible(box.getByText('Odblokowany').first(), 'the status is UNLOCKED');
	const history = box.getByTestId('form-history');
	await expectVisible(history.getByText('Korekta danych'), 'the unlock reason in the history');
	await expectVisible(history.getByText('Odblokowano', { exact: false }), 'the unlock entry');
	const { link } = await mailedLink(state.email, 'Formularz wniosku odblokowany');
	assert.notEqual(link, state.link, 'a new link is mailed');
	assert.equal(await sql(`SELECT status FROM "ApplicationForm" WHERE id = '${state.formId}'`), 'UNLOCKED');
}
