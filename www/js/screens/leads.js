// Lead workspace (/leads, /leads/:id; frontend.md §7.1–§7.2, FR-13):
// the filterable, paginated lead list, the "Dodaj nowy lead" modal and, for
// /leads/:id, the lead detail modal over the list (deep links open it,
// rewrite of §15 #5). The list state lives in the URL query (page, status,
// partnerId, assignee, search), so Back/Forward and shared links keep it.
//
// Data: GET /api/leads?page&perPage=25&status=A,B&partnerId&assignedUserId
// &assigned=unassigned&search → { data: [lead summary], meta }.
// Filters shown by role: partner and operator lists need GET /api/partners
// and GET /api/users, which only SUPERVISOR/ADMIN may call.
//
// Issue 13: rows can be selected (a click on the check box, Shift+click for a
// range, or "all matching the filter") for the bulk actions of
// components/bulk.js; the visible columns are in the URL too (cols), and the
// filters, order and columns can be saved as a named view
// (components/saved-views.js) listed in the sidebar. The same filters drive
// the board (/leads/board, screens/board.js).
import { html, useEffect, useMemo, useRef, useState } from '../lib.js';
import {
	t, tn, formatDateTime, statusInfo, consentStatusInfo, personName, LEAD_STATUS_OPTIONS,
} from '../i18n.js';
import { api } from '../api.js';
import { navigate, Link } from '../router.js';
import { useAsync, useDebouncedValue } from '../hooks.js';
import { TERMINAL_STATUSES } from '../lead-rules.js';
import { PageHeader } from '../components/page.js';
import { DataTable } from '../components/table.js';
import { Pagination } from '../components/pagination.js';
import { Field, Options } from '../components/form.js';
import { ErrorBanner } from '../components/states.js';
import { toast } from '../components/toast.js';
import { Icon } from '../components/icons.js';
import LeadCreateModal from './lead-create.js';
import LeadDetailModal from './lead-detail.js';
import { BulkBar } from '../components/bulk.js';
import { SaveViewButton } from '../components/saved-views.js';
import { ExportMenu } from '../components/export-menu.js';

const PER_PAGE = 25;
const MANAGERS = ['SUPERVISOR', 'ADMIN'];
const STAFF = ['OPERATOR', 'SUPERVISOR', 'ADMIN'];

const OPEN_STATUSES = LEAD_STATUS_OPTIONS.filter((s) => !TERMINAL_STATUSES.includes(s));

/** The status filter's value → the API's comma-separated list. */
function statusQuery(value) {
	if (value === 'open') return OPEN_STATUSES.join(',');
	if (value === 'closed') return TERMINAL_STATUSES.join(',');
	return value || undefined;
}

/** The list's filters in the URL query (shared with the board). */
export function readFilters(query) {
	const page = Math.max(1, parseInt(query.get('page') || '1', 10) || 1);
	return {
		page,
		status: query.get('status') || '',
		partnerId: query.get('partnerId') || '',
		assignee: query.get('assignee') || '',
		search: query.get('search') || '',
		cols: query.get('cols') || '',
	};
}

export function filtersToSearch(filters) {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(filters)) {
		if (key === 'page' ? value > 1 : value) params.set(key, String(value));
	}
	const text = params.toString();
	return text ? '?' + text : '';
}

export function apiQuery(filters, user) {
	const query = { page: filters.page, perPage: PER_PAGE, status: statusQuery(filters.status), search: filters.search.trim() || undefined };
	if (filters.partnerId) query.partnerId = filters.partnerId;
	if (filters.assignee === 'unassigned') query.assigned = 'unassigned';
	else if (filters.assignee === 'me') query.assignedUserId = user.id;
	else if (filters.assignee) query.assignedUserId = filters.assignee;
	return query;
}

function ClientCell({ lead }) {
	const name = personName(lead.customerProfile);
	return html`<div class="cell-stack">
		<span class="cell-stack__main">${name || t('leads.noCustomer')}</span>
		${lead.customerProfile && lead.customerProfile.email && html`<span class="cell-stack__sub">${lead.customerProfile.email}</span>`}
	</div>`;
}

function Badge({ info }) {
	if (!info || !info.label) return t('common.emptyValue');
	return html`<span class=${'badge badge--' + info.tone}>${info.label}</span>`;
}

function ErrorPage({ kind }) {
	return html`<${PageHeader} title=${t(`leads.${kind}.title`)} subtitle=${t(`leads.${kind}.code`)} />
		<section class="card status-page" role="alert">
			<p>${t(`leads.${kind}.text`)}</p>
			<p><${Link} href="/leads" class="btn btn--primary">${t('leads.backToList')}</${Link}></p>
		</section>`;
}

