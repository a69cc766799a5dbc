// Partner API keys (issue 14): the "Klucze API" section of a partner. An
// admin opens it from the partner list (/admin/partners, a dialog); a partner
// manager has it as a screen (/partner/api-keys) for their own partner.
// Create (name, scopes, optional expiry) shows the key once, with a copy
// button; the list shows prefix, scopes, expiry, last use; revoke asks first.
//
// Data: GET/POST /api/partners/:id/api-keys, DELETE /api/partners/:id/api-keys/:keyId.
import { html, useState } from '../lib.js';
import { t, formatDateTime, formatDate } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { useSession } from '../session.js';
import { PageHeader } from '../components/page.js';
import { DataTable } from '../components/table.js';
import { Field, Checkbox, FormAlert, SubmitButton, useSubmit } from '../components/form.js';
import { ErrorBanner } from '../components/states.js';
import { toast } from '../components/toast.js';

const SCOPES = ['leads:create', 'leads:read'];

function keysPath(partnerId) {
	return `/api/partners/${encodeURIComponent(partnerId)}/api-keys`;
}

/** The new key, shown this once, with a copy button. */
function NewKey({ created, onDone }) {
	const [copied, setCopied] = useState(false);
	async function copy() {
		try {
			await navigator.clipboard.writeText(created.key);
			setCopied(true);
		} catch {
			toast(t('apiKeys.copyFailed'), 'error');
		}
	}
	return html`<div class="card api-key-new" role="status" data-testid="api-key-new">
		<p><strong>${t('apiKeys.shownOnce')}</strong></p>
		<p><code class="api-key-new__value" data-testid="api-key-value">${created.key}</code></p>
		<div class="form__actions">
			<button type="button" class="btn btn--primary" onClick=${copy}>${copied ? t('apiKeys.copied') : t('apiKeys.copy')}</button>
			<button type="button" class="btn btn--ghost" onClick=${onDone}>${t('apiKeys.done')}</button>
		</div>
	</div>`;
}

function CreateForm({ partnerId, onCreated }) {
	const [v, setV] = useState({ name: '', scopes: { 'leads:create': true, 'leads:read': false }, expiresAt: '' });
	const form = useSubmit(async () => {
		const body = { name: v.name.trim(), scopes: SCOPES.filter((s) => v.scopes[s]) };
		if (v.expiresAt) body.expiresAt = new Date(v.expiresAt + 'T23:59:59').toISOString();
		const created = await api.post(keysPath(partnerId), body);
		setV({ name: '', scopes: { 'leads:create': true, 'leads:read': false }, expiresAt: '' });
		onCreated(created);
	}, {
		validate: () => {
			const e = {};
			if (!v.name.trim()) e.name = t('apiKeys.errors.name');
			if (!SCOPES.some((s) => v.scopes[s])) e.scopes = t('apiKeys.errors.scopes');
			return e;
		},
	});
	const err = form.fieldErrors;
	return html`<form class="form" onSubmit=${form.onSubmit} novalidate aria-label=${t('apiKeys.createTitle')}>
		<div class="form-grid">
			<${Field} label=${t('apiKeys.name')} name="name" required autocomplete="off" value=${v.name} error=${err.name}
				onInput=${(e) => setV({ ...v, name: e.currentTarget.value })} />
			<${Field} label=${t('apiKeys.expiresAt')} name="expiresAt" type="date" value=${v.expiresAt} error=${err.expiresAt}
				hint=${t('apiKeys.expiresHint')} onInput=${(e) => setV({ ...v, expiresAt: e.currentTarget.value })} />
		</div>
		<fieldset class="fieldset">
			<legend class="fieldset__legend">${t('apiKeys.scopes')}</legend>
			${SCOPES.map((s, i) => html`<${Checkbox} key=${s} name=${'scope-' + s} label=${t('apiKeys.scope.' + s.replace(':', '_'))}
				checked=${v.scopes[s]} error=${i === SCOPES.length - 1 ? err.scopes : undefined}
				onChange=${(e) => setV({ ...v, scopes: { ...v.scopes, [s]: e.currentTarget.checked } })} />`)}
		</fieldset>
		<${FormAlert} message=${form.error} />
		<div class="form__actions">
			<${SubmitButton} busy=${form.busy} busyLabel=${t('apiKeys.creating')}>${t('apiKeys.create')}</${SubmitButton}>
		</div>
	</form>`;
}

