// Consent building blocks shared by the admin screens and the lead detail.
//
// RichText renders a consent text (template HTML or a record's snapshot)
// without handing it to the browser's HTML parser: a small parser here keeps
// the allow-list the server sanitises to (common/sanitize.h) and builds
// Preact elements, so texts stored before sanitising existed are safe too.
//
// ConsentTimeline is the consent history of one lead (FR-34): every record,
// newest first, with template title and version, time, given or refused,
// method, who recorded it and for which partner, "Pokaż treść" with the
// snapshot text, the SR-39 "needs the client's confirmation" mark, and for
// staff the withdrawal (FR-37: operators only partner declarations).
import { h, html, useState } from '../lib.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { ConfirmDialog } from './confirm.js';
import { Field, Options } from './form.js';
import { Section } from './section.js';
import { toast } from './toast.js';

const KEEP = new Set(['a', 'b', 'blockquote', 'br', 'em', 'h3', 'h4', 'i', 'li', 'ol', 'p', 'strong', 'u', 'ul']);
const DROP = new Set(['script', 'style', 'iframe', 'object', 'embed', 'noscript', 'template', 'textarea',
	'select', 'svg', 'math', 'title', 'head']);
const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
// One tag: name, then attributes (quoted values may hold '>'), up to '>'.
const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/;
const HREF = /(?:^|[\s/])href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

function decode(text) {
	return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});/gi, (whole, ent) => {
		if (ent[0] !== '#') return NAMED[ent.toLowerCase()] || whole;
		const code = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
		return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
	});
}

/**
 * The text as a tree of allowed elements, parsed here rather than by the
 * browser, so no part of it ever becomes a live element or handler.
 * Same rules as common/sanitize.c: unknown tags vanish (their text stays),
 * dangerous ones with their content, stray closing tags are ignored and open
 * ones closed at the end.
 */
function parse(source) {
	const root = { tag: null, children: [] };
	const stack = [root];
	let rest = source;
	const top = () => stack[stack.length - 1];
	while (rest.length) {
		const lt = rest.indexOf('<');
		if (lt !== 0) {
			const text = lt < 0 ? rest : rest.slice(0, lt);
			top().children.push(decode(text));
			rest = lt < 0 ? '' : rest.slice(lt);
			continue;
		}
		if (rest.startsWith('<!--')) {
			const end = rest.indexOf('-->');
			rest = end < 0 ? '' : rest.slice(end + 3);
			continue;
		}
		if (rest[1] === '!' || rest[1] === '?') {
			const end = rest.indexOf('>');
			rest = end < 0 ? '' : rest.slice(end + 1);
			continue;
		}
		const m = TAG.exec(rest);
		if (!m) {
			if (/^<\/?[a-zA-Z]/.test(rest)) break; // cut inside a tag: nothing of it is kept
			top().children.push('<');
			rest = rest.slice(1);
			continue;
		}
		rest = rest.slice(m[0].length);
		const closing = m[1] === '/';
		const name = m[2].toLowerCase();
		if (!closing && DROP.has(name)) {
			const end = rest.search(new RegExp('</' + name + '(?![a-z0-9])[^>]*>', 'i'));
			rest = end < 0 ? '' : rest.slice(end).replace(/^<[^>]*>/, '');
			continue;
		}
		if (!KEEP.has(name)) continue;
		if (closing) {
			const at = stack.map((n) => n.tag).lastIndexOf(name);
			if (at > 0) stack.length = at;
			continue;
		}
		const node = { tag: name, children: [] };
		if (name === 'a') {
			const href = HREF.exec(m[3]);
			const value = href ? decode(href[1] ?? href[2] ?? href[3]).trim() : '';
			if (SAFE_HREF.test(value)) node.href = value;
		}
		top().children.push(node);
		if (name !== 'br') stack.push(node);
	}
	return root.children;
}

function toVnode(node, key) {
	if (typeof node === 'string') return node;
	const props = { key };
	if (node.href) {
		props.href = node.href;
		props.rel = 'noopener noreferrer nofollow';
		props.target = '_blank';
	}
	return node.tag === 'br' ? h('br', props) : h(node.tag, props, node.children.map(toVnode));
}

/** A consent text as markup from the allow-list; plain text stays text. */
export function RichText({ text, className = '' }) {
	const nodes = parse(text == null ? '' : String(text)).map(toVnode);
	return html`<div class=${'rich-text ' + className}>${nodes}</div>`;
}

export const CONSENT_TYPES = ['PARTNER_DECLARATION', 'MARKETING', 'FINANCIAL_PARTNERS', 'VEHICLE_PARTNERS', 'PHONE_CONTACT'];
export const CONSENT_METHODS = ['ONLINE_FORM', 'PHONE_CALL', 'PARTNER_SUBMISSION'];
export const FORM_TYPES = ['financing_application', 'lead_creation', 'onboarding_insurance'];
export const WITHDRAW_CHANNELS = ['PHONE', 'EMAIL', 'IN_PERSON', 'LETTER'];

/** The Polish label of a consent type, method, form type or withdrawal channel. */
export function consentLabel(group, value) {
	const label = t(`consents.${group}.${value}`);
	return label.startsWith('consents.') ? String(value || '') : label;
}

/**
 * SR-39: a partner declared it on the client's behalf and the client has
 * not yet given the same consent type online since (the archive's
 * awaitingClientConfirmation, computed alike for the lead detail).
 */
