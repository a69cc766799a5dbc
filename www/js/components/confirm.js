// A confirmation dialog on top of the shared modal: a message (or richer
// content as children), "Anuluj" and the confirming button. `busy` disables
// both and keeps the dialog open; `error` shows the failure inside it.
//
//   <${ConfirmDialog} title=${t('users.deactivateTitle')} message=${…}
//     confirmLabel=${t('users.deactivate')} danger busy=${busy}
//     onConfirm=${run} onCancel=${close} />
import { html } from '../lib.js';
import { t } from '../i18n.js';
import { Modal } from './modal.js';
import { FormAlert } from './form.js';

export function ConfirmDialog({
	title, message, confirmLabel, busyLabel, danger = false, busy = false, disabled = false,
	error = null, onConfirm, onCancel, children,
}) {
	function submit(event) {
		event.preventDefault();
		if (!busy && !disabled) onConfirm();
	}
	return html`<${Modal} title=${title} onClose=${onCancel} busy=${busy} size="narrow">
		<form class="form" onSubmit=${submit} novalidate>
			<${FormAlert} message=${error} />
			${message && html`<p class="confirm__message">${message}</p>`}
			${children}
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" disabled=${busy} onClick=${onCancel}>${t('common.cancel')}</button>
				<button type="submit" class=${'btn ' + (danger ? 'btn--danger' : 'btn--primary')}
					disabled=${busy || disabled} aria-busy=${busy ? 'true' : undefined}>${busy && busyLabel ? busyLabel : confirmLabel}</button>
			</div>
		</form>
	</${Modal}>`;
}
