// Round-robin auto-assignment settings (issue 13, migration 0028):
//   RoundRobinDialog  a partner's rotation: the toggle and each operator's
//                     weight (0 = left out), with who is available today
//                     (GET/PUT /api/partners/:id/round-robin, ADMIN edits)
//   AbsenceDialog     a user's absence days (GET/PUT /api/users/:id/absence;
//                     managers for anyone, staff for themselves)
import { html, useEffect, useState } from '../lib.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { Modal } from '../components/modal.js';
import { Field, FormAlert, SubmitButton, Checkbox, useSubmit } from '../components/form.js';
import { ErrorBanner } from '../components/states.js';
import { toast } from '../components/toast.js';

const WEIGHT_MAX = 100;

function weightError(text) {
	if (!/^\d{1,3}$/.test(text)) return t('roundRobin.errors.weight');
	const n = parseInt(text, 10);
	return n > WEIGHT_MAX ? t('roundRobin.errors.weight') : null;
}

export function RoundRobinDialog({ partner, onClose }) {
	const path = `/api/partners/${encodeURIComponent(partner.id)}/round-robin`;
	const state = useAsync((signal) => api.get(path, { signal }), [path]);
	const [enabled, setEnabled] = useState(false);
	const [weights, setWeights] = useState({});

	useEffect(() => {
		if (!state.data) return;
		setEnabled(Boolean(state.data.enabled));
		const w = {};
		for (const m of state.data.team) w[m.userId] = String(m.weight);
		setWeights(w);
	}, [state.data]);

	const team = (state.data && state.data.team) || [];
	const form = useSubmit(async () => {
		const body = { enabled, team: team.map((m) => ({ userId: m.userId, weight: parseInt(weights[m.userId], 10) })) };
		await api.put(path, body);
		toast(t(enabled ? 'roundRobin.savedOn' : 'roundRobin.savedOff', { name: partner.name }), 'success');
		onClose();
	}, {
		validate: () => {
			const e = {};
			for (const m of team) {
				const msg = weightError(String(weights[m.userId] ?? ''));
				if (msg) e['weight.' + m.userId] = msg;
			}
			return e;
		},
	});
	const err = form.fieldErrors;

	return html`<${Modal} title=${t('roundRobin.title', { name: partner.name })} onClose=${onClose} busy=${form.busy}>
		<${ErrorBanner} message=${state.error ? (state.error.message || t('roundRobin.loadFailed')) : null} onRetry=${state.reload} />
		${state.loading ? html`<p>${t('roundRobin.loading')}</p>` : html`<form class="form" onSubmit=${form.onSubmit} novalidate>
			<${Checkbox} label=${t('roundRobin.enabled')} name="enabled" checked=${enabled}
				hint=${t('roundRobin.enabledHint')} onChange=${(e) => setEnabled(e.currentTarget.checked)} />
			<fieldset class="fieldset">
				<legend class="fieldset__legend">${t('roundRobin.team')}</legend>
				${team.length === 0 ? html`<p>${t('roundRobin.noOperators')}</p>` : team.map((m) => html`<div class="form-grid" key=${m.userId}>
					<${Field} label=${t('roundRobin.weightOf', { name: m.fullName })} name=${'weight.' + m.userId} inputmode="numeric"
						hint=${m.available ? t('roundRobin.available') : (m.status !== 'ACTIVE' ? t('roundRobin.inactive')
							: (Number(weights[m.userId]) === 0 ? t('roundRobin.excluded') : t('roundRobin.absent', { from: m.absentFrom || '…', until: m.absentUntil || '…' })))}
						value=${weights[m.userId] ?? ''} error=${err['weight.' + m.userId]}
						onInput=${(e) => setWeights({ ...weights, [m.userId]: e.currentTarget.value })} />
				</div>`)}
			</fieldset>
			<${FormAlert} message=${form.error} />
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" onClick=${onClose} disabled=${form.busy}>${t('common.cancel')}</button>
				<${SubmitButton} busy=${form.busy} busyLabel=${t('roundRobin.saving')}>${t('roundRobin.save')}</${SubmitButton}>
			</div>
		</form>`}
	</${Modal}>`;
}

export function AbsenceDialog({ user, onClose }) {
	const path = `/api/users/${encodeURIComponent(user.id)}/absence`;
	const state = useAsync((signal) => api.get(path, { signal }), [path]);
	const [v, setV] = useState({ absentFrom: '', absentUntil: '' });

	useEffect(() => {
		if (state.data) setV({ absentFrom: state.data.absentFrom || '', absentUntil: state.data.absentUntil || '' });
	}, [state.data]);

	const form = useSubmit(async () => {
		await api.put(path, { absentFrom: v.absentFrom || null, absentUntil: v.absentUntil || null });
		toast(t('absence.saved'), 'success');
		onClose();
	}, {
		validate: () => (v.absentFrom && v.absentUntil && v.absentUntil < v.absentFrom
			? { absentUntil: t('absence.errors.order') } : {}),
	});
	const err = form.fieldErrors;
	const set = (key) => (e) => setV({ ...v, [key]: e.currentTarget.value });

	return html`<${Modal} title=${t('absence.title', { name: user.fullName || user.email || '' })} onClose=${onClose} busy=${form.busy}>
		<${ErrorBanner} message=${state.error ? (state.error.message || t('absence.loadFailed')) : null} onRetry=${state.reload} />
		<form class="form" onSubmit=${form.onSubmit} novalidate>
			<p>${t('absence.hint')}</p>
			<div class="form-grid">
				<${Field} label=${t('absence.from')} name="absentFrom" type="date" value=${v.absentFrom} error=${err.absentFrom} onInput=${set('absentFrom')} />
				<${Field} label=${t('absence.until')} name="absentUntil" type="date" value=${v.absentUntil} error=${err.absentUntil} onInput=${set('absentUntil')} />
			</div>
			<${FormAlert} message=${form.error} />
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" onClick=${() => setV({ absentFrom: '', absentUntil: '' })} disabled=${form.busy}>${t('absence.clear')}</button>
				<button type="button" class="btn btn--ghost" onClick=${onClose} disabled=${form.busy}>${t('common.cancel')}</button>
				<${SubmitButton} busy=${form.busy || state.loading} busyLabel=${t('absence.saving')}>${t('absence.save')}</${SubmitButton}>
			</div>
		</form>
	</${Modal}>`;
}
