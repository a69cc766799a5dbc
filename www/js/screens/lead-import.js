// The lead import (issue 14), reached from the lead list: upload a CSV file,
// map its columns to lead fields (the server suggests the user's last mapping),
// a dry run with the report (row, column, value, problem; duplicates), the run
// with a progress bar (GET /api/imports/:id polled while POST .../run works),
// and the result with links to the new leads and the undo (one hour).
//
// Data: POST /api/imports (multipart), POST /api/imports/:id/dry-run,
// POST /api/imports/:id/run, GET /api/imports/:id, POST /api/imports/:id/undo.
import { html, useState, useEffect, useRef } from '../lib.js';
import { t, tn, formatNumber, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { useSession } from '../session.js';
import { Link } from '../router.js';
import { PageHeader } from '../components/page.js';
import { Field, FormAlert, SubmitButton } from '../components/form.js';
import { ErrorBanner } from '../components/states.js';
import { toast } from '../components/toast.js';

const STAFF_MANAGERS = ['SUPERVISOR', 'ADMIN'];
const SHOWN_ISSUES = 200;
const SHOWN_LINKS = 20;
const POLL_MS = 1000;

function errorText(err) {
	return (err && err.message) || t('leadImport.failed');
}

/** Step 1: the file (and, for staff, the partner the leads go to). */
function UploadStep({ onUploaded }) {
	const [file, setFile] = useState(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	async function submit(e) {
		e.preventDefault();
		if (!file) return setError(t('leadImport.chooseFile'));
		setBusy(true);
		setError(null);
		try {
			const body = new FormData();
			body.append('file', file, file.name);
			onUploaded(await api.post('/api/imports', body));
		} catch (err) {
			setError(err && err.status === 413 ? t('leadImport.tooLarge') : errorText(err));
		} finally {
			setBusy(false);
		}
	}
	return html`<form class="form card" onSubmit=${submit} novalidate aria-label=${t('leadImport.uploadTitle')}>
		<h2>${t('leadImport.uploadTitle')}</h2>
		<p>${t('leadImport.uploadHint')}</p>
		<${Field} label=${t('leadImport.file')} name="file" type="file" accept=".csv,.xlsx,text/csv"
			onChange=${(e) => setFile(e.currentTarget.files[0] || null)} />
		<${FormAlert} message=${error} />
		<div class="form__actions">
			<${SubmitButton} busy=${busy} busyLabel=${t('leadImport.uploading')}>${t('leadImport.upload')}</${SubmitButton}>
		</div>
	</form>`;
}

/** Step 2: each column of the file to a lead field (or skipped). */
function MappingStep({ job, onReport }) {
	const { user } = useSession();
	const staff = STAFF_MANAGERS.includes(user.role);
	const [mapping, setMapping] = useState(job.mapping);
	const [partnerId, setPartnerId] = useState('');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const partners = useAsync((signal) => (staff
		? api.get('/api/partners', { query: { page: 1, perPage: 100 }, signal }).then((r) => r.data)
		: Promise.resolve([])), [staff]);
	async function submit(e) {
		e.preventDefault();
		setBusy(true);
		setError(null);
		try {
			const body = { mapping };
			if (staff && partnerId) body.partnerId = partnerId;
			onReport(await api.post(`/api/imports/${encodeURIComponent(job.id)}/dry-run`, body));
		} catch (err) {
			setError(errorText(err));
		} finally {
			setBusy(false);
		}
	}
	const set = (i, value) => setMapping(mapping.map((m, k) => (k === i ? (value || null) : m)));
	return html`<form class="form card" onSubmit=${submit} novalidate aria-label=${t('leadImport.mappingTitle')}>
		<h2>${t('leadImport.mappingTitle')}</h2>
		<p>${t('leadImport.mappingHint', { file: job.fileName, rows: formatNumber(job.rowCount) })}</p>
		${staff && html`<${Field} label=${t('leadImport.partner')} name="partnerId" as="select" value=${partnerId}
			hint=${t('leadImport.partnerHint')} onChange=${(e) => setPartnerId(e.currentTarget.value)}>
			<option value="">${t('leadImport.partnerFromFile')}</option>
			${(partners.data || []).map((p) => html`<option key=${p.id} value=${p.id}>${p.name}</option>`)}
		</${Field}>`}
		<table class="table import-mapping" data-testid="import-mapping">
			<thead><tr><th scope="col">${t('leadImport.column')}</th><th scope="col">${t('leadImport.field')}</th></tr></thead>
			<tbody>
				${job.columns.map((c, i) => html`<tr key=${i}>
					<th scope="row">${c || t('leadImport.noName', { n: i + 1 })}</th>
					<td><select class="input" name=${'map-' + i} aria-label=${t('leadImport.fieldFor', { column: c })}
						value=${mapping[i] || ''} onChange=${(e) => set(i, e.currentTarget.value)}>
						<option value="">${t('leadImport.skip')}</option>
						${job.fields.map((f) => html`<option key=${f} value=${f}>${t('leadImport.fields.' + f)}</option>`)}
					</select></td>
				</tr>`)}
			</tbody>
		</table>
		<${FormAlert} message=${error} />
		<div class="form__actions">
			<${SubmitButton} busy=${busy} busyLabel=${t('leadImport.checking')}>${t('leadImport.dryRun')}</${SubmitButton}>
		</div>
	</form>`;
}

/** Step 3: the dry run's report; the run starts from here. */
function ReportStep({ report, onRun, onBack }) {
	const issues = report.issues.slice(0, SHOWN_ISSUES);
	return html`<section class="card" aria-label=${t('leadImport.reportTitle')} data-testid="import-report">
		<h2>${t('leadImport.reportTitle')}</h2>
		<ul class="import-summary">
			<li>${t('leadImport.summary.total')}: <strong>${formatNumber(report.totalRows)}</strong></li>
			<li>${t('leadImport.summary.valid')}: <strong data-testid="import-valid">${formatNumber(report.validRows)}</strong></li>
			<li>${t('leadImport.summary.invalid')}: <strong>${formatNumber(report.invalidRows)}</strong></li>
			<li>${t('leadImport.summary.duplicates')}: <strong>${formatNumber(report.duplicateRows)}</strong></li>
			<li>${t('leadImport.summary.flagged')}: <strong>${formatNumber(report.flaggedRows)}</strong></li>
		</ul>
		${issues.length > 0 && html`<h3>${t('leadImport.problems')}</h3>
			${report.issueCount > issues.length && html`<p>${t('leadImport.moreProblems', { shown: issues.length, total: formatNumber(report.issueCount) })}</p>`}
			<table class="table">
				<thead><tr><th scope="col">${t('leadImport.row')}</th><th scope="col">${t('leadImport.column')}</th>
					<th scope="col">${t('leadImport.value')}</th><th scope="col">${t('leadImport.problem')}</th></tr></thead>
				<tbody>${issues.map((p, i) => html`<tr key=${i}><td>${p.row}</td><td>${p.column || '—'}</td>
					<td>${p.value == null ? '—' : p.value}</td><td>${p.problem}</td></tr>`)}</tbody>
			</table>`}
		${report.duplicates.length > 0 && html`<h3>${t('leadImport.duplicates')}</h3>
			<table class="table">
				<thead><tr><th scope="col">${t('leadImport.row')}</th><th scope="col">${t('leadImport.duplicateOf')}</th></tr></thead>
				<tbody>${report.duplicates.slice(0, SHOWN_ISSUES).map((d) => html`<tr key=${d.row}><td>${d.row}</td><td>
					${d.sameAsRow && t('leadImport.sameAsRow', { row: d.sameAsRow })}
					${(d.leadIds || []).slice(0, 3).map((id) => html` <${Link} key=${id} href=${'/leads/' + encodeURIComponent(id)}>${t('leadImport.existingLead')}</${Link}>`)}
				</td></tr>`)}</tbody>
			</table>`}
		<div class="form__actions">
			<button type="button" class="btn btn--ghost" onClick=${onBack}>${t('leadImport.changeMapping')}</button>
			<button type="button" class="btn btn--primary" disabled=${report.validRows === 0} onClick=${onRun}>
				${tn('leadImport.run', report.validRows)}</button>
		</div>
	</section>`;
}

/** Step 4 and 5: the progress bar while the run works, then the result. */
function RunStep({ jobId }) {
	const [job, setJob] = useState(null);
	const [error, setError] = useState(null);
	const [undoing, setUndoing] = useState(false);
	const done = useRef(false);
	useEffect(() => {
		const path = `/api/imports/${encodeURIComponent(jobId)}`;
		let timer = null;
		const poll = async () => {
			try {
				const j = await api.get(path);
				if (!done.current) setJob(j);
			} catch { /* the next poll or the run's answer says more */ }
			if (!done.current) timer = setTimeout(poll, POLL_MS);
		};
		timer = setTimeout(poll, POLL_MS / 2);
		api.post(path + '/run').then((j) => { done.current = true; setJob(j); })
			.catch((err) => { done.current = true; setError(errorText(err)); });
		return () => { done.current = true; clearTimeout(timer); };
	}, [jobId]);
	async function undo() {
		if (!window.confirm(t('leadImport.undoConfirm', { n: job.createdCount }))) return;
		setUndoing(true);
		try {
			setJob(await api.post(`/api/imports/${encodeURIComponent(jobId)}/undo`));
			toast(t('leadImport.undone'), 'success');
		} catch (err) {
			toast(errorText(err), 'error');
		} finally {
			setUndoing(false);
		}
	}
	const progress = job ? job.progress : 0;
	const finished = job && (job.status === 'DONE' || job.status === 'UNDONE');
	return html`<section class="card" aria-label=${t('leadImport.runTitle')} data-testid="import-run">
		<h2>${t('leadImport.runTitle')}</h2>
		<${ErrorBanner} message=${error} />
		<div class="doc-upload__progress">
			<progress max="100" value=${progress} aria-label=${t('leadImport.progress')}></progress>
			<span data-testid="import-progress">${progress} %</span>
		</div>
		${job && html`<p>${t('leadImport.created', { n: formatNumber(job.createdCount) })}</p>`}
		${finished && job.status === 'DONE' && html`<p data-testid="import-done">${t('leadImport.done')}</p>
			<ul class="import-links">${job.createdLeadIds.slice(0, SHOWN_LINKS).map((id) => html`<li key=${id}>
				<${Link} href=${'/leads/' + encodeURIComponent(id)}>${id}</${Link}></li>`)}</ul>
			<p><${Link} href="/leads" class="btn btn--ghost">${t('leadImport.toList')}</${Link}></p>
			${job.canUndo && html`<p>${t('leadImport.undoUntil', { time: formatDateTime(job.undoUntil) })}</p>
				<button type="button" class="btn btn--danger" disabled=${undoing} onClick=${undo}>${t('leadImport.undo')}</button>`}`}
		${finished && job.status === 'UNDONE' && html`<p data-testid="import-undone">${t('leadImport.undone')}</p>
			<p><${Link} href="/leads" class="btn btn--ghost">${t('leadImport.toList')}</${Link}></p>`}
	</section>`;
}

export default function LeadImport() {
	const [job, setJob] = useState(null);
	const [report, setReport] = useState(null);
	const [running, setRunning] = useState(false);
	let step;
	if (running) step = html`<${RunStep} jobId=${job.id} />`;
	else if (report) step = html`<${ReportStep} report=${report} onBack=${() => setReport(null)} onRun=${() => setRunning(true)} />`;
	else if (job) step = html`<${MappingStep} job=${job} onReport=${setReport} />`;
	else step = html`<${UploadStep} onUploaded=${(j) => { setJob(j); setReport(null); }} />`;
	return html`<${PageHeader} title=${t('leadImport.title')} subtitle=${t('leadImport.subtitle')}>
			<${Link} href="/leads" class="btn btn--ghost">${t('leadImport.toList')}</${Link}>
		</${PageHeader}>
		${step}`;
}
