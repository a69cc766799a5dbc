// Lead detail modal (/leads/:id; frontend.md §7.4, FR-15–FR-24, FR-46):
// header with contacts, the client-active banner, the summary (status,
// consents, assignee — an operator select for ADMIN —, last contact,
// partner, creation), the editable sections of lead-sections.js, the
// status change (the rules come from GET /api/leads/status-policy, the one
// copy of the transition table: recommended next statuses first, the others
// under "Poza ścieżką (nadpisanie)" for those who may override; a terminal
// negative status needs a reason from the FR-20 list or a note) and the
// status history (FR-21).
//
// Data: GET /api/leads/:id. A 403 or 404 is handed to the workspace
// (onDenied), which shows the error page instead of the list. Controls
// are shown only to the roles the API accepts (frontend.md §4.10, §15 #17).
import { html, useState } from '../lib.js';
import {
	t, formatDateTime, formatPhone, statusInfo, consentStatusInfo, personName, reasonLabel,
} from '../i18n.js';
import { api, ApiError } from '../api.js';
import { useAsync } from '../hooks.js';
import { Link } from '../router.js';
import { Modal } from '../components/modal.js';
import { Field, FormAlert, SubmitButton, Options, useSubmit } from '../components/form.js';
import { Section, InfoGrid } from '../components/section.js';
import { ErrorBanner, Loading } from '../components/states.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';
import {
	CustomerSection, VehiclesSection, NotesSection, FinancingSection, ActivitySection, MergeSection, AdminSection,
} from './lead-sections.js';
import EmailComposer from './lead-email.js';
import { ConsentTimeline } from '../components/consent.js';
import { DocumentsSection } from './lead-documents.js';
import { GdprSection } from './lead-gdpr.js';
import { OnboardingSection } from './lead-onboarding.js';
import { CommunicationsSection } from './lead-communications.js';
import { LeadFormSection } from './lead-form.js';
import { TasksSection, nextContactBody, isPastLocal, tasksChanged } from './lead-tasks.js';
import { SlaBadge } from '../components/sla-badge.js';

const STAFF = ['OPERATOR', 'SUPERVISOR', 'ADMIN'];

function Badge({ info }) {
	if (!info || !info.label) return null;
	return html`<span class=${'badge badge--' + info.tone}>${info.label}</span>`;
}

function lastContact(lead) {
	const a = lead.lastContactAt ? new Date(lead.lastContactAt).getTime() : 0;
	const form = lead.applicationForm;
	const b = form && form.lastClientActivity ? new Date(form.lastClientActivity).getTime() : 0;
	const latest = Math.max(a, b);
	return latest ? formatDateTime(new Date(latest)) : null;
}

// ------------------------------------------------------------- assignment

function AssignmentSelect({ lead, mutate, onSaved }) {
	const operators = useAsync((signal) => api.get('/api/users', {
		query: { page: 1, perPage: 200, role: 'OPERATOR', status: 'ACTIVE' }, signal,
	}).then((r) => r.data || []), []);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const list = (operators.data || []).slice();
	const current = lead.assignedUser;
	if (current && !list.some((u) => u.id === current.id)) list.push(current);
	list.sort((a, b) => (a.fullName || a.email).localeCompare(b.fullName || b.email, 'pl'));

	async function change(event) {
		const userId = event.currentTarget.value || null;
		setBusy(true);
		setError(null);
		try {
			await mutate(() => api.patch(`/api/leads/${encodeURIComponent(lead.id)}/assignment`, { userId }));
			const user = list.find((u) => u.id === userId);
			toast(userId ? t('lead.assignment.assigned', { name: user ? (user.fullName || user.email) : userId }) : t('lead.assignment.cleared'), 'success');
			onSaved();
		} catch (err) {
			setError(err.message || t('lead.assignment.failed'));
			toast(err.message || t('lead.assignment.failed'), 'error');
		} finally {
			setBusy(false);
		}
	}

	return html`<${Field} className=${'assignment' + (current ? '' : ' assignment--empty')} label=${t('lead.assignment.label')}
		name="assignedUserId" as="select" value=${current ? current.id : ''}
		disabled=${busy || operators.loading} aria-busy=${busy ? 'true' : undefined}
		hint=${operators.loading ? t('lead.assignment.loading') : null}
		error=${error || (operators.error ? t('lead.assignment.loadFailed') : null)} onChange=${change}>
		<${Options} placeholder=${t('lead.assignment.unassigned')}
			items=${list.map((u) => ({ value: u.id, label: u.fullName ? `${u.fullName} (${u.email})` : u.email }))} />
	</${Field}>`;
}

