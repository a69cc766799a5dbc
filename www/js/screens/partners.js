// Partner administration (/admin/partners; frontend.md §10.2, FR-8): the
// list (status filter, debounced search, pagination), create and edit
// (name, status, primary contact, SLA targets, notes). Editing keeps the
// SLA keys this form does not show (slaRules is a free key→value object).
//
// Data: GET /api/partners?page&perPage=20&status&search, POST /api/partners,
// PATCH /api/partners/:id.
import { html, useEffect, useState } from '../lib.js';
import { t, partnerStatusLabel, formatDate } from '../i18n.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { useAsync, useDebouncedValue } from '../hooks.js';
import { PARTNER_STATUSES } from '../lead-rules.js';
import { isEmail, parseInteger } from '../masks.js';
import { PageHeader } from '../components/page.js';
import { DataTable } from '../components/table.js';
import { Pagination } from '../components/pagination.js';
import { Modal } from '../components/modal.js';
import { Field, FormAlert, SubmitButton, Options, useSubmit } from '../components/form.js';
import { ErrorBanner } from '../components/states.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';
import { RoundRobinDialog } from './round-robin.js';
import { ApiKeysPanel } from './api-keys.js';
import { WebhooksPanel } from './webhooks.js';
import { WebFormPanel } from './web-form.js';

const PER_PAGE = 20;
const STATUS_TONE = { ACTIVE: 'success', INACTIVE: 'neutral', PENDING: 'warning' };

function readFilters(query) {
	return {
		page: Math.max(1, parseInt(query.get('page') || '1', 10) || 1),
		status: query.get('status') || '',
		search: query.get('search') || '',
	};
}

function toSearch(filters) {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(filters)) {
		if (key === 'page' ? value > 1 : value) params.set(key, String(value));
	}
	const text = params.toString();
	return text ? '?' + text : '';
}

// Whole-number rules of the response-time timers, and the HH:MM of working hours.
const SLA_COUNT_KEYS = ['followUpDays', 'escalateMinutes'];
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

function text(value) {
	return value == null ? '' : String(value);
}

