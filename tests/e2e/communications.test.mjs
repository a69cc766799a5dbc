// The "Komunikacja" timeline of the lead detail (issue 9): an e-mail sent
// from the composer is queued, the worker delivers it to maildev, and the
// timeline shows it as "wysłano"; an inbound e-mail is a readable note whose
// sanitised HTML opens, on request, in a sandboxed iframe (srcdoc,
// sandbox=""); a dead letter shows its reason and a manager's retry button.
import {
	ADMIN, assert, expectVisible, login, unique, apiAs, expectApi, sql,
} from './lib.mjs';

/** Polls maildev (30 s at most) for a message with this subject. */
async function waitForMail(subject) {
	const url = `${process.env.IZZY_MAILDEV_URL}/api/email`;
	for (let i = 0; i < 300; i++) {
		const list = await (await fetch(url)).json();
		if (list.some((m) => m.subject === subject)) return true;
		await new Promise((r) => setTimeout(r, 100));
	}
	return false;
}

function commSection(page) {
	return page.getByRole('dialog').locator('section').filter({ has: page.getByRole('heading', { name: /^Komunikacja/ }) });
}

export async function composerMailShowsAsSentAfterDelivery({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Komunikacja', lastName: `Test${tag}`, email: `komunikacja.${tag}@example.com` }, consents: [],
	}, 201);
	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const dialog = page.getByRole('dialog');
	const section = commSection(page);
	await expectVisible(section.getByText('Brak wiadomości i notatek.'), 'the empty timeline');

	const subject = `Potwierdzenie ${tag}`;
	await dialog.getByRole('button', { name: 'Wyślij wiadomość' }).click();
	const composer = page.getByRole('dialog', { name: 'Wiadomość do klienta' });
	await composer.getByLabel('Temat').fill(subject);
	await composer.getByLabel('Wiadomość').fill('Dzień dobry, dziękujemy za kontakt.');
	await composer.getByRole('button', { name: 'Wyślij wiadomość' }).click();
	await composer.waitFor({ state: 'detached' });

	const row = section.locator('li.comm').filter({ hasText: subject });
	await expectVisible(row, 'the e-mail in the timeline');
	await expectVisible(row.getByText('E-mail wysłany'), 'labelled as an outgoing e-mail');
	assert.ok(await waitForMail(subject), 'the worker delivered the message to maildev');
	// The worker records SENT right after the delivery: refresh until the timeline shows it.
	let sent = false;
	for (let i = 0; i < 50 && !sent; i++) {
		await section.getByRole('button', { name: 'Odśwież' }).click();
		sent = await row.locator('[data-status="sent"]').isVisible();
		if (!sent) await page.waitForTimeout(200);
	}
	assert.ok(sent, 'the e-mail shows as sent');
	await expectVisible(row.getByText('wysłano', { exact: true }), 'the Polish label "wysłano"');
}

export async function inboundMailIsReadableWithSandboxedHtml({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Odebrana', lastName: `Poczta${tag}`, email: `odebrana.${tag}@example.com` }, consents: [],
	}, 201);
	const html = '<p>Dzień dobry, <b>proszę o ofertę</b>.</p>';
	await sql(`INSERT INTO "LeadNote" (id, "leadId", content, type, metadata) VALUES ('cin${tag}'::text, '${lead.id}', 'Dzień dobry, proszę o ofertę.', 'EMAIL_RECEIVED',
		jsonb_build_object('direction', 'INCOMING', 'from', 'odebrana.${tag}@example.com', 'subject', 'Pytanie ${tag}', 'html', '${html}'::text))`);
	// A dead SMS with its reason, offered for retry to the admin.
	await sql(`INSERT INTO "Outbox" (id, channel, recipient, "bodyText", template, "leadId", status, attempts, "lastError")
		VALUES ('cosms${tag}'::text, 'SMS', '48600100200', 'x', 'onboarding_sms', '${lead.id}', 'FAILED', 8, 'SMSAPI error 13: Invalid phone number')`);
	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const section = commSection(page);

	const mail = section.locator('li.comm[data-kind="emailIn"]');
	await expectVisible(mail.getByText('E-mail odebrany'), 'labelled as an inbound e-mail');
	await expectVisible(mail.getByText(`Pytanie ${tag}`), 'its subject');
	await expectVisible(mail.getByText('Dzień dobry, proszę o ofertę.'), 'the plain text, shown by default');
	assert.equal(await mail.locator('iframe').count(), 0, 'no HTML until asked');
	await mail.getByRole('button', { name: 'pokaż HTML' }).click();
	const frame = mail.locator('iframe');
	await expectVisible(frame, 'the HTML view');
	assert.equal(await frame.getAttribute('sandbox'), '', 'the iframe is fully sandboxed');
	assert.equal(await frame.getAttribute('srcdoc'), html, 'it shows the stored sanitised HTML');
	await expectVisible(page.frameLocator('li.comm[data-kind="emailIn"] iframe').getByText('proszę o ofertę'), 'the HTML is rendered');

	const sms = section.locator('li.comm[data-kind="smsOut"]');
	await expectVisible(sms.getByText('nie dostarczono'), 'the dead SMS');
	await expectVisible(sms.getByText('Powód: SMSAPI error 13: Invalid phone number'), 'with its reason');
	await sms.getByRole('button', { name: 'Ponów wysyłkę' }).click();
	await expectVisible(sms.getByText('w kolejce'), 'queued again after the retry');
	// Re-queued with its attempts counted afresh (the suite's worker may already be at it).
	assert.equal(await sql(`SELECT attempts < 8 FROM "Outbox" WHERE id = 'cosms${tag}'`), 't', 'the message is due again');
}
