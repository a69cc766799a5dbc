// Partner webhooks (issue 14): the "Webhooki" section of a partner. An admin
// opens it from the partner list (/admin/partners, a dialog); a partner
// manager has it as a screen (/partner/webhooks) for their own partner.
// Add (URL, events) shows the signing secret once, with a copy button; each
// subscription can be switched on and off, deleted, sent a test event, and
// its delivery log opened (event, status, attempts, last HTTP code and error).
//
// Data: GET/POST /api/partners/:id/webhooks, PATCH/DELETE …/webhooks/:hookId,
// POST …/:hookId/test, GET …/:hookId/deliveries (docs/partner-api.md).
import { html, useState } from '../lib.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { useSession } from '../session.js';
import { PageHeader } from '../components/page.js';
import { DataTable } from '../components/table.js';
import { Field, Checkbox, FormAlert, SubmitButton, useSubmit } from '../components/form.js';
import { ErrorBanner } from '../components/states.js';
import { toast } from '../components/toast.js';

const EVENTS = ['lead.created', 'lead.status_changed', 'application.submitted'];

function hooksPath(partnerId) {
	return `/api/partners/${encodeURIComponent(partnerId)}/webhooks`;
}

function eventLabel(e) {
	return t('webhooks.event.' + e.replace('.', '_')) || e;
}

/** The new subscription's secret, shown this once, with a copy button. */
function NewSecret({ created, onDone }) {
	const [copied, setCopied] = useState(false);
	async function copy() {
		try {
			await navigator.clipboard.writeText(created.secret);
			setCopied(true);
		} catch {
			toast(t('webhooks.copyFailed'), 'error');
		}
	}
	return html`<div class="card api-key-new" role="status" data-testid="webhook-secret-new">
		<p><strong>${t('webhooks.shownOnce')}</strong></p>
		<p><code class="api-key-new__value" data-testid="webhook-secret">${created.secret}</code></p>
		<div class="form__actions">
			<button type="button" class="btn btn--primary" onClick=${copy}>${copied ? t('webhooks.copied') : t('webhooks.copy')}</button>
			<button type="button" class="btn btn--ghost" onClick=${onDone}>${t('webhooks.done')}</button>
		</div>
	</div>`;
}

const EMPTY = () => ({ url: '', events: { 'lead.created': true, 'lead.status_changed': true, 'application.submitted': false } });

function CreateForm({ partnerId, onCreated }) {
	const [v, setV] = useState(EMPTY());
	const form = useSubmit(async () => {
		const created = await api.post(hooksPath(partnerId), { url: v.url.trim(), events: EVENTS.filter((e) => v.events[e]) });
		setV(EMPTY());
		onCreated(created);
	}, {
		validate: () => {
			const e = {};
			if (!/^https?:\/\/\S+$/.test(v.url.trim())) e.url = t('webhooks.errors.url');
			if (!EVENTS.some((x) => v.events[x])) e.events = t('webhooks.errors.events');
			return e;
		},
	});
	const err = form.fieldErrors;
	return html`<form class="form" onSubmit=${form.onSubmit} novalidate aria-label=${t('webhooks.createTitle')}>
		<div class="form-grid">
			<${Field} label=${t('webhooks.url')} name="url" type="url" required autocomplete="off" value=${v.url} error=${err.url}
				placeholder="https://" hint=${t('webhooks.urlHint')} onInput=${(e) => setV({ ...v, url: e.currentTarget.value })} />
		</div>
		<fieldset class="fieldset">
			<legend class="fieldset__legend">${t('webhooks.events')}</legend>
			${EVENTS.map((x, i) => html`<${Checkbox} key=${x} name=${'event-' + x} label=${eventLabel(x)}
				checked=${v.events[x]} error=${i === EVENTS.length - 1 ? err.events : undefined}
				onChange=${(e) => setV({ ...v, events: { ...v.events, [x]: e.currentTarget.checked } })} />`)}
		</fieldset>
		<${FormAlert} message=${form.error} />
		<div class="form__actions">
			<${SubmitButton} busy=${form.busy} busyLabel=${t('webhooks.creating')}>${t('webhooks.create')}</${SubmitButton}>
		</div>
	</form>`;
}