// ------------------------------------------------------------ status change

/** The status rules of GET /api/leads/status-policy (loaded by the status form). */
function StatusForm({ lead, mutate, onSaved }) {
	const policy = useAsync((signal) => api.get('/api/leads/status-policy', { signal }), []);
	if (policy.error) return html`<${ErrorBanner} error=${policy.error} onRetry=${policy.reload} />`;
	if (!policy.data) return html`<${Loading} />`;
	return html`<${StatusFormBody} lead=${lead} policy=${policy.data} mutate=${mutate} onSaved=${onSaved} />`;
}

function StatusFormBody({ lead, policy, mutate, onSaved }) {
	const current = lead.status;
	const recommended = (policy.transitions[current] || []).filter((s) => s !== current);
	const others = policy.canOverride
		? policy.statuses.filter((s) => s !== current && s !== 'MERGED' && !recommended.includes(s))
		: [];
	const [status, setStatus] = useState('');
	const [reason, setReason] = useState('');
	const [notes, setNotes] = useState('');
	const [nextContact, setNextContact] = useState('');
	const override = Boolean(status) && !recommended.includes(status);
	const needsReason = policy.reasonRequired.includes(status);
	const needsNotes = reason === 'OTHER';

	const form = useSubmit(async () => {
		const body = { status };
		if (notes.trim()) body.notes = notes.trim();
		if (needsReason && reason) body.reason = reason;
		const next = nextContactBody(nextContact);
		if (next) body.nextContact = next;
		await mutate(() => api.post(`/api/leads/${encodeURIComponent(lead.id)}/status`, body));
		if (next) tasksChanged();
		setNextContact('');
		toast(t('lead.status.saved', { label: statusInfo('lead', status).label }), 'success');
		setStatus('');
		setReason('');
		setNotes('');
		onSaved();
	}, {
		validate: () => {
			const e = {};
			if (!status) e.status = t('lead.status.errors.status');
			if (needsReason && !reason && !notes.trim()) e.reason = t('lead.status.errors.reason');
			if (needsNotes && !notes.trim()) e.notes = t('lead.status.errors.justification');
			if (notes.length > 2000) e.notes = t('lead.status.errors.tooLong');
			if (nextContact && isPastLocal(nextContact)) e['nextContact.dueAt'] = t('tasks.errors.past');
			return e;
		},
	});
	const err = form.fieldErrors;

	if (recommended.length === 0 && others.length === 0) {
		return html`<p class="muted">${t('lead.status.none')}</p>`;
	}
	return html`<form class="form status-form" onSubmit=${form.onSubmit} novalidate>
		<p class="muted">${t('lead.status.current', { label: statusInfo('lead', current).label })}</p>
		${recommended.length === 0 && html`<p class="muted">${t('lead.status.noneOverride')}</p>`}
		<div class="form-grid">
			<${Field} label=${t('lead.status.next')} name="status" as="select" required value=${status} error=${err.status}
				onChange=${(e) => { setStatus(e.currentTarget.value); setReason(''); }}>
				<option value="">${t('lead.status.choose')}</option>
				${recommended.length > 0 && html`<optgroup label=${t('lead.status.recommended')}>
					${recommended.map((s) => html`<option key=${s} value=${s}>${statusInfo('lead', s).label}</option>`)}
				</optgroup>`}
				${others.length > 0 && html`<optgroup label=${t('lead.status.override')}>
					${others.map((s) => html`<option key=${s} value=${s}>${statusInfo('lead', s).label}</option>`)}
				</optgroup>`}
			</${Field}>
			${needsReason && html`<${Field} label=${t('lead.status.reason')} name="reason" as="select" value=${reason}
				error=${err.reason} hint=${t('lead.status.reasonHint')} onChange=${(e) => setReason(e.currentTarget.value)}>
				<${Options} placeholder=${t('lead.status.chooseReason')} items=${policy.reasons.map((c) => ({ value: c, label: reasonLabel(c) }))} />
			</${Field}>`}
		</div>
		${override && html`<div class="alert alert--warning" role="status">${t('lead.status.overrideHint')}</div>`}
		<${Field} label=${needsNotes ? t('lead.status.justification') : t('lead.status.notes')} name="notes" as="textarea"
			rows="3" maxlength="2000" required=${needsNotes} value=${notes} error=${err.notes}
			onInput=${(e) => setNotes(e.currentTarget.value)} />
		<${Field} label=${t('tasks.nextContactLabel')} name="nextContact" type="datetime-local" value=${nextContact}
			error=${err['nextContact.dueAt']} onInput=${(e) => setNextContact(e.currentTarget.value)} />
		<${FormAlert} message=${form.error} />
		<div class="form__actions form__actions--start">
			<${SubmitButton} busy=${form.busy} busyLabel=${t('lead.status.submitting')}>${t('lead.status.submit')}</${SubmitButton}>
		</div>
	</form>`;
}

