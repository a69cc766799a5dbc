// Toasts (frontend.md §4.3): toast(message, 'success' | 'error' | 'info')
// from anywhere; <Toasts/> is rendered once by the app root, so toasts
// survive navigation. The list is a polite live region, so screen readers
// read each new toast.
import { html, useEffect, useState } from '../lib.js';
import { t } from '../i18n.js';
import { Icon } from './icons.js';

const DURATION_MS = { success: 3000, info: 5000, error: 7000 };
const ICON = { success: 'check', error: 'alert', info: 'info' };

let items = [];
let seq = 0;
const listeners = new Set();

function publish(next) {
	items = next;
	for (const listener of listeners) listener(items);
}

export function dismissToast(id) {
	publish(items.filter((item) => item.id !== id));
}

/** Shows a toast; returns its id. */
export function toast(message, kind = 'info') {
	const safeKind = DURATION_MS[kind] ? kind : 'info';
	const id = ++seq;
	publish([...items, { id, message: String(message), kind: safeKind }]);
	setTimeout(() => dismissToast(id), DURATION_MS[safeKind]);
	return id;
}

export function Toasts() {
	const [list, setList] = useState(items);
	useEffect(() => {
		listeners.add(setList);
		setList(items);
		return () => listeners.delete(setList);
	}, []);
	return html`<section class="toasts" aria-label=${t('toast.region')}>
		<ol class="toasts__list" aria-live="polite" aria-relevant="additions text">
			${list.map((item) => html`<li key=${item.id} class=${'toast toast--' + item.kind}>
				<${Icon} name=${ICON[item.kind]} className="toast__icon" />
				<span class="toast__text">${item.message}</span>
				<button type="button" class="toast__close" aria-label=${t('toast.dismiss')}
					onClick=${() => dismissToast(item.id)}><${Icon} name="close" size=${16} /></button>
			</li>`)}
		</ol>
	</section>`;
}
