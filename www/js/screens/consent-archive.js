// Consent archive (/admin/consent-records; frontend.md consent archive,
// FR-35..37): every consent record of the leads the user may access, with
// filters (client, type, method, given, recorded-at range), sorting, 50 per
// page, the record's full snapshot text, withdrawal (confirmed; operators only
// partner declarations) and, for SUPERVISOR/ADMIN, the CSV/JSON export of all
// matches (each export is audited by the server).
//
// Data: GET /api/consent-records?…&skip&take=50, GET /api/consent-records/
// export?…&format, POST /api/consent-records/:id/withdraw.
import { html, useEffect, useState } from '../lib.js';
import { t, formatDateTime, personName } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { navigate } from '../router.js';
import { useAsync, useDebouncedValue } from '../hooks.js';
import { PageHeader } from '../components/page.js';
import { DataTable } from '../components/table.js';
import { Pagination } from '../components/pagination.js';
import { Modal } from '../components/modal.js';
import { Field, Options } from '../components/form.js';
import { InfoGrid } from '../components/section.js';
import { ErrorBanner } from '../components/states.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';
import {
	RichText, WithdrawDialog, CONSENT_TYPES, CONSENT_METHODS, consentLabel, canWithdraw, awaitingConfirmation,
} from '../components/consent.js';

const TAKE = 50;
const FILTERS = ['clientSearch', 'consentType', 'consentMethod', 'consentGiven', 'from', 'to', 'sortBy', 'sortOrder'];

function readFilters(query) {
	const f = { page: Math.max(1, parseInt(query.get('page') || '1', 10) || 1) };
	for (const key of FILTERS) f[key] = query.get(key) || '';
	return f;
}

function toSearch(filters) {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(filters)) {
		if (key === 'page' ? value > 1 : value) params.set(key, String(value));
	}
	const text = params.toString();
	return text ? '?' + text : '';
}

/** The API query of the filters (dates are whole days in the user's calendar). */
function apiQuery(f) {
	return {
		clientSearch: f.clientSearch.trim() || undefined,
		consentType: f.consentType || undefined,
		consentMethod: f.consentMethod || undefined,
		consentGiven: f.consentGiven || undefined,
		recordedAtStart: f.from ? new Date(f.from + 'T00:00:00').toISOString() : undefined,
		recordedAtEnd: f.to ? new Date(f.to + 'T23:59:59.999').toISOString() : undefined,
		sortBy: f.sortBy || undefined,
		sortOrder: f.sortOrder || undefined,
	};
}

/** Downloads the export as a file; the name comes from Content-Disposition. */
async function download(query, format) {
	const params = new URLSearchParams();
	for (const [k, v] of Object.entries({ ...query, format })) if (v !== undefined && v !== '') params.set(k, v);
	const response = await fetch('/api/consent-records/export?' + params.toString(), { credentials: 'same-origin' });
	if (!response.ok) {
		let message = t('consents.archive.exportFailed');
		try {
			const body = await response.json();
			if (body && body.message) message = body.message;
		} catch { /* not JSON */ }
		throw new ApiError(response.status, message);
	}
	const text = await response.text();
	const match = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
	const name = match ? match[1] : `consent-records-export.${format}`;
	const blob = new Blob([text], { type: format === 'json' ? 'application/json' : 'text/csv' });
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
	return name;
}

function RecordDialog({ record, role, onClose, onWithdraw }) {
	const profile = (record.lead && record.lead.customerProfile) || null;
	const tpl = record.consentTemplate || {};
	return html`<${Modal} title=${t('consents.archive.recordTitle', { title: tpl.title || '', n: record.version })} onClose=${onClose} size="wide">
		<${InfoGrid} items=${[
			[t('consents.archive.col.client'), personName(profile) || record.leadId],
			[t('consents.archive.col.recordedAt'), formatDateTime(record.recordedAt)],
			[t('consents.archive.col.given'), record.consentGiven ? t('consents.given') : t('consents.refused')],
			[t('consents.archive.col.method'), consentLabel('method', record.consentMethod)],
			[t('consents.archive.col.recordedBy'), record.recordedBy ? `${record.recordedBy.fullName} (${record.recordedBy.email})` : null],
			[t('consents.archive.col.partner'), record.partner ? record.partner.name : null],
			[t('consents.archive.ip'), record.ipAddress],
			[t('consents.archive.userAgent'), record.userAgent],
			[t('consents.archive.col.withdrawn'), record.withdrawnAt ? formatDateTime(record.withdrawnAt) : null],
			[t('consents.awaitingClient'), awaitingConfirmation(record, []) ? t('consents.yes') : t('consents.no')],
		]} />
		<h3 class="section__title">${t('consents.archive.snapshot')}</h3>
		<div class="consent__content consent__content--rich"><${RichText} text=${record.consentText} /></div>
		${record.helpTextSnapshot && html`<p class="muted">${record.helpTextSnapshot}</p>`}
		${canWithdraw(role, record) && html`<div class="form__actions">
			<button type="button" class="btn btn--danger" onClick=${() => onWithdraw(record)}>${t('consents.withdraw')}</button>
		</div>`}
	</${Modal}>`;
}

