// The web-to-lead form of a partner (issue 14): the "Formularz WWW" section. An
// admin opens it from the partner list (/admin/partners, a dialog); a partner
// manager has it as a screen (/partner/web-form) for their own partner.
// Enable the form, pick the purposes (consent templates, each shown as its
// own unticked checkbox), edit the allowed origins (one per line, validated),
// and copy the iframe snippet or the plain HTML snippet.
//
// Data: GET/PUT /api/partners/:id/web-form (cgi-bin/webleads).
import { html, useEffect, useState } from '../lib.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { useSession } from '../session.js';
import { PageHeader } from '../components/page.js';
import { Field, Checkbox, FormAlert, SubmitButton, useSubmit } from '../components/form.js';
import { ErrorBanner } from '../components/states.js';
import { toast } from '../components/toast.js';

/** scheme://host[:port] with an optional trailing slash: what the server accepts. */
const ORIGIN_RE = /^https?:\/\/[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?\/?$/;

function formPath(partnerId) {
	return `/api/partners/${encodeURIComponent(partnerId)}/web-form`;
}

function esc(s) {
	return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The iframe of the hosted form. */
export function iframeSnippet(s) {
	return `<iframe src="${esc(s.formUrl)}" title="${esc(t('webForm.snippetTitle'))}" loading="lazy"
	style="width:100%;max-width:560px;height:760px;border:0"></iframe>`;
}

/**
 * The plain HTML form: the same fields and purposes (the current template
 * versions, so a changed template needs a fresh copy) posting to our
 * endpoint; a few lines of script fetch the signed form token.
 */
export function htmlSnippet(s) {
	const chosen = (s.templateIds || []).map((id) => (s.availableTemplates || []).find((x) => x.id === id)).filter(Boolean);
	const consents = chosen.map((c) => `  <p><label><input type="checkbox" name="consent" value="${esc(c.id)}"> ${esc(c.title)}</label></p>`).join('\n');
	return `<form method="post" action="${esc(s.postUrl)}" enctype="multipart/form-data" accept-charset="utf-8" data-izzy-form>
  <p><label>Imię * <input name="firstName" required maxlength="100" autocomplete="given-name"></label></p>
  <p><label>Nazwisko * <input name="lastName" required maxlength="100" autocomplete="family-name"></label></p>
  <p><label>E-mail * <input type="email" name="email" required maxlength="254" autocomplete="email"></label></p>
  <p><label>Telefon <input type="tel" name="phone" maxlength="40" autocomplete="tel"></label></p>
  <p><label>Wiadomość <textarea name="message" maxlength="2000"></textarea></label></p>
  <p style="position:absolute;left:-10000px" aria-hidden="true"><label>Nie wypełniaj <input name="website" tabindex="-1" autocomplete="off"></label></p>
${consents}
  <input type="hidden" name="formToken" value="">
  <p><button type="submit">Wyślij</button></p>
</form>
<script>
fetch(${JSON.stringify(s.postUrl + '/form')}).then(function (r) { return r.json(); }).then(function (d) {
  document.querySelector('form[data-izzy-form] [name=formToken]').value = d.formToken;
});
</script>`;
}

function Snippet({ label, text, testid }) {
	async function copy() {
		try {
			await navigator.clipboard.writeText(text);
			toast(t('webForm.copied'), 'success');
		} catch {
			toast(t('webForm.copyFailed'), 'error');
		}
	}
	return html`<div class="web-form__snippet">
		<${Field} label=${label} name=${testid} as="textarea" readOnly rows="6" value=${text} data-testid=${testid} />
		<button type="button" class="btn btn--ghost btn--small" onClick=${copy}>${t('webForm.copy')}</button>
	</div>`;
}

function SettingsForm({ partnerId, settings, onSaved }) {
	const [v, setV] = useState(() => ({
		enabled: settings.enabled,
		origins: (settings.allowedOrigins || []).join('\n'),
		templateIds: settings.templateIds || [],
		rate: String(settings.rateLimitPerHour || 100),
	}));
	useEffect(() => {
		setV({ enabled: settings.enabled, origins: (settings.allowedOrigins || []).join('\n'), templateIds: settings.templateIds || [], rate: String(settings.rateLimitPerHour || 100) });
	}, [settings]);
	const origins = () => v.origins.split('\n').map((s) => s.trim()).filter(Boolean);
	const form = useSubmit(async () => {
		const saved = await api.put(formPath(partnerId), {
			enabled: v.enabled, allowedOrigins: origins(), templateIds: v.templateIds, rateLimitPerHour: Number(v.rate),
		});
		toast(t('webForm.saved'), 'success');
		onSaved(saved);
	}, {
		validate: () => {
			const e = {};
			const bad = origins().find((o) => !ORIGIN_RE.test(o));
			if (bad) e.allowedOrigins = t('webForm.errors.origin', { origin: bad });
			if (origins().length > 20) e.allowedOrigins = t('webForm.errors.tooManyOrigins');
			const n = Number(v.rate);
			if (!Number.isInteger(n) || n < 1 || n > 10000) e.rateLimitPerHour = t('webForm.errors.rate');
			return e;
		},
	});
	const err = form.fieldErrors;
	const originErr = err.allowedOrigins || Object.keys(err).filter((k) => k.startsWith('allowedOrigins')).map((k) => err[k])[0];
	const toggle = (id, on) => setV({ ...v, templateIds: on ? [...v.templateIds, id] : v.templateIds.filter((x) => x !== id) });
	return html`<form class="form" onSubmit=${form.onSubmit} novalidate aria-label=${t('webForm.settings')}>
		<${Checkbox} name="enabled" label=${t('webForm.enabled')} checked=${v.enabled}
			onChange=${(e) => setV({ ...v, enabled: e.currentTarget.checked })} />
		<fieldset class="fieldset">
			<legend class="fieldset__legend">${t('webForm.purposes')}</legend>
			<p class="muted">${t('webForm.purposesHint')}</p>
			${(settings.availableTemplates || []).map((c) => html`<${Checkbox} key=${c.id} name=${'purpose-' + c.id}
				label=${t('webForm.purposeLabel', { title: c.title, version: c.version, formType: c.formType })}
				checked=${v.templateIds.includes(c.id)} onChange=${(e) => toggle(c.id, e.currentTarget.checked)} />`)}
			${Object.keys(err).some((k) => k.startsWith('templateIds')) && html`<p class="field__error">${t('webForm.errors.template')}</p>`}
		</fieldset>
		<div class="form-grid">
			<${Field} label=${t('webForm.origins')} name="allowedOrigins" as="textarea" rows="4" value=${v.origins}
				hint=${t('webForm.originsHint')} error=${originErr}
				onInput=${(e) => setV({ ...v, origins: e.currentTarget.value })} />
			<${Field} label=${t('webForm.rate')} name="rateLimitPerHour" type="number" min="1" max="10000" value=${v.rate}
				error=${err.rateLimitPerHour} onInput=${(e) => setV({ ...v, rate: e.currentTarget.value })} />
		</div>
		<${FormAlert} message=${form.error} />
		<div class="form__actions">
			<${SubmitButton} busy=${form.busy} busyLabel=${t('webForm.saving')}>${t('webForm.save')}</${SubmitButton}>
		</div>
	</form>`;
}

/** The whole section for one partner. */
export function WebFormPanel({ partnerId }) {
	const load = useAsync((signal) => api.get(formPath(partnerId), { signal }), [partnerId]);
	const [settings, setSettings] = useState(null);
	useEffect(() => {
		if (load.data) setSettings(load.data);
	}, [load.data]);
	return html`<section class="web-form" aria-label=${t('webForm.title')}>
		<p class="muted">${t('webForm.intro')}</p>
		<${ErrorBanner} message=${load.error ? (load.error.message || t('webForm.loadFailed')) : null} onRetry=${load.reload} />
		${load.loading && !settings && html`<p>${t('webForm.loading')}</p>`}
		${settings && html`<${SettingsForm} partnerId=${partnerId} settings=${settings} onSaved=${setSettings} />`}
		${settings && (settings.formKey
			? html`<div class="web-form__snippets">
				<h3>${t('webForm.snippets')}</h3>
				${!settings.enabled && html`<p class="alert alert--warning">${t('webForm.disabledNote')}</p>`}
				<p><a href=${settings.formUrl} target="_blank" rel="noopener" data-testid="web-form-url">${t('webForm.preview')}</a></p>
				<${Snippet} label=${t('webForm.iframe')} text=${iframeSnippet(settings)} testid="web-form-iframe" />
				<${Snippet} label=${t('webForm.html')} text=${htmlSnippet(settings)} testid="web-form-html" />
			</div>`
			: html`<p class="muted">${t('webForm.noKeyYet')}</p>`)}
	</section>`;
}

/** /partner/web-form: a partner manager's own partner. */
export default function WebFormScreen() {
	const { user } = useSession();
	return html`<${PageHeader} title=${t('webForm.title')} subtitle=${t('webForm.subtitle')} />
		<div class="card">${user && user.partnerId ? html`<${WebFormPanel} partnerId=${user.partnerId} />` : t('webForm.noPartner')}</div>`;
}
