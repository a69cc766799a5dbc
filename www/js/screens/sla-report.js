// The response-time (SLA) report, a section of the analytics screen (issue
// 13, docs/sla.md): GET /api/analytics/sla?from&to&partnerId for the
// screen's range (the last N days up to today) and partner; the totals as
// tiles, then one table per partner and per operator (the lead's assignee).
import { html } from '../lib.js';
import { t, formatNumber } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { DataTable } from '../components/table.js';
import { ErrorBanner, Loading } from '../components/states.js';

function day(d) {
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function count(value) {
	const text = formatNumber(value);
	return text == null ? t('common.emptyValue') : text;
}

function share(value) {
	if (typeof value !== 'number' || !Number.isFinite(value)) return t('common.emptyValue');
	return formatNumber(value * 100, 1) + '%';
}

function minutes(value) {
	if (typeof value !== 'number' || !Number.isFinite(value)) return t('common.emptyValue');
	return formatNumber(value, 1);
}

const statColumns = () => [
	{ key: 'leads', label: t('sla.report.leads'), align: 'right', render: (r) => count(r.leads) },
	{ key: 'met', label: t('sla.report.met'), align: 'right', render: (r) => count(r.met) },
	{ key: 'breached', label: t('sla.report.breached'), align: 'right', render: (r) => count(r.breached) },
	{ key: 'pending', label: t('sla.report.pending'), align: 'right', render: (r) => count(r.pending) },
	{ key: 'shareMet', label: t('sla.report.shareMet'), align: 'right', render: (r) => share(r.shareMet) },
	{ key: 'median', label: t('sla.report.median'), align: 'right', render: (r) => minutes(r.medianFirstContactMinutes) },
	{ key: 'followUpBreached', label: t('sla.report.followUpBreached'), align: 'right', render: (r) => count(r.followUpBreached) },
];

export function SlaReport({ rangeDays, partnerId }) {
	const to = new Date();
	const from = new Date(to.getFullYear(), to.getMonth(), to.getDate() - (rangeDays - 1));
	const query = { from: day(from), to: day(to), partnerId: partnerId || undefined };
	const rep = useAsync((signal) => api.get('/api/analytics/sla', { query, signal }), [JSON.stringify(query)]);
	const r = rep.data;
	return html`<section class="card analytics-section" id="sla-report" aria-labelledby="sla-report-title" data-testid="sla-report">
		<h2 class="analytics-section__title" id="sla-report-title">${t('sla.report.title')}</h2>
		${r && html`<p class="analytics-section__subtitle">${r.from} – ${r.to}</p>`}
		<${ErrorBanner} message=${rep.error ? rep.error.message : null} onRetry=${rep.reload} />
		${rep.loading && !r && html`<${Loading} />`}
		${r && html`<div class="analytics-tiles" data-testid="sla-totals">
			<div class="card analytics-tile"><span class="analytics-tile__label">${t('sla.report.shareMet')}</span>
				<strong class="analytics-tile__value" data-testid="sla-share">${share(r.total.shareMet)}</strong></div>
			<div class="card analytics-tile"><span class="analytics-tile__label">${t('sla.report.median')}</span>
				<strong class="analytics-tile__value" data-testid="sla-median">${minutes(r.total.medianFirstContactMinutes)}</strong></div>
			<div class="card analytics-tile"><span class="analytics-tile__label">${t('sla.report.breached')}</span>
				<strong class="analytics-tile__value" data-testid="sla-breaches">${count(r.total.breaches)}</strong></div>
		</div>
		<${DataTable} caption=${t('sla.report.byPartner')} emptyText=${t('sla.report.empty')} rowKey="partnerId"
			columns=${[{ key: 'name', label: t('sla.report.partner') }, ...statColumns()]} rows=${r.partners} />
		<${DataTable} caption=${t('sla.report.byOperator')} emptyText=${t('sla.report.empty')} rowKey="key"
			columns=${[{ key: 'fullName', label: t('sla.report.operator'), render: (o) => o.fullName || t('sla.report.unassigned') }, ...statColumns()]}
			rows=${r.operators.map((o) => ({ ...o, key: o.userId || '-' }))} />`}
	</section>`;
}
