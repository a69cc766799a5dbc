// Round-robin assignment in the browser (issue 13): the admin turns the
// partner's rotation on with two operators weighted 2:1 and a third one
// weighted 1, marks the third absent on the users screen, and the leads
// created for the partner afterwards go to the two present operators by
// their weights; the absent one gets none. The Polish labels of both dialogs
// are checked on the way.
import { ADMIN, assert, expectVisible, login, unique, apiAs, expectApi, sql, toasts } from './lib.mjs';

/** Today in the browser's time zone as YYYY-MM-DD, plus `days`. */
function day(page, days) {
	return page.evaluate((n) => {
		const d = new Date(Date.now() + n * 86400000);
		const p = (x) => String(x).padStart(2, '0');
		return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
	}, days);
}

export async function rotationByWeightSkipsTheAbsentOperator({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const partner = await expectApi(admin, 'POST', '/api/partners', { name: `Rotacja ${tag}` }, 201);
	const ops = {};
	for (const [key, name] of [['a', 'Adam'], ['b', 'Beata'], ['c', 'Cezary']]) {
		ops[key] = await expectApi(admin, 'POST', '/api/users', {
			email: `rr-${key}-${tag}@example.com`, fullName: `${name} Rot${tag}`, role: 'OPERATOR', partnerId: partner.id,
		}, 201);
	}
	// The invitations count as accepted: only active operators take part in the rotation.
	await sql(`UPDATE "User" SET status = 'ACTIVE' WHERE id IN ('${ops.a.id}', '${ops.b.id}', '${ops.c.id}')`);
	await login(page, ADMIN);

	// The partner's rotation: on, weights 2, 1 and 1.
	await page.goto(baseURL + `/admin/partners?search=${encodeURIComponent(`Rotacja ${tag}`)}`);
	await page.getByRole('button', { name: `Automatyczny przydział leadów: Rotacja ${tag}` }).click();
	const dialog = page.getByRole('dialog', { name: `Automatyczny przydział leadów — Rotacja ${tag}` });
	await expectVisible(dialog.getByText('Zespół i wagi'), 'the team legend');
	await dialog.getByLabel('Przydzielaj nowe leady po kolei (round-robin)').check();
	await dialog.getByLabel(`Waga: Adam Rot${tag}`).fill('2');
	await dialog.getByLabel(`Waga: Beata Rot${tag}`).fill('1');
	await dialog.getByLabel(`Waga: Cezary Rot${tag}`).fill('1');
	await dialog.getByRole('button', { name: 'Zapisz rotację' }).click();
	await expectVisible(toasts(page).getByText(`Rotacja partnera Rotacja ${tag} włączona.`), 'the rotation toast');
	await dialog.waitFor({ state: 'detached' });

	// Cezary is absent from today for a week (users screen).
	await page.goto(baseURL + `/admin/users?search=${encodeURIComponent(`rr-c-${tag}`)}`);
	await page.getByRole('button', { name: `Nieobecność: Cezary Rot${tag}` }).click();
	const absence = page.getByRole('dialog', { name: `Nieobecność — Cezary Rot${tag}` });
	await absence.getByLabel('Nieobecny od').fill(await day(page, 0));
	await absence.getByLabel('Nieobecny do').fill(await day(page, 7));
	await absence.getByRole('button', { name: 'Zapisz' }).click();
	await expectVisible(toasts(page).getByText('Nieobecność zapisana.'), 'the absence toast');
	await absence.waitFor({ state: 'detached' });

	// The rotation dialog now shows who receives leads.
	await page.goto(baseURL + `/admin/partners?search=${encodeURIComponent(`Rotacja ${tag}`)}`);
	await page.getByRole('button', { name: `Automatyczny przydział leadów: Rotacja ${tag}` }).click();
	const again = page.getByRole('dialog', { name: `Automatyczny przydział leadów — Rotacja ${tag}` });
	await expectVisible(again.getByText(/^Nieobecny \(.+\) — nie otrzymuje leadów$/), 'the absent operator marked');
	assert.equal(await again.getByLabel('Przydzielaj nowe leady po kolei (round-robin)').isChecked(), true, 'the rotation is on');
	assert.equal(await again.getByText('Dostępny — otrzymuje leady').count(), 2, 'two operators available');
	await again.getByRole('button', { name: 'Anuluj' }).click();

	// Six new leads of the partner: 4 for Adam, 2 for Beata (within one), none for Cezary.
	for (let i = 0; i < 6; i++) {
		await expectApi(admin, 'POST', '/api/leads', {
			partnerId: partner.id, customer: { firstName: 'Klient', lastName: `Rot${tag}-${i}` }, consents: [],
		}, 201);
	}
	const counts = JSON.parse(await sql(`SELECT json_object_agg(coalesce("assignedUserId", 'none'), n) FROM
		(SELECT "assignedUserId", count(*) AS n FROM "Lead" WHERE "partnerId" = '${partner.id}' GROUP BY 1) x`));
	const a = counts[ops.a.id] || 0;
	const b = counts[ops.b.id] || 0;
	assert.equal(counts[ops.c.id] || 0, 0, 'the absent operator gets no lead');
	assert.equal(a + b, 6, `every lead assigned: ${JSON.stringify(counts)}`);
	assert.ok(Math.abs(a - 4) <= 1 && Math.abs(b - 2) <= 1, `2:1 within one lead: ${JSON.stringify(counts)}`);
}
