// "Komunikacja" section of the lead detail (issue 9, FR-67): one timeline
// merging the lead's notes, e-mails (out and in), SMS and webhook events with
// their delivery state from GET /api/leads/:id/communications.  A composer
// e-mail note is joined with its Outbox message (metadata.outboxId), so it
// shows "wysłano" once the worker has delivered it.  A failed or dead
// message shows the reason; managers get "Ponów wysyłkę" on a dead letter
// (POST /api/leads/:id/communications/:outboxId/retry).  Inbound e-mails are
// plain text; "pokaż HTML" renders the server-sanitised HTML in an iframe
// with srcdoc and sandbox="" (no scripts, no same origin, no forms).
import { html, useState } from '../lib.js';
import { t, apiMessage, formatDateTime } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { useAsync } from '../hooks.js';
import { Section } from '../components/section.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';

const STATUS_PILL = { queued: 'pill--neutral', sent: 'pill--blue', failed: 'pill--neutral', dead: 'pill--red' };
const CHANNEL_ICON = { EMAIL: 'mail', SMS: 'phone', WEBHOOK: 'refresh', NOTE: 'file' };

/** The newest log entry of each message (by outboxId), and the entries without one. */
export function messagesOf(entries) {
	const seen = new Set();
	const out = [];
	for (const e of entries) {
		if (e.outboxId) {
			if (seen.has(e.outboxId)) continue;
			seen.add(e.outboxId);
		}
		out.push(e);
	}
	return out;
}

/** Notes and messages, newest first; a composer e-mail note carries its message. */
export function timeline(notes, entries) {
	const messages = messagesOf(entries);
	const byOutbox = new Map(messages.filter((m) => m.outboxId).map((m) => [m.outboxId, m]));
	const used = new Set();
	const items = (notes || []).map((n) => {
		const meta = n.metadata || {};
		const msg = meta.outboxId ? byOutbox.get(meta.outboxId) : null;
		if (msg) used.add(msg.outboxId);
		return { kind: 'note', at: n.createdAt, note: n, msg };
	});
	for (const m of messages) {
		if (m.outboxId && used.has(m.outboxId)) continue;
		items.push({ kind: 'message', at: m.createdAt, msg: m });
	}
	return items.sort((a, b) => String(b.at).localeCompare(String(a.at)));
}

function StatusPill({ status }) {
	if (!status) return null;
	return html`<span class=${'pill ' + (STATUS_PILL[status] || 'pill--neutral')} data-status=${status}>
		${t('lead.communications.status.' + status)}</span>`;
}

function Delivery({ msg, canRetry, onRetry, busy }) {
	if (!msg) return null;
	const status = msg.messageStatus || msg.status;
	return html`<div class="comm__delivery">
		<${StatusPill} status=${status} />
		${msg.attempts > 0 && html` <span class="muted">${t('lead.communications.attempts', { n: msg.attempts })}</span>`}
		${(status === 'failed' || status === 'dead') && msg.lastError &&
			html`<p class="comm__error" role="note"><${Icon} name="alert" size=${16} /> ${t('lead.communications.reason')}: ${msg.lastError}</p>`}
		${canRetry && msg.canRetry && html`<button type="button" class="btn btn--small" disabled=${busy}
			onClick=${() => onRetry(msg.outboxId)}>${t('lead.communications.retry')}</button>`}
	</div>`;
}

function InboundBody({ note }) {
	const [showHtml, setShowHtml] = useState(false);
	const meta = note.metadata || {};
	const sanitized = typeof meta.html === 'string' && meta.html ? meta.html : null;
	return html`<div class="comm__body">
		<p class="note__content">${note.content}</p>
		${Array.isArray(meta.attachments) && meta.attachments.length > 0 && html`<ul class="plain-list muted">
			${meta.attachments.map((a) => html`<li>${t('lead.communications.attachment', { name: a.filename || a.name || '?', size: a.size != null ? a.size : '?' })}</li>`)}
		</ul>`}
		${sanitized && html`<button type="button" class="btn btn--link" aria-expanded=${showHtml}
			onClick=${() => setShowHtml(!showHtml)}>${showHtml ? t('lead.communications.hideHtml') : t('lead.communications.showHtml')}</button>`}
		${sanitized && showHtml && html`<iframe class="comm__html" title=${t('lead.communications.htmlTitle')}
			sandbox="" referrerpolicy="no-referrer" srcdoc=${sanitized}></iframe>`}
	</div>`;
}

