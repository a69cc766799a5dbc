// The staff view of the client's application form in the lead detail
// (issue 10 "Staff view", FR-51, SR-17, SR-18): the link generation dialog
// (e-mail and/or SMS; the default PIN is the last 4 digits of the client's
// phone, an explicit code goes by the other channel; a new link invalidates
// the old one), the status, the progress (step, percentage, last autosave),
// the PIN attempts and lockouts, the "Klient aktywny" badge, the unlock with
// a reason (SUPERVISOR, ADMIN) and the history (attempts, unlocks, revoked
// links). Staff only; the server checks access to the lead.
//
// Data: GET /api/leads/:id/application-form (404: no form yet);
// POST /api/leads/:id/application-form; POST /api/application-forms/:id/unlock.
import { html, useState } from '../lib.js';
import { t, formatDateTime, formatPhone, statusInfo } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { useAsync } from '../hooks.js';
import { Section, InfoGrid } from '../components/section.js';
import { ConfirmDialog } from '../components/confirm.js';
import { Field } from '../components/form.js';
import { toast } from '../components/toast.js';

function Badge({ info }) {
	if (!info || !info.label) return null;
	return html`<span class=${'badge badge--' + info.tone}>${info.label}</span>`;
}

function Check({ id, label, checked, disabled, onChange, testid }) {
	return html`<div class="check">
		<input id=${id} type="checkbox" class="check__input" checked=${checked} disabled=${disabled}
			data-testid=${testid} onChange=${(e) => onChange(e.currentTarget.checked)} />
		<label class="check__label" for=${id}>${label}</label>
	</div>`;
}

/** The link generation dialog. */
function GenerateDialog({ lead, regenerate, mutate, onDone, onCancel }) {
	const profile = lead.customerProfile || {};
	const [email, setEmail] = useState(Boolean(profile.email));
	const [sms, setSms] = useState(!profile.email);
	const [explicit, setExplicit] = useState(false);
	const [code, setCode] = useState('');
	const [days, setDays] = useState('7');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);

	async function run() {
		setBusy(true);
		setError(null);
		const body = { expiresInDays: Number(days) };
		if (explicit) body.accessCode = code.trim();
		else Object.assign(body, { sendEmail: email, sendSms: sms });
		try {
			const res = await mutate(() => api.post(`/api/leads/${encodeURIComponent(lead.id)}/application-form`, body));
			onDone(res);
		} catch (err) {
			setError(err && err.message ? err.message : t('leadAppForm.failed'));
			setBusy(false);
		}
	}

	const noChannel = !explicit && !email && !sms;
	const badCode = explicit && code.trim().length < 4;
	return html`<${ConfirmDialog} title=${regenerate ? t('leadAppForm.regenerate') : t('leadAppForm.generate')}
		confirmLabel=${t('leadAppForm.send')} busyLabel=${t('leadAppForm.sending')} busy=${busy} error=${error}
		disabled=${noChannel || badCode} onConfirm=${run} onCancel=${onCancel}>
		${regenerate && html`<p class="alert alert--warning" data-testid="form-regenerate-warning">${t('leadAppForm.regenerateWarning')}</p>`}
		<fieldset class="field">
			<legend class="field__label">${t('leadAppForm.channels')}</legend>
			<${Check} id="form-ch-email" testid="form-ch-email" checked=${explicit ? Boolean(profile.email) : email}
				disabled=${explicit || !profile.email} onChange=${setEmail}
				label=${t('leadAppForm.byEmail') + (profile.email ? ` (${profile.email})` : ` — ${t('leadAppForm.noEmail')}`)} />
			<${Check} id="form-ch-sms" testid="form-ch-sms" checked=${explicit ? Boolean(profile.phone) : sms}
				disabled=${explicit || !profile.phone} onChange=${setSms}
				label=${t('leadAppForm.bySms') + (profile.phone ? ` (${formatPhone(profile.phone)})` : ` — ${t('leadAppForm.noPhone')}`)} />
			${noChannel && html`<p class="field__error">${t('leadAppForm.noChannel')}</p>`}
		</fieldset>
		<fieldset class="field">
			<legend class="field__label">${t('leadAppForm.pin')}</legend>
			<p class="field__hint" data-testid="form-pin-hint">${t('leadAppForm.pinDefault')}</p>
			<${Check} id="form-explicit" testid="form-explicit" checked=${explicit} onChange=${setExplicit}
				label=${t('leadAppForm.explicit')} />
			${explicit && html`<${Field} label=${t('leadAppForm.code')} name="accessCode" value=${code} maxLength="32"
				autocomplete="off" data-testid="form-code" hint=${t('leadAppForm.codeHint')}
				error=${code && badCode ? t('leadAppForm.codeShort') : null}
				onInput=${(e) => setCode(e.currentTarget.value)} />`}
		</fieldset>
		<${Field} label=${t('leadAppForm.days')} name="expiresInDays" type="number" min="1" max="30" value=${days}
			onInput=${(e) => setDays(e.currentTarget.value)} />
	</${ConfirmDialog}>`;
}