/** Reason code label, free-text reason and the override mark of a history row. */
function historyReason(h) {
	const parts = [];
	if (h.reasonCode) parts.push(reasonLabel(h.reasonCode));
	if (h.reason) parts.push(reasonLabel(h.reason));
	const text = parts.join(' — ') || t('common.emptyValue');
	return h.override ? html`${text} <span class="badge badge--warning">${t('lead.history.override')}</span>` : text;
}

function StatusHistory({ lead }) {
	const rows = Array.isArray(lead.statusHistory) ? lead.statusHistory : [];
	return html`<${Section} title=${t('lead.history.title')} count=${rows.length}>
		${rows.length === 0
			? html`<p class="muted empty-line">${t('lead.history.empty')}</p>`
			: html`<div class="table-wrap"><table class="table table--compact">
				<caption class="visually-hidden">${t('lead.history.caption')}</caption>
				<thead><tr>
					<th scope="col">${t('lead.history.when')}</th>
					<th scope="col">${t('lead.history.from')}</th>
					<th scope="col">${t('lead.history.to')}</th>
					<th scope="col">${t('lead.history.reason')}</th>
					<th scope="col">${t('lead.history.by')}</th>
				</tr></thead>
				<tbody>${rows.map((h) => html`<tr key=${h.id}>
					<td>${formatDateTime(h.timestamp)}</td>
					<td>${h.oldStatus ? html`<${Badge} info=${statusInfo('lead', h.oldStatus)} />` : t('common.emptyValue')}</td>
					<td><${Badge} info=${statusInfo('lead', h.newStatus)} /></td>
					<td class="cell-wrap">${historyReason(h)}</td>
					<td>${h.changedBy ? (h.changedBy.fullName || h.changedBy.email) : t('lead.history.system')}</td>
				</tr>`)}</tbody>
			</table></div>`}
	</${Section}>`;
}

function FormBox({ form }) {
	if (!form) return null;
	return html`<${Section} title=${t('lead.form.title')}>
		<${InfoGrid} items=${[
			[t('lead.form.status'), html`<${Badge} info=${statusInfo('form', form.status)} />`],
			[t('lead.form.lastActivity'), form.lastClientActivity ? formatDateTime(form.lastClientActivity) : null],
			[t('lead.form.submitted'), form.submittedAt ? formatDateTime(form.submittedAt) : null],
		]} />
	</${Section}>`;
}

