// Pipeline board (/leads/board, issue 13): one column per status in
// lifecycle order (GET /api/leads/status-policy), cards with the customer,
// partner, assignee, age and the SLA badge slot; the list's filters, read
// from the same URL query (status, partnerId, assignee, search), so a switch
// between list and board keeps them.
//
// Data: GET /api/leads/board?…filters…&perColumn=50 → {columns: {STATUS:
// {total, leads}}}; "pokaż więcej" pages a column through GET /api/leads
// ?status=X&page=N&perPage=50 (the same order).
//
// Moving a card (drag and drop, or focus it and press Shift+→ / Shift+←)
// follows the status policy: a recommended move that needs no reason is sent
// at once; a move that needs a reason opens the reason dialog; a move off
// the recommended paths asks a manager to confirm the audited override and
// is refused for others with the policy's message (the server checks again).
import { html, useEffect, useRef, useState } from '../lib.js';
import { t, statusInfo, personName, reasonLabel, apiMessage, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { navigate, Link } from '../router.js';
import { useAsync, useDebouncedValue } from '../hooks.js';
import { PageHeader } from '../components/page.js';
import { Modal } from '../components/modal.js';
import { Field, FormAlert, SubmitButton, Options, useSubmit } from '../components/form.js';
import { ErrorBanner, Loading } from '../components/states.js';
import { toast } from '../components/toast.js';
import { BulkBar } from '../components/bulk.js';
import { readFilters, apiQuery, filtersToSearch } from './leads.js';
import { SlaBadge } from '../components/sla-badge.js';

const PER_COLUMN = 50;
const DAY = 24 * 60 * 60 * 1000;

/** The age of a lead: "dziś", "1 dzień", "5 dni". */
function age(iso) {
	const days = Math.floor((Date.now() - new Date(iso).getTime()) / DAY);
	if (days <= 0) return t('board.today');
	return days === 1 ? t('board.oneDay') : t('board.days', { n: days });
}

function Card({ lead, selected, onToggle, onMove, onOpen, onDragStart }) {
	function onKeyDown(event) {
		if (event.target !== event.currentTarget) return;
		if (event.shiftKey && (event.key === 'ArrowRight' || event.key === 'ArrowLeft')) {
			event.preventDefault();
			onMove(lead, event.key === 'ArrowRight' ? 1 : -1);
		} else if (event.key === 'Enter') {
			event.preventDefault();
			onOpen(lead);
		}
	}
	const name = personName(lead.customerProfile) || t('leads.noCustomer');
	return html`<li class=${'board-card' + (selected ? ' board-card--selected' : '')} tabindex="0"
		draggable="true" data-lead-id=${lead.id} data-status=${lead.status}
		aria-label=${t('board.cardLabel', { name, status: statusInfo('lead', lead.status).label })}
		onKeyDown=${onKeyDown} onDblClick=${() => onOpen(lead)}
		onDragStart=${(e) => onDragStart(e, lead)}>
		<div class="board-card__head">
			<input type="checkbox" class="board-card__check" checked=${selected}
				aria-label=${t('board.select', { name })} onClick=${(e) => { e.stopPropagation(); onToggle(lead, e.shiftKey); }} />
			<span class="board-card__name">${name}</span>
			<span class="board-card__sla" data-slot="sla"><${SlaBadge} sla=${lead.sla} compact /></span>
		</div>
		<div class="board-card__meta">
			<span>${lead.partner ? lead.partner.name : lead.partnerId}</span>
			<span>${lead.assignedUser ? lead.assignedUser.fullName || lead.assignedUser.email : t('leads.nobody')}</span>
			<span title=${formatDateTime(lead.leadCreatedAt)}>${age(lead.leadCreatedAt)}</span>
		</div>
	</li>`;
}

/** The reason / override confirmation of one move (the status form's rules). */
function MoveDialog({ move, policy, onClose, onMoved }) {
	const { lead, target, override } = move;
	const needsReason = policy.reasonRequired.includes(target);
	const [reason, setReason] = useState('');
	const [notes, setNotes] = useState('');
	const form = useSubmit(async () => {
		const body = { status: target };
		if (needsReason && reason) body.reason = reason;
		if (notes.trim()) body.notes = notes.trim();
		await api.post(`/api/leads/${encodeURIComponent(lead.id)}/status`, body);
		onMoved(lead, target);
	}, {
		validate: () => {
			const e = {};
			if (needsReason && !reason && !notes.trim()) e.reason = t('lead.status.errors.reason');
			if (reason === 'OTHER' && !notes.trim()) e.notes = t('lead.status.errors.justification');
			return e;
		},
	});
	const err = form.fieldErrors;
	return html`<${Modal} title=${t('board.moveTitle', { label: statusInfo('lead', target).label })} onClose=${onClose} busy=${form.busy}>
		<form class="form" onSubmit=${form.onSubmit} novalidate data-testid="move-dialog">
			<p>${t('board.moveText', { name: personName(lead.customerProfile) || lead.id, from: statusInfo('lead', lead.status).label, to: statusInfo('lead', target).label })}</p>
			${override && html`<div class="alert alert--warning" role="status">${t('lead.status.overrideHint')}</div>`}
			${needsReason && html`<${Field} label=${t('lead.status.reason')} name="reason" as="select" value=${reason}
				error=${err.reason} hint=${t('lead.status.reasonHint')} onChange=${(e) => setReason(e.currentTarget.value)}>
				<${Options} placeholder=${t('lead.status.chooseReason')} items=${policy.reasons.map((c) => ({ value: c, label: reasonLabel(c) }))} />
			</${Field}>`}
			<${Field} label=${reason === 'OTHER' ? t('lead.status.justification') : t('lead.status.notes')} name="notes" as="textarea"
				rows="3" maxlength="2000" value=${notes} error=${err.notes} onInput=${(e) => setNotes(e.currentTarget.value)} />
			<${FormAlert} message=${form.error} />
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" onClick=${onClose}>${t('common.cancel')}</button>
				<${SubmitButton} busy=${form.busy} busyLabel=${t('lead.status.submitting')}>
					${override ? t('board.confirmOverride') : t('board.confirmMove')}</${SubmitButton}>
			</div>
		</form>
	</${Modal}>`;
}

export default function BoardScreen({ location, user }) {
	const filters = readFilters(location.query);
	const query = apiQuery(filters, user);
	delete query.page;
	delete query.perPage;
	const queryKey = JSON.stringify(query);
	const [searchText, setSearchText] = useState(filters.search);
	const debounced = useDebouncedValue(searchText, 300);
	const policy = useAsync((signal) => api.get('/api/leads/status-policy', { signal }), []);
	const board = useAsync((signal) => api.get('/api/leads/board', { query: { ...query, perColumn: PER_COLUMN }, signal }), [queryKey]);
	const [more, setMore] = useState({}); // status -> { page, leads }
	const [move, setMove] = useState(null);
	const [selected, setSelected] = useState(() => new Set());
	const lastToggled = useRef(null);
	const refocus = useRef(null);

	useEffect(() => setMore({}), [queryKey, board.data]);
	useEffect(() => {
		if (debounced !== filters.search) setFilter({ search: debounced }, true);
	}, [debounced]);
	// After a reload, focus goes back to the card that was moved (keyboard moves).
	useEffect(() => {
		if (!refocus.current || board.loading) return;
		const card = document.querySelector(`.board-card[data-lead-id="${CSS.escape(refocus.current)}"]`);
		refocus.current = null;
		if (card) card.focus();
	}, [board.data, board.loading]);

	function setFilter(change, replace = false) {
		const next = { ...readFilters(new URLSearchParams(window.location.search)), ...change, page: 1 };
		navigate('/leads/board' + filtersToSearch(next), { replace });
	}

	const p = policy.data;
	const data = board.data;
	const order = p ? p.statuses.filter((s) => s !== 'MERGED' && data && data.columns[s]) : [];
	const columnLeads = (status) => [...data.columns[status].leads, ...((more[status] && more[status].leads) || [])];
	const allCards = data ? order.flatMap(columnLeads) : [];

	async function loadMore(status) {
		const page = ((more[status] && more[status].page) || 1) + 1;
		try {
			const r = await api.get('/api/leads', { query: { ...query, status, page, perPage: PER_COLUMN } });
			setMore((m) => ({ ...m, [status]: { page, leads: [...((m[status] && m[status].leads) || []), ...r.data] } }));
		} catch (err) {
			toast(err.message || t('board.loadFailed'), 'error');
		}
	}

	function requestMove(lead, target) {
		if (!p || !target || target === lead.status) return;
		const recommended = (p.transitions[lead.status] || []).includes(target);
		if (!recommended && p.enforced && !p.canOverride) {
			toast(apiMessage('Status transition not allowed'), 'error');
			return;
		}
		const override = !recommended && p.enforced;
		if (override || p.reasonRequired.includes(target)) {
			setMove({ lead, target, override });
			return;
		}
		api.post(`/api/leads/${encodeURIComponent(lead.id)}/status`, { status: target })
			.then(() => moved(lead, target), (err) => toast(err.message || t('board.moveFailed'), 'error'));
	}

	function moved(lead, target) {
		setMove(null);
		refocus.current = lead.id;
		toast(t('lead.status.saved', { label: statusInfo('lead', target).label }), 'success');
		board.reload();
	}

	function keyMove(lead, step) {
		const i = order.indexOf(lead.status);
		requestMove(lead, order[i + step]);
	}

	function toggle(lead, shift) {
		setSelected((current) => {
			const next = new Set(current);
			const ids = allCards.map((c) => c.id);
			if (shift && lastToggled.current && ids.includes(lastToggled.current)) {
				const [a, b] = [ids.indexOf(lastToggled.current), ids.indexOf(lead.id)].sort((x, y) => x - y);
				for (const id of ids.slice(a, b + 1)) next.add(id);
			} else if (next.has(lead.id)) next.delete(lead.id);
			else next.add(lead.id);
			lastToggled.current = lead.id;
			return next;
		});
	}

	function onDrop(event, status) {
		event.preventDefault();
		event.currentTarget.classList.remove('board-column--over');
		const id = event.dataTransfer.getData('text/plain');
		const lead = allCards.find((c) => c.id === id);
		if (lead) requestMove(lead, status);
	}

	const openLead = (lead) => navigate(`/leads/${encodeURIComponent(lead.id)}${window.location.search}`);

	return html`<${PageHeader} title=${t('board.title')} subtitle=${t('board.subtitle')}>
			<${Link} href=${'/leads' + window.location.search} class="btn btn--ghost">${t('board.toList')}</${Link}>
		</${PageHeader}>
		<${ErrorBanner} message=${board.error ? board.error.message || t('board.loadFailed') : policy.error ? policy.error.message : null}
			onRetry=${board.reload} />
		<form class="toolbar" role="search" aria-label=${t('leads.filters')} onSubmit=${(e) => e.preventDefault()}>
			<${Field} className="toolbar__search" label=${t('leads.search')} name="search" type="search"
				placeholder=${t('leads.searchPlaceholder')} value=${searchText} onInput=${(e) => setSearchText(e.currentTarget.value)} />
			<${Field} label=${t('leads.assignee')} name="assignee" as="select" value=${filters.assignee}
				onChange=${(e) => setFilter({ assignee: e.currentTarget.value })}>
				<option value="">${t('leads.allAssignees')}</option>
				<option value="me">${t('leads.mine')}</option>
				<option value="unassigned">${t('leads.unassigned')}</option>
			</${Field}>
			<p class="muted board__hint">${t('board.hint')}</p>
		</form>
		${selected.size > 0 && html`<${BulkBar} user=${user} ids=${[...selected]} filter=${null} count=${selected.size}
			onDone=${() => { setSelected(new Set()); board.reload(); }} onClear=${() => setSelected(new Set())} />`}
		${(!p || !data) && !board.error && html`<${Loading} />`}
		${p && data && html`<div class="board" data-testid="board">
			${order.map((status) => {
				const leads = columnLeads(status);
				const total = data.columns[status].total;
				const info = statusInfo('lead', status);
				return html`<section key=${status} class="board-column" data-status=${status} aria-label=${info.label}
					onDragOver=${(e) => { e.preventDefault(); e.currentTarget.classList.add('board-column--over'); }}
					onDragLeave=${(e) => e.currentTarget.classList.remove('board-column--over')}
					onDrop=${(e) => onDrop(e, status)}>
					<h2 class="board-column__title"><span class=${'badge badge--' + info.tone}>${info.label}</span>
						<span class="board-column__count">${total}</span></h2>
					<ul class="board-column__cards">
						${leads.map((lead) => html`<${Card} key=${lead.id} lead=${lead} selected=${selected.has(lead.id)}
							onToggle=${toggle} onMove=${keyMove} onOpen=${openLead}
							onDragStart=${(e, l) => { e.dataTransfer.setData('text/plain', l.id); e.dataTransfer.effectAllowed = 'move'; }} />`)}
					</ul>
					${leads.length < total && html`<button type="button" class="btn btn--ghost board-column__more"
						onClick=${() => loadMore(status)}>${t('board.more', { n: total - leads.length })}</button>`}
				</section>`;
			})}
		</div>`}
		${move && p && html`<${MoveDialog} move=${move} policy=${p} onClose=${() => setMove(null)} onMoved=${moved} />`}`;
}
