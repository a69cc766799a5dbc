// The lead detail's "RODO: eksport i retencja" section (issue 10, FR-39,
// FR-40), ADMIN only: the admin downloads the Art. 15 export (a printable
// HTML page holding the client's data and the consent's text as given; the
// download is audited as data_exported) and puts the lead on the retention
// whitelist.
import { readFile } from 'node:fs/promises';
import {
	ADMIN, assert, expectVisible, login, unique, apiAs, expectApi, toasts, sql,
} from './lib.mjs';

export async function adminDownloadsArt15Export({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Eksport', lastName: `Rodo${tag}`, email: `rodo${tag}@example.com` },
		consents: [],
	}, 201);
	const tpl = await sql(`SELECT id FROM "ConsentTemplate" WHERE "isActive" ORDER BY id LIMIT 1`);
	await sql(`INSERT INTO "ConsentRecord" (id, "consentTemplateId", "consentType", "leadId", "consentGiven", version, "consentText")
		SELECT 'ce2egdpr${tag}', id, "consentType", '${lead.id}', true, version, 'Treść zgody z chwili wyrażenia ${tag}'
		FROM "ConsentTemplate" WHERE id = '${tpl}'`);

	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const section = page.getByRole('dialog').locator('section')
		.filter({ has: page.getByRole('heading', { name: 'RODO: eksport i retencja' }) });
	const link = section.getByRole('link', { name: 'Eksport danych (Art. 15)' });
	await expectVisible(link, 'the export button');
	const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
	assert.match(download.suggestedFilename(), new RegExp(`^lead_${lead.id}_export_\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z\\.html$`),
		'the file is named lead_<id>_export_<time>.html');
	const page2 = await readFile(await download.path(), 'utf8');
	assert.ok(page2.includes('Eksport danych osobowych (art. 15 RODO)'), 'the export\'s title');
	assert.ok(page2.includes(`Rodo${tag}`) && page2.includes(`rodo${tag}@example.com`), 'the client\'s personal data');
	assert.ok(page2.includes(`Treść zgody z chwili wyrażenia ${tag}`), 'the consent\'s text as given');
	assert.ok(page2.includes('Historia zgód') && page2.includes('Dziennik zdarzeń'), 'the consent history and audit trail sections');
	assert.equal(await sql(`SELECT count(*) FROM "AuditLog" WHERE "leadId" = '${lead.id}' AND action = 'data_exported'`), '1',
		'the download is audited');
}

export async function adminPutsLeadOnRetentionWhitelist({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Retencja', lastName: `Rodo${tag}` }, consents: [],
	}, 201);

	await login(page, ADMIN);
	await page.goto(`/leads/${lead.id}`);
	const section = page.getByRole('dialog').locator('section')
		.filter({ has: page.getByRole('heading', { name: 'RODO: eksport i retencja' }) });
	const exempt = section.getByLabel('Wyłącz z automatycznej anonimizacji');
	assert.equal(await exempt.isChecked(), false, 'not on the whitelist by default');
	await exempt.check();
	await expectVisible(toasts(page).getByText('Lead wyłączony z automatycznej anonimizacji.'), 'the whitelist toast');
	assert.equal(await sql(`SELECT "retentionExempt" FROM "Lead" WHERE id = '${lead.id}'`), 't', 'stored');
}