/** The unlock dialog (SUPERVISOR, ADMIN). */
function UnlockDialog({ form, onDone, onCancel }) {
	const [reason, setReason] = useState('');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);

	async function run() {
		setBusy(true);
		setError(null);
		try {
			await api.post(`/api/application-forms/${encodeURIComponent(form.id)}/unlock`,
				{ reason: reason.trim() || null });
			onDone();
		} catch (err) {
			setError(err && err.message ? err.message : t('leadAppForm.failed'));
			setBusy(false);
		}
	}
	return html`<${ConfirmDialog} title=${t('leadAppForm.unlock')} message=${t('leadAppForm.unlockInfo')}
		confirmLabel=${t('leadAppForm.unlock')} busyLabel=${t('leadAppForm.sending')} busy=${busy} error=${error}
		onConfirm=${run} onCancel=${onCancel}>
		<${Field} as="textarea" label=${t('leadAppForm.reason')} name="reason" value=${reason} maxLength="500" rows="3"
			data-testid="form-unlock-reason" onInput=${(e) => setReason(e.currentTarget.value)} />
	</${ConfirmDialog}>`;
}

function historyText(h) {
	if (h.type === 'CLIENT_ATTEMPT') {
		const key = 'leadAppForm.outcome.' + h.outcome;
		const what = h.success ? t('leadAppForm.h.ok') : (t(key) === key ? h.outcome : t(key));
		return `${t('leadAppForm.h.attempt')}: ${what}`;
	}
	if (h.type === 'LINK_REVOKED') return t('leadAppForm.h.revoked');
	if (h.unlockedBy || h.unlockedAt) {
		const who = h.unlockedByUser ? (h.unlockedByUser.fullName || h.unlockedByUser.email) : '';
		return `${t('leadAppForm.h.unlocked')}${who ? ' — ' + who : ''}`;
	}
	return h.type || '–';
}

function History({ items }) {
	if (!items.length) return html`<p class="muted">${t('leadAppForm.noHistory')}</p>`;
	return html`<div class="table-wrap"><table class="table" data-testid="form-history">
		<thead><tr><th>${t('leadAppForm.h.when')}</th><th>${t('leadAppForm.h.event')}</th>
			<th>${t('leadAppForm.h.ip')}</th><th>${t('leadAppForm.reason')}</th></tr></thead>
		<tbody>${items.map((h, i) => html`<tr key=${i}>
			<td>${formatDateTime(h.timestamp || h.unlockedAt)}</td>
			<td>${historyText(h)}</td>
			<td class="cell-wrap" title=${h.userAgent || ''}>${h.ipAddress || '–'}</td>
			<td class="cell-wrap">${h.type === 'LINK_REVOKED' ? t('leadAppForm.h.tooMany') : (h.reason || '–')}</td>
		</tr>`)}</tbody>
	</table></div>`;
}

