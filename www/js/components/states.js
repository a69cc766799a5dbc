// Loading, empty and error states (frontend.md §4.5) and the inline message
// boxes. Loading and empty texts default to the generic catalogue entries;
// screens pass their own ("Ładowanie użytkowników…").
import { html } from '../lib.js';
import { t } from '../i18n.js';

export function Loading({ label = t('app.loading'), className = '' }) {
	return html`<div class=${'state state--loading ' + className} role="status">
		<span class="spinner" aria-hidden="true"></span><span>${label}</span>
	</div>`;
}

export function EmptyState({ text = t('table.empty'), children }) {
	return html`<div class="state state--empty"><p>${text}</p>${children}</div>`;
}

/** A red box announced at once; `onRetry` adds a retry button. */
export function ErrorBanner({ message, onRetry }) {
	if (!message) return null;
	return html`<div class="alert alert--error" role="alert">
		<span>${message}</span>
		${onRetry && html`<button type="button" class="btn btn--secondary btn--small" onClick=${onRetry}>${t('common.retry')}</button>`}
	</div>`;
}

/** A green box read out politely. */
export function SuccessBanner({ message }) {
	if (!message) return null;
	return html`<div class="alert alert--success" role="status">${message}</div>`;
}

/** A neutral notice (e.g. "Sesja wygasła…"). */
export function InfoBanner({ message }) {
	if (!message) return null;
	return html`<div class="alert alert--info" role="status">${message}</div>`;
}
