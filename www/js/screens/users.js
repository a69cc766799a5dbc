// User administration (/admin/users; frontend.md §10.1, FR-3, FR-4, SR-13):
// the filterable list (role, status, partner, debounced search), invite
// (no password: the API mails a set-password link), edit (name, phone,
// role, status, partner), deactivate/activate and "send a set-password
// link". A SUPERVISOR cannot manage ADMIN or SUPERVISOR accounts and
// nobody changes their own role; the API enforces both and its messages
// are shown as sent (in Polish).
//
// Data: GET /api/users?page&perPage=20&role&status&partnerId&search,
// POST /api/users, PATCH /api/users/:id, POST /api/users/:id/reset-password,
// GET /api/partners (select options).
import { html, useEffect, useState } from '../lib.js';
import { t, roleLabel, userStatusLabel, formatPhone } from '../i18n.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { useAsync, useDebouncedValue } from '../hooks.js';
import { ROLES, PARTNER_ROLES } from '../roles.js';
import { USER_STATUSES } from '../lead-rules.js';
import { isEmail } from '../masks.js';
import { PageHeader } from '../components/page.js';
import { DataTable } from '../components/table.js';
import { Pagination } from '../components/pagination.js';
import { Modal } from '../components/modal.js';
import { ConfirmDialog } from '../components/confirm.js';
import { Field, FormAlert, SubmitButton, Options, useSubmit } from '../components/form.js';
import { ErrorBanner, InfoBanner } from '../components/states.js';
import { Pill } from '../components/badge.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';
import { AbsenceDialog } from './round-robin.js';

const PER_PAGE = 20;
const ADMIN_ONLY = ['ADMIN', 'SUPERVISOR'];
const STATUS_TONE = { ACTIVE: 'success', INVITED: 'info', INACTIVE: 'neutral' };

