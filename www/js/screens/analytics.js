// Analytics (/analytics; frontend.md §9, FR-74, FR-75, FR-42 first slice):
// the range and partner pickers (kept in the URL), the summary tiles, the
// monitoring widgets, three charts (lead volume as a line, conversion by
// partner as bars, the funnel as horizontal bars in pipeline order) and the
// compliance block. Every chart can be switched to a table with the same
// numbers ("Pokaż jako tabelę"), for screen readers and for copying.
//
// Data: GET /api/analytics/dashboard?rangeDays&partnerId and
// GET /api/analytics/monitoring, in parallel; GET /api/partners for the
// partner picker (supervisors and admins only: the list is theirs).
import { html, useEffect, useMemo, useRef, useState } from '../lib.js';
import { t, formatNumber, formatDateTime, statusInfo, personName, NBSP } from '../i18n.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { useAsync } from '../hooks.js';
import { PageHeader } from '../components/page.js';
import { DataTable } from '../components/table.js';
import { Field, Options } from '../components/form.js';
import { ErrorBanner, EmptyState, Loading } from '../components/states.js';
import { toast } from '../components/toast.js';
import { SlaReport } from './sla-report.js';

export const RANGES = [7, 30, 90, 365];
const DEFAULT_RANGE = 30;
const LINE_COLOUR = '#38bdf8';
const BAR_COLOUR = '#0ea5e9';
const FUNNEL_COLOUR = '#6366f1';

function readFilters(query) {
	const days = parseInt(query.get('rangeDays') || '', 10);
	return {
		rangeDays: RANGES.includes(days) ? days : DEFAULT_RANGE,
		partnerId: query.get('partnerId') || '',
	};
}

function toSearch(filters) {
	const params = new URLSearchParams();
	if (filters.rangeDays !== DEFAULT_RANGE) params.set('rangeDays', String(filters.rangeDays));
	if (filters.partnerId) params.set('partnerId', filters.partnerId);
	const text = params.toString();
	return text ? '?' + text : '';
}

/** frontend.md §9.2: 0 → "0%", ≥ 10 % one decimal, else two; not finite → "—". */
export function formatPercent(value) {
	if (typeof value !== 'number' || !Number.isFinite(value)) return t('common.emptyValue');
	if (value === 0) return '0%';
	const pct = value * 100;
	return formatNumber(pct, Math.abs(pct) >= 10 ? 1 : 2) + '%';
}

function formatDays(value) {
	if (typeof value !== 'number' || !Number.isFinite(value)) return t('common.emptyValue');
	return t('analytics.days', { n: formatNumber(value, 1) });
}

function formatCount(value) {
	const text = formatNumber(value);
	return text == null ? t('common.emptyValue') : text;
}

/** "3 godz. temu", "2 dni temu" (frontend.md §11.8, coarse). */
function relativeTime(value, now = Date.now()) {
	const then = new Date(value).getTime();
	if (!Number.isFinite(then)) return t('common.emptyValue');
	const minutes = Math.max(0, Math.round((now - then) / 60000));
	if (minutes < 60) return t('analytics.ago.minutes', { n: minutes });
	const hours = Math.round(minutes / 60);
	if (hours < 48) return t('analytics.ago.hours', { n: hours });
	return t('analytics.ago.days', { n: Math.round(hours / 24) });
}

/** "12 mar – 10 kwi" of the response's range, read in Warsaw time. */
function formatWindow(range) {
	if (!range) return '';
	const fmt = new Intl.DateTimeFormat('pl-PL', { day: 'numeric', month: 'short', timeZone: 'Europe/Warsaw' });
	return `${fmt.format(new Date(range.start))} – ${fmt.format(new Date(range.end))}`;
}

/** A Chart.js canvas; the chart is rebuilt when `config` changes. */
function ChartCanvas({ config, label }) {
	const canvas = useRef(null);
	useEffect(() => {
		let chart = null;
		let cancelled = false;
		import('../charts.js').then(({ Chart }) => {
			if (cancelled || !canvas.current) return;
			chart = new Chart(canvas.current, config);
			canvas.current.__chart = chart; // lets tests read the drawn data
		});
		return () => {
			cancelled = true;
			if (chart) chart.destroy();
		};
	}, [config]);
	return html`<div class="chart-box"><canvas ref=${canvas} role="img" aria-label=${label}></canvas></div>`;
}

