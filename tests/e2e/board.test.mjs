// The staff workspace of issue 13 through the real stack: the pipeline board
// (a drag that needs a reason → the dialog → the lead moved and its history
// row; a move the policy forbids refused with its message; keyboard moves),
// the shortcuts and the command palette, a saved view (created, listed in the
// sidebar, applied) and a bulk assignment from the list.
import {
	ADMIN, OPERATOR, assert, expectVisible, login, waitForPath, unique, apiAs, expectApi, toasts, sql, customer,
} from './lib.mjs';

async function makeLeads(baseURL, tag, n) {
	const admin = await apiAs(baseURL, ADMIN);
	const ids = [];
	for (let i = 1; i <= n; i++) {
		const lead = await expectApi(admin, 'POST', '/api/leads', { partnerId: 'seed-partner', customer: customer(`${tag}x${i}`) }, 201);
		ids.push(lead.id);
	}
	return { admin, ids };
}

/*
 * Drags a card onto a column with the HTML5 drag events the board listens to
 * (dragstart on the card, dragover and drop on the column) and one
 * DataTransfer, as the browser does for a mouse drag.
 */
async function drag(page, card, target) {
	const dataTransfer = await page.evaluateHandle(() => new DataTransfer());
	await card.dispatchEvent('dragstart', { dataTransfer });
	await target.dispatchEvent('dragover', { dataTransfer });
	await target.dispatchEvent('drop', { dataTransfer });
}

/** Waits until `n` toasts show `text`. */
async function toastCount(page, text, n) {
	await page.waitForFunction(([t, k]) => Array.from(document.querySelectorAll('.toasts *'))
		.filter((el) => el.children.length === 0 && el.textContent.includes(t)).length >= k, [text, n]);
}

function column(page, label) {
	return page.getByTestId('board').getByRole('region', { name: label, exact: true });
}

export async function dragNeedsReason({ page, baseURL }) {
	const tag = unique();
	const { ids: [id] } = await makeLeads(baseURL, tag, 1);
	await login(page, ADMIN);
	await page.goto(`/leads/board?search=${tag}`);
	const card = column(page, 'Nowy').locator(`[data-lead-id="${id}"]`);
	await expectVisible(card, 'the card in the NEW column');
	await drag(page, card, column(page, 'Zakończony – utracony'));
	const dialog = page.getByRole('dialog');
	await expectVisible(dialog, 'the reason dialog');
	await dialog.getByLabel('Powód').selectOption('NO_CONTACT');
	await dialog.getByRole('button', { name: 'Zmień status' }).click();
	await expectVisible(column(page, 'Zakończony – utracony').locator(`[data-lead-id="${id}"]`), 'the card in the CLOSED_LOST column');
	assert.equal(await sql(`SELECT status FROM "Lead" WHERE id = '${id}'`), 'CLOSED_LOST');
	assert.equal(await sql(`SELECT concat_ws('|', "oldStatus", "newStatus", "reasonCode") FROM "LeadStatusHistory" WHERE "leadId" = '${id}'`),
		'NEW|CLOSED_LOST|NO_CONTACT', 'the history row');
}

export async function keyboardAndForbiddenMoves({ page, baseURL }) {
	const tag = unique();
	const { admin, ids: [id] } = await makeLeads(baseURL, tag, 1);
	const opId = await sql(`SELECT id FROM "User" WHERE email = '${OPERATOR.email}'`);
	await expectApi(admin, 'POST', '/api/leads/bulk', { action: 'assign', ids: [id], userId: opId }, 200);
	await login(page, OPERATOR);
	await page.goto(`/leads/board?search=${tag}`);
	const card = page.locator(`.board-card[data-lead-id="${id}"]`);
	await expectVisible(column(page, 'Nowy').locator(`[data-lead-id="${id}"]`), 'the card in NEW');
	// Shift+→: NEW → the next column, a recommended move without a reason.
	await card.focus();
	await page.keyboard.press('Shift+ArrowRight');
	await expectVisible(column(page, 'Onboarding potwierdzony').locator(`[data-lead-id="${id}"]`), 'the card moved right');
	await page.waitForFunction((leadId) => document.activeElement && document.activeElement.dataset.leadId === leadId, id);
	assert.equal(await sql(`SELECT status FROM "Lead" WHERE id = '${id}'`), 'ONBOARDING_CONFIRMED');
	// Shift+← back to NEW is off the recommended paths: refused for an operator.
	const refused = 'Ta zmiana statusu jest niedozwolona.';
	await page.keyboard.press('Shift+ArrowLeft');
	await expectVisible(toasts(page).getByText(refused), 'the policy message');
	assert.equal(await sql(`SELECT status FROM "Lead" WHERE id = '${id}'`), 'ONBOARDING_CONFIRMED', 'not moved');
	// The same by drag and drop: a second refusal, no dialog, no change.
	await drag(page, card, column(page, 'Zakończony – sukces'));
	await toastCount(page, refused, 2);
	assert.equal(await page.getByRole('dialog').count(), 0, 'no dialog for a forbidden move');
	assert.equal(await sql(`SELECT status FROM "Lead" WHERE id = '${id}'`), 'ONBOARDING_CONFIRMED', 'not moved by drag');
}

