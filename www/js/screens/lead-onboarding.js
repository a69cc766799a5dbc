// The insurance onboarding box of the lead detail (frontend.md §7.4.4,
// FR-72): start / send again (SMS + e-mail through the outbox), the session
// status, the steps (SMS, Email, Link, Termin, Zgody) with their times, the
// chosen contact slot and the last onboarding messages with their delivery
// state. Staff only (OPERATOR, SUPERVISOR, ADMIN); the server checks access.
import { html, useState } from '../lib.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { Section, InfoGrid } from '../components/section.js';
import { StatusBadge } from '../components/badge.js';
import { ConfirmDialog } from '../components/confirm.js';

const dayLong = (iso) => new Intl.DateTimeFormat('pl-PL', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' })
	.format(new Date(iso));

function Step({ label, at }) {
	return html`<li class=${'onb-track__step' + (at ? ' onb-track__step--done' : '')}>
		<span class="onb-track__mark" aria-hidden="true">${at ? '✓' : '○'}</span>
		<span class="onb-track__label">${label}${at ? ' ✓' : ''}</span>
		<span class="onb-track__at">${at ? formatDateTime(at) : '–'}</span>
	</li>`;
}

export function OnboardingSection({ lead, canStart }) {
	const session = useAsync((signal) => api.get(`/api/leads/${encodeURIComponent(lead.id)}/insurance-onboarding`, { signal })
		.then((res) => res && res.data, () => null), [lead.id]);
	const [asking, setAsking] = useState(false);
	const [busy, setBusy] = useState(false);
	const [note, setNote] = useState(null);
	const data = session.data;

	async function start() {
		setBusy(true);
		setNote(null);
		try {
			await api.post(`/api/leads/${encodeURIComponent(lead.id)}/insurance-onboarding/start`);
			setNote({ ok: true, text: t('leadOnboarding.sent') });
			session.reload();
		} catch (err) {
			setNote({ ok: false, text: err && err.message ? err.message : t('leadOnboarding.failed') });
		} finally {
			setBusy(false);
			setAsking(false);
		}
	}

	const actions = html`${data && html`<${StatusBadge} set="onboarding" value=${data.status} />`}
		${canStart && !lead.anonymizedAt && html`<button type="button" class="btn btn--primary btn--small" disabled=${busy}
			data-testid="onboarding-start" onClick=${() => setAsking(true)}>
			${busy ? t('leadOnboarding.sending') : data ? t('leadOnboarding.resend') : t('leadOnboarding.send')}</button>`}`;

	const schedule = data && data.contactSchedule;
	const logs = (data && data.communicationLogs) || [];
	return html`<${Section} title=${t('leadOnboarding.title')} actions=${actions} className="lead-onboarding">
		${note && html`<p class=${'alert ' + (note.ok ? 'alert--success' : 'alert--error')} role="status">${note.text}</p>`}
		${session.loading && !data && html`<p>${t('leadOnboarding.loading')}</p>`}
		${!session.loading && !data && html`<p class="muted">${t('leadOnboarding.none')}</p>`}
		${data && html`<ol class="onb-track">
			<${Step} label=${t('leadOnboarding.sms')} at=${data.smsSentAt} />
			<${Step} label=${t('leadOnboarding.email')} at=${data.emailSentAt} />
			<${Step} label=${t('leadOnboarding.link')} at=${data.openedAt} />
			<${Step} label=${t('leadOnboarding.slot')} at=${data.slotSelectedAt} />
			<${Step} label=${t('leadOnboarding.consents')} at=${data.consentsCapAt} />
		</ol>
		<${InfoGrid} items=${[
			[t('leadOnboarding.chosenSlot'), schedule ? html`<span data-testid="onboarding-slot">${dayLong(schedule.preferredDate)}, ${schedule.preferredSlot}</span>` : null],
			[t('leadOnboarding.expires'), formatDateTime(data.tokenExpiresAt)],
		]} />
		<h4 class="onb-track__log">${t('leadOnboarding.log')}</h4>
		${logs.length === 0 ? html`<p class="muted">${t('leadOnboarding.noLog')}</p>` : html`<div class="table-wrap"><table class="table">
			<thead><tr><th>${t('leadOnboarding.channel')}</th><th>${t('leadOnboarding.status')}</th>
				<th>${t('leadOnboarding.recipient')}</th><th>${t('leadOnboarding.error')}</th></tr></thead>
			<tbody>${logs.map((l) => html`<tr key=${l.id}><td>${l.channel}</td><td>${l.status}</td>
				<td>${l.sentTo}</td><td>${l.errorMessage || '–'}</td></tr>`)}</tbody>
		</table></div>`}`}
		${asking && html`<${ConfirmDialog} title=${t('leadOnboarding.title')} message=${t('leadOnboarding.confirm')}
			confirmLabel=${data ? t('leadOnboarding.resend') : t('leadOnboarding.send')} busyLabel=${t('leadOnboarding.sending')}
			busy=${busy} onConfirm=${start} onCancel=${() => setAsking(false)} />`}
	</${Section}>`;
}