// ------------------------------------------------------------------ detail

function DetailBody({ lead, user, blocked, mutate, onSaved, onMerged }) {
	const role = user.role;
	const staff = STAFF.includes(role);
	const merged = lead.status === 'MERGED' || Boolean(lead.mergedIntoId);
	const writable = staff && !merged;
	const profile = lead.customerProfile || {};
	const [composing, setComposing] = useState(false);
	const clientActive = blocked || (lead.applicationForm && lead.applicationForm.isClientActive
		? t('lead.clientActive') : null);

	return html`<div class="lead-detail">
		<div class="lead-detail__head">
			<div class="lead-detail__badges">
				<${Badge} info=${statusInfo('lead', lead.status)} />
				${lead.consentStatus && html`<${Badge} info=${consentStatusInfo(lead.consentStatus)} />`}
				<${SlaBadge} sla=${lead.sla} />
			</div>
			<div class="lead-detail__contacts">
				${profile.email && html`<a class="contact-link" href=${'mailto:' + profile.email}><${Icon} name="mail" size=${16} /><span class="visually-hidden">${t('lead.email')}: </span>${profile.email}</a>`}
				${profile.phone && html`<a class="contact-link" href=${'tel:' + profile.phone}><${Icon} name="phone" size=${16} /><span class="visually-hidden">${t('lead.phone')}: </span>${formatPhone(profile.phone)}</a>`}
			</div>
			${writable && profile.email && !lead.anonymizedAt && html`<button type="button" class="btn btn--primary btn--small"
				onClick=${() => setComposing(true)}><${Icon} name="mail" size=${16} /><span>${t('email.open')}</span></button>`}
			<button type="button" class="btn btn--ghost btn--small" onClick=${() => onSaved(true)}>
				<${Icon} name="refresh" size=${16} /><span>${t('lead.refresh')}</span>
			</button>
		</div>
		${composing && html`<${EmailComposer} lead=${lead} onSent=${onSaved} onClose=${() => setComposing(false)} />`}

		${clientActive && html`<div class="alert alert--warning alert--block" role="status">${clientActive}</div>`}
		${merged && html`<div class="alert alert--info alert--block" role="status">
			${t('lead.merged')} ${lead.mergedIntoId && html`<${Link} href=${'/leads/' + encodeURIComponent(lead.mergedIntoId)}>${t('lead.mergedLink')}</${Link}>`}
		</div>`}
		${lead.anonymizedAt && html`<div class="alert alert--info alert--block" role="status">${t('lead.anonymized', { date: formatDateTime(lead.anonymizedAt) })}</div>`}

		<div class="summary card-inset">
			<${InfoGrid} items=${[
				[t('lead.summary.status'), html`<${Badge} info=${statusInfo('lead', lead.status)} />`],
				[t('lead.summary.assignee'), role === 'ADMIN' && !merged
					? html`<${AssignmentSelect} lead=${lead} mutate=${mutate} onSaved=${onSaved} />`
					: (lead.assignedUser ? (lead.assignedUser.fullName || lead.assignedUser.email) : t('leads.nobody')),
					role === 'ADMIN' && !merged],
				[t('lead.summary.lastContact'), lastContact(lead)],
				[t('lead.summary.nextAction'), lead.nextActionAt ? formatDateTime(lead.nextActionAt) : null],
				[t('lead.summary.partner'), lead.partner ? lead.partner.name : lead.partnerId],
				[t('lead.summary.created'), formatDateTime(lead.leadCreatedAt)],
			]} />
		</div>

		<div class="lead-detail__grid">
			<${CustomerSection} lead=${lead} canEdit=${writable && !lead.anonymizedAt}
				mutate=${mutate} onSaved=${onSaved} />
			<${VehiclesSection} lead=${lead} canEdit=${writable} mutate=${mutate} onSaved=${onSaved} />
		</div>

		${writable && html`<${Section} title=${t('lead.status.title')}>
			<${StatusForm} key=${lead.status} lead=${lead} user=${user} mutate=${mutate} onSaved=${onSaved} />
		</${Section}>`}
		<${StatusHistory} lead=${lead} />
		<${NotesSection} lead=${lead} canAdd=${writable} mutate=${mutate} onSaved=${onSaved} />
		${role !== 'AUDITOR' && !/^PARTNER/.test(role) && html`<${CommunicationsSection} lead=${lead} role=${role} onSaved=${onSaved} />`}
		<${FinancingSection} lead=${lead} canEdit=${writable} mutate=${mutate} onSaved=${onSaved} />
		<${DocumentsSection} lead=${lead} canUpload=${role !== 'AUDITOR' && !merged && !lead.anonymizedAt} onSaved=${onSaved} />
		${staff && !merged ? html`<${LeadFormSection} lead=${lead} canGenerate=${writable}
			canUnlock=${role === 'SUPERVISOR' || role === 'ADMIN'} mutate=${mutate} onSaved=${onSaved} />`
			: html`<${FormBox} form=${lead.applicationForm} />`}
		${staff && !merged && html`<${OnboardingSection} lead=${lead} canStart=${writable} />`}
		${staff && !merged && html`<${TasksSection} lead=${lead} canEdit=${writable} onSaved=${onSaved} />`}
		<${ConsentTimeline} lead=${lead} role=${role} onSaved=${onSaved} />
		<${ActivitySection} lead=${lead} />
		${(role === 'SUPERVISOR' || role === 'ADMIN') && !merged && html`<${MergeSection} lead=${lead} onMerged=${onMerged} />`}
		${role === 'ADMIN' && html`<${GdprSection} lead=${lead} />`}
		${role === 'ADMIN' && html`<${AdminSection} lead=${lead} onSaved=${onSaved} />`}
	</div>`;
}