/** Polish label and badge tone of one delivery. */
function deliveryState(d) {
	if (d.status === 'SENT') return [t('webhooks.delivery.SENT'), 'success'];
	if (d.status === 'FAILED') return [t('webhooks.delivery.FAILED'), 'danger'];
	if (d.status === 'SENDING') return [t('webhooks.delivery.SENDING'), 'info'];
	return d.attempts > 0 ? [t('webhooks.delivery.RETRY'), 'warning'] : [t('webhooks.delivery.PENDING'), 'neutral'];
}

/** The delivery log of one subscription. */
function Deliveries({ partnerId, hook, onClose }) {
	const log = useAsync((signal) => api.get(`${hooksPath(partnerId)}/${encodeURIComponent(hook.id)}/deliveries`, { signal }), [partnerId, hook.id]);
	const columns = [
		{ key: 'createdAt', label: t('webhooks.dcol.createdAt'), nowrap: true, render: (d) => formatDateTime(d.createdAt) },
		{ key: 'event', label: t('webhooks.dcol.event'), render: (d) => (d.event === 'webhook.test' ? t('webhooks.event.webhook_test') : eventLabel(d.event)) },
		{ key: 'status', label: t('webhooks.dcol.status'), render: (d) => {
			const [label, tone] = deliveryState(d);
			return html`<span class=${'badge badge--' + tone} data-testid="delivery-status">${label}</span>`;
		} },
		{ key: 'attempts', label: t('webhooks.dcol.attempts'), align: 'right', render: (d) => String(d.attempts) },
		{ key: 'lastHttpStatus', label: t('webhooks.dcol.http'), render: (d) => (d.lastHttpStatus != null ? String(d.lastHttpStatus) : t('common.emptyValue')) },
		{ key: 'lastError', label: t('webhooks.dcol.error'), render: (d) => d.lastError || t('common.emptyValue') },
		{ key: 'sentAt', label: t('webhooks.dcol.time'), nowrap: true, render: (d) => (d.sentAt ? formatDateTime(d.sentAt)
			: d.status === 'PENDING' ? t('webhooks.nextAttempt', { at: formatDateTime(d.nextAttemptAt) }) : t('common.emptyValue')) },
	];
	return html`<section class="webhook-deliveries" aria-label=${t('webhooks.deliveriesOf', { url: hook.url })}>
		<div class="toolbar">
			<h3 class="section-title">${t('webhooks.deliveriesOf', { url: hook.url })}</h3>
			<div class="toolbar__end">
				<button type="button" class="btn btn--ghost btn--small" onClick=${log.reload} disabled=${log.loading}>${t('webhooks.refresh')}</button>
				<button type="button" class="btn btn--ghost btn--small" onClick=${onClose}>${t('webhooks.closeLog')}</button>
			</div>
		</div>
		<${ErrorBanner} message=${log.error ? (log.error.message || t('webhooks.loadFailed')) : null} onRetry=${log.reload} />
		<${DataTable} caption=${t('webhooks.deliveriesCaption')} captionHidden columns=${columns} rows=${log.data || []}
			loading=${log.loading} loadingText=${t('webhooks.loading')} emptyText=${t('webhooks.noDeliveries')} />
	</section>`;
}

