// Modal dialog (frontend.md §4.4): rendered over the page into <body>, with
// role="dialog", aria-modal and the title as its name; focus moves into it,
// Tab stays inside it, Escape and the × button close it (unless `busy`), and
// focus returns to where it was when it closes. The page does not scroll
// while a dialog is open.
//
//   <${Modal} title="…" onClose=${close} size="wide">…content…</${Modal}>
import { html, createPortal, useLayoutEffect, useRef } from '../lib.js';
import { useUniqueId } from '../hooks.js';
import { t } from '../i18n.js';
import { Icon } from './icons.js';

const FOCUSABLE = 'a[href], area[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), '
	+ 'select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';

let openCount = 0;

function focusables(root) {
	return Array.from(root.querySelectorAll(FOCUSABLE))
		.filter((el) => el.offsetParent !== null || el === document.activeElement);
}

export function Modal({ title, onClose, busy = false, size = 'default', children }) {
	const panel = useRef(null);
	const titleId = useUniqueId('dialog-title');
	// Read through a ref so the key handler always sees the latest props.
	const latest = useRef({ onClose, busy });
	latest.current = { onClose, busy };

	// A layout effect: its clean-up runs as the dialog leaves the DOM (a
	// passive effect's runs a frame later), so focus returns at once.
	useLayoutEffect(() => {
		const opener = document.activeElement;
		openCount += 1;
		document.body.classList.add('modal-open');

		const root = panel.current;
		const content = root.querySelector('.modal__body');
		const first = focusables(content)[0];
		(first || root).focus();

		function onKeyDown(event) {
			if (event.key === 'Escape') {
				event.stopPropagation();
				if (!latest.current.busy) latest.current.onClose();
				return;
			}
			if (event.key !== 'Tab') return;
			const items = focusables(root);
			if (items.length === 0) {
				event.preventDefault();
				root.focus();
				return;
			}
			const firstItem = items[0];
			const lastItem = items[items.length - 1];
			if (event.shiftKey && (document.activeElement === firstItem || document.activeElement === root)) {
				event.preventDefault();
				lastItem.focus();
			} else if (!event.shiftKey && document.activeElement === lastItem) {
				event.preventDefault();
				firstItem.focus();
			}
		}
		root.addEventListener('keydown', onKeyDown);

		return () => {
			root.removeEventListener('keydown', onKeyDown);
			openCount -= 1;
			if (openCount === 0) document.body.classList.remove('modal-open');
			if (opener && typeof opener.focus === 'function' && document.contains(opener)) opener.focus();
		};
	}, []);

	return createPortal(html`<div class="modal-overlay">
		<div ref=${panel} class=${'modal modal--' + size} role="dialog" aria-modal="true"
			aria-labelledby=${titleId} tabindex="-1">
			<header class="modal__header">
				<h2 id=${titleId} class="modal__title">${title}</h2>
				<button type="button" class="modal__close" aria-label=${t('modal.close')}
					disabled=${busy} onClick=${() => onClose()}><${Icon} name="close" /></button>
			</header>
			<div class="modal__body">${children}</div>
		</div>
	</div>`, document.body);
}
