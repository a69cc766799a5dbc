// The "Eksportuj" menu of the lead list (issue 14): the list's current
// filters and visible columns as a CSV or XLSX file, from
// GET /api/leads/export?format=csv|xlsx&columns=a,b&<the list's filters>.
// The sidebar exports a saved view as CSV directly (components/saved-views.js);
// opening the view and using this menu gives CSV or XLSX. downloadFile() is
// shared with the bulk export.
//
//   <${ExportMenu} query=${apiQuery(filters, user)} columns=${['client', 'status']} />
import { html, useState } from '../lib.js';
import { t, apiMessage } from '../i18n.js';
import { toast } from './toast.js';

/** The list's column keys in its order (screens/leads.js), for a view that keeps all of them. */
export const LIST_COLUMN_KEYS = ['client', 'status', 'consents', 'assignee', 'partner', 'created'];

/** The file name of a Content-Disposition header, or fallback. */
function fileName(response, fallback) {
	const m = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
	return m ? m[1] : fallback;
}

/**
 * Fetches url (init as fetch's) and saves the answer as a file; throws an
 * Error with the API's message in Polish when the answer is not 2xx.
 */
export async function downloadFile(url, init, fallbackName) {
	const response = await fetch(url, { credentials: 'same-origin', ...init });
	if (!response.ok) {
		let message = t('exportMenu.failed');
		try {
			const body = await response.json();
			if (body && body.message) message = apiMessage(body.message);
		} catch { /* not JSON */ }
		throw new Error(message);
	}
	const blob = await response.blob();
	const href = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = href;
	a.download = fileName(response, fallbackName);
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(href), 1000);
}

/** The export URL of a list query ({status, partnerId, …}; page and perPage are the list's own). */
export function exportUrl(query, columns, format) {
	const params = new URLSearchParams({ format });
	for (const [key, value] of Object.entries(query)) {
		if (key !== 'page' && key !== 'perPage' && value !== undefined && value !== null && value !== '') params.set(key, String(value));
	}
	if (columns && columns.length) params.set('columns', columns.join(','));
	return '/api/leads/export?' + params.toString();
}

export function ExportMenu({ query, columns }) {
	const [busy, setBusy] = useState(false);

	async function run(format, event) {
		const menu = event.currentTarget.closest('details');
		if (menu) menu.open = false;
		setBusy(true);
		try {
			await downloadFile(exportUrl(query, columns, format), {}, `leady.${format}`);
			toast(t('exportMenu.done', { format: format.toUpperCase() }), 'success');
		} catch (err) {
			toast(err.message || t('exportMenu.failed'), 'error');
		} finally {
			setBusy(false);
		}
	}

	return html`<details class="column-chooser export-menu" data-testid="export-menu">
		<summary class="btn btn--ghost" aria-busy=${busy ? 'true' : undefined}>${busy ? t('exportMenu.busy') : t('exportMenu.open')}</summary>
		<div class="column-chooser__menu" role="menu" aria-label=${t('exportMenu.open')}>
			<button type="button" role="menuitem" class="column-chooser__item" disabled=${busy}
				onClick=${(e) => run('csv', e)}>${t('exportMenu.csv')}</button>
			<button type="button" role="menuitem" class="column-chooser__item" disabled=${busy}
				onClick=${(e) => run('xlsx', e)}>${t('exportMenu.xlsx')}</button>
		</div>
	</details>`;
}
