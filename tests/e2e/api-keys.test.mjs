// Partner API keys in the browser (issue 14): a partner manager creates a
// key on "Klucze API", copies the value shown once, uses it with fetch
// (create and list leads as the partner), revokes it, and the next call is
// refused; the list never shows the key again. An admin reaches the same
// section from the partner list.
import { ADMIN, assert, expectVisible, login, unique, apiAs, expectApi, acceptInvitation, toasts } from './lib.mjs';

export async function partnerManagerCreatesCopiesUsesAndRevokesAnApiKey({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const partner = await expectApi(admin, 'POST', '/api/partners', { name: `Klucze ${tag}` }, 201);
	const other = await expectApi(admin, 'POST', '/api/leads', {
		partnerId: 'seed-partner', customer: { firstName: 'Obcy', lastName: `Lead${tag}` }, consents: [],
	}, 201);
	const email = `pm-${tag}@example.com`;
	await expectApi(admin, 'POST', '/api/users', {
		email, fullName: `Menedżer ${tag}`, role: 'PARTNER_MANAGER', partnerId: partner.id,
	}, 201);
	const password = 'Menedzer-Haslo-42!';
	await acceptInvitation(page, email, password);
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
	await login(page, { email, password });

	const nav = page.getByRole('navigation', { name: 'Nawigacja główna' });
	await nav.getByRole('link', { name: /Klucze API/ }).click();
	await expectVisible(page.getByRole('heading', { name: 'Klucze API' }).first(), 'the API keys screen');
	await page.getByLabel('Nazwa klucza').fill(`System ${tag}`);
	await page.getByLabel('Odczyt własnych leadów').check();
	await page.getByRole('button', { name: 'Utwórz klucz' }).click();
	const shown = page.getByTestId('api-key-value');
	await expectVisible(shown, 'the new key');
	const key = (await shown.textContent()).trim();
	assert.match(key, /^izk_[0-9a-f]{64}$/);
	await page.getByRole('button', { name: 'Kopiuj klucz' }).click();
	await expectVisible(page.getByRole('button', { name: 'Skopiowano' }), 'the copied state');
	const copied = await page.evaluate(() => navigator.clipboard.readText());
	assert.equal(copied, key, 'the clipboard holds the key');

	const row = page.getByRole('row').filter({ hasText: `System ${tag}` });
	await expectVisible(row.getByText(key.slice(0, 12) + '…'), 'the prefix in the list');
	await expectVisible(row.getByText('nieużywany'), 'never used yet');
	await page.getByRole('button', { name: 'Gotowe' }).click();
	assert.equal(await page.getByText(key).count(), 0, 'the key is not shown again');

	// The copied value works as a bearer key, for this partner only.
	const bearer = { Authorization: 'Bearer ' + copied };
	let res = await fetch(baseURL + '/api/leads', {
		method: 'POST', headers: { ...bearer, 'Content-Type': 'application/json' },
		body: JSON.stringify({ customer: { firstName: 'Z', lastName: `Api${tag}` } }),
	});
	assert.equal(res.status, 201, 'the key creates a lead');
	const created = await res.json();
	assert.equal(created.partnerId, partner.id);
	res = await fetch(baseURL + '/api/leads', { headers: bearer });
	assert.equal(res.status, 200, 'the key lists leads');
	const ids = (await res.json()).data.map((l) => l.id);
	assert.deepEqual(ids, [created.id], 'only its partner\'s lead');
	assert.ok(!ids.includes(other.id));

	await page.reload();
	const used = page.getByRole('row').filter({ hasText: `System ${tag}` });
	await expectVisible(used.getByText('Aktywny'), 'active');
	assert.equal(await used.getByText('nieużywany').count(), 0, 'the last use is shown');

	page.once('dialog', (d) => d.accept());
	await used.getByRole('button', { name: `Unieważnij: System ${tag}` }).click();
	await expectVisible(toasts(page).getByText(`Unieważniono klucz System ${tag}.`), 'the revoked toast');
	await expectVisible(page.getByRole('row').filter({ hasText: `System ${tag}` }).getByText('Unieważniony'), 'revoked in the list');
	res = await fetch(baseURL + '/api/leads', { headers: bearer });
	assert.equal(res.status, 401, 'the next call of the revoked key is 401');
}

export async function adminOpensAPartnersApiKeys({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	await expectApi(admin, 'POST', '/api/partners', { name: `Admin klucze ${tag}` }, 201);
	await login(page, ADMIN);
	await page.goto(`/admin/partners?search=${tag}`);
	await page.getByRole('button', { name: `Klucze API: Admin klucze ${tag}` }).click();
	const dialog = page.getByRole('dialog', { name: `Klucze API: Admin klucze ${tag}` });
	await expectVisible(dialog.getByText('Brak kluczy API.'), 'no keys yet');
	await dialog.getByLabel('Nazwa klucza').fill('Zapis');
	await dialog.getByRole('button', { name: 'Utwórz klucz' }).click();
	await expectVisible(dialog.getByTestId('api-key-value'), 'the key shown once');
	await expectVisible(dialog.getByRole('row').filter({ hasText: 'Zapis' }).getByText('Dodawanie leadów'), 'its scope');
}
