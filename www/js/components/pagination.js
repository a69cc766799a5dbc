// The footer of paginated tables (frontend.md §7.2, §10): "Poprzednia",
// "Strona x z y", "Następna"; the buttons are disabled at the bounds and
// while a page loads.
import { html } from '../lib.js';
import { t } from '../i18n.js';

export function Pagination({ page, totalPages, loading = false, onPage }) {
	const last = Math.max(1, totalPages || 1);
	return html`<nav class="pagination" aria-label=${t('pagination.label')}>
		<button type="button" class="btn btn--secondary btn--small" disabled=${loading || page <= 1}
			onClick=${() => onPage(page - 1)}>${t('pagination.previous')}</button>
		<span class="pagination__text" aria-live="polite">${t('pagination.page', { page, total: last })}</span>
		<button type="button" class="btn btn--secondary btn--small" disabled=${loading || page >= last}
			onClick=${() => onPage(page + 1)}>${t('pagination.next')}</button>
	</nav>`;
}