export default function ConsentArchiveScreen({ location, user }) {
	const filters = readFilters(location.query);
	const [searchText, setSearchText] = useState(filters.clientSearch);
	const debounced = useDebouncedValue(searchText, 300);
	const [open, setOpen] = useState(null);
	const [withdrawing, setWithdrawing] = useState(null);
	const [exporting, setExporting] = useState(false);
	const role = user ? user.role : null;
	const canExport = role === 'ADMIN' || role === 'SUPERVISOR';

	useEffect(() => {
		if (debounced !== filters.clientSearch) setFilters({ clientSearch: debounced }, true);
	}, [debounced]);

	const query = apiQuery(filters);
	const list = useAsync((signal) => api.get('/api/consent-records', {
		query: { ...query, skip: (filters.page - 1) * TAKE, take: TAKE }, signal,
	}), [JSON.stringify(query), filters.page]);
	const rows = (list.data && list.data.data) || [];
	const count = list.data ? list.data.count : null;

	function setFilters(change, replace = false) {
		const next = { ...readFilters(new URLSearchParams(window.location.search)), ...change };
		if (!('page' in change)) next.page = 1;
		navigate('/admin/consent-records' + toSearch(next), { replace });
	}
	const set = (key) => (e) => setFilters({ [key]: e.currentTarget.value });

	async function runExport(format) {
		setExporting(true);
		try {
			const name = await download(query, format);
			toast(t('consents.archive.exported', { name }), 'success');
		} catch (err) {
			toast(err.message || t('consents.archive.exportFailed'), 'error');
		} finally {
			setExporting(false);
		}
	}

	const columns = [
		{ key: 'recordedAt', label: t('consents.archive.col.recordedAt'), nowrap: true, render: (r) => formatDateTime(r.recordedAt) },
		{ key: 'client', label: t('consents.archive.col.client'), render: (r) => {
			const p = r.lead && r.lead.customerProfile;
			return html`<div class="cell-stack"><span class="cell-stack__main">${personName(p) || r.leadId}</span>
				${p && (p.email || p.phone) && html`<span class="cell-stack__sub">${p.email || p.phone}</span>`}</div>`;
		} },
		{ key: 'consent', label: t('consents.archive.col.consent'), render: (r) => html`<div class="cell-stack">
			<span class="cell-stack__main">${(r.consentTemplate && r.consentTemplate.title) || consentLabel('type', r.consentType)}</span>
			<span class="cell-stack__sub">${t('consents.versionN', { n: r.version })}</span></div>` },
		{ key: 'given', label: t('consents.archive.col.given'), render: (r) => html`<span class=${'badge badge--' + (r.consentGiven ? 'success' : 'neutral')}>
			${r.consentGiven ? t('consents.given') : t('consents.refused')}</span>
			${r.awaitingClientConfirmation && html` <span class="badge badge--warning">${t('consents.awaitingClient')}</span>`}` },
		{ key: 'method', label: t('consents.archive.col.method'), render: (r) => consentLabel('method', r.consentMethod) },
		{ key: 'recordedBy', label: t('consents.archive.col.recordedBy'), render: (r) => (r.recordedBy ? (r.recordedBy.fullName || r.recordedBy.email) : t('common.emptyValue')) },
		{ key: 'partner', label: t('consents.archive.col.partner'), render: (r) => (r.partner ? r.partner.name : t('common.emptyValue')) },
		{ key: 'withdrawn', label: t('consents.archive.col.withdrawn'), nowrap: true, render: (r) => (r.withdrawnAt ? formatDateTime(r.withdrawnAt) : t('common.emptyValue')) },
	];

	return html`<${PageHeader} title=${t('consents.archive.title')} subtitle=${t('consents.archive.subtitle')}>
			${canExport && html`<button type="button" class="btn btn--secondary" disabled=${exporting} onClick=${() => runExport('csv')}>
				<${Icon} name="archive" size=${18} /><span>${t('consents.archive.exportCsv')}</span></button>
			<button type="button" class="btn btn--secondary" disabled=${exporting} onClick=${() => runExport('json')}>
				<span>${t('consents.archive.exportJson')}</span></button>`}
		</${PageHeader}>
		<${ErrorBanner} message=${list.error ? (list.error.message || t('consents.archive.loadFailed')) : null} onRetry=${list.reload} />
		<section class="card list-card">
			<form class="toolbar toolbar--wrap" role="search" aria-label=${t('consents.archive.filters')} onSubmit=${(e) => e.preventDefault()}>
				<${Field} className="toolbar__search" label=${t('consents.archive.search')} name="clientSearch" type="search"
					placeholder=${t('consents.archive.searchPlaceholder')} value=${searchText} onInput=${(e) => setSearchText(e.currentTarget.value)} />
				<${Field} label=${t('consents.archive.type')} name="consentType" as="select" value=${filters.consentType} onChange=${set('consentType')}>
					<${Options} placeholder=${t('consents.archive.all')} items=${CONSENT_TYPES.map((c) => ({ value: c, label: consentLabel('type', c) }))} />
				</${Field}>
				<${Field} label=${t('consents.archive.method')} name="consentMethod" as="select" value=${filters.consentMethod} onChange=${set('consentMethod')}>
					<${Options} placeholder=${t('consents.archive.all')} items=${CONSENT_METHODS.map((c) => ({ value: c, label: consentLabel('method', c) }))} />
				</${Field}>
				<${Field} label=${t('consents.archive.given')} name="consentGiven" as="select" value=${filters.consentGiven} onChange=${set('consentGiven')}>
					<${Options} placeholder=${t('consents.archive.all')} items=${[{ value: 'true', label: t('consents.given') }, { value: 'false', label: t('consents.refused') }]} />
				</${Field}>
				<${Field} label=${t('consents.archive.from')} name="from" type="date" value=${filters.from} onChange=${set('from')} />
				<${Field} label=${t('consents.archive.to')} name="to" type="date" value=${filters.to} onChange=${set('to')} />
				<${Field} label=${t('consents.archive.sort')} name="sortBy" as="select" value=${filters.sortBy} onChange=${set('sortBy')}>
					<${Options} items=${[{ value: '', label: t('consents.archive.sortRecordedAt') }, { value: 'consentType', label: t('consents.archive.sortType') }, { value: 'clientName', label: t('consents.archive.sortClient') }]} />
				</${Field}>
				<${Field} label=${t('consents.archive.order')} name="sortOrder" as="select" value=${filters.sortOrder} onChange=${set('sortOrder')}>
					<${Options} items=${[{ value: '', label: t('consents.archive.desc') }, { value: 'asc', label: t('consents.archive.asc') }]} />
				</${Field}>
				<div class="toolbar__end">
					<span class="toolbar__count" aria-live="polite">${count != null ? t('consents.archive.total', { n: count }) : ''}</span>
				</div>
			</form>
			<${DataTable} caption=${t('consents.archive.caption')} captionHidden columns=${columns} rows=${rows}
				loading=${list.loading} loadingText=${t('consents.archive.loading')} emptyText=${t('consents.archive.empty')}
				onRowClick=${(r) => setOpen(r)} />
			<${Pagination} page=${filters.page} totalPages=${count != null ? Math.ceil(count / TAKE) : 1} loading=${list.loading}
				onPage=${(page) => setFilters({ page })} />
		</section>
		${open && !withdrawing && html`<${RecordDialog} record=${open} role=${role} onClose=${() => setOpen(null)}
			onWithdraw=${(r) => setWithdrawing(r)} />`}
		${withdrawing && html`<${WithdrawDialog} record=${withdrawing} onClose=${() => { setWithdrawing(null); setOpen(null); }}
			onDone=${list.reload} />`}`;
}