/** A section with a chart and its table view behind one toggle. */
function ChartSection({ id, title, subtitle, loading, empty, emptyText, config, columns, rows }) {
	const [asTable, setAsTable] = useState(false);
	let body;
	if (loading) body = html`<${Loading} label=${t('analytics.loadingChart')} />`;
	else if (empty) body = html`<div class="chart-empty"><${EmptyState} text=${emptyText} /></div>`;
	else if (asTable) {
		body = html`<${DataTable} caption=${title} captionHidden columns=${columns} rows=${rows} rowKey="key" />`;
	} else body = html`<${ChartCanvas} config=${config} label=${title} />`;
	return html`<section class="card analytics-section" id=${id} aria-labelledby=${id + '-title'}>
		<div class="analytics-section__head">
			<div>
				<h2 class="analytics-section__title" id=${id + '-title'}>${title}</h2>
				<p class="analytics-section__subtitle">${subtitle}</p>
			</div>
			${!loading && !empty && html`<button type="button" class="btn btn--ghost btn--small" aria-pressed=${asTable ? 'true' : 'false'}
				onClick=${() => setAsTable(!asTable)}>${asTable ? t('analytics.showChart') : t('analytics.showTable')}</button>`}
		</div>
		${body}
	</section>`;
}

function Tile({ label, value, description, tone }) {
	return html`<div class="card analytics-tile">
		<span class="analytics-tile__label">${label}</span>
		<strong class=${'analytics-tile__value' + (tone ? ' analytics-tile__value--' + tone : '')}>${value}</strong>
		<span class="analytics-tile__desc">${description}</span>
	</div>`;
}

function Monitoring({ state }) {
	const data = state.data;
	const loading = state.loading && !data;
	const pins = data ? data.failedPinAttempts : null;
	const stuck = data ? data.stuckForms : [];
	return html`<section class="card analytics-section" aria-labelledby="monitoring-title">
		<h2 class="analytics-section__title" id="monitoring-title">${t('analytics.monitoring.title')}</h2>
		<p class="analytics-section__subtitle">${t('analytics.monitoring.subtitle')}</p>
		<div class="analytics-monitoring">
			<div class="card-inset" data-widget="failed-pins">
				<h3 class="analytics-widget__title">${t('analytics.monitoring.pins')}</h3>
				${loading ? html`<p>${t('analytics.monitoring.loading')}</p>` : html`
					<strong class=${'analytics-pins' + (pins && pins.count > 0 ? ' analytics-pins--alert' : '')}>${pins ? formatCount(pins.count) : t('common.emptyValue')}</strong>
					<p class="analytics-widget__caption">${t('analytics.monitoring.pinsCaption', { n: pins ? pins.rangeDays : 7 })}</p>`}
			</div>
			<div class="card-inset analytics-stuck" data-widget="stuck-forms">
				<h3 class="analytics-widget__title">${t('analytics.monitoring.stuck')}</h3>
				${loading ? html`<p>${t('analytics.monitoring.loading')}</p>`
					: stuck.length === 0 ? html`<p class="empty-line">${t('analytics.monitoring.noStuck')}</p>`
					: html`<ul class="analytics-stuck__list">
						${stuck.map((f) => html`<li key=${f.id} class="analytics-stuck__item">
							<div class="cell-stack">
								<a href=${'/leads/' + encodeURIComponent(f.leadId)} onClick=${(e) => { e.preventDefault(); navigate('/leads/' + encodeURIComponent(f.leadId)); }}>
									${personName(f.customer) || t('analytics.monitoring.noName')}</a>
								<span class="cell-stack__sub">${(f.customer && f.customer.email) || t('common.emptyValue')}</span>
							</div>
							<div class="cell-stack align-right">
								<span class="cell-stack__main">${f.completionPercent}%</span>
								<span class="cell-stack__sub" title=${formatDateTime(f.lastActivityAt || f.updatedAt)}>${relativeTime(f.lastActivityAt || f.updatedAt)}</span>
							</div>
						</li>`)}
					</ul>`}
			</div>
		</div>
	</section>`;
}