export function awaitingConfirmation(record, records) {
	if (record.awaitingClientConfirmation != null) return record.awaitingClientConfirmation;
	if (record.consentMethod !== 'PARTNER_SUBMISSION' || !record.consentGiven || record.withdrawnAt) return false;
	const at = new Date(record.recordedAt).getTime();
	return !records.some((r) => r.consentType === record.consentType && r.consentMethod === 'ONLINE_FORM'
		&& r.consentGiven && new Date(r.recordedAt).getTime() >= at);
}

/** Withdrawal for staff: ADMIN/SUPERVISOR any record, OPERATOR partner declarations. */
export function canWithdraw(role, record) {
	if (record.withdrawnAt) return false;
	if (role === 'ADMIN' || role === 'SUPERVISOR') return true;
	return role === 'OPERATOR' && record.consentType === 'PARTNER_DECLARATION';
}

/** The confirmation of a withdrawal (FR-35 "asks for confirmation", SR-40 channel). */
export function WithdrawDialog({ record, onClose, onDone }) {
	const [channel, setChannel] = useState('');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	async function run() {
		setBusy(true);
		setError(null);
		try {
			await api.post(`/api/consent-records/${encodeURIComponent(record.id)}/withdraw`, undefined,
				{ query: { channel: channel || undefined } });
			toast(t('consents.withdrawn'), 'success');
			onDone();
			onClose();
		} catch (err) {
			setError(err.message || t('consents.withdrawFailed'));
			setBusy(false);
		}
	}
	const title = (record.consentTemplate && record.consentTemplate.title) || consentLabel('type', record.consentType);
	return html`<${ConfirmDialog} title=${t('consents.withdrawTitle')} danger busy=${busy} error=${error}
		message=${t('consents.withdrawMessage', { title })} confirmLabel=${t('consents.withdraw')}
		busyLabel=${t('consents.withdrawing')} onConfirm=${run} onCancel=${onClose}>
		<${Field} label=${t('consents.channelLabel')} name="channel" as="select" value=${channel}
			onChange=${(e) => setChannel(e.currentTarget.value)}>
			<${Options} placeholder=${t('consents.channelStaff')}
				items=${WITHDRAW_CHANNELS.map((c) => ({ value: c, label: consentLabel('channel', c) }))} />
		</${Field}>
	</${ConfirmDialog}>`;
}

function TimelineItem({ record, records, role, onWithdraw }) {
	const [open, setOpen] = useState(false);
	const tpl = record.consentTemplate || {};
	const who = record.recordedBy;
	return html`<li class="consent-event" data-record-id=${record.id}>
		<div class="consent-event__head">
			<p class="consent-event__title">${tpl.title || consentLabel('type', record.consentType)}
				<span class="muted"> · ${t('consents.versionN', { n: record.version })}</span></p>
			<span class=${'badge badge--' + (record.consentGiven ? 'success' : 'neutral')}>
				${record.consentGiven ? t('consents.given') : t('consents.refused')}</span>
			${record.withdrawnAt && html`<span class="badge badge--danger">${t('consents.withdrawnAt', { date: formatDateTime(record.withdrawnAt) })}</span>`}
			${awaitingConfirmation(record, records) && html`<span class="badge badge--warning">${t('consents.awaitingClient')}</span>`}
		</div>
		<p class="consent-event__meta">${formatDateTime(record.recordedAt)} · ${consentLabel('method', record.consentMethod)}
			${who && html` · ${t('consents.recordedBy', { name: who.fullName || who.email })}${who.email && who.fullName ? ` (${who.email})` : ''}`}
			${record.partner && html` · ${t('consents.partner', { name: record.partner.name })}`}</p>
		${record.notes && html`<p class="consent-event__meta">${t('consents.notes')}: ${record.notes}</p>`}
		<div class="consent-event__actions">
			<button type="button" class="btn btn--link" aria-expanded=${open ? 'true' : 'false'}
				onClick=${() => setOpen(!open)}>${open ? t('consents.hideContent') : t('consents.showContent')}</button>
			${onWithdraw && canWithdraw(role, record) && html`<button type="button" class="btn btn--ghost btn--small"
				onClick=${() => onWithdraw(record)}>${t('consents.withdraw')}</button>`}
		</div>
		${open && html`<div class="consent__content consent__content--rich">
			<${RichText} text=${record.consentText} />
			${record.helpTextSnapshot && html`<p class="muted">${record.helpTextSnapshot}</p>`}
		</div>`}
	</li>`;
}

/** The consent timeline section of the lead detail (records from GET /api/leads/:id). */
export function ConsentTimeline({ lead, role, onSaved }) {
	const [withdrawing, setWithdrawing] = useState(null);
	const records = (Array.isArray(lead.consentRecords) ? lead.consentRecords.slice() : [])
		.sort((a, b) => new Date(b.recordedAt) - new Date(a.recordedAt));
	const staff = role === 'OPERATOR' || role === 'SUPERVISOR' || role === 'ADMIN';
	return html`<${Section} title=${t('consents.timelineTitle')} count=${records.length} className="consent-timeline">
		${records.length === 0
			? html`<p class="muted empty-line">${t('consents.timelineEmpty')}</p>`
			: html`<ul class="consent-events">${records.map((r) => html`<${TimelineItem} key=${r.id} record=${r}
				records=${records} role=${role} onWithdraw=${staff && !lead.anonymizedAt ? setWithdrawing : null} />`)}</ul>`}
		${withdrawing && html`<${WithdrawDialog} record=${withdrawing} onClose=${() => setWithdrawing(null)} onDone=${onSaved} />`}
	</${Section}>`;
}