function PartnerDialog({ partner, onClose, onSaved }) {
	const editing = Boolean(partner);
	const contact = (partner && partner.contact) || {};
	const sla = (partner && partner.slaRules && typeof partner.slaRules === 'object') ? partner.slaRules : {};
	const [v, setV] = useState({
		name: editing ? text(partner.name) : '',
		status: editing ? partner.status : 'ACTIVE',
		contactName: text(contact.name), contactEmail: text(contact.email), contactPhone: text(contact.phone),
		leadResponseMinutes: text(sla.leadResponseMinutes), contractTurnaroundDays: text(sla.contractTurnaroundDays),
		followUpDays: text(sla.followUpDays), escalateMinutes: text(sla.escalateMinutes),
		workStart: text(sla.workStart), workEnd: text(sla.workEnd),
		weekendCoverage: sla.weekendCoverage === true ? 'true' : 'false',
		notes: editing ? text(partner.notes) : '',
	});
	const set = (key) => (e) => setV({ ...v, [key]: e.currentTarget.value });

	const form = useSubmit(async () => {
		const c = {};
		if (v.contactName.trim()) c.name = v.contactName.trim();
		if (v.contactEmail.trim()) c.email = v.contactEmail.trim();
		if (v.contactPhone.trim()) c.phone = v.contactPhone.trim();
		const rules = { ...sla };
		delete rules.leadResponseMinutes;
		delete rules.contractTurnaroundDays;
		const minutes = parseInteger(v.leadResponseMinutes);
		const days = parseInteger(v.contractTurnaroundDays);
		if (minutes != null) rules.leadResponseMinutes = minutes;
		if (days != null) rules.contractTurnaroundDays = days;
		// The response-time timers' rules (docs/sla.md); empty = the key is dropped.
		for (const key of SLA_COUNT_KEYS) {
			delete rules[key];
			const n = parseInteger(v[key]);
			if (n != null) rules[key] = n;
		}
		for (const key of ['workStart', 'workEnd']) {
			delete rules[key];
			if (v[key].trim()) rules[key] = v[key].trim();
		}
		delete rules.weekendCoverage;
		if (v.weekendCoverage === 'true') rules.weekendCoverage = true;
		else if ('weekendCoverage' in sla) rules.weekendCoverage = false;
		const body = {
			name: v.name.trim(),
			status: v.status,
			contact: Object.keys(c).length ? c : null,
			slaRules: Object.keys(rules).length ? rules : null,
			notes: v.notes.trim() || null,
		};
		if (editing) {
			await api.patch(`/api/partners/${encodeURIComponent(partner.id)}`, body);
			toast(t('partners.updated', { name: body.name }), 'success');
		} else {
			await api.post('/api/partners', body);
			toast(t('partners.created', { name: body.name }), 'success');
		}
		onSaved();
		onClose();
	}, {
		validate: () => {
			const e = {};
			if (!v.name.trim()) e.name = t('partners.errors.name');
			if (v.contactEmail.trim() && !isEmail(v.contactEmail)) e['contact.email'] = t('partners.errors.email');
			for (const key of ['leadResponseMinutes', 'contractTurnaroundDays', ...SLA_COUNT_KEYS]) {
				const n = parseInteger(v[key]);
				if (n != null && (Number.isNaN(n) || n < 0)) e['slaRules.' + key] = t('partners.errors.number');
			}
			for (const key of ['workStart', 'workEnd']) {
				if (v[key].trim() && !HHMM.test(v[key].trim())) e['slaRules.' + key] = t('partners.errors.time');
			}
			const start = v.workStart.trim() || '08:00';
			const end = v.workEnd.trim() || '16:00';
			if (!e['slaRules.workStart'] && !e['slaRules.workEnd'] && start >= end) {
				e['slaRules.workEnd'] = t('partners.errors.hours');
			}
			return e;
		},
	});
	const err = form.fieldErrors;
	const title = editing ? t('partners.editTitle', { name: partner.name }) : t('partners.createTitle');

	return html`<${Modal} title=${title} onClose=${onClose} busy=${form.busy}>
		<form class="form" onSubmit=${form.onSubmit} novalidate>
			<div class="form-grid">
				<${Field} label=${t('partners.name')} name="name" required autocomplete="off" value=${v.name} error=${err.name} onInput=${set('name')} />
				<${Field} label=${t('partners.status')} name="status" as="select" value=${v.status} error=${err.status} onChange=${set('status')}>
					<${Options} items=${PARTNER_STATUSES.map((s) => ({ value: s, label: partnerStatusLabel(s) }))} />
				</${Field}>
			</div>
			<fieldset class="fieldset">
				<legend class="fieldset__legend">${t('partners.contactLegend')}</legend>
				<div class="form-grid">
					<${Field} label=${t('partners.contactName')} name="contact.name" value=${v.contactName} error=${err['contact.name']} onInput=${set('contactName')} />
					<${Field} label=${t('partners.contactEmail')} name="contact.email" type="email" value=${v.contactEmail} error=${err['contact.email']} onInput=${set('contactEmail')} />
					<${Field} label=${t('partners.contactPhone')} name="contact.phone" type="tel" value=${v.contactPhone} error=${err['contact.phone']} onInput=${set('contactPhone')} />
				</div>
			</fieldset>
			<fieldset class="fieldset">
				<legend class="fieldset__legend">${t('partners.slaLegend')}</legend>
				<div class="form-grid">
					<${Field} label=${t('partners.leadResponseMinutes')} name="slaRules.leadResponseMinutes" inputmode="numeric"
						value=${v.leadResponseMinutes} error=${err['slaRules.leadResponseMinutes']} onInput=${set('leadResponseMinutes')} />
					<${Field} label=${t('partners.contractTurnaroundDays')} name="slaRules.contractTurnaroundDays" inputmode="numeric"
						value=${v.contractTurnaroundDays} error=${err['slaRules.contractTurnaroundDays']} onInput=${set('contractTurnaroundDays')} />
					<${Field} label=${t('partners.followUpDays')} name="slaRules.followUpDays" inputmode="numeric"
						value=${v.followUpDays} error=${err['slaRules.followUpDays']} onInput=${set('followUpDays')} />
					<${Field} label=${t('partners.escalateMinutes')} name="slaRules.escalateMinutes" inputmode="numeric"
						placeholder="60" value=${v.escalateMinutes} error=${err['slaRules.escalateMinutes']} onInput=${set('escalateMinutes')} />
					<${Field} label=${t('partners.workStart')} name="slaRules.workStart" placeholder="08:00" autocomplete="off"
						value=${v.workStart} error=${err['slaRules.workStart']} onInput=${set('workStart')} />
					<${Field} label=${t('partners.workEnd')} name="slaRules.workEnd" placeholder="16:00" autocomplete="off"
						value=${v.workEnd} error=${err['slaRules.workEnd']} onInput=${set('workEnd')} />
					<${Field} label=${t('partners.weekendCoverage')} name="slaRules.weekendCoverage" as="select"
						value=${v.weekendCoverage} error=${err['slaRules.weekendCoverage']} onChange=${set('weekendCoverage')}>
						<${Options} items=${[{ value: 'false', label: t('partners.weekendNo') }, { value: 'true', label: t('partners.weekendYes') }]} />
					</${Field}>
				</div>
				<p class="field__hint">${t('partners.slaHint')}</p>
			</fieldset>
			<${Field} label=${t('partners.notes')} name="notes" as="textarea" value=${v.notes} error=${err.notes} onInput=${set('notes')} />
			<${FormAlert} message=${form.error} />
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" onClick=${onClose} disabled=${form.busy}>${t('common.cancel')}</button>
				<${SubmitButton} busy=${form.busy} busyLabel=${t('partners.saving')}>${editing ? t('partners.save') : t('partners.create')}</${SubmitButton}>
			</div>
		</form>
	</${Modal}>`;
}

