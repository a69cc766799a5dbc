// Tasks and reminders end to end (issue 13): a staff user adds a task on the
// lead detail ("Zadania"), sees it in the bell of the header and completes it
// there; the lead's nextActionAt follows. The daily digest (`izzyctl tasks
// digest`, common/tasks.c) reaches the mail catcher through the outbox and
// the worker with the right task.
import {
	ADMIN, assert, expectVisible, login, unique, apiAs, expectApi, sql,
} from './lib.mjs';

/** A datetime-local value `minutes` from now in the browser's time zone. */
function localInput(page, minutes) {
	return page.evaluate((m) => {
		const d = new Date(Date.now() + m * 60000);
		const p = (n) => String(n).padStart(2, '0');
		return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
	}, minutes);
}

export async function createTaskSeeItInTheBellComplete({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Zofia', lastName: `Zad${tag}`, email: `zad${tag}@example.com`, phone: '+48 600 100 200' }, consents: [],
	}, 201);
	await login(page, ADMIN);
	await page.goto(baseURL + `/leads/${lead.id}`);
	const section = page.locator('.lead-tasks');
	await expectVisible(section.getByRole('heading', { name: 'Zadania' }), 'the Zadania section');
	await section.locator('input[name="dueAt"]').fill(await localInput(page, -5));
	await section.locator('input[name="description"]').fill(`Oddzwonić ${tag}`);
	await section.getByTestId('task-add').click();
	await expectVisible(section.getByText(`Oddzwonić ${tag}`), 'the new task on the lead');
	await expectVisible(section.getByText('zaległe'), 'marked overdue (due five minutes ago)');
	const due = await sql(`SELECT "nextActionAt" = (SELECT "dueAt" FROM "Reminder" WHERE "leadId" = '${lead.id}') FROM "Lead" WHERE id = '${lead.id}'`);
	assert.equal(due, 't', 'nextActionAt is the task\'s due time');

	// The bell lists it (the lead detail is a dialog over the list: close it first).
	await page.locator('.modal__close').click();
	await page.locator('.modal-overlay').waitFor({ state: 'detached' });
	// (refreshed at once after the change, polled every 60 s otherwise).
	await expectVisible(page.getByTestId('task-bell-count'), 'the bell shows a count');
	await page.getByTestId('task-bell').click();
	const panel = page.locator('.task-bell__panel');
	const row = panel.locator('[data-testid="task"]', { hasText: `Oddzwonić ${tag}` });
	await expectVisible(row, 'the task in the bell');
	await expectVisible(row.getByText(`Zofia Zad${tag}`), 'with its customer');
	await row.getByTestId('task-complete').click();
	await panel.locator('[data-testid="task"]', { hasText: `Oddzwonić ${tag}` }).waitFor({ state: 'detached' });
	assert.equal(await sql(`SELECT status FROM "Reminder" WHERE "leadId" = '${lead.id}'`), 'COMPLETED', 'completed');
	assert.equal(await sql(`SELECT "nextActionAt" IS NULL FROM "Lead" WHERE id = '${lead.id}'`), 't', 'no open task: nextActionAt cleared');
}

export async function dailyDigestReachesTheMailCatcher({ baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Jan', lastName: `Dig${tag}`, email: `dig${tag}@example.com`, phone: '+48 600 100 300' }, consents: [],
	}, 201);
	await expectApi(admin, 'POST', `/api/leads/${lead.id}/reminders`,
		{ dueAt: new Date(Date.now() - 60000).toISOString(), description: `Digest ${tag}` }, 201);
	const { execFileSync } = await import('node:child_process');
	const out = execFileSync(`${process.env.top_builddir}/bin/izzyctl`, ['tasks', 'digest'],
		{ env: { ...process.env, DATABASE_URL: process.env.IZZY_DB_URL }, encoding: 'utf8' });
	assert.match(out, /tasks digest: [1-9]\d* mail\(s\) queued/, 'the digest queued mail');
	let seen = [];
	for (let i = 0; i < 200; i++) {
		const res = await fetch(process.env.IZZY_MAILDEV_URL + '/api/email');
		seen = res.ok ? await res.json() : [];
		const mail = seen.find((m) => (m.to || []).some((a) => a.address === ADMIN.email) && (m.text || '').includes(`Digest ${tag}`));
		if (mail) {
			assert.match(mail.subject, /^Zadania na \d{4}-\d{2}-\d{2}: /, 'the digest subject');
			assert.ok(mail.text.includes(`Jan Dig${tag}`), 'the task\'s customer');
			assert.ok(mail.text.includes(lead.id), 'the lead (linked when APP_BASE_URL is set)');
			return;
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`no digest reached the mail catcher: ${JSON.stringify(seen.slice(-1)).slice(0, 1000)}`);
}

// "Następny kontakt": the status change and its task in one request; a past
// date is refused on the field; the task shows on the lead and in the bell.
export async function statusChangeWithNextContact({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const lead = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Ewa', lastName: `Nast${tag}`, email: `nast${tag}@example.com`, phone: '+48 600 100 400' }, consents: [],
	}, 201);
	await login(page, ADMIN);
	await page.goto(baseURL + `/leads/${lead.id}`);
	const statusSection = page.getByRole('region', { name: 'Zmiana statusu' });
	await statusSection.getByLabel('Nowy status').selectOption('FIRST_CONTACT');
	const next = statusSection.getByLabel('Następny kontakt (zadanie)');
	await next.fill(await localInput(page, -60));
	await statusSection.getByRole('button', { name: 'Zmień status' }).click();
	await expectVisible(statusSection.getByText('Termin następnego kontaktu musi być w przyszłości.'), 'a past date refused on the field');
	assert.equal(await sql(`SELECT status FROM "Lead" WHERE id = '${lead.id}'`), 'NEW', 'nothing changed');

	await next.fill(await localInput(page, 5));
	await statusSection.getByRole('button', { name: 'Zmień status' }).click();
	await expectVisible(page.getByText('Status leada zmieniony na „Pierwszy kontakt”.'), 'the status toast');
	const section = page.locator('.lead-tasks');
	await expectVisible(section.getByText('Następny kontakt'), 'the task on the lead');
	assert.equal(await sql(`SELECT count(*) FROM "Reminder" WHERE "leadId" = '${lead.id}' AND status = 'OPEN'`), '1', 'one task');
	assert.equal(await sql(`SELECT count(*) FROM "LeadStatusHistory" WHERE "leadId" = '${lead.id}' AND "newStatus" = 'FIRST_CONTACT'`), '1', 'the history row');
	assert.equal(await sql(`SELECT "nextActionAt" = (SELECT "dueAt" FROM "Reminder" WHERE "leadId" = '${lead.id}') FROM "Lead" WHERE id = '${lead.id}'`), 't', 'nextActionAt follows the task');

	await page.locator('.modal__close').click();
	await page.locator('.modal-overlay').waitFor({ state: 'detached' });
	await page.getByTestId('task-bell').click();
	const row = page.locator('.task-bell__panel [data-testid="task"]', { hasText: `Ewa Nast${tag}` });
	await expectVisible(row, 'the task in the bell');
	await expectVisible(row.getByText('Następny kontakt'), 'with its description');
}
