// Consent templates (/admin/consents; frontend.md consent templates admin,
// FR-30, SR-36): the versions of one form type's templates with their state
// (active, inactive, closed), create, edit — an edit of the wording saves a
// new version and closes the old one, the dialog says so —, deactivate (a
// template is never deleted), and the version history with a line diff.
// The content is HTML from a small allow-list; the preview shows what the
// client will see (the server sanitises it again on save).
//
// Data: GET /api/consent-templates?form_type&include_inactive=true (ADMIN),
// POST /api/consent-templates, PUT/DELETE /api/consent-templates/:id,
// GET /api/consent-templates/:id (versions), GET …/:id/diff?from&to.
import { html, useState } from '../lib.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { useAsync } from '../hooks.js';
import { PageHeader } from '../components/page.js';
import { DataTable } from '../components/table.js';
import { Modal } from '../components/modal.js';
import { ConfirmDialog } from '../components/confirm.js';
import { Field, Checkbox, FormAlert, SubmitButton, Options, useSubmit } from '../components/form.js';
import { ErrorBanner, Loading } from '../components/states.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';
import { RichText, CONSENT_TYPES, FORM_TYPES, consentLabel } from '../components/consent.js';

/** 'active' | 'inactive' | 'closed' (superseded: validTo passed). */
function templateState(tpl) {
	if (tpl.validTo && new Date(tpl.validTo).getTime() <= Date.now()) return 'closed';
	return tpl.isActive ? 'active' : 'inactive';
}
const STATE_TONE = { active: 'success', inactive: 'neutral', closed: 'slate' };

function TemplateDialog({ template, formType, onClose, onSaved }) {
	const editing = Boolean(template);
	const [v, setV] = useState({
		consentType: editing ? template.consentType : 'MARKETING',
		formType: editing ? template.formType : formType,
		title: editing ? template.title : '',
		content: editing ? template.content : '',
		helpText: editing ? (template.helpText || '') : '',
		isRequired: editing ? template.isRequired : false,
		isActive: editing ? template.isActive : true,
		tags: editing ? (template.tags || []).join(', ') : '',
	});
	const set = (key) => (e) => setV({ ...v, [key]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });

	const form = useSubmit(async () => {
		const body = {
			title: v.title.trim(),
			content: v.content.trim(),
			helpText: v.helpText.trim() || null,
			isRequired: v.isRequired,
			isActive: v.isActive,
			tags: v.tags.split(',').map((s) => s.trim()).filter(Boolean),
		};
		if (editing) {
			const saved = await api.put(`/api/consent-templates/${encodeURIComponent(template.id)}`, body);
			toast(saved.id !== template.id ? t('consents.tpl.versioned', { n: saved.version }) : t('consents.tpl.updated'), 'success');
		} else {
			const saved = await api.post('/api/consent-templates', { ...body, consentType: v.consentType, formType: v.formType });
			toast(t('consents.tpl.created', { n: saved.version }), 'success');
		}
		onSaved();
		onClose();
	}, {
		validate: () => {
			const e = {};
			if (!v.title.trim()) e.title = t('consents.tpl.errors.title');
			if (!v.content.trim()) e.content = t('consents.tpl.errors.content');
			return e;
		},
	});
	const err = form.fieldErrors;
	return html`<${Modal} title=${editing ? t('consents.tpl.editTitle', { title: template.title, n: template.version }) : t('consents.tpl.createTitle')}
		onClose=${onClose} busy=${form.busy} size="wide">
		<form class="form" onSubmit=${form.onSubmit} novalidate>
			${editing && html`<div class="alert alert--info" role="note">${t('consents.tpl.versionHint')}</div>`}
			<div class="form-grid">
				<${Field} label=${t('consents.tpl.type')} name="consentType" as="select" value=${v.consentType}
					disabled=${editing} error=${err.consentType} onChange=${set('consentType')}>
					<${Options} items=${CONSENT_TYPES.map((c) => ({ value: c, label: consentLabel('type', c) }))} />
				</${Field}>
				<${Field} label=${t('consents.tpl.formType')} name="formType" as="select" value=${v.formType}
					disabled=${editing} error=${err.formType} onChange=${set('formType')}>
					<${Options} items=${FORM_TYPES.map((f) => ({ value: f, label: consentLabel('form', f) }))} />
				</${Field}>
			</div>
			<${Field} label=${t('consents.tpl.title')} name="title" required value=${v.title} error=${err.title} onInput=${set('title')} />
			<${Field} label=${t('consents.tpl.content')} name="content" as="textarea" rows="8" required value=${v.content}
				hint=${t('consents.tpl.contentHint')} error=${err.content} onInput=${set('content')} />
			<div class="consent-preview" aria-label=${t('consents.tpl.preview')}>
				<p class="info-grid__label">${t('consents.tpl.preview')}</p>
				<${RichText} text=${v.content} />
			</div>
			<${Field} label=${t('consents.tpl.helpText')} name="helpText" as="textarea" rows="2" value=${v.helpText}
				error=${err.helpText} onInput=${set('helpText')} />
			<${Field} label=${t('consents.tpl.tags')} name="tags" value=${v.tags} hint=${t('consents.tpl.tagsHint')}
				error=${err.tags} onInput=${set('tags')} />
			<div class="form-grid">
				<${Checkbox} label=${t('consents.tpl.required')} name="isRequired" checked=${v.isRequired} onChange=${set('isRequired')} />
				<${Checkbox} label=${t('consents.tpl.active')} name="isActive" checked=${v.isActive} onChange=${set('isActive')} />
			</div>
			<${FormAlert} message=${form.error} />
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" onClick=${onClose} disabled=${form.busy}>${t('common.cancel')}</button>
				<${SubmitButton} busy=${form.busy} busyLabel=${t('consents.tpl.saving')}>${editing ? t('consents.tpl.save') : t('consents.tpl.create')}</${SubmitButton}>
			</div>
		</form>
	</${Modal}>`;
}

