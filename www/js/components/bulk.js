// Bulk actions on a selection of leads (issue 13), for the list and the board:
// assign (managers: any operator; operators: "to me"), change status (one
// reason and note for all; each lead is checked on the server against the
// status policy and the access rule) and export to CSV or XLSX. One request per
// action: POST /api/leads/bulk {action, ids | filter, …}; the answer lists the
// leads that failed, shown under the bar.
//
//   <${BulkBar} user=${user} ids=${[…]} filter=${null | {status:[…], …}}
//     count=${n} onDone=${reload} onClear=${clear} />
// `filter` set: "all leads matching the filter" (the server resolves them,
// at most 1000).
import { html, useState } from '../lib.js';
import { t, statusInfo, reasonLabel, apiMessage } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { toast } from './toast.js';
import { Options } from './form.js';
import { downloadFile } from './export-menu.js';

const MANAGERS = ['SUPERVISOR', 'ADMIN'];

function selectionBody(ids, filter) {
	return filter ? { filter } : { ids };
}

/** Downloads the selection as a file (format csv or xlsx; the API answers with the file). */
function exportFile(ids, filter, format) {
	return downloadFile('/api/leads/bulk', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ action: 'export', format, ...selectionBody(ids, filter) }),
	}, `leady.${format}`);
}

export function BulkBar({ user, ids, filter, count, onDone, onClear }) {
	const manager = MANAGERS.includes(user.role);
	const [action, setAction] = useState('');
	const [assignee, setAssignee] = useState(manager ? '' : user.id);
	const [status, setStatus] = useState('');
	const [reason, setReason] = useState('');
	const [notes, setNotes] = useState('');
	const [busy, setBusy] = useState(false);
	const [result, setResult] = useState(null);
	const policy = useAsync((signal) => api.get('/api/leads/status-policy', { signal }), []);
	const operators = useAsync((signal) => (manager
		? api.get('/api/users', { query: { page: 1, perPage: 200, role: 'OPERATOR', status: 'ACTIVE' }, signal }).then((r) => r.data || [])
		: Promise.resolve([])), [manager]);
	const p = policy.data;
	const needsReason = Boolean(p && status && p.reasonRequired.includes(status));

	async function run() {
		setBusy(true);
		setResult(null);
		try {
			if (action === 'export' || action === 'export-xlsx') {
				const format = action === 'export' ? 'csv' : 'xlsx';
				await exportFile(ids, filter, format);
				toast(format === 'csv' ? t('bulk.exported') : t('exportMenu.done', { format: 'XLSX' }), 'success');
				return;
			}
			const body = { action, ...selectionBody(ids, filter) };
			if (action === 'assign') body.userId = assignee || null;
			if (action === 'status') {
				body.status = status;
				if (needsReason && reason) body.reason = reason;
				if (notes.trim()) body.notes = notes.trim();
			}
			const answer = await api.post('/api/leads/bulk', body);
			setResult(answer);
			toast(t('bulk.done', { updated: answer.updated.length, failed: answer.failed.length }),
				answer.failed.length ? 'info' : 'success');
			onDone(answer);
		} catch (err) {
			toast(err.message || t('bulk.failed'), 'error');
		} finally {
			setBusy(false);
		}
	}

	const ready = action === 'export' || action === 'export-xlsx' || (action === 'assign' && (manager || assignee))
		|| (action === 'status' && status && (!needsReason || reason || notes.trim()));

	return html`<div class="bulk-bar" role="region" aria-label=${t('bulk.label')} data-testid="bulk-bar">
		<span class="bulk-bar__count" aria-live="polite">${t('bulk.selected', { n: count })}</span>
		<label class="bulk-bar__field"><span class="visually-hidden">${t('bulk.action')}</span>
			<select name="bulkAction" value=${action} onChange=${(e) => setAction(e.currentTarget.value)}>
				<option value="">${t('bulk.choose')}</option>
				<option value="assign">${t('bulk.assign')}</option>
				${user.role !== 'AUDITOR' && html`<option value="status">${t('bulk.status')}</option>`}
				<option value="export">${t('bulk.export')}</option>
				<option value="export-xlsx">${t('exportMenu.bulkXlsx')}</option>
			</select>
		</label>
		${action === 'assign' && (manager
			? html`<label class="bulk-bar__field"><span class="visually-hidden">${t('bulk.assignee')}</span>
				<select name="bulkAssignee" value=${assignee} onChange=${(e) => setAssignee(e.currentTarget.value)}>
					<${Options} placeholder=${t('bulk.unassign')} items=${(operators.data || []).map((u) => ({ value: u.id, label: u.fullName || u.email }))} />
				</select></label>`
			: html`<span class="muted">${t('bulk.toMe')}</span>`)}
		${action === 'status' && p && html`<label class="bulk-bar__field"><span class="visually-hidden">${t('bulk.status')}</span>
			<select name="bulkStatus" value=${status} onChange=${(e) => { setStatus(e.currentTarget.value); setReason(''); }}>
				<option value="">${t('bulk.chooseStatus')}</option>
				${p.statuses.filter((s) => s !== 'MERGED').map((s) => html`<option key=${s} value=${s}>${statusInfo('lead', s).label}</option>`)}
			</select></label>`}
		${action === 'status' && needsReason && html`<label class="bulk-bar__field"><span class="visually-hidden">${t('bulk.reason')}</span>
			<select name="bulkReason" value=${reason} onChange=${(e) => setReason(e.currentTarget.value)}>
				<${Options} placeholder=${t('bulk.chooseReason')} items=${p.reasons.map((c) => ({ value: c, label: reasonLabel(c) }))} />
			</select></label>`}
		${action === 'status' && html`<label class="bulk-bar__field"><span class="visually-hidden">${t('bulk.notes')}</span>
			<input name="bulkNotes" type="text" maxlength="2000" placeholder=${t('bulk.notes')} value=${notes}
				onInput=${(e) => setNotes(e.currentTarget.value)} /></label>`}
		<button type="button" class="btn btn--primary" disabled=${!ready || busy} aria-busy=${busy ? 'true' : undefined}
			onClick=${run}>${busy ? t('bulk.running') : t('bulk.run')}</button>
		<button type="button" class="btn btn--ghost" onClick=${onClear}>${t('bulk.clear')}</button>
		${result && result.failed.length > 0 && html`<details class="bulk-bar__failed" open>
			<summary>${t('bulk.failedList', { n: result.failed.length })}</summary>
			<ul>${result.failed.map((f) => html`<li key=${f.id}><code>${f.id}</code>: ${apiMessage(f.message)}</li>`)}</ul>
		</details>`}
	</div>`;
}