export async function shortcutsAndPalette({ page, baseURL }) {
	const tag = unique();
	const { ids: [id] } = await makeLeads(baseURL, tag, 1);
	await login(page, ADMIN);
	await page.locator('main').click({ position: { x: 5, y: 5 } });
	await page.keyboard.press('?');
	await expectVisible(page.getByTestId('shortcut-sheet'), 'the shortcut sheet');
	await page.keyboard.press('Escape');
	await page.keyboard.press('g');
	await page.keyboard.press('b');
	await waitForPath(page, '/leads/board');
	await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'main');
	await page.keyboard.press('g');
	await page.keyboard.press('l');
	await waitForPath(page, '/leads');
	// The shell moves focus to the new screen's content first.  The board stays on screen
	// until the list has rendered, and its own search field would satisfy a bare
	// input[name="search"]: wait for the list's, inside its card.
	await page.locator('.list-card input[name="search"]').waitFor({ state: 'visible' });
	await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'main');
	await page.keyboard.press('/');
	assert.equal(await page.evaluate(() => document.activeElement.name), 'search', '/ focuses the search');
	// Typing in a field is typing: "n" goes into the box, no dialog opens.
	await page.keyboard.type('n');
	assert.equal(await page.getByRole('dialog').count(), 0, 'no shortcut while typing');
	await page.locator('main').click({ position: { x: 5, y: 5 } });
	await page.keyboard.press('n');
	await expectVisible(page.getByRole('dialog', { name: 'Nowy lead' }), 'the new-lead dialog');
	await page.keyboard.press('Escape');
	await page.keyboard.press('Control+k');
	const palette = page.getByTestId('palette');
	await expectVisible(palette, 'the command palette');
	await palette.getByRole('combobox').fill(`Jan${tag}x1`);
	await expectVisible(palette.getByRole('option', { name: new RegExp(`Jan${tag}x1`) }), 'the lead found by name');
	await page.keyboard.press('Enter');
	await waitForPath(page, `/leads/${id}`);
	await expectVisible(page.getByRole('dialog'), 'the lead detail');
}

export async function savedViewInSidebar({ page, baseURL }) {
	const tag = unique();
	await makeLeads(baseURL, tag, 1);
	await login(page, ADMIN);
	await page.locator('select[name="status"]').selectOption('FOLLOW_UP');
	await waitForPath(page, '/leads?status=FOLLOW_UP');
	await page.getByRole('button', { name: 'Zapisz widok' }).click();
	const dialog = page.getByRole('dialog', { name: 'Zapisz widok listy' });
	await dialog.getByLabel('Nazwa widoku').fill(`Widok ${tag}`);
	await dialog.getByLabel('Udostępnij zespołowi').check();
	await dialog.getByRole('button', { name: 'Zapisz' }).click();
	const link = page.getByTestId('saved-views').getByRole('link', { name: `Widok ${tag}` });
	await expectVisible(link, 'the view in the sidebar');
	await page.goto('/leads');
	await link.click();
	await waitForPath(page, '/leads?status=FOLLOW_UP');
	assert.equal(await page.locator('select[name="status"]').inputValue(), 'FOLLOW_UP', 'the view applied its filter');
	assert.equal(await sql(`SELECT shared::text FROM "SavedView" WHERE name = 'Widok ${tag}'`), 'true');
}

export async function bulkAssignFromList({ page, baseURL }) {
	const tag = unique();
	const { ids } = await makeLeads(baseURL, tag, 3);
	const opId = await sql(`SELECT id FROM "User" WHERE email = '${OPERATOR.email}'`);
	await login(page, ADMIN);
	await page.goto(`/leads?search=${tag}`);
	const rows = page.locator('tr[data-row-key]');
	await page.waitForFunction(() => document.querySelectorAll('tr[data-row-key]').length === 3);
	await rows.nth(0).getByRole('checkbox').click();
	await rows.nth(2).getByRole('checkbox').click({ modifiers: ['Shift'] });
	const bar = page.getByTestId('bulk-bar');
	await expectVisible(bar.getByText('Zaznaczone: 3'), 'three rows selected by a shift-click range');
	await bar.getByLabel('Akcja').selectOption('assign');
	await bar.getByLabel('Opiekun').selectOption(opId);
	await bar.getByRole('button', { name: 'Wykonaj' }).click();
	await expectVisible(toasts(page).getByText('Zmieniono: 3, niepowodzenia: 0'), 'the bulk result');
	const list = ids.map((i) => `'${i}'`).join(',');
	assert.equal(await sql(`SELECT count(*) FROM "Lead" WHERE id IN (${list}) AND "assignedUserId" = '${opId}'`), '3');
	assert.equal(await sql(`SELECT count(*) FROM "AuditLog" WHERE "leadId" IN (${list}) AND action = 'assignment_change'`), '3');
}
