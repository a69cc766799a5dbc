// The analytics screen (frontend.md §9, FR-74, FR-75, FR-42) through the real
// stack: a partner of its own with leads made in the database, so the figures
// are known; the charts' drawn data and the table views' cells are checked,
// not only that a canvas exists; the range picker is kept in the URL; the
// stuck-form widget opens the lead; empty and error states; the page at
// phone width.
import { ADMIN, OPERATOR, assert, expectVisible, login, waitForPath, unique, sql, toasts } from './lib.mjs';

/** A partner with 3 leads created yesterday (Warsaw), one of them won, and a stuck form. */
async function makeData(tag) {
	const partner = `canp${tag}`;
	const lead = (n) => `canl${tag}${n}`;
	await sql(`INSERT INTO "Partner" (id, name) VALUES ('${partner}', 'Analityka ${tag}')`);
	await sql(`INSERT INTO "Lead" (id, "partnerId", status, "leadCreatedAt") VALUES
		('${lead(1)}', '${partner}', 'NEW', now() - interval '1 day'),
		('${lead(2)}', '${partner}', 'NEW', now() - interval '1 day'),
		('${lead(3)}', '${partner}', 'CLOSED_WON', now() - interval '1 day')`);
	await sql(`INSERT INTO "LeadStatusHistory" (id, "leadId", "oldStatus", "newStatus", "timestamp")
		VALUES ('canh${tag}', '${lead(3)}', 'NEW', 'CLOSED_WON', now() - interval '12 hours')`);
	await sql(`INSERT INTO "CustomerProfile" (id, "leadId", "firstName", "lastName", email)
		VALUES ('canc${tag}', '${lead(1)}', 'Anna', 'Zawieszona${tag}', 'anna-${tag}@example.com')`);
	await sql(`INSERT INTO "ApplicationForm" (id, "leadId", status, "uniqueLink", "accessCodeHash", "completionPercent", "lastAutoSave")
		VALUES ('canf${tag}', '${lead(1)}', 'IN_PROGRESS', 'an-${tag}', 'h', 42, now() - interval '2 days')`);
	const day = await sql(`SELECT to_char((now() - interval '1 day') AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD')`);
	return { partner, lead, day };
}