export default function LeadDetailModal({ id, user, onClose, onChanged, onDenied, onOpenLead }) {
	const [blocked, setBlocked] = useState(null);
	const detail = useAsync((signal) => api.get(`/api/leads/${encodeURIComponent(id)}`, { signal }).catch((err) => {
		if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
			onDenied(err.status === 403 ? 'denied' : 'notFound');
		}
		throw err;
	}), [id]);
	const lead = detail.data;

	/** Runs a change; a 409 CLIENT_ACTIVE shows the client-active banner. */
	async function mutate(run) {
		try {
			const result = await run();
			setBlocked(null);
			return result;
		} catch (err) {
			if (err instanceof ApiError && err.code === 'CLIENT_ACTIVE') {
				setBlocked(err.message);
				toast(err.message, 'error');
			}
			throw err;
		}
	}

	function onSaved(manual) {
		detail.reload();
		if (manual === true) toast(t('lead.refreshed'), 'info');
		else onChanged();
	}

	const title = lead ? (personName(lead.customerProfile) || t('lead.untitled')) : t('lead.untitled');
	let body;
	if (lead) {
		body = html`<${DetailBody} lead=${lead} user=${user} blocked=${blocked} mutate=${mutate} onSaved=${onSaved}
			onMerged=${(target) => { onChanged(); onOpenLead(target); }} />`;
	} else if (detail.error) {
		body = html`<${ErrorBanner} message=${detail.error.message || t('lead.loadFailed')} onRetry=${detail.reload} />`;
	} else {
		body = html`<${Loading} label=${t('lead.loading')} />`;
	}
	return html`<${Modal} title=${title} onClose=${onClose} size="wide">
		${lead && detail.error && html`<${ErrorBanner} message=${detail.error.message} onRetry=${detail.reload} />`}
		${body}
	</${Modal}>`;
}