/** The versions of a template's family and the line diff of two of them. */
function HistoryDialog({ template, onClose }) {
	const family = useAsync((signal) => api.get(`/api/consent-templates/${encodeURIComponent(template.id)}`, { signal }), [template.id]);
	const versions = (family.data && family.data.versions) || [];
	const [pick, setPick] = useState({ from: null, to: null });
	const to = pick.to != null ? pick.to : template.version;
	const older = versions.filter((x) => x.version < to);
	const from = pick.from != null ? pick.from : (older.length ? older[0].version : null);
	const diff = useAsync((signal) => (from == null ? Promise.resolve(null)
		: api.get(`/api/consent-templates/${encodeURIComponent(template.id)}/diff`, { query: { from, to }, signal })), [from, to]);
	const items = versions.map((x) => ({ value: String(x.version), label: t('consents.versionN', { n: x.version }) }));
	const d = diff.data;

	return html`<${Modal} title=${t('consents.diff.title', { title: template.title })} onClose=${onClose} size="wide">
		${family.loading && !family.data && html`<${Loading} />`}
		<${ErrorBanner} message=${family.error ? family.error.message : null} onRetry=${family.reload} />
		${versions.length > 0 && html`<ol class="version-list">${versions.map((x) => html`<li key=${x.id}>
			<strong>${t('consents.versionN', { n: x.version })}</strong> · ${x.title} ·
			${t('consents.diff.valid', { from: formatDateTime(x.validFrom), to: x.validTo ? formatDateTime(x.validTo) : t('consents.diff.open') })}
			· ${t('consents.diff.records', { n: x.records })}</li>`)}</ol>`}
		${versions.length > 1 && html`<div class="form-grid">
			<${Field} label=${t('consents.diff.from')} name="from" as="select" value=${from == null ? '' : String(from)}
				onChange=${(e) => setPick({ ...pick, from: Number(e.currentTarget.value) })}><${Options} items=${items} /></${Field}>
			<${Field} label=${t('consents.diff.to')} name="to" as="select" value=${String(to)}
				onChange=${(e) => setPick({ ...pick, to: Number(e.currentTarget.value) })}><${Options} items=${items} /></${Field}>
		</div>`}
		${versions.length === 1 && html`<p class="muted">${t('consents.diff.single')}</p>`}
		<${ErrorBanner} message=${diff.error ? diff.error.message : null} onRetry=${diff.reload} />
		${d && html`<div class="diff" aria-label=${t('consents.diff.label')}>
			<p class="muted">${t('consents.diff.stats', { insert: d.stats.insert, delete: d.stats.delete })}
				${d.changed.title && html` · ${t('consents.diff.titleChanged', { from: d.from.title, to: d.to.title })}`}
				${d.changed.isRequired && html` · ${t('consents.diff.requiredChanged')}`}
				${d.changed.helpText && html` · ${t('consents.diff.helpChanged')}`}</p>
			<ol class="diff__lines">${d.lines.map((line, i) => html`<li key=${i} class=${'diff__line diff__line--' + line.op}>
				<span class="diff__op" aria-hidden="true">${line.op === 'insert' ? '+' : line.op === 'delete' ? '−' : ' '}</span>
				<span class="visually-hidden">${t('consents.diff.op.' + line.op)}: </span><code>${line.text}</code></li>`)}</ol>
		</div>`}
	</${Modal}>`;
}