/** The rows of a section's table view as arrays of cell texts. */
async function tableRows(section) {
	return section.locator('tbody tr').evaluateAll((rows) =>
		rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
}

/** The data Chart.js drew in a section's canvas: { labels, values }. */
async function chartData(section) {
	const canvas = section.locator('canvas');
	await canvas.waitFor({ state: 'attached' });
	await section.page().waitForFunction((el) => Boolean(el.__chart), await canvas.elementHandle());
	return canvas.evaluate((el) => ({ labels: el.__chart.data.labels, values: el.__chart.data.datasets[0].data }));
}

export async function dashboardShowsTheFiguresOfItsPartner({ page }) {
	const tag = unique();
	const { partner, lead, day } = await makeData(tag);
	await login(page, ADMIN);
	await page.goto(`/analytics?rangeDays=7&partnerId=${partner}`);
	await expectVisible(page.getByRole('heading', { name: 'Analityka', level: 1 }), 'the analytics page');
	assert.equal(await page.getByLabel('Zakres czasu').inputValue(), '7');
	assert.equal(await page.getByLabel('Partner', { exact: true }).inputValue(), partner);

	const tiles = page.getByTestId('analytics-summary');
	await expectVisible(tiles.getByText('33,3%'), 'the conversion tile (1 of 3)');
	assert.deepEqual(await tiles.locator('.analytics-tile__value').allTextContents(), ['3', '3', '33,3%', '0,5 dnia']);

	// Lead volume: the chart's points, then the table view's cells.
	const volume = page.locator('#chart-volume');
	const drawn = await chartData(volume);
	assert.equal(drawn.labels.length, 7, 'one point per day of the range');
	assert.equal(drawn.values[drawn.labels.indexOf(day)], 3, `3 leads on ${day}`);
	assert.equal(drawn.values.reduce((a, b) => a + b, 0), 3, 'no other leads');
	await volume.getByRole('button', { name: 'Pokaż jako tabelę' }).click();
	const volumeRows = await tableRows(volume);
	assert.equal(volumeRows.length, 7);
	assert.deepEqual(volumeRows.find((r) => r[0] === day), [day, '3']);
	await volume.getByRole('button', { name: 'Pokaż wykres' }).click();
	await volume.locator('canvas').waitFor();

	// Conversion by partner and the funnel, as tables.
	const conversion = page.locator('#chart-conversion');
	assert.deepEqual((await chartData(conversion)).values, [1 / 3]);
	await conversion.getByRole('button', { name: 'Pokaż jako tabelę' }).click();
	assert.deepEqual(await tableRows(conversion), [[`Analityka ${tag}`, '3', '1', '33,3%']]);
	const funnel = page.locator('#chart-funnel');
	assert.deepEqual(await chartData(funnel), { labels: ['Nowy', 'Zakończony – sukces'], values: [2, 1] });
	await funnel.getByRole('button', { name: 'Pokaż jako tabelę' }).click();
	assert.deepEqual(await tableRows(funnel), [['Nowy', '2'], ['Zakończony – sukces', '1']]);

	// Compliance: three leads, none with consents.
	const compliance = page.locator('#compliance');
	await expectVisible(compliance.getByText('0 z 3'), 'the complete-consents tile');

	// The range picker is kept in the URL (30 is the default: no parameter).
	await page.getByLabel('Zakres czasu').selectOption('30');
	await waitForPath(page, `/analytics?partnerId=${partner}`);
	await expectVisible(page.getByText('Utworzone w ostatnich 30 dniach'), 'the new range');

	// The stuck form opens its lead.
	const stuck = page.locator('[data-widget="stuck-forms"]');
	const link = stuck.getByRole('link', { name: `Anna Zawieszona${tag}` });
	await expectVisible(link, 'the stuck form of the lead');
	await expectVisible(stuck.getByText('42%'), 'its completion');
	await link.click();
	await waitForPath(page, `/leads/${lead(1)}`);
}

export async function emptyAndErrorStates({ page }) {
	const tag = unique();
	await sql(`INSERT INTO "Partner" (id, name) VALUES ('cane${tag}', 'Pusty ${tag}')`);
	await login(page, ADMIN);
	await page.goto(`/analytics?partnerId=cane${tag}`);
	await expectVisible(page.getByText('Brak danych o konwersji partnerów.'), 'the empty conversion chart');
	await expectVisible(page.getByText('Brak leadów w lejku.'), 'the empty funnel');
	const volume = page.locator('#chart-volume');
	const drawn = await chartData(volume);
	assert.equal(drawn.values.length, 30, 'an empty range is still 30 zero days');
	assert.ok(drawn.values.every((v) => v === 0));

	await page.route('**/api/analytics/dashboard*', (route) => route.fulfill({
		status: 400, contentType: 'application/json', body: JSON.stringify({ message: `Awaria ${tag}` }),
	}));
	await page.getByLabel('Zakres czasu').selectOption('90');
	await expectVisible(page.getByRole('alert').getByText(`Awaria ${tag}`), 'the error banner');
	await expectVisible(toasts(page).getByText(`Awaria ${tag}`), 'the error toast');
}

export async function operatorSeesAnalyticsWithoutPartnerPicker({ page }) {
	await login(page, OPERATOR);
	// The phone's width from the start: the charts are drawn for it.  (Resizing a desktop page
	// left Chart.js's canvases at their old width for seconds on a loaded machine.)
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/analytics');
	await expectVisible(page.getByRole('heading', { name: 'Analityka', level: 1 }), 'the analytics page');
	await expectVisible(page.getByText('Nieudane próby PIN'), 'the monitoring widget');
	assert.equal(await page.getByLabel('Partner', { exact: true }).count(), 0, 'no partner picker for an operator');
	// Wait (bounded) for the layout to settle, then measure.
	await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null,
		{ timeout: 10000 }).catch(() => {});
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `the analytics page is ${overflow}px wider than a phone`);
}