function readFilters(query) {
	return {
		page: Math.max(1, parseInt(query.get('page') || '1', 10) || 1),
		role: query.get('role') || '',
		status: query.get('status') || '',
		partnerId: query.get('partnerId') || '',
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

/** May `actor` manage `target`'s account (SR-13)? */
function canManage(actor, target) {
	return actor.role === 'ADMIN' || !ADMIN_ONLY.includes(target.role);
}

/**
 * Statuses an account may move to from `current` (the API's state machine:
 * INVITED → ACTIVE only by setting a password, INVITED → INACTIVE,
 * ACTIVE ↔ INACTIVE, never back to INVITED).
 */
function statusChoices(current) {
	if (current === 'INVITED') return ['INVITED', 'INACTIVE'];
	return ['ACTIVE', 'INACTIVE'];
}

function assignableRoles(actor) {
	return actor.role === 'ADMIN' ? ROLES : ROLES.filter((r) => !ADMIN_ONLY.includes(r));
}

function UserDialog({ actor, target, partners, onClose, onSaved }) {
	const editing = Boolean(target);
	const self = editing && target.id === actor.id;
	const [v, setV] = useState({
		email: editing ? target.email : '',
		fullName: editing ? (target.fullName || '') : '',
		phone: editing ? (target.phone || '') : '',
		role: editing ? target.role : 'OPERATOR',
		status: editing ? target.status : 'INVITED',
		partnerId: editing ? ((target.partner && target.partner.id) || target.partnerId || '') : '',
	});
	const set = (key) => (e) => setV({ ...v, [key]: e.currentTarget.value });
	const roles = assignableRoles(actor);
	const roleItems = (roles.includes(v.role) ? roles : [...roles, v.role]).map((r) => ({ value: r, label: roleLabel(r) }));

	const form = useSubmit(async () => {
		if (editing) {
			const body = { fullName: v.fullName.trim(), phone: v.phone.trim() || null, status: v.status, partnerId: v.partnerId || null };
			if (!self) body.role = v.role;
			await api.patch(`/api/users/${encodeURIComponent(target.id)}`, body);
			toast(t('users.updated', { email: target.email }), 'success');
		} else {
			const body = { email: v.email.trim(), fullName: v.fullName.trim(), role: v.role };
			if (v.phone.trim()) body.phone = v.phone.trim();
			if (v.partnerId) body.partnerId = v.partnerId;
			await api.post('/api/users', body);
			toast(t('users.invited', { email: body.email }), 'success');
		}
		onSaved();
		onClose();
	}, {
		validate: () => {
			const e = {};
			if (!editing && !isEmail(v.email)) e.email = t('users.errors.email');
			if (!v.fullName.trim()) e.fullName = t('users.errors.fullName');
			if (PARTNER_ROLES.includes(v.role) && !v.partnerId) e.partnerId = t('users.errors.partner');
			return e;
		},
	});
	const err = form.fieldErrors;
	const title = editing ? t('users.editTitle', { name: target.fullName || target.email }) : t('users.inviteTitle');
	const partnerItems = (partners.data || []).map((p) => ({ value: p.id, label: p.name }));
	if (v.partnerId && !partnerItems.some((p) => p.value === v.partnerId) && editing && target.partner) {
		partnerItems.push({ value: target.partner.id, label: target.partner.name });
	}

	return html`<${Modal} title=${title} onClose=${onClose} busy=${form.busy}>
		<form class="form" onSubmit=${form.onSubmit} novalidate>
			${!editing && html`<${InfoBanner} message=${t('users.inviteInfo')} />`}
			<div class="form-grid">
				${editing
					? html`<${Field} label=${t('users.email')} name="email" value=${v.email} readOnly />`
					: html`<${Field} label=${t('users.email')} name="email" type="email" required autocomplete="off"
						value=${v.email} error=${err.email} onInput=${set('email')} />`}
				<${Field} label=${t('users.fullName')} name="fullName" required autocomplete="off"
					value=${v.fullName} error=${err.fullName} onInput=${set('fullName')} />
				<${Field} label=${t('users.phone')} name="phone" type="tel" autocomplete="off"
					value=${v.phone} error=${err.phone} onInput=${set('phone')} />
				<${Field} label=${t('users.role')} name="role" as="select" required value=${v.role} disabled=${self}
					hint=${self ? t('users.ownRole') : (actor.role !== 'ADMIN' ? t('users.managersOnlyAdmin') : null)}
					error=${err.role} onChange=${set('role')}>
					<${Options} items=${roleItems} />
				</${Field}>
				${editing && html`<${Field} label=${t('users.status')} name="status" as="select" value=${v.status} error=${err.status} onChange=${set('status')}>
					<${Options} items=${statusChoices(target.status).map((s) => ({ value: s, label: userStatusLabel(s) }))} />
				</${Field}>`}
				<${Field} label=${t('users.partnerOptional')} name="partnerId" as="select" value=${v.partnerId}
					disabled=${partners.loading || Boolean(partners.error)}
					hint=${partners.loading ? t('users.partnersLoading') : null}
					error=${err.partnerId || (partners.error ? t('users.partnersFailed') : null)} onChange=${set('partnerId')}>
					<${Options} placeholder=${t('users.noPartner')} items=${partnerItems} />
				</${Field}>
			</div>
			<${FormAlert} message=${form.error} />
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" onClick=${onClose} disabled=${form.busy}>${t('common.cancel')}</button>
				<${SubmitButton} busy=${form.busy} busyLabel=${editing ? t('users.saving') : t('users.sending')}>${editing ? t('users.save') : t('users.sendInvite')}</${SubmitButton}>
			</div>
		</form>
	</${Modal}>`;
}

/** Confirmation of "deactivate", "activate" or "send reset link". */
function UserAction({ action, target, onClose, onDone }) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const email = target.email;
	const spec = {
		reset: {
			title: t('users.resetTitle'), text: t('users.resetText', { email }), label: t('users.resetConfirm'), danger: false,
			run: () => api.post(`/api/users/${encodeURIComponent(target.id)}/reset-password`, {}),
			done: t('users.resetDone', { email }),
		},
		deactivate: {
			title: t('users.deactivateTitle'), text: t('users.deactivateText', { email }), label: t('users.deactivate'), danger: true,
			run: () => api.patch(`/api/users/${encodeURIComponent(target.id)}`, { status: 'INACTIVE' }),
			done: t('users.deactivated', { email }),
		},
		activate: {
			title: t('users.activateTitle'), text: t('users.activateText', { email }), label: t('users.activate'), danger: false,
			run: () => api.patch(`/api/users/${encodeURIComponent(target.id)}`, { status: 'ACTIVE' }),
			done: t('users.activated', { email }),
		},
	}[action];

	async function confirm() {
		setBusy(true);
		setError(null);
		try {
			await spec.run();
			toast(spec.done, 'success');
			onDone();
			onClose();
		} catch (err) {
			setError(err.message || t('errors.unexpected'));
			setBusy(false);
		}
	}

	return html`<${ConfirmDialog} title=${spec.title} message=${spec.text} confirmLabel=${spec.label}
		busyLabel=${t('users.sending')} danger=${spec.danger} busy=${busy} error=${error}
		onConfirm=${confirm} onCancel=${onClose} />`;
}

export default function UsersScreen({ location, user }) {
	const filters = readFilters(location.query);
	const [searchText, setSearchText] = useState(filters.search);
	const debounced = useDebouncedValue(searchText, 300);
	const [dialog, setDialog] = useState(null); // { kind: 'invite' | 'edit' | 'reset' | 'deactivate' | 'activate', target? }

	useEffect(() => {
		if (debounced !== filters.search) setFilters({ search: debounced }, true);
	}, [debounced]);
	useEffect(() => {
		if (filters.search !== debounced) setSearchText(filters.search);
	}, [filters.search]);

	const query = {
		page: filters.page, perPage: PER_PAGE, role: filters.role || undefined, status: filters.status || undefined,
		partnerId: filters.partnerId || undefined, search: filters.search.trim() || undefined,
	};
	const list = useAsync((signal) => api.get('/api/users', { query, signal }), [JSON.stringify(query)]);
	const partners = useAsync((signal) => api.get('/api/partners', { query: { page: 1, perPage: 100 }, signal })
		.then((r) => (r.data || []).slice().sort((a, b) => a.name.localeCompare(b.name, 'pl'))), []);

	/** Changes filters in the URL (read now: the debounced search may call this late). */
	function setFilters(change, replace = false) {
		const next = { ...readFilters(new URLSearchParams(window.location.search)), ...change };
		if (!('page' in change)) next.page = 1;
		navigate('/admin/users' + toSearch(next), { replace });
	}

	const rows = (list.data && list.data.data) || [];
	const meta = (list.data && list.data.meta) || { page: filters.page, totalPages: 1, total: null };

	const columns = [
		{ key: 'name', label: t('users.col.name'), render: (u) => html`<div class="cell-stack">
			<span class="cell-stack__main">${u.fullName || t('common.emptyValue')} ${u.id === user.id && html`<span class="muted">${t('users.you')}</span>`}</span>
			${u.phone && html`<span class="cell-stack__sub">${formatPhone(u.phone)}</span>`}
		</div>` },
		{ key: 'email', label: t('users.col.email') },
		{ key: 'role', label: t('users.col.role'), render: (u) => html`<${Pill} tone="blue">${roleLabel(u.role)}</${Pill}>` },
		{ key: 'status', label: t('users.col.status'), render: (u) => html`<span class=${'badge badge--' + (STATUS_TONE[u.status] || 'neutral')}>${userStatusLabel(u.status)}</span>` },
		{ key: 'partner', label: t('users.col.partner'), render: (u) => (u.partner ? u.partner.name : t('common.emptyValue')) },
		{ key: 'actions', label: t('users.col.actions'), align: 'right', nowrap: true, render: (u) => {
			const allowed = canManage(user, u);
			const name = u.fullName || u.email;
			return html`<div class="row-actions">
				<button type="button" class="btn btn--ghost btn--small" disabled=${!allowed} aria-label=${t('users.editNamed', { name })}
					onClick=${() => setDialog({ kind: 'edit', target: u })}>${t('users.edit')}</button>
				<button type="button" class="btn btn--ghost btn--small" disabled=${!allowed || u.status === 'INACTIVE'}
					aria-label=${t('users.resetNamed', { name })}
					onClick=${() => setDialog({ kind: 'reset', target: u })}>${t('users.reset')}</button>
				<button type="button" class="btn btn--ghost btn--small" disabled=${!allowed}
					aria-label=${t('absence.openNamed', { name })}
					onClick=${() => setDialog({ kind: 'absence', target: u })}>${t('absence.open')}</button>
				${u.status === 'INACTIVE'
					? html`<button type="button" class="btn btn--ghost btn--small" disabled=${!allowed}
						aria-label=${t('users.activateNamed', { name })}
						onClick=${() => setDialog({ kind: 'activate', target: u })}>${t('users.activate')}</button>`
					: html`<button type="button" class="btn btn--danger-ghost btn--small" disabled=${!allowed || u.id === user.id}
						aria-label=${t('users.deactivateNamed', { name })}
						onClick=${() => setDialog({ kind: 'deactivate', target: u })}>${t('users.deactivate')}</button>`}
			</div>`;
		} },
	];

	return html`<${PageHeader} title=${t('users.title')} subtitle=${t('users.subtitle')}>
			<button type="button" class="btn btn--primary" onClick=${() => setDialog({ kind: 'invite' })}>
				<${Icon} name="plus" size=${18} /><span>${t('users.invite')}</span>
			</button>
		</${PageHeader}>
		<${ErrorBanner} message=${list.error ? (list.error.message || t('users.loadFailed')) : null} onRetry=${list.reload} />
		<section class="card list-card">
			<form class="toolbar" role="search" aria-label=${t('users.filters')} onSubmit=${(e) => e.preventDefault()}>
				<${Field} className="toolbar__search" label=${t('users.search')} name="search" type="search"
					placeholder=${t('users.searchPlaceholder')} value=${searchText} onInput=${(e) => setSearchText(e.currentTarget.value)} />
				<${Field} label=${t('users.role')} name="role" as="select" value=${filters.role} onChange=${(e) => setFilters({ role: e.currentTarget.value })}>
					<${Options} placeholder=${t('users.allRoles')} items=${ROLES.map((r) => ({ value: r, label: roleLabel(r) }))} />
				</${Field}>
				<${Field} label=${t('users.status')} name="status" as="select" value=${filters.status} onChange=${(e) => setFilters({ status: e.currentTarget.value })}>
					<${Options} placeholder=${t('users.allStatuses')} items=${USER_STATUSES.map((s) => ({ value: s, label: userStatusLabel(s) }))} />
				</${Field}>
				<${Field} label=${t('users.partner')} name="partnerId" as="select" value=${filters.partnerId} onChange=${(e) => setFilters({ partnerId: e.currentTarget.value })}>
					<${Options} placeholder=${t('users.allPartners')} items=${(partners.data || []).map((p) => ({ value: p.id, label: p.name }))} />
				</${Field}>
				<div class="toolbar__end">
					<button type="button" class="btn btn--ghost" onClick=${list.reload} disabled=${list.loading}>
						<${Icon} name="refresh" size=${18} /><span>${t('users.refresh')}</span>
					</button>
					<span class="toolbar__count" aria-live="polite">${meta.total != null ? t('users.total', { n: meta.total }) : ''}</span>
				</div>
			</form>
			<${DataTable} caption=${t('users.caption')} captionHidden columns=${columns} rows=${rows}
				loading=${list.loading} loadingText=${t('users.loading')} emptyText=${t('users.empty')} />
			<${Pagination} page=${meta.page || filters.page} totalPages=${meta.totalPages} loading=${list.loading}
				onPage=${(page) => setFilters({ page })} />
		</section>
		${dialog && (dialog.kind === 'invite' || dialog.kind === 'edit') && html`<${UserDialog} actor=${user}
			target=${dialog.target || null} partners=${partners} onClose=${() => setDialog(null)} onSaved=${list.reload} />`}
		${dialog && dialog.kind === 'absence' && html`<${AbsenceDialog} user=${dialog.target} onClose=${() => setDialog(null)} />`}
		${dialog && ['reset', 'deactivate', 'activate'].includes(dialog.kind) && html`<${UserAction} action=${dialog.kind}
			target=${dialog.target} onClose=${() => setDialog(null)} onDone=${list.reload} />`}`;
}