function Compliance({ data, loading }) {
	if (loading || !data) return null;
	const c = data.compliance;
	if (!c) return null;
	const sourceColumns = [
		{ key: 'source', label: t('analytics.compliance.source'), render: (r) => r.source || t('analytics.compliance.unknownSource') },
		{ key: 'totalLeads', label: t('analytics.compliance.leads'), align: 'right', render: (r) => formatCount(r.totalLeads) },
		{ key: 'completeLeads', label: t('analytics.compliance.complete'), align: 'right', render: (r) => formatCount(r.completeLeads) },
		{ key: 'completeRate', label: t('analytics.compliance.share'), align: 'right', render: (r) => formatPercent(r.completeRate) },
	];
	const typeColumns = [
		{ key: 'consentType', label: t('analytics.compliance.type'), render: (r) => t('analytics.consentType.' + r.consentType) },
		{ key: 'leads', label: t('analytics.compliance.leads'), align: 'right', render: (r) => formatCount(r.leads) },
		{ key: 'rate', label: t('analytics.compliance.share'), align: 'right', render: (r) => formatPercent(r.rate) },
	];
	return html`<section class="card analytics-section" id="compliance" aria-labelledby="compliance-title">
		<h2 class="analytics-section__title" id="compliance-title">${t('analytics.compliance.title')}</h2>
		<p class="analytics-section__subtitle">${t('analytics.compliance.subtitle')}</p>
		<div class="analytics-tiles">
			<${Tile} label=${t('analytics.compliance.completeShare')} value=${formatPercent(c.completeRate)}
				description=${t('analytics.compliance.completeOf', { n: formatCount(c.completeLeads), total: formatCount(c.totalLeads) })} />
			<${Tile} label=${t('analytics.compliance.missing')} value=${formatCount(c.missingRequiredOver7Days)}
				tone=${c.missingRequiredOver7Days > 0 ? 'alert' : ''} description=${t('analytics.compliance.missingDesc')} />
			<${Tile} label=${t('analytics.compliance.retention')} value=${formatCount(c.retentionDueWithin30Days)}
				tone=${c.retentionDueWithin30Days > 0 ? 'alert' : ''} description=${t('analytics.compliance.retentionDesc')} />
		</div>
		<div class="analytics-compliance-tables">
			<${DataTable} caption=${t('analytics.compliance.bySource')} columns=${sourceColumns}
				rows=${c.bySource.map((r) => ({ ...r, key: r.source || '' }))} rowKey="key" emptyText=${t('analytics.compliance.empty')} />
			<${DataTable} caption=${t('analytics.compliance.byType')} columns=${typeColumns}
				rows=${c.byConsentType.map((r) => ({ ...r, key: r.consentType }))} rowKey="key" />
		</div>
	</section>`;
}

function gridOptions(extra = {}) {
	return {
		responsive: true,
		maintainAspectRatio: false,
		...extra,
	};
}

