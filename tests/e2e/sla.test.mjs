// Response-time (SLA) timers end to end (issue 13, docs/sla.md): the partner
// screen edits the timer rules with validation; the badge counts down live on
// the lead detail and shows on the board card, red once the deadline passed;
// the analytics screen shows the SLA report.  The deadlines are set in the
// database relative to now() (the programs' clock is the real one here).
import {
	ADMIN, assert, expectVisible, login, waitForPath, unique, apiAs, expectApi, toasts, sql, customer,
} from './lib.mjs';

async function partnerWithRules(baseURL, tag, slaRules) {
	const admin = await apiAs(baseURL, ADMIN);
	const partner = await expectApi(admin, 'POST', '/api/partners', { name: `SLA ${tag}`, slaRules }, 201);
	return { admin, partner };
}

export async function partnerScreenEditsTheRules({ page, baseURL }) {
	const tag = unique();
	const { admin, partner } = await partnerWithRules(baseURL, tag, { leadResponseMinutes: 15, note: 'zostaje' });
	await login(page, ADMIN);
	await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name: 'Partnerzy' }).click();
	await waitForPath(page, '/admin/partners');
	await page.getByLabel('Szukaj').fill(tag);
	const row = page.getByRole('row').filter({ hasText: `SLA ${tag}` });
	await row.getByRole('button', { name: `Edytuj: SLA ${tag}` }).click();
	const edit = page.getByRole('dialog', { name: `Edycja: SLA ${tag}` });
	assert.equal(await edit.getByLabel('Czas reakcji na lead (minuty)').inputValue(), '15');
	await edit.getByLabel('Kolejny kontakt (dni robocze)').fill('2');
	await edit.getByLabel('Początek pracy (GG:MM)').fill('16:00');
	await edit.getByLabel('Koniec pracy (GG:MM)').fill('08:00');
	await edit.getByRole('button', { name: 'Zapisz zmiany' }).click();
	await expectVisible(edit.getByText('Koniec pracy musi być później niż początek.'), 'the working-hours error');
	await edit.getByLabel('Koniec pracy (GG:MM)').fill('8.00');
	await edit.getByRole('button', { name: 'Zapisz zmiany' }).click();
	await expectVisible(edit.getByText('Podaj godzinę w formacie GG:MM.'), 'the time format error');
	await edit.getByLabel('Początek pracy (GG:MM)').fill('09:00');
	await edit.getByLabel('Koniec pracy (GG:MM)').fill('17:00');
	await edit.getByLabel('Praca w weekendy').selectOption('true');
	await edit.getByRole('button', { name: 'Zapisz zmiany' }).click();
	await expectVisible(toasts(page).getByText(`Zapisano partnera SLA ${tag}.`), 'the saved toast');
	const list = await expectApi(admin, 'GET', `/api/partners?search=${tag}`, undefined, 200);
	const saved = list.data.find((p) => p.id === partner.id);
	assert.deepEqual(saved.slaRules, {
		note: 'zostaje', leadResponseMinutes: 15, followUpDays: 2, workStart: '09:00', workEnd: '17:00', weekendCoverage: true,
	}, 'the rules saved, the other key kept');
	// The server's own check (a client without the form's validation).
	const bad = await admin('PATCH', `/api/partners/${partner.id}`, { slaRules: { leadResponseMinutes: -5 } });
	assert.equal(bad.status, 400, 'a negative rule is 400');
}

export async function badgeOnBoardCardAndLeadDetail({ page, baseURL }) {
	const tag = unique();
	const { admin, partner } = await partnerWithRules(baseURL, tag, { leadResponseMinutes: 30 });
	const late = await expectApi(admin, 'POST', '/api/leads', { partnerId: partner.id, customer: customer(`${tag}late`) }, 201);
	const soon = await expectApi(admin, 'POST', '/api/leads', { partnerId: partner.id, customer: customer(`${tag}soon`) }, 201);
	await sql(`UPDATE "LeadSla" SET "firstContactDueAt" = now() - interval '10 minutes' WHERE "leadId" = '${late.id}'`);
	await sql(`UPDATE "LeadSla" SET "firstContactDueAt" = now() + interval '2 hours' WHERE "leadId" = '${soon.id}'`);
	await login(page, ADMIN);
	await page.goto(`/leads/board?search=${tag}`);
	const lateCard = page.getByTestId('board').locator(`[data-lead-id="${late.id}"]`);
	const soonCard = page.getByTestId('board').locator(`[data-lead-id="${soon.id}"]`);
	const lateBadge = lateCard.locator('.sla-badge');
	await expectVisible(lateBadge, 'the SLA badge on the breached card');
	assert.equal(await lateBadge.getAttribute('data-sla'), 'breached');
	assert.match(await lateBadge.getAttribute('class'), /badge--danger/, 'red when breached');
	assert.match(await lateBadge.textContent(), /^po terminie 1\d min$/, 'how late');
	const soonBadge = soonCard.locator('.sla-badge');
	await expectVisible(soonBadge, 'the SLA badge on the open card');
	assert.equal(await soonBadge.getAttribute('data-sla'), 'open');
	assert.match(await soonBadge.textContent(), /^zostało 1 h 5\d min$/, 'the time left');

	// The detail: a deadline 20 s away counts down live, then turns red.
	await sql(`UPDATE "LeadSla" SET "firstContactDueAt" = now() + interval '20 seconds' WHERE "leadId" = '${soon.id}'`);
	await page.goto(`/leads/${soon.id}`);
	const badge = page.locator('.lead-detail__badges .sla-badge');
	await expectVisible(badge, 'the SLA badge on the lead detail');
	const first = await badge.textContent();
	assert.match(first, /^Pierwszy kontakt: zostało \d+ s$/, 'the countdown');
	await page.waitForFunction((t) => document.querySelector('.lead-detail__badges .sla-badge').textContent !== t, first);
	await page.waitForFunction(() => document.querySelector('.lead-detail__badges .sla-badge').dataset.sla === 'breached',
		undefined, { timeout: 30_000 });
	assert.match(await badge.getAttribute('class'), /badge--danger/, 'red once the deadline passed');
	assert.match(await badge.textContent(), /^Pierwszy kontakt: po terminie \d+ s$/);
}

export async function analyticsShowsTheSlaReport({ page, baseURL }) {
	const tag = unique();
	const { admin, partner } = await partnerWithRules(baseURL, tag, { leadResponseMinutes: 30 });
	const lead = await expectApi(admin, 'POST', '/api/leads', { partnerId: partner.id, customer: customer(`${tag}rep`) }, 201);
	await sql(`UPDATE "LeadSla" SET "firstContactDueAt" = now() - interval '1 minute' WHERE "leadId" = '${lead.id}'`);
	await login(page, ADMIN);
	await page.goto(`/analytics?partnerId=${partner.id}`);
	const report = page.getByTestId('sla-report');
	await expectVisible(report.getByRole('heading', { name: 'Czas reakcji (SLA)' }), 'the SLA report');
	await expectVisible(report.getByTestId('sla-breaches').getByText('1', { exact: true }), 'one breach');
	await expectVisible(report.getByRole('row').filter({ hasText: `SLA ${tag}` }), 'the partner row');
}
