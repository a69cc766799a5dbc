// Keyboard shortcuts of the staff workspace (issue 13), installed by the
// shell: `/` search, `j`/`k` next/previous lead (list rows, board cards, and
// in an open lead detail the next/previous lead of the list), `n` new lead,
// `g l` list, `g b` board, `?` the shortcut sheet, Ctrl+K (⌘K) the command
// palette: jump to a lead by name, phone or e-mail (the list's search,
// GET /api/leads?search=) or run an action. Single keys do nothing while
// the user types in a field or a dialog other than the lead detail is open.
import { html, useEffect, useRef, useState } from './lib.js';
import { t, personName, statusInfo } from './i18n.js';
import { api } from './api.js';
import { navigate } from './router.js';
import { useDebouncedValue } from './hooks.js';
import { Modal } from './components/modal.js';

const DETAIL = /^\/leads\/(?!board$)[^/]+$/;

function typing(target) {
	if (!target || !(target instanceof Element)) return false;
	return Boolean(target.closest('input, textarea, select, [contenteditable="true"]'));
}

function listQuery() {
	return window.location.search;
}

/** Runs once the element is rendered (after a navigation), for up to a second. */
function whenPresent(selector, action) {
	const started = Date.now();
	(function poll() {
		const el = document.querySelector(selector);
		if (el) action(el);
		else if (Date.now() - started < 1000) setTimeout(poll, 50);
	}());
}

function newLead() {
	if (!document.querySelector('[data-shortcut="new-lead"]')) navigate('/leads' + listQuery());
	whenPresent('[data-shortcut="new-lead"]', (el) => el.click());
}

/** j/k: the next (+1) or previous (-1) lead of the list or board. */
function step(dir) {
	const path = window.location.pathname;
	if (DETAIL.test(path)) {
		const id = decodeURIComponent(path.slice('/leads/'.length));
		const rows = Array.from(document.querySelectorAll('tr[data-row-key]')).map((r) => r.dataset.rowKey);
		const next = rows[rows.indexOf(id) + dir];
		if (next) navigate(`/leads/${encodeURIComponent(next)}${listQuery()}`);
		return;
	}
	const items = Array.from(document.querySelectorAll('tr[data-row-key], .board-card'));
	if (items.length === 0) return;
	const i = items.indexOf(document.activeElement);
	const target = i === -1 ? items[dir > 0 ? 0 : items.length - 1] : items[i + dir];
	if (target) target.focus();
}

const ACTIONS = [
	{ key: 'new', label: () => t('shortcuts.newLead'), run: newLead },
	{ key: 'list', label: () => t('shortcuts.list'), run: () => navigate('/leads' + listQuery()) },
	{ key: 'board', label: () => t('shortcuts.board'), run: () => navigate('/leads/board' + listQuery()) },
	{ key: 'help', label: () => t('shortcuts.sheet'), run: null },
];

