// Partner webhooks in the browser (issue 14): an admin opens "Webhooki" of a
// partner on the partner list, adds a subscription to a receiver this test
// runs (a node HTTP server on an ephemeral local port), sees the signing
// secret once, sends a test event, and the stack's worker delivers it:
// the receiver gets it signed with that secret, and the delivery log shows
// it "Dostarczono" with HTTP 200. Switching the subscription off and
// deleting it are checked too.
import http from 'node:http';
import crypto from 'node:crypto';
import { ADMIN, assert, expectVisible, login, unique, apiAs, expectApi, toasts } from './lib.mjs';

/** A local receiver: resolves { url, requests, close }. */
function receiver() {
	const requests = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
		url: `http://127.0.0.1:${server.address().port}/hook`,
		requests,
		close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
	})));
}

export async function adminAddsAWebhookSeesTheSecretOnceAndSendsATestEvent({ page, baseURL }) {
	const tag = unique();
	const admin = await apiAs(baseURL, ADMIN);
	const partner = await expectApi(admin, 'POST', '/api/partners', { name: `Webhooki ${tag}` }, 201);
	const rx = await receiver();
	try {
		await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
		await login(page, ADMIN);
		await page.goto(`/admin/partners?search=${tag}`);
		await page.getByRole('button', { name: `Webhooki: Webhooki ${tag}` }).click();
		const dialog = page.getByRole('dialog', { name: `Webhooki: Webhooki ${tag}` });
		await expectVisible(dialog, 'the webhooks dialog');

		await dialog.getByLabel('Adres URL odbiorcy').fill(rx.url);
		await dialog.getByLabel('Wysłany wniosek').check();
		await dialog.getByRole('button', { name: 'Dodaj subskrypcję' }).click();
		const shown = dialog.getByTestId('webhook-secret');
		await expectVisible(shown, 'the new secret');
		const secret = (await shown.textContent()).trim();
		assert.match(secret, /^whsec_[0-9a-f]{64}$/);
		await dialog.getByRole('button', { name: 'Kopiuj sekret' }).click();
		await expectVisible(dialog.getByRole('button', { name: 'Skopiowano' }), 'the copied state');
		assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret, 'the clipboard holds the secret');

		const row = dialog.getByRole('row').filter({ hasText: rx.url });
		await expectVisible(row.getByText('Nowy lead, Zmiana statusu leada, Wysłany wniosek'), 'the events in the list');
		await expectVisible(row.getByText(secret.slice(0, 12) + '…'), 'the secret\'s prefix in the list');
		await dialog.getByRole('button', { name: 'Gotowe' }).click();
		assert.equal(await page.getByText(secret).count(), 0, 'the secret is not shown again');

		await row.getByRole('button', { name: `Wyślij zdarzenie testowe: ${rx.url}` }).click();
		await expectVisible(toasts(page).getByText('Zdarzenie testowe czeka na wysłanie.'), 'the queued toast');
		const log = dialog.getByRole('region', { name: `Historia dostarczeń: ${rx.url}` });
		await expectVisible(log.getByText('Zdarzenie testowe'), 'the test event in the delivery log');

		// The stack's worker delivers it; the log shows it once it is SENT.
		const deadline = Date.now() + 30000;
		while (rx.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
		assert.equal(rx.requests.length, 1, 'the receiver got the test event');
		const got = rx.requests[0];
		assert.equal(got.headers['x-izzy-event'], 'webhook.test');
		const mac = crypto.createHmac('sha256', secret).update(got.headers['x-izzy-timestamp'] + '.' + got.body).digest('hex');
		assert.equal(got.headers['x-izzy-signature'], 'sha256=' + mac, 'signed with the secret shown once');
		assert.equal(JSON.parse(got.body).partnerId, partner.id);
		let delivered = false;
		for (let i = 0; i < 20 && !delivered; i++) {
			await log.getByRole('button', { name: 'Odśwież' }).click();
			delivered = await log.getByTestId('delivery-status').filter({ hasText: 'Dostarczono' }).count() === 1;
			if (!delivered) await new Promise((r) => setTimeout(r, 300));
		}
		assert.ok(delivered, 'the delivery log shows "Dostarczono"');
		await expectVisible(log.getByRole('cell', { name: '200', exact: true }), 'the HTTP code');

		// Switch off, then delete.
		await row.getByRole('button', { name: `Wyłącz: ${rx.url}` }).click();
		await expectVisible(row.getByText('Wyłączona'), 'switched off');
		page.once('dialog', (d) => d.accept());
		await row.getByRole('button', { name: `Usuń: ${rx.url}` }).click();
		await expectVisible(toasts(page).getByText('Subskrypcja usunięta.'), 'the deleted toast');
		await expectVisible(dialog.getByText('Brak subskrypcji.'), 'the list is empty');
	} finally {
		await rx.close();
	}
}