/** The whole section for one partner. */
export function WebhooksPanel({ partnerId }) {
	const list = useAsync((signal) => api.get(hooksPath(partnerId), { signal }), [partnerId]);
	const [created, setCreated] = useState(null);
	const [busy, setBusy] = useState(null);
	const [logOf, setLogOf] = useState(null);
	const [logKey, setLogKey] = useState(0);

	async function run(hook, fn, okMsg, failMsg) {
		setBusy(hook.id);
		try {
			await fn();
			if (okMsg) toast(okMsg, 'success');
			list.reload();
		} catch (e) {
			toast(e.message || failMsg, 'error');
		} finally {
			setBusy(null);
		}
	}
	const path = (h) => `${hooksPath(partnerId)}/${encodeURIComponent(h.id)}`;
	const toggle = (h) => run(h, () => api.patch(path(h), { active: !h.active }),
		h.active ? t('webhooks.deactivated') : t('webhooks.activated'), t('webhooks.saveFailed'));
	function remove(h) {
		if (!window.confirm(t('webhooks.deleteConfirm', { url: h.url }))) return;
		if (logOf && logOf.id === h.id) setLogOf(null);
		run(h, () => api.delete(path(h)), t('webhooks.deleted'), t('webhooks.deleteFailed'));
	}
	const sendTest = (h) => run(h, async () => {
		await api.post(`${path(h)}/test`);
		setLogOf(h);
		setLogKey((k) => k + 1);
	}, t('webhooks.testQueued'), t('webhooks.testFailed'));

	const columns = [
		{ key: 'url', label: t('webhooks.col.url'), render: (h) => html`<div class="cell-stack">
			<span class="cell-stack__main"><code>${h.url}</code></span>
			<span class="cell-stack__sub">${t('webhooks.secretPrefix')} <code>${h.secretPrefix}…</code></span>
		</div>` },
		{ key: 'events', label: t('webhooks.col.events'), render: (h) => EVENTS.filter((e) => h.events.includes(e)).map(eventLabel).join(', ') },
		{ key: 'active', label: t('webhooks.col.status'), render: (h) => html`<span class=${'badge badge--' + (h.active ? 'success' : 'neutral')}>${h.active ? t('webhooks.active') : t('webhooks.inactive')}</span>` },
		{ key: 'actions', label: t('webhooks.col.actions'), align: 'right', render: (h) => html`<button type="button"
			class="btn btn--ghost btn--small" disabled=${busy === h.id} onClick=${() => toggle(h)}
			aria-label=${(h.active ? t('webhooks.deactivate') : t('webhooks.activate')) + ': ' + h.url}>${h.active ? t('webhooks.deactivate') : t('webhooks.activate')}</button><button type="button"
			class="btn btn--ghost btn--small" disabled=${busy === h.id} onClick=${() => sendTest(h)}
			aria-label=${t('webhooks.sendTestNamed', { url: h.url })}>${t('webhooks.sendTest')}</button><button type="button"
			class="btn btn--ghost btn--small" onClick=${() => { setLogOf(h); setLogKey((k) => k + 1); }}
			aria-label=${t('webhooks.showLogNamed', { url: h.url })}>${t('webhooks.showLog')}</button><button type="button"
			class="btn btn--ghost btn--small" disabled=${busy === h.id} onClick=${() => remove(h)}
			aria-label=${t('webhooks.deleteNamed', { url: h.url })}>${t('webhooks.delete')}</button>` },
	];

	return html`<section class="webhooks" aria-label=${t('webhooks.title')}>
		<p class="muted">${t('webhooks.intro')}</p>
		${created ? html`<${NewSecret} created=${created} onDone=${() => setCreated(null)} />`
			: html`<${CreateForm} partnerId=${partnerId} onCreated=${(c) => { setCreated(c); list.reload(); }} />`}
		<${ErrorBanner} message=${list.error ? (list.error.message || t('webhooks.loadFailed')) : null} onRetry=${list.reload} />
		<${DataTable} caption=${t('webhooks.caption')} captionHidden columns=${columns} rows=${list.data || []}
			loading=${list.loading} loadingText=${t('webhooks.loading')} emptyText=${t('webhooks.empty')} />
		${logOf && html`<${Deliveries} key=${logOf.id + ':' + logKey} partnerId=${partnerId} hook=${logOf} onClose=${() => setLogOf(null)} />`}
	</section>`;
}

/** /partner/webhooks: a partner manager's own partner. */
export default function WebhooksScreen() {
	const { user } = useSession();
	return html`<${PageHeader} title=${t('webhooks.title')} subtitle=${t('webhooks.subtitle')} />
		<div class="card">${user && user.partnerId ? html`<${WebhooksPanel} partnerId=${user.partnerId} />` : t('webhooks.noPartner')}</div>`;
}