export function LeadFormSection({ lead, canGenerate, canUnlock, mutate, onSaved }) {
	const state = useAsync((signal) => api.get(`/api/leads/${encodeURIComponent(lead.id)}/application-form`, { signal })
		.catch((err) => {
			if (err instanceof ApiError && err.status === 404) return null;
			throw err;
		}), [lead.id, lead.applicationForm && lead.applicationForm.status]);
	const [dialog, setDialog] = useState(null);
	const [sent, setSent] = useState(null);
	const form = state.data;

	function generated(res) {
		setDialog(null);
		setSent(res);
		toast(t('leadAppForm.sent'), 'success');
		state.reload();
		onSaved();
	}
	function unlocked() {
		setDialog(null);
		toast(t('leadAppForm.unlocked'), 'success');
		state.reload();
		onSaved();
	}

	const attempts = (form && form.attempts) || {};
	const actions = html`${form && form.isClientActive && html`<span class="badge badge--success" data-testid="form-client-active">${t('leadAppForm.clientActive')}</span>`}
		${form && html`<${Badge} info=${statusInfo('form', form.status)} />`}
		<button type="button" class="btn btn--ghost btn--small" onClick=${state.reload}>${t('leadAppForm.refresh')}</button>
		${canGenerate && !lead.anonymizedAt && html`<button type="button" class="btn btn--primary btn--small"
			data-testid="form-generate" onClick=${() => setDialog('generate')}>
			${form ? t('leadAppForm.regenerate') : t('leadAppForm.generate')}</button>`}
		${canUnlock && form && !lead.anonymizedAt && html`<button type="button" class="btn btn--secondary btn--small"
			data-testid="form-unlock" onClick=${() => setDialog('unlock')}>${t('leadAppForm.unlock')}</button>`}`;

	return html`<${Section} title=${t('leadAppForm.title')} actions=${actions} className="lead-form">
		${state.error && html`<p class="alert alert--error" role="alert">${state.error.message || t('leadAppForm.failed')}</p>`}
		${state.loading && !form && html`<p>${t('leadAppForm.loading')}</p>`}
		${!state.loading && !form && !state.error && html`<p class="muted">${t('leadAppForm.none')}</p>`}
		${sent && html`<p class="alert alert--success" role="status" data-testid="form-link-sent">
			${t('leadAppForm.sentUntil', { date: formatDateTime(sent.expiresAt) })}
			${sent.accessCode ? ' ' + t('leadAppForm.sentCode') : ' ' + t('leadAppForm.sentDefault')}</p>`}
		${form && html`<div data-testid="form-staff">
			<div class="client__progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"
				aria-valuenow=${form.completionPercent} aria-label=${t('leadAppForm.progress')}>
				<div class="client__progress-fill" style=${{ width: (form.completionPercent || 0) + '%' }}></div>
			</div>
			<${InfoGrid} items=${[
				[t('leadAppForm.progress'), html`<span data-testid="form-progress">${t('leadAppForm.stepOf', { step: form.currentStep, percent: form.completionPercent })}</span>`],
				[t('leadAppForm.lastAutoSave'), form.lastAutoSave ? formatDateTime(form.lastAutoSave) : null],
				[t('leadAppForm.lastActivity'), form.lastClientActivity ? formatDateTime(form.lastClientActivity) : null],
				[t('leadAppForm.submitted'), form.submittedAt ? formatDateTime(form.submittedAt) : null],
				[t('leadAppForm.linkGenerated'), form.linkGeneratedAt ? formatDateTime(form.linkGeneratedAt) : null],
				[t('leadAppForm.linkExpires'), html`<span>${formatDateTime(form.linkExpiresAt)}${form.linkExpired ? ' — ' + t('leadAppForm.expired') : ''}</span>`],
				[t('leadAppForm.attempts'), html`<span data-testid="form-attempts">${t('leadAppForm.attemptsText', {
					failed: attempts.failedSinceLink || 0, lockouts: attempts.lockouts || 0 })}</span>`],
				[t('leadAppForm.lockedOut'), attempts.lockedOut ? html`<span class="badge badge--danger" data-testid="form-locked-out">${t('leadAppForm.lockedNow')}</span>` : t('leadAppForm.notLocked')],
			]} />
			<h4>${t('leadAppForm.history')}</h4>
			<${History} items=${form.history || []} />
		</div>`}
		${dialog === 'generate' && html`<${GenerateDialog} lead=${lead} regenerate=${Boolean(form)} mutate=${mutate}
			onDone=${generated} onCancel=${() => setDialog(null)} />`}
		${dialog === 'unlock' && form && html`<${UnlockDialog} form=${form} onDone=${unlocked} onCancel=${() => setDialog(null)} />`}
	</${Section}>`;
}