function Palette({ onClose, onHelp }) {
	const [text, setText] = useState('');
	const [active, setActive] = useState(0);
	const [leads, setLeads] = useState([]);
	const term = useDebouncedValue(text.trim(), 250);
	const input = useRef(null);

	useEffect(() => {
		if (term.length < 2) {
			setLeads([]);
			return undefined;
		}
		const controller = new AbortController();
		api.get('/api/leads', { query: { search: term, perPage: 8 }, signal: controller.signal })
			.then((r) => setLeads(r.data || []), () => setLeads([]));
		return () => controller.abort();
	}, [term]);

	const lower = text.trim().toLowerCase();
	const items = [
		...leads.map((lead) => ({
			key: 'lead-' + lead.id,
			label: `${personName(lead.customerProfile) || lead.id} · ${statusInfo('lead', lead.status).label}`,
			sub: [lead.customerProfile && lead.customerProfile.phone, lead.customerProfile && lead.customerProfile.email].filter(Boolean).join(' · '),
			run: () => navigate(`/leads/${encodeURIComponent(lead.id)}`),
		})),
		...ACTIONS.filter((a) => !lower || a.label().toLowerCase().includes(lower))
			.map((a) => ({ key: a.key, label: a.label(), sub: t('shortcuts.action'), run: a.run || onHelp })),
	];
	const current = Math.min(active, Math.max(items.length - 1, 0));

	function choose(item) {
		onClose();
		if (item) item.run();
	}

	function onKeyDown(event) {
		if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
			event.preventDefault();
			setActive((current + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % Math.max(items.length, 1));
		} else if (event.key === 'Enter') {
			event.preventDefault();
			choose(items[current]);
		}
	}

	return html`<${Modal} title=${t('shortcuts.palette')} onClose=${onClose}>
		<div class="palette" data-testid="palette">
			<input ref=${input} class="palette__input" type="search" name="palette" autocomplete="off"
				aria-label=${t('shortcuts.paletteHint')} placeholder=${t('shortcuts.paletteHint')}
				role="combobox" aria-expanded="true" aria-controls="palette-list"
				aria-activedescendant=${items[current] ? 'palette-' + items[current].key : undefined}
				value=${text} onInput=${(e) => { setText(e.currentTarget.value); setActive(0); }} onKeyDown=${onKeyDown} />
			<ul id="palette-list" class="palette__list" role="listbox" aria-label=${t('shortcuts.palette')}>
				${items.map((item, i) => html`<li key=${item.key} id=${'palette-' + item.key} role="option"
					aria-selected=${i === current ? 'true' : 'false'}
					class=${'palette__item' + (i === current ? ' palette__item--active' : '')}
					onMouseDown=${(e) => { e.preventDefault(); choose(item); }}>
					<span class="palette__label">${item.label}</span>
					${item.sub && html`<span class="palette__sub">${item.sub}</span>`}
				</li>`)}
			</ul>
		</div>
	</${Modal}>`;
}

const SHEET = [
	['/', 'search'], ['j', 'next'], ['k', 'previous'], ['n', 'newLead'], ['g l', 'list'], ['g b', 'board'],
	['Shift+→ / Shift+←', 'move'], ['?', 'sheet'], ['Ctrl+K', 'palette'],
];

function Sheet({ onClose }) {
	return html`<${Modal} title=${t('shortcuts.sheet')} onClose=${onClose}>
		<table class="table table--compact" data-testid="shortcut-sheet">
			<caption class="visually-hidden">${t('shortcuts.sheet')}</caption>
			<tbody>${SHEET.map(([keys, what]) => html`<tr key=${what}>
				<td><kbd>${keys}</kbd></td><td>${t('shortcuts.' + what)}</td>
			</tr>`)}</tbody>
		</table>
	</${Modal}>`;
}

/** Rendered once by the shell for staff users. */
export function Shortcuts() {
	const [open, setOpen] = useState(null); // 'palette' | 'sheet'
	// "g" waits for the next key (l or b), whenever it comes: no timer to race.
	const pendingG = useRef(false);

	useEffect(() => {
		function onKeyDown(event) {
			if (event.defaultPrevented || event.altKey) return;
			if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
				event.preventDefault();
				setOpen('palette');
				return;
			}
			if (event.ctrlKey || event.metaKey || typing(event.target)) return;
			const detail = DETAIL.test(window.location.pathname);
			if (document.querySelector('[aria-modal="true"]') && !(detail && (event.key === 'j' || event.key === 'k'))) return;
			const g = pendingG.current;
			pendingG.current = false;
			if (g && event.key === 'l') navigate('/leads' + listQuery());
			else if (g && event.key === 'b') navigate('/leads/board' + listQuery());
			else if (event.key === 'g') pendingG.current = true;
			else if (event.key === '/') {
				const search = document.querySelector('main input[name="search"]');
				if (!search) return;
				search.focus();
			} else if (event.key === 'j') step(1);
			else if (event.key === 'k') step(-1);
			else if (event.key === 'n') newLead();
			else if (event.key === '?') setOpen('sheet');
			else return;
			event.preventDefault();
		}
		document.addEventListener('keydown', onKeyDown);
		return () => document.removeEventListener('keydown', onKeyDown);
	}, []);

	if (open === 'palette') return html`<${Palette} onClose=${() => setOpen(null)} onHelp=${() => setOpen('sheet')} />`;
	if (open === 'sheet') return html`<${Sheet} onClose=${() => setOpen(null)} />`;
	return null;
}