export default function ConsentTemplatesScreen({ location }) {
	const formType = FORM_TYPES.includes(location.query.get('form_type')) ? location.query.get('form_type') : FORM_TYPES[0];
	const list = useAsync((signal) => api.get('/api/consent-templates', { query: { form_type: formType, include_inactive: 'true' }, signal }), [formType]);
	const [dialog, setDialog] = useState(null); // { kind: 'edit'|'history'|'deactivate', template? }
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const rows = (list.data && list.data.data) || [];

	async function deactivate() {
		setBusy(true);
		setError(null);
		try {
			await api.delete(`/api/consent-templates/${encodeURIComponent(dialog.template.id)}`);
			toast(t('consents.tpl.deactivated'), 'success');
			setDialog(null);
			list.reload();
		} catch (err) {
			setError(err.message);
		} finally {
			setBusy(false);
		}
	}

	const columns = [
		{ key: 'title', label: t('consents.tpl.col.title'), render: (x) => html`<div class="cell-stack">
			<span class="cell-stack__main">${x.title}${x.isRequired && html`<span class="field__required"> *</span>`}</span>
			<span class="cell-stack__sub">${consentLabel('type', x.consentType)}</span></div>` },
		{ key: 'version', label: t('consents.tpl.col.version'), nowrap: true, render: (x) => t('consents.versionN', { n: x.version }) },
		{ key: 'state', label: t('consents.tpl.col.state'), render: (x) => {
			const s = templateState(x);
			return html`<span class=${'badge badge--' + STATE_TONE[s]}>${t('consents.tpl.state.' + s)}</span>`;
		} },
		{ key: 'required', label: t('consents.tpl.col.required'), render: (x) => (x.isRequired ? t('consents.yes') : t('consents.no')) },
		{ key: 'validFrom', label: t('consents.tpl.col.validFrom'), nowrap: true, render: (x) => formatDateTime(x.validFrom) },
		{ key: 'actions', label: t('consents.tpl.col.actions'), align: 'right', nowrap: true, render: (x) => html`
			${templateState(x) !== 'closed' && html`<button type="button" class="btn btn--ghost btn--small"
				aria-label=${t('consents.tpl.editNamed', { title: x.title, n: x.version })}
				onClick=${() => setDialog({ kind: 'edit', template: x })}>${t('consents.tpl.edit')}</button>`}
			<button type="button" class="btn btn--ghost btn--small" aria-label=${t('consents.tpl.historyNamed', { title: x.title, n: x.version })}
				onClick=${() => setDialog({ kind: 'history', template: x })}>${t('consents.tpl.history')}</button>
			${templateState(x) === 'active' && html`<button type="button" class="btn btn--ghost btn--small"
				aria-label=${t('consents.tpl.deactivateNamed', { title: x.title, n: x.version })}
				onClick=${() => { setError(null); setDialog({ kind: 'deactivate', template: x }); }}>${t('consents.tpl.deactivate')}</button>`}` },
	];

	return html`<${PageHeader} title=${t('consents.tpl.pageTitle')} subtitle=${t('consents.tpl.subtitle')}>
			<button type="button" class="btn btn--primary" onClick=${() => setDialog({ kind: 'edit', template: null })}>
				<${Icon} name="plus" size=${18} /><span>${t('consents.tpl.add')}</span>
			</button>
		</${PageHeader}>
		<${ErrorBanner} message=${list.error ? (list.error.message || t('consents.tpl.loadFailed')) : null} onRetry=${list.reload} />
		<section class="card list-card">
			<form class="toolbar" onSubmit=${(e) => e.preventDefault()}>
				<${Field} label=${t('consents.tpl.formType')} name="form_type" as="select" value=${formType}
					onChange=${(e) => navigate('/admin/consents?form_type=' + encodeURIComponent(e.currentTarget.value), { replace: true })}>
					<${Options} items=${FORM_TYPES.map((f) => ({ value: f, label: consentLabel('form', f) }))} />
				</${Field}>
			</form>
			<${DataTable} caption=${t('consents.tpl.caption')} captionHidden columns=${columns} rows=${rows}
				loading=${list.loading} loadingText=${t('consents.tpl.loading')} emptyText=${t('consents.tpl.empty')} />
		</section>
		${dialog && dialog.kind === 'edit' && html`<${TemplateDialog} template=${dialog.template} formType=${formType}
			onClose=${() => setDialog(null)} onSaved=${list.reload} />`}
		${dialog && dialog.kind === 'history' && html`<${HistoryDialog} template=${dialog.template} onClose=${() => setDialog(null)} />`}
		${dialog && dialog.kind === 'deactivate' && html`<${ConfirmDialog} title=${t('consents.tpl.deactivateTitle')} danger
			message=${t('consents.tpl.deactivateMessage', { title: dialog.template.title, n: dialog.template.version })}
			confirmLabel=${t('consents.tpl.deactivate')} busy=${busy} error=${error}
			onConfirm=${deactivate} onCancel=${() => setDialog(null)} />`}`;
}
