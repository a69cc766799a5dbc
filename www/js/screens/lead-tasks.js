// Tasks and reminders (issue 13): the "Zadania" section of the lead detail,
// the bell of the shell header (due and overdue tasks of the user, polled
// every 60 s, overdue counts per person for managers) and the helper the
// status dialog uses for "następny kontakt". The server keeps the lead's
// nextActionAt on the earliest open task and checks access on every call.
import { html, useEffect, useState } from '../lib.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { Link } from '../router.js';
import { Section } from '../components/section.js';

const POLL_MS = 60000;
const CHANGED = 'izzy:tasks-changed';

/** Tells the bell (and any open list) that tasks changed. */
export function tasksChanged() {
	window.dispatchEvent(new Event(CHANGED));
}

/** A <input type="datetime-local"> value (browser's time zone) as an ISO instant, or ''. */
function localToIso(value) {
	if (!value) return '';
	const d = new Date(value);
	return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/**
 * The status change's "nextContact" (one request with the change: the server
 * writes the task in the same transaction), or undefined without a date.
 */
export function nextContactBody(dueLocal, description) {
	if (!dueLocal) return undefined;
	const body = { dueAt: localToIso(dueLocal) || dueLocal };
	if (description) body.description = description;
	return body;
}

/** True when a datetime-local value lies in the past (the server refuses it too). */
export function isPastLocal(dueLocal) {
	const d = new Date(dueLocal);
	return !Number.isNaN(d.getTime()) && d.getTime() <= Date.now();
}

/** Creates a task on the lead. */
export async function createTask(leadId, dueLocal, description) {
	const task = await api.post(`/api/leads/${encodeURIComponent(leadId)}/reminders`,
		{ dueAt: localToIso(dueLocal), description: description || t('tasks.nextContact') });
	tasksChanged();
	return task;
}

async function setStatus(id, status) {
	await api.patch(`/api/reminders/${encodeURIComponent(id)}`, { status });
	tasksChanged();
}

function TaskRow({ task, canEdit, onChanged, showLead }) {
	const [busy, setBusy] = useState(false);
	async function complete() {
		setBusy(true);
		try {
			await setStatus(task.id, 'COMPLETED');
			onChanged();
		} finally {
			setBusy(false);
		}
	}
	const open = task.status === 'OPEN';
	return html`<li class=${'task' + (task.overdue ? ' task--overdue' : '') + (open ? '' : ' task--closed')} data-testid="task">
		<span class="task__due">${formatDateTime(task.dueAt)}${task.overdue ? html` <span class="badge badge--danger">${t('tasks.overdue')}</span>` : ''}</span>
		<span class="task__text">${task.description}</span>
		${showLead && task.lead && html`<${Link} class="task__lead" href=${'/leads/' + encodeURIComponent(task.lead.id)}>${task.lead.customerName || task.lead.id}</${Link}>`}
		<span class="task__who muted">${task.assignedUser ? task.assignedUser.fullName : t('tasks.unassigned')}</span>
		${!open && html`<span class="badge">${t('tasks.status.' + task.status)}</span>`}
		${open && canEdit && html`<button type="button" class="btn btn--small" disabled=${busy} data-testid="task-complete"
			onClick=${complete}>${t('tasks.complete')}</button>`}
	</li>`;
}

/** The "Zadania" section of the lead detail. */
export function TasksSection({ lead, canEdit, onSaved }) {
	const list = useAsync((signal) => api.get(`/api/leads/${encodeURIComponent(lead.id)}/reminders`, { signal })
		.then((res) => (res && res.data) || []), [lead.id]);
	const [due, setDue] = useState('');
	const [text, setText] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const tasks = list.data || [];
	// Tasks written elsewhere (the status dialog's "następny kontakt") show at once.
	useEffect(() => {
		const reload = () => list.reload();
		window.addEventListener(CHANGED, reload);
		return () => window.removeEventListener(CHANGED, reload);
	}, [list.reload]);

	function changed() {
		list.reload();
		if (onSaved) onSaved();
	}
	async function add(event) {
		event.preventDefault();
		setError(null);
		if (!due || !text.trim()) {
			setError(t('tasks.errors.required'));
			return;
		}
		setBusy(true);
		try {
			await createTask(lead.id, due, text.trim());
			setDue('');
			setText('');
			changed();
		} catch (err) {
			setError(err && err.message ? err.message : t('tasks.errors.failed'));
		} finally {
			setBusy(false);
		}
	}

	return html`<${Section} title=${t('tasks.title')} count=${tasks.filter((x) => x.status === 'OPEN').length} className="lead-tasks">
		${list.loading && !list.data && html`<p>${t('tasks.loading')}</p>`}
		${list.data && tasks.length === 0 && html`<p class="muted empty-line">${t('tasks.empty')}</p>`}
		${tasks.length > 0 && html`<ul class="task-list">${tasks.map((x) => html`<${TaskRow} key=${x.id} task=${x}
			canEdit=${canEdit} onChanged=${changed} />`)}</ul>`}
		${canEdit && html`<form class="form task-form" onSubmit=${add} novalidate>
			<div class="form-grid">
				<label class="field"><span class="field__label">${t('tasks.due')}</span>
					<input class="input" type="datetime-local" name="dueAt" value=${due} required
						onInput=${(e) => setDue(e.currentTarget.value)} /></label>
				<label class="field"><span class="field__label">${t('tasks.description')}</span>
					<input class="input" type="text" name="description" maxlength="1000" value=${text} required
						onInput=${(e) => setText(e.currentTarget.value)} /></label>
			</div>
			${error && html`<p class="alert alert--error" role="alert">${error}</p>`}
			<div class="form__actions form__actions--start">
				<button type="submit" class="btn btn--primary btn--small" disabled=${busy} data-testid="task-add">${t('tasks.add')}</button>
			</div>
		</form>`}
	</${Section}>`;
}

/** The bell of the shell header: the user's due and overdue tasks. */
export function TaskBell({ user }) {
	const [data, setData] = useState(null);
	const [counts, setCounts] = useState(null);
	const [open, setOpen] = useState(false);
	const manager = user.role === 'SUPERVISOR' || user.role === 'ADMIN';

	useEffect(() => {
		let alive = true;
		async function load() {
			try {
				const res = await api.get('/api/reminders');
				if (alive) setData(res);
				if (manager) {
					const c = await api.get('/api/reminders/overdue-counts');
					if (alive) setCounts(c.data || []);
				}
			} catch {
				// a failed poll keeps the last list; the next poll tries again
			}
		}
		load();
		const timer = setInterval(load, POLL_MS);
		window.addEventListener(CHANGED, load);
		return () => {
			alive = false;
			clearInterval(timer);
			window.removeEventListener(CHANGED, load);
		};
	}, [user.id]);

	const count = data ? data.count : 0;
	const overdue = data ? data.overdue : 0;
	return html`<div class="task-bell">
		<button type="button" class="task-bell__button" aria-expanded=${open ? 'true' : 'false'} data-testid="task-bell"
			aria-label=${t('tasks.bell', { count, overdue })} onClick=${() => setOpen(!open)}>
			<svg class="icon" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"
				stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
				<path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/></svg>
			${count > 0 && html`<span class=${'task-bell__count' + (overdue > 0 ? ' task-bell__count--overdue' : '')}
				data-testid="task-bell-count">${count}</span>`}
		</button>
		${open && html`<div class="task-bell__panel" role="region" aria-label=${t('tasks.bellTitle')}>
			<h2 class="task-bell__title">${t('tasks.bellTitle')}</h2>
			${data && data.data.length === 0 && html`<p class="muted">${t('tasks.noneDue')}</p>`}
			${data && data.data.length > 0 && html`<ul class="task-list">${data.data.map((x) => html`<${TaskRow} key=${x.id}
				task=${x} canEdit=${true} showLead=${true} onChanged=${() => {}} />`)}</ul>`}
			${manager && counts && counts.length > 0 && html`<h3 class="task-bell__title">${t('tasks.overdueByUser')}</h3>
				<ul class="task-bell__counts" data-testid="task-overdue-counts">${counts.map((c) => html`<li key=${c.userId || '-'}>
					${c.fullName || t('tasks.unassigned')}: <strong>${c.overdue}</strong></li>`)}</ul>`}
		</div>`}
	</div>`;
}
