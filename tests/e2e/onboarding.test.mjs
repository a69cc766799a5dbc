// Insurance onboarding end to end (issue 10, FR-69..72, frontend.md §7.4.4,
// §8.8): a staff user starts onboarding from the lead detail; the client
// opens the link from the e-mail caught by maildev on a phone-sized screen,
// picks the first offered day and slot, sees no consent pre-ticked, ticks the
// required ones and is done; the lead is ONBOARDING_CONFIRMED. The staff
// widget starts onboarding and shows the confirmed slot (separate tests, to
// stay within the runner's per-test time on a busy machine).
import {
	ADMIN, assert, expectVisible, login, unique, apiAs, expectApi, sql,
} from './lib.mjs';

/** The onboarding link of the newest e-mail maildev caught for `to` (polled). */
async function onboardingLink(to) {
	const base = process.env.IZZY_MAILDEV_URL;
	if (!base) throw new Error('IZZY_MAILDEV_URL is not set (run the suite through tests/e2e/run.sh)');
	let seen = [];
	for (let i = 0; i < 200; i++) {
		const res = await fetch(base + '/api/email');
		const mails = res.ok ? await res.json() : [];
		seen = mails;
		for (const mail of mails.reverse()) {
			const rcpt = (mail.to || []).map((a) => a.address);
			const m = rcpt.includes(to) && /\/onboarding\?token=[0-9a-f]{64}/.exec(mail.text || '');
			if (m) return m[0];
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`no onboarding e-mail to ${to} reached the mail catcher: ${JSON.stringify(seen.slice(-1)).slice(0, 1500)}`);
}

export async function clientPicksSlotAndConsentsOnPhone({ page, baseURL }) {
	const tag = unique();
	const email = `onb${tag}@example.com`;
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Ola', lastName: `Onb${tag}`, email, phone: '+48 600 700 800' }, consents: [],
	}, 201);

	await expectApi(admin, 'POST', `/api/leads/${lead.id}/insurance-onboarding/start`, undefined, 200);

	// Client: the link from the mail catcher, on a phone.
	const link = await onboardingLink(email);
	const phone = page;
	await phone.setViewportSize({ width: 390, height: 844 });
	await phone.goto(link);
	await expectVisible(phone.getByRole('heading', { name: 'Znajdziemy Ci nowe auto' }), 'the landing page');
	await expectVisible(phone.getByText('Cześć Ola!', { exact: false }), 'the greeting with the first name only');
	assert.equal(await phone.getByText(`Onb${tag}`).count(), 0, 'the last name is not shown');
	const next = phone.getByRole('button', { name: 'Dalej →' });
	assert.equal(await next.isDisabled(), true, 'no day and slot chosen: disabled');
	const firstDay = phone.locator('.onb-day').first();
	const day = await firstDay.getAttribute('data-day');
	await firstDay.click();
	const firstSlot = phone.locator('.onb-slot').first();
	const slot = await firstSlot.getAttribute('data-slot');
	assert.match(slot, /^\d{2}:\d{2}-\d{2}:\d{2}$/, 'the slot value has the one format');
	await firstSlot.click();
	// The card fits the phone: no horizontal scrolling.
	assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal overflow at 390 px');
	await next.click();

	await expectVisible(phone.getByRole('heading', { name: 'Wymagane zgody' }), 'the consents step');
	const boxes = phone.locator('.onb-consent input[type="checkbox"]');
	const n = await boxes.count();
	assert.ok(n >= 2, 'the onboarding consents are shown');
	for (let i = 0; i < n; i++) assert.equal(await boxes.nth(i).isChecked(), false, 'nothing is pre-ticked');
	const submit = phone.getByRole('button', { name: 'Zatwierdź i wyślij' });
	assert.equal(await submit.isDisabled(), true, 'required consents not ticked: disabled');
	const required = phone.locator('.onb-consent').filter({ hasText: '*wymagana' }).locator('input[type="checkbox"]');
	for (let i = 0; i < await required.count(); i++) await required.nth(i).check();
	await submit.click();
	await expectVisible(phone.getByRole('heading', { name: 'Gotowe!' }), 'the success state');
	await expectVisible(phone.getByText(`w godzinach ${slot.replace(/^0/, '')}`, { exact: false }), 'the chosen slot in the summary');

	assert.equal(await sql(`SELECT status FROM "Lead" WHERE id = '${lead.id}'`), 'ONBOARDING_CONFIRMED', 'the lead is confirmed');
	assert.equal(await sql(`SELECT to_char("preferredDate" AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' ' || "preferredSlot" FROM "ContactSchedule" WHERE "leadId" = '${lead.id}'`),
		`${day} ${slot}`, 'the schedule holds the chosen day and slot');
	assert.equal(await sql(`SELECT count(*) FROM "ConsentRecord" WHERE "leadId" = '${lead.id}' AND "ipAddress" IS NOT NULL AND "userAgent" LIKE '%Chrom%'`),
		String(n), 'every answer recorded with the browser evidence');

}