/** The whole section for one partner. */
export function ApiKeysPanel({ partnerId }) {
	const list = useAsync((signal) => api.get(keysPath(partnerId), { signal }), [partnerId]);
	const [created, setCreated] = useState(null);
	const [busy, setBusy] = useState(null);

	async function revoke(key) {
		if (!window.confirm(t('apiKeys.revokeConfirm', { name: key.name }))) return;
		setBusy(key.id);
		try {
			await api.delete(`${keysPath(partnerId)}/${encodeURIComponent(key.id)}`);
			toast(t('apiKeys.revoked', { name: key.name }), 'success');
			list.reload();
		} catch (e) {
			toast(e.message || t('apiKeys.revokeFailed'), 'error');
		} finally {
			setBusy(null);
		}
	}

	const rows = list.data || [];
	const columns = [
		{ key: 'name', label: t('apiKeys.col.name'), render: (k) => html`<div class="cell-stack">
			<span class="cell-stack__main">${k.name}</span>
			<span class="cell-stack__sub"><code>${k.prefix}…</code></span>
		</div>` },
		{ key: 'scopes', label: t('apiKeys.col.scopes'), render: (k) => k.scopes.map((s) => t('apiKeys.scope.' + s.replace(':', '_'))).join(', ') },
		{ key: 'expiresAt', label: t('apiKeys.col.expiresAt'), render: (k) => (k.expiresAt ? formatDate(k.expiresAt) : t('apiKeys.never')) },
		{ key: 'lastUsedAt', label: t('apiKeys.col.lastUsedAt'), render: (k) => (k.lastUsedAt ? formatDateTime(k.lastUsedAt) : t('apiKeys.unused')) },
		{ key: 'status', label: t('apiKeys.col.status'), render: (k) => {
			const expired = k.expiresAt && new Date(k.expiresAt) <= new Date();
			const [label, tone] = k.revokedAt ? [t('apiKeys.status.revoked'), 'neutral'] : expired ? [t('apiKeys.status.expired'), 'warning'] : [t('apiKeys.status.active'), 'success'];
			return html`<span class=${'badge badge--' + tone}>${label}</span>`;
		} },
		{ key: 'actions', label: t('apiKeys.col.actions'), align: 'right', nowrap: true, render: (k) => (k.revokedAt ? '' : html`<button type="button"
			class="btn btn--ghost btn--small" disabled=${busy === k.id} aria-label=${t('apiKeys.revokeNamed', { name: k.name })}
			onClick=${() => revoke(k)}>${t('apiKeys.revoke')}</button>`) },
	];

	return html`<section class="api-keys" aria-label=${t('apiKeys.title')}>
		<p class="muted">${t('apiKeys.intro')} <a href="/api/openapi.json" target="_blank" rel="noopener">${t('apiKeys.docs')}</a></p>
		${created ? html`<${NewKey} created=${created} onDone=${() => setCreated(null)} />`
			: html`<${CreateForm} partnerId=${partnerId} onCreated=${(c) => { setCreated(c); list.reload(); }} />`}
		<${ErrorBanner} message=${list.error ? (list.error.message || t('apiKeys.loadFailed')) : null} onRetry=${list.reload} />
		<${DataTable} caption=${t('apiKeys.caption')} captionHidden columns=${columns} rows=${rows}
			loading=${list.loading} loadingText=${t('apiKeys.loading')} emptyText=${t('apiKeys.empty')} />
	</section>`;
}

/** /partner/api-keys: a partner manager's own partner. */
export default function ApiKeysScreen() {
	const { user } = useSession();
	return html`<${PageHeader} title=${t('apiKeys.title')} subtitle=${t('apiKeys.subtitle')} />
		<div class="card">${user && user.partnerId ? html`<${ApiKeysPanel} partnerId=${user.partnerId} />` : t('apiKeys.noPartner')}</div>`;
}