export default function AnalyticsScreen({ location, user }) {
	const filters = readFilters(location.query);
	const managers = user && (user.role === 'ADMIN' || user.role === 'SUPERVISOR');
	const query = { rangeDays: filters.rangeDays, partnerId: filters.partnerId || undefined };
	const dash = useAsync((signal) => api.get('/api/analytics/dashboard', { query, signal }), [JSON.stringify(query)]);
	const mon = useAsync((signal) => api.get('/api/analytics/monitoring', { signal }), [JSON.stringify(query)]);
	const partners = useAsync((signal) => (managers
		? api.get('/api/partners', { query: { perPage: 100 }, signal })
		: Promise.resolve(null)), [managers]);

	const error = dash.error || mon.error;
	useEffect(() => {
		if (error) toast(error.message || t('analytics.loadFailed'), 'error');
	}, [error]);

	function setFilters(change) {
		navigate('/analytics' + toSearch({ ...filters, ...change }));
	}

	const data = dash.data;
	const loading = dash.loading && !data;
	const volume = data ? data.leadVolume : [];
	const conversion = data ? data.conversionByPartner : [];
	const funnel = data ? data.funnel.filter((f) => f.count > 0) : [];
	const s = data ? data.summary : null;

	const volumeConfig = useMemo(() => ({
		type: 'line',
		data: {
			labels: volume.map((v) => v.date),
			datasets: [{ label: t('analytics.volume.series'), data: volume.map((v) => v.count), borderColor: LINE_COLOUR,
				backgroundColor: LINE_COLOUR, borderWidth: 2, pointRadius: 3, cubicInterpolationMode: 'monotone' }],
		},
		options: gridOptions({ scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { grid: { display: false } } } }),
	}), [data]);
	const conversionConfig = useMemo(() => ({
		type: 'bar',
		data: {
			labels: conversion.map((c) => c.partnerName),
			datasets: [{ label: t('analytics.conversion.series'), data: conversion.map((c) => c.conversionRate),
				backgroundColor: BAR_COLOUR, borderRadius: { topLeft: 6, topRight: 6 } }],
		},
		options: gridOptions({
			scales: { y: { min: 0, max: 1, ticks: { callback: (v) => formatPercent(v) } }, x: { grid: { display: false } } },
			plugins: { tooltip: { callbacks: { label: (ctx) => formatPercent(ctx.parsed.y) } } },
		}),
	}), [data]);
	const funnelConfig = useMemo(() => ({
		type: 'bar',
		data: {
			labels: funnel.map((f) => statusInfo('lead', f.status).label),
			datasets: [{ label: t('analytics.funnel.series'), data: funnel.map((f) => f.count), backgroundColor: FUNNEL_COLOUR }],
		},
		options: gridOptions({
			indexAxis: 'y',
			scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
			plugins: { tooltip: { callbacks: { label: (ctx) => formatCount(ctx.parsed.x) } } },
		}),
	}), [data]);

	const partnerItems = ((partners.data && partners.data.data) || []).map((p) => ({ value: p.id, label: p.name }));
	// A partner beyond the first page of the list still shows as chosen.
	if (filters.partnerId && !partnerItems.some((p) => p.value === filters.partnerId)) {
		partnerItems.push({ value: filters.partnerId, label: filters.partnerId });
	}

	return html`<${PageHeader} title=${t('analytics.title')} subtitle=${t('analytics.subtitle')}>
			<form class="toolbar" aria-label=${t('analytics.filters')} onSubmit=${(e) => e.preventDefault()}>
				<${Field} label=${t('analytics.range')} name="rangeDays" as="select" value=${String(filters.rangeDays)}
					onChange=${(e) => setFilters({ rangeDays: parseInt(e.currentTarget.value, 10) })}>
					<${Options} items=${RANGES.map((n) => ({ value: String(n), label: t('analytics.lastDays', { n }) }))} />
				</${Field}>
				${managers && html`<${Field} key=${partners.loading ? 'loading' : 'loaded'} label=${t('analytics.partner')} name="partnerId" as="select" value=${filters.partnerId}
					onChange=${(e) => setFilters({ partnerId: e.currentTarget.value })}>
					<${Options} placeholder=${t('analytics.allPartners')} items=${partnerItems} />
				</${Field}>`}
			</form>
		</${PageHeader}>
		${data && html`<p class="analytics-window" data-testid="analytics-window">${t('analytics.window', { range: formatWindow(data.range) })}</p>`}
		<${ErrorBanner} message=${error ? (error.message || t('analytics.loadFailed')) : null}
			onRetry=${() => { dash.reload(); mon.reload(); }} />
		<div class="analytics-tiles" data-testid="analytics-summary">
			<${Tile} label=${t('analytics.summary.total')} value=${s ? formatCount(s.totalLeads) : NBSP} description=${t('analytics.summary.totalDesc')} />
			<${Tile} label=${t('analytics.summary.new')} value=${s ? formatCount(s.leadsInRange) : NBSP}
				description=${t('analytics.summary.newDesc', { n: filters.rangeDays })} />
			<${Tile} label=${t('analytics.summary.conversion')} value=${s ? formatPercent(s.overallConversionRate) : NBSP}
				description=${t('analytics.summary.conversionDesc', { n: s ? formatCount(s.signedLeadsInRange) : '…' })} />
			<${Tile} label=${t('analytics.summary.avgClose')} value=${s ? formatDays(s.averageTimeToCloseDays) : NBSP} description=${t('analytics.summary.avgCloseDesc')} />
		</div>
		<${Monitoring} state=${mon} />
		<${ChartSection} id="chart-volume" title=${t('analytics.volume.title')} subtitle=${t('analytics.volume.subtitle')}
			loading=${loading} empty=${!loading && volume.length === 0} emptyText=${t('analytics.volume.empty')}
			config=${volumeConfig} rows=${volume.map((v) => ({ ...v, key: v.date }))}
			columns=${[
				{ key: 'date', label: t('analytics.volume.date'), nowrap: true },
				{ key: 'count', label: t('analytics.volume.count'), align: 'right', render: (r) => formatCount(r.count) },
			]} />
		<${ChartSection} id="chart-conversion" title=${t('analytics.conversion.title')} subtitle=${t('analytics.conversion.subtitle')}
			loading=${loading} empty=${!loading && conversion.length === 0} emptyText=${t('analytics.conversion.empty')}
			config=${conversionConfig} rows=${conversion.map((c) => ({ ...c, key: c.partnerId }))}
			columns=${[
				{ key: 'partnerName', label: t('analytics.conversion.partner') },
				{ key: 'totalLeads', label: t('analytics.conversion.total'), align: 'right', render: (r) => formatCount(r.totalLeads) },
				{ key: 'convertedLeads', label: t('analytics.conversion.converted'), align: 'right', render: (r) => formatCount(r.convertedLeads) },
				{ key: 'conversionRate', label: t('analytics.conversion.rate'), align: 'right', render: (r) => formatPercent(r.conversionRate) },
			]} />
		<${ChartSection} id="chart-funnel" title=${t('analytics.funnel.title')} subtitle=${t('analytics.funnel.subtitle')}
			loading=${loading} empty=${!loading && funnel.length === 0} emptyText=${t('analytics.funnel.empty')}
			config=${funnelConfig} rows=${funnel.map((f) => ({ ...f, key: f.status }))}
			columns=${[
				{ key: 'status', label: t('analytics.funnel.status'), render: (r) => statusInfo('lead', r.status).label },
				{ key: 'count', label: t('analytics.funnel.count'), align: 'right', render: (r) => formatCount(r.count) },
			]} />
		<${Compliance} data=${data} loading=${loading} />
		<${SlaReport} rangeDays=${filters.rangeDays} partnerId=${filters.partnerId} />`;
}