export async function staffWidgetShowsTheConfirmedSlot({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Iza', lastName: `Onb${tag}`, email: `onbw${tag}@example.com`, phone: '+48 600 700 802' }, consents: [],
	}, 201);
	await expectApi(admin, 'POST', `/api/leads/${lead.id}/insurance-onboarding/start`, undefined, 200);
	// The client's steps through the API, with the token of the queued e-mail.
	const body = await sql(`SELECT "bodyText" FROM "Outbox" WHERE "leadId" = '${lead.id}' AND template = 'email_welcome_insurance'`);
	const token = /token=([0-9a-f]{64})/.exec(body)[1];
	const pub = async (method, path, data) => {
		const r = await fetch(baseURL + path, { method, headers: data ? { 'Content-Type': 'application/json' } : {}, body: data ? JSON.stringify(data) : undefined });
		return { status: r.status, body: await r.json() };
	};
	const v = await pub('GET', `/api/insurance-onboarding/verify?token=${token}`);
	assert.equal(v.status, 200, 'verify');
	const day = v.body.days[0].date;
	const slot = v.body.days[0].slots[0];
	assert.equal((await pub('POST', '/api/insurance-onboarding/contact-slot', { token, preferredDate: day, preferredSlot: slot })).status, 200, 'slot');
	const templates = (await pub('GET', '/api/consent-templates?form_type=onboarding_insurance')).body.data;
	const c = await pub('POST', '/api/insurance-onboarding/consents', {
		token, consents: templates.map((tpl) => ({ consentTemplateId: tpl.id, version: tpl.version, consentGiven: true })),
	});
	assert.equal(c.status, 201, 'consents');

	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const box = page.getByRole('dialog').locator('section').filter({ has: page.getByRole('heading', { name: /Insurance Onboarding/ }) });
	await expectVisible(box.getByText('Onboarding potwierdzony'), 'the ONBOARDING_CONFIRMED badge');
	await expectVisible(box.getByTestId('onboarding-slot').filter({ hasText: slot }), 'the chosen slot');
	await expectVisible(box.getByRole('button', { name: '↺ Wyślij ponownie' }), 'the send-again button');
	assert.equal(await box.locator('.onb-track__step--done').count(), 5, 'SMS, Email, Link, Termin, Zgody ticked');
}

export async function staffStartsOnboardingFromLeadDetail({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Ela', lastName: `Onb${tag}`, email: `onbs${tag}@example.com`, phone: '+48 600 700 801' }, consents: [],
	}, 201);
	const bare = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Ewa', lastName: `Nophone${tag}`, email: `onbn${tag}@example.com` }, consents: [],
	}, 201);

	await login(page, ADMIN);
	await page.goto(`/leads/${bare.id}`);
	let box = page.getByRole('dialog').locator('section').filter({ has: page.getByRole('heading', { name: /Insurance Onboarding/ }) });
	await box.getByRole('button', { name: '📤 Wyślij onboarding' }).click();
	await page.getByRole('dialog').filter({ hasText: 'Zostanie wysłany SMS i email.' }).getByRole('button', { name: '📤 Wyślij onboarding' }).click();
	await expectVisible(box.getByText('Lead nie ma uzupełnionego numeru telefonu.'), 'the MISSING_PHONE message');

	await page.goto(`/leads/${lead.id}`);
	box = page.getByRole('dialog').locator('section').filter({ has: page.getByRole('heading', { name: /Insurance Onboarding/ }) });
	await expectVisible(box.getByText('Onboarding nie został jeszcze wysłany.'), 'the empty onboarding box');
	await box.getByRole('button', { name: '📤 Wyślij onboarding' }).click();
	await page.getByRole('dialog').filter({ hasText: 'Zostanie wysłany SMS i email.' }).getByRole('button', { name: '📤 Wyślij onboarding' }).click();
	await expectVisible(box.getByText('Onboarding wysłany!'), 'the sent message');
	await expectVisible(box.getByText('Link wysłany'), 'the ONBOARDING_SENT badge');
	await expectVisible(box.getByRole('button', { name: '↺ Wyślij ponownie' }), 'the send-again button');
	assert.equal(await sql(`SELECT status FROM "InsuranceOnboardingSession" WHERE "leadId" = '${lead.id}'`), 'ONBOARDING_SENT', 'the session exists');
}

export async function wrongOrMissingTokenShowsError({ page }) {
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/onboarding');
	await expectVisible(page.getByText('Brak tokenu w linku.', { exact: false }), 'the missing-token message');
	await page.goto('/onboarding?token=' + '0'.repeat(64));
	await expectVisible(page.getByText('Link wygasł lub jest nieprawidłowy.', { exact: false }), 'the invalid-link message');
}