function NoteRow({ item, canRetry, onRetry, busy }) {
	const n = item.note;
	const meta = n.metadata || {};
	const email = n.type === 'EMAIL_SENT' || n.type === 'EMAIL_RECEIVED';
	const incoming = email && (meta.direction ? meta.direction === 'INCOMING' : n.type === 'EMAIL_RECEIVED');
	const kind = email ? (incoming ? 'emailIn' : 'emailOut') : 'note';
	const author = n.author ? (n.author.fullName || n.author.email) : (incoming ? (meta.senderEmail || meta.from) : null);
	return html`<li class="comm" data-kind=${kind}>
		<div class="note__meta">
			<span><${Icon} name=${email ? 'mail' : 'file'} size=${16} /> <strong>${t('lead.communications.kind.' + kind)}</strong>
				${author && html` · ${author}`}</span>
			<span class="note__time">${formatDateTime(n.createdAt)}</span>
		</div>
		${email && meta.subject && html`<p class="note__subject">${meta.subject}</p>`}
		${incoming ? html`<${InboundBody} note=${n} />` : html`<p class="note__content">${n.content}</p>`}
		${!incoming && email && !item.msg && html`<div class="comm__delivery"><${StatusPill} status=${meta.delivery === 'QUEUED' ? 'queued' : null} /></div>`}
		<${Delivery} msg=${item.msg} canRetry=${canRetry} onRetry=${onRetry} busy=${busy} />
	</li>`;
}

function MessageRow({ msg, canRetry, onRetry, busy }) {
	const inbound = msg.direction === 'INBOUND';
	const kind = msg.channel === 'EMAIL' ? (inbound ? 'emailIn' : 'emailOut') : msg.channel === 'SMS' ? (inbound ? 'smsIn' : 'smsOut') : 'webhook';
	return html`<li class="comm" data-kind=${kind}>
		<div class="note__meta">
			<span><${Icon} name=${CHANNEL_ICON[msg.channel] || 'info'} size=${16} /> <strong>${t('lead.communications.kind.' + kind)}</strong>
				${msg.template && html` · <span class="muted">${msg.template}</span>`}
				${msg.to && html` · ${msg.to}`}</span>
			<span class="note__time">${formatDateTime(msg.createdAt)}</span>
		</div>
		${msg.subject && html`<p class="note__subject">${msg.subject}</p>`}
		<${Delivery} msg=${msg} canRetry=${canRetry} onRetry=${onRetry} busy=${busy} />
	</li>`;
}

export function CommunicationsSection({ lead, role, onSaved }) {
	const log = useAsync((signal) => api.get(`/api/leads/${encodeURIComponent(lead.id)}/communications`, { signal }), [lead.id, lead.updatedAt]);
	const [busy, setBusy] = useState(false);
	const canRetry = role === 'SUPERVISOR' || role === 'ADMIN';
	const entries = log.data && Array.isArray(log.data.data) ? log.data.data : [];
	const items = timeline(lead.notes, entries);

	async function retry(outboxId) {
		setBusy(true);
		try {
			await api.post(`/api/leads/${encodeURIComponent(lead.id)}/communications/${encodeURIComponent(outboxId)}/retry`, {});
			toast(t('lead.communications.retried'), 'success');
			log.reload();
			if (onSaved) onSaved();
		} catch (err) {
			toast(err instanceof ApiError ? apiMessage(err.message) : t('errors.network'), 'error');
		} finally {
			setBusy(false);
		}
	}

	return html`<${Section} title=${t('lead.communications.title')} count=${items.length}
		actions=${html`<button type="button" class="btn btn--small" onClick=${log.reload} disabled=${log.loading}>
			<${Icon} name="refresh" size=${16} /> ${t('lead.communications.refresh')}</button>`}>
		${log.error && html`<p class="form-alert" role="alert">${t('lead.communications.loadError')}</p>`}
		${items.length === 0 ? html`<p class="muted">${t('lead.communications.empty')}</p>` : html`<ol class="comm-list">
			${items.map((it) => it.kind === 'note'
				? html`<${NoteRow} key=${'n' + it.note.id} item=${it} canRetry=${canRetry} onRetry=${retry} busy=${busy} />`
				: html`<${MessageRow} key=${'m' + it.msg.id} msg=${it.msg} canRetry=${canRetry} onRetry=${retry} busy=${busy} />`)}
		</ol>`}
	</${Section}>`;
}