export default function PartnersScreen({ location }) {
	const filters = readFilters(location.query);
	const [searchText, setSearchText] = useState(filters.search);
	const debounced = useDebouncedValue(searchText, 300);
	const [dialog, setDialog] = useState(null); // { partner? }
	const [rotation, setRotation] = useState(null); // the partner whose round robin is edited
	const [keysFor, setKeysFor] = useState(null); // partner whose API keys are open (issue 14)
	const [hooksFor, setHooksFor] = useState(null); // partner whose webhooks are open (issue 14)
	const [formFor, setFormFor] = useState(null); // partner whose web form is open (issue 14)

	useEffect(() => {
		if (debounced !== filters.search) setFilters({ search: debounced }, true);
	}, [debounced]);
	useEffect(() => {
		if (filters.search !== debounced) setSearchText(filters.search);
	}, [filters.search]);

	const query = { page: filters.page, perPage: PER_PAGE, status: filters.status || undefined, search: filters.search.trim() || undefined };
	const list = useAsync((signal) => api.get('/api/partners', { query, signal }), [JSON.stringify(query)]);

	/** Changes filters in the URL (read now: the debounced search may call this late). */
	function setFilters(change, replace = false) {
		const next = { ...readFilters(new URLSearchParams(window.location.search)), ...change };
		if (!('page' in change)) next.page = 1;
		navigate('/admin/partners' + toSearch(next), { replace });
	}

	const rows = (list.data && list.data.data) || [];
	const meta = (list.data && list.data.meta) || { page: filters.page, totalPages: 1, total: null };
	const columns = [
		{ key: 'name', label: t('partners.col.name'), render: (p) => html`<div class="cell-stack">
			<span class="cell-stack__main">${p.name}</span>
			<span class="cell-stack__sub">${t('partners.dates', { created: formatDate(p.createdAt), updated: formatDate(p.updatedAt) })}</span>
		</div>` },
		{ key: 'status', label: t('partners.col.status'), render: (p) => html`<span class=${'badge badge--' + (STATUS_TONE[p.status] || 'neutral')}>${partnerStatusLabel(p.status)}</span>` },
		{ key: 'contact', label: t('partners.col.contact'), render: (p) => {
			const c = p.contact || {};
			if (!c.name && !c.email && !c.phone) return t('common.emptyValue');
			return html`<div class="cell-stack">
				<span class="cell-stack__main">${c.name || t('common.emptyValue')}</span>
				${(c.email || c.phone) && html`<span class="cell-stack__sub">${c.email || c.phone}</span>`}
			</div>`;
		} },
		{ key: 'notes', label: t('partners.col.notes'), render: (p) => (p.notes ? (p.notes.length > 80 ? p.notes.slice(0, 80) + '…' : p.notes) : t('common.emptyValue')) },
		{ key: 'actions', label: t('partners.col.actions'), align: 'right', nowrap: true, render: (p) => html`<button type="button"
			class="btn btn--ghost btn--small" aria-label=${t('partners.editNamed', { name: p.name })}
			onClick=${() => setDialog({ partner: p })}>${t('partners.edit')}</button>
			<button type="button" class="btn btn--ghost btn--small" aria-label=${t('roundRobin.openNamed', { name: p.name })}
			onClick=${() => setRotation(p)}>${t('roundRobin.open')}</button><button type="button"
			class="btn btn--ghost btn--small" aria-label=${t('apiKeys.openNamed', { name: p.name })}
			onClick=${() => setKeysFor(p)}>${t('apiKeys.open')}</button><button type="button"
			class="btn btn--ghost btn--small" aria-label=${t('webhooks.openNamed', { name: p.name })}
			onClick=${() => setHooksFor(p)}>${t('webhooks.open')}</button><button type="button"
			class="btn btn--ghost btn--small" aria-label=${t('webForm.openNamed', { name: p.name })}
			onClick=${() => setFormFor(p)}>${t('webForm.open')}</button>` },
	];

	return html`<${PageHeader} title=${t('partners.title')} subtitle=${t('partners.subtitle')}>
			<button type="button" class="btn btn--primary" onClick=${() => setDialog({ partner: null })}>
				<${Icon} name="plus" size=${18} /><span>${t('partners.add')}</span>
			</button>
		</${PageHeader}>
		<${ErrorBanner} message=${list.error ? (list.error.message || t('partners.loadFailed')) : null} onRetry=${list.reload} />
		<section class="card list-card">
			<form class="toolbar" role="search" aria-label=${t('partners.filters')} onSubmit=${(e) => e.preventDefault()}>
				<${Field} className="toolbar__search" label=${t('partners.search')} name="search" type="search"
					placeholder=${t('partners.searchPlaceholder')} value=${searchText} onInput=${(e) => setSearchText(e.currentTarget.value)} />
				<${Field} label=${t('partners.status')} name="status" as="select" value=${filters.status} onChange=${(e) => setFilters({ status: e.currentTarget.value })}>
					<${Options} placeholder=${t('partners.allStatuses')} items=${PARTNER_STATUSES.map((s) => ({ value: s, label: partnerStatusLabel(s) }))} />
				</${Field}>
				<div class="toolbar__end">
					<button type="button" class="btn btn--ghost" onClick=${list.reload} disabled=${list.loading}>
						<${Icon} name="refresh" size=${18} /><span>${t('partners.refresh')}</span>
					</button>
					<span class="toolbar__count" aria-live="polite">${meta.total != null ? t('partners.total', { n: meta.total }) : ''}</span>
				</div>
			</form>
			<${DataTable} caption=${t('partners.caption')} captionHidden columns=${columns} rows=${rows}
				loading=${list.loading} loadingText=${t('partners.loading')} emptyText=${t('partners.empty')} />
			<${Pagination} page=${meta.page || filters.page} totalPages=${meta.totalPages} loading=${list.loading}
				onPage=${(page) => setFilters({ page })} />
		</section>
		${dialog && html`<${PartnerDialog} partner=${dialog.partner} onClose=${() => setDialog(null)} onSaved=${list.reload} />`}
		${rotation && html`<${RoundRobinDialog} partner=${rotation} onClose=${() => setRotation(null)} />`}
		${keysFor && html`<${Modal} title=${t('apiKeys.openNamed', { name: keysFor.name })} size="wide" onClose=${() => setKeysFor(null)}>
			<${ApiKeysPanel} partnerId=${keysFor.id} />
		</${Modal}>`}
		${hooksFor && html`<${Modal} title=${t('webhooks.openNamed', { name: hooksFor.name })} size="wide" onClose=${() => setHooksFor(null)}>
			<${WebhooksPanel} partnerId=${hooksFor.id} />
		</${Modal}>`}
		${formFor && html`<${Modal} title=${t('webForm.openNamed', { name: formFor.name })} size="wide" onClose=${() => setFormFor(null)}>
			<${WebFormPanel} partnerId=${formFor.id} />
		</${Modal}>`}`;
}