/** Options of the partner and operator filters (managers only). */
function useFilterOptions(user) {
	const manager = MANAGERS.includes(user.role);
	const partners = useAsync((signal) => (manager
		? api.get('/api/partners', { query: { page: 1, perPage: 100 }, signal }).then((r) => r.data)
		: Promise.resolve([])), [manager]);
	const operators = useAsync((signal) => (manager
		? api.get('/api/users', { query: { page: 1, perPage: 200, role: 'OPERATOR' }, signal }).then((r) => r.data)
		: Promise.resolve([])), [manager]);
	return {
		manager,
		partners: (partners.data || []).slice().sort((a, b) => a.name.localeCompare(b.name, 'pl')),
		operators: (operators.data || []).slice().sort((a, b) => (a.fullName || a.email).localeCompare(b.fullName || b.email, 'pl')),
	};
}

export default function LeadsScreen({ params, location, user }) {
	const filters = readFilters(location.query);
	const [searchText, setSearchText] = useState(filters.search);
	const debouncedSearch = useDebouncedValue(searchText, 300);
	const [creating, setCreating] = useState(false);
	const [denied, setDenied] = useState(null); // { id, kind: 'denied' | 'notFound' }
	const options = useFilterOptions(user);
	const staff = STAFF.includes(user.role);
	const [selected, setSelected] = useState(() => new Set());
	const [allMatching, setAllMatching] = useState(false);
	const lastToggled = useRef(null);

	// Typing in the search box updates the URL (page 1) once it settles.
	useEffect(() => {
		if (debouncedSearch !== filters.search) setFilters({ search: debouncedSearch, page: 1 }, true);
	}, [debouncedSearch]);
	// A new URL (Back/Forward, a link) puts its search text in the box.
	useEffect(() => {
		if (filters.search !== debouncedSearch) setSearchText(filters.search);
	}, [filters.search]);

	const query = apiQuery(filters, user);
	const queryKey = JSON.stringify(query);
	const list = useAsync((signal) => api.get('/api/leads', { query, signal }), [queryKey]);
	// Another filter is another selection.
	const filterKey = JSON.stringify({ ...query, page: undefined });
	useEffect(() => { setSelected(new Set()); setAllMatching(false); }, [filterKey]);

	/**
	 * Changes filters in the URL (page 1 unless the page is changed). Reads the
	 * location now, not from this render: the debounced search may call it
	 * after another navigation (e.g. to another lead) has happened.
	 */
	function setFilters(change, replace = false) {
		const next = { ...readFilters(new URLSearchParams(window.location.search)), ...change };
		if (!('page' in change)) next.page = 1;
		navigate(window.location.pathname + filtersToSearch(next), { replace });
	}

	function openLead(lead) {
		navigate(`/leads/${encodeURIComponent(lead.id)}${window.location.search}`);
	}

	function closeLead() {
		refocus.current = params.id;
		navigate('/leads' + window.location.search);
	}

	// After the detail closes, focus returns to the lead's row, also when the
	// list was reloaded meanwhile (the dialog's opener element is then gone).
	const refocus = useRef(null);
	useEffect(() => {
		if (params.id || !refocus.current || list.loading) return;
		const row = document.querySelector(`tr[data-row-key="${CSS.escape(refocus.current)}"]`);
		refocus.current = null;
		if (row && !row.contains(document.activeElement)) row.focus({ preventScroll: true });
	}, [params.id, list.loading, list.data]);

	function onCreated(created) {
		setCreating(false);
		list.reload();
		if (created.duplicates && created.duplicates.leadIds && created.duplicates.leadIds.length) {
			toast(t('leadForm.createdWithDuplicates'), 'info');
		}
		toast(t('leads.created', { id: created.id }), 'success');
	}

	const rows = (list.data && list.data.data) || [];
	const meta = (list.data && list.data.meta) || { page: filters.page, totalPages: 1, total: null };
	const name = user.fullName || user.email;
	const partnerName = user.partner ? user.partner.name : user.partnerId;

	function toggleRow(lead, shift) {
		setAllMatching(false);
		setSelected((current) => {
			const next = new Set(current);
			const ids = rows.map((r) => r.id);
			if (shift && lastToggled.current && ids.includes(lastToggled.current)) {
				const [a, b] = [ids.indexOf(lastToggled.current), ids.indexOf(lead.id)].sort((x, y) => x - y);
				for (const id of ids.slice(a, b + 1)) next.add(id);
			} else if (next.has(lead.id)) next.delete(lead.id);
			else next.add(lead.id);
			lastToggled.current = lead.id;
			return next;
		});
	}
	const pageSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
	function togglePage() {
		setAllMatching(false);
		setSelected(pageSelected ? new Set() : new Set(rows.map((r) => r.id)));
	}

	const allColumns = useMemo(() => [
		{ key: 'client', label: t('leads.col.client'), render: (lead) => html`<${ClientCell} lead=${lead} />` },
		{ key: 'status', label: t('leads.col.status'), render: (lead) => html`<${Badge} info=${statusInfo('lead', lead.status)} />` },
		{ key: 'consents', label: t('leads.col.consents'), render: (lead) => html`<${Badge} info=${lead.consentStatus ? consentStatusInfo(lead.consentStatus) : null} />` },
		{ key: 'assignee', label: t('leads.col.assignee'), render: (lead) => (lead.assignedUser
			? (lead.assignedUser.fullName || lead.assignedUser.email)
			: html`<span class="muted">${t('leads.nobody')}</span>`) },
		{ key: 'partner', label: t('leads.col.partner'), render: (lead) => (lead.partner ? lead.partner.name : lead.partnerId) },
		{ key: 'created', label: t('leads.col.created'), nowrap: true, render: (lead) => formatDateTime(lead.leadCreatedAt) },
	], []);
	const visible = filters.cols ? filters.cols.split(',') : allColumns.map((c) => c.key);
	const selectColumn = {
		key: 'select', label: html`<input type="checkbox" checked=${pageSelected} aria-label=${t('bulk.selectPage')} onClick=${togglePage} />`,
		render: (lead) => html`<input type="checkbox" checked=${allMatching || selected.has(lead.id)}
			aria-label=${t('bulk.selectRow', { name: personName(lead.customerProfile) || lead.id })}
			onClick=${(e) => { e.stopPropagation(); toggleRow(lead, e.shiftKey); }} />`,
	};
	const columns = [...(staff ? [selectColumn] : []), ...allColumns.filter((c) => visible.includes(c.key))];
	function toggleColumn(key) {
		const next = visible.includes(key) ? visible.filter((k) => k !== key) : allColumns.map((c) => c.key).filter((k) => k === key || visible.includes(k));
		if (next.length === 0) return;
		setFilters({ cols: next.length === allColumns.length ? '' : next.join(','), page: filters.page }, true);
	}
	const bulkFilter = {
		status: query.status ? query.status.split(',') : undefined,
		partnerId: query.partnerId, assignedUserId: query.assignedUserId, assigned: query.assigned, search: query.search,
	};

	if (params.id && denied && denied.id === params.id) return html`<${ErrorPage} kind=${denied.kind} />`;

	const statusItems = [
		{ value: 'open', label: t('leads.openStatuses') },
		{ value: 'closed', label: t('leads.closedStatuses') },
	];
	const filtered = filters.status || filters.partnerId || filters.assignee || filters.search;

	return html`<${PageHeader} title=${t('leads.title')}
			subtitle=${[partnerName ? t('leads.subtitlePartner', { name, partner: partnerName }) : t('leads.subtitle', { name }),
				meta.total != null ? tn('leads.total', meta.total) : null].filter(Boolean).join(' · ')}>
			${staff && html`<${Link} href=${'/leads/board' + window.location.search} class="btn btn--ghost" data-shortcut="board">${t('board.open')}</${Link}>`}
			${['SUPERVISOR', 'ADMIN', 'PARTNER_MANAGER'].includes(user.role) && html`<${Link} href="/leads/import" class="btn btn--ghost" data-testid="lead-import-open">${t('leadImport.open')}</${Link}>`}
			${staff && html`<${SaveViewButton} state=${{ query: window.location.search, sort: 'leadCreatedAt:desc', columns: visible }} />`}
			${user.role !== 'AUDITOR' && html`<${ExportMenu} query=${query} columns=${allColumns.map((c) => c.key).filter((k) => visible.includes(k))} />`}
			${user.role !== 'AUDITOR' && html`<button type="button" class="btn btn--success" data-shortcut="new-lead" onClick=${() => setCreating(true)}>${t('leads.add')}</button>`}
		</${PageHeader}>
		<${ErrorBanner} message=${list.error ? (list.error.message || t('leads.loadFailed')) : null} onRetry=${list.reload} />
		<section class="card list-card">
			<form class="toolbar" role="search" aria-label=${t('leads.filters')} onSubmit=${(e) => e.preventDefault()}>
				<${Field} className="toolbar__search" label=${t('leads.search')} name="search" type="search"
					placeholder=${t('leads.searchPlaceholder')} value=${searchText}
					onInput=${(e) => setSearchText(e.currentTarget.value)} />
				<${Field} label=${t('leads.status')} name="status" as="select" value=${filters.status}
					onChange=${(e) => setFilters({ status: e.currentTarget.value })}>
					<option value="">${t('leads.allStatuses')}</option>
					${statusItems.map((s) => html`<option key=${s.value} value=${s.value}>${s.label}</option>`)}
					<optgroup label=${t('leads.statusGroup')}>
						${LEAD_STATUS_OPTIONS.map((s) => html`<option key=${s} value=${s}>${statusInfo('lead', s).label}</option>`)}
					</optgroup>
				</${Field}>
				${options.manager && html`<${Field} label=${t('leads.partner')} name="partnerId" as="select" value=${filters.partnerId}
					onChange=${(e) => setFilters({ partnerId: e.currentTarget.value })}>
					<${Options} placeholder=${t('leads.allPartners')} items=${options.partners.map((p) => ({ value: p.id, label: p.name }))} />
				</${Field}>`}
				${staff && html`<${Field} label=${t('leads.assignee')} name="assignee" as="select" value=${filters.assignee}
					onChange=${(e) => setFilters({ assignee: e.currentTarget.value })}>
					<option value="">${t('leads.allAssignees')}</option>
					<option value="me">${t('leads.mine')}</option>
					<option value="unassigned">${t('leads.unassigned')}</option>
					${options.operators.length > 0 && html`<optgroup label=${t('leads.operators')}>
						${options.operators.filter((o) => o.id !== user.id).map((o) => html`<option key=${o.id} value=${o.id}>${o.fullName || o.email}</option>`)}
					</optgroup>`}
				</${Field}>`}
				<details class="column-chooser">
					<summary class="btn btn--ghost">${t('leads.columns')}</summary>
					<div class="column-chooser__menu" role="menu" aria-label=${t('leads.columns')}>
						${allColumns.map((c) => html`<button key=${c.key} type="button" role="menuitemcheckbox" class="column-chooser__item"
							data-column=${c.key} aria-checked=${visible.includes(c.key) ? 'true' : 'false'}
							onClick=${() => toggleColumn(c.key)}><span class="column-chooser__mark" aria-hidden="true">${visible.includes(c.key) ? '✓' : ''}</span>${c.label}</button>`)}
					</div>
				</details>
				<div class="toolbar__end">
					<button type="button" class="btn btn--ghost" onClick=${list.reload} disabled=${list.loading}>
						<${Icon} name="refresh" size=${18} /><span>${t('leads.refresh')}</span>
					</button>
					<span class="toolbar__count" aria-live="polite">${meta.total != null ? t('leads.results', { n: meta.total }) : ''}</span>
				</div>
			</form>
			${staff && (selected.size > 0 || allMatching) && html`<div class="bulk-select">
				${!allMatching && pageSelected && meta.total > rows.length && html`<button type="button" class="btn btn--link"
					onClick=${() => setAllMatching(true)}>${t('bulk.selectAll', { n: meta.total })}</button>`}
				${allMatching && html`<span>${t('bulk.allSelected', { n: meta.total })}</span>`}
			</div>`}
			${staff && (selected.size > 0 || allMatching) && html`<${BulkBar} user=${user}
				ids=${[...selected]} filter=${allMatching ? bulkFilter : null} count=${allMatching ? meta.total : selected.size}
				onDone=${() => { setSelected(new Set()); setAllMatching(false); list.reload(); }}
				onClear=${() => { setSelected(new Set()); setAllMatching(false); }} />`}
			<${DataTable} caption=${t('leads.caption')} captionHidden columns=${columns} rows=${rows}
				loading=${list.loading} loadingText=${t('leads.loading')}
				emptyText=${filtered ? t('leads.emptyFiltered') : t('leads.empty')}
				onRowClick=${openLead} selectedKey=${params.id || null} />
			<${Pagination} page=${meta.page || filters.page} totalPages=${meta.totalPages} loading=${list.loading}
				onPage=${(page) => setFilters({ page })} />
		</section>
		${creating && html`<${LeadCreateModal} user=${user} onClose=${() => setCreating(false)} onCreated=${onCreated}
			onOpenLead=${(id) => { setCreating(false); openLead({ id }); }} />`}
		${params.id && html`<${LeadDetailModal} key=${params.id} id=${params.id} user=${user} onClose=${closeLead}
			onChanged=${list.reload} onDenied=${(kind) => setDenied({ id: params.id, kind })}
			onOpenLead=${(id) => openLead({ id })} />`}`;
}
