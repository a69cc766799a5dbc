// Saved views of the lead list (issue 13): "Zapisz widok" stores the list's
// filters, order and visible columns under a name (POST /api/saved-views,
// optionally shared with the team); the sidebar lists the user's views and
// the shared ones (GET /api/saved-views) and opens one by putting its query
// back into the list's URL. Owners delete their views from the sidebar.
//
// state = { query: '?status=…&cols=…', sort: 'leadCreatedAt:desc', columns: [...] }
import { html, useEffect, useState } from '../lib.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { navigate } from '../router.js';
import { Modal } from './modal.js';
import { Field, Checkbox, FormAlert, SubmitButton, useSubmit } from './form.js';
import { Icon } from './icons.js';
import { toast } from './toast.js';
import { downloadFile, exportUrl, LIST_COLUMN_KEYS } from './export-menu.js';
// A cycle (leads.js imports this file): only function declarations are used, at run time.
import { readFilters, apiQuery } from '../screens/leads.js';

const CHANGED = 'izzy:saved-views';

export function SaveViewButton({ state }) {
	const [open, setOpen] = useState(false);
	const [name, setName] = useState('');
	const [shared, setShared] = useState(false);
	const form = useSubmit(async () => {
		await api.post('/api/saved-views', { name: name.trim(), state, shared });
		toast(t('views.saved', { name: name.trim() }), 'success');
		window.dispatchEvent(new Event(CHANGED));
		setOpen(false);
		setName('');
		setShared(false);
	}, {
		validate: () => (name.trim() ? {} : { name: t('common.required') }),
	});
	return html`<button type="button" class="btn btn--ghost" data-shortcut="save-view" onClick=${() => setOpen(true)}>${t('views.save')}</button>
		${open && html`<${Modal} title=${t('views.saveTitle')} onClose=${() => setOpen(false)} busy=${form.busy}>
			<form class="form" onSubmit=${form.onSubmit} novalidate>
				<${Field} label=${t('views.name')} name="viewName" required maxlength="100" value=${name}
					error=${form.fieldErrors.name} onInput=${(e) => setName(e.currentTarget.value)} />
				<${Checkbox} label=${t('views.shared')} name="viewShared" checked=${shared}
					onChange=${(e) => setShared(e.currentTarget.checked)} />
				<${FormAlert} message=${form.error} />
				<div class="form__actions">
					<button type="button" class="btn btn--ghost" onClick=${() => setOpen(false)}>${t('common.cancel')}</button>
					<${SubmitButton} busy=${form.busy} busyLabel=${t('common.saving')}>${t('common.save')}</${SubmitButton}>
				</div>
			</form>
		</${Modal}>`}`;
}

/** The sidebar's list of saved views (staff only). */
/** Downloads a view's leads as CSV: its filters and columns, as the list would show them (issue 14). */
async function exportView(view, user) {
	const filters = readFilters(new URLSearchParams((view.state && view.state.query) || ''));
	const columns = filters.cols ? filters.cols.split(',') : LIST_COLUMN_KEYS;
	try {
		await downloadFile(exportUrl(apiQuery(filters, user), columns, 'csv'), {}, 'leady.csv');
		toast(t('exportMenu.done', { format: 'CSV' }), 'success');
	} catch (err) {
		toast(err.message || t('exportMenu.failed'), 'error');
	}
}

export function SavedViewsNav({ expanded, onNavigate, user }) {
	const views = useAsync((signal) => api.get('/api/saved-views', { signal }).then((r) => r.data), []);
	useEffect(() => {
		const reload = () => views.reload();
		window.addEventListener(CHANGED, reload);
		return () => window.removeEventListener(CHANGED, reload);
	}, []);
	const list = views.data || [];
	if (list.length === 0) return null;

	async function remove(view) {
		try {
			await api.delete(`/api/saved-views/${encodeURIComponent(view.id)}`);
			views.reload();
		} catch (err) {
			toast(err.message || t('views.deleteFailed'), 'error');
		}
	}

	return html`<nav class="shell-views" data-testid="saved-views" aria-label=${t('views.title')}>
		<p class=${'shell-views__title' + (expanded ? '' : ' visually-hidden')}>${t('views.title')}</p>
		<ul class="shell-nav__list">
			${list.map((view) => html`<li key=${view.id} class="shell-views__item">
				<a href=${'/leads' + ((view.state && view.state.query) || '')} class="shell-nav__item" title=${view.name}
					onClick=${(e) => { e.preventDefault(); navigate('/leads' + ((view.state && view.state.query) || '')); onNavigate(); }}>
					<span class="shell-nav__icon"><${Icon} name=${view.shared ? 'users' : 'inbox'} /></span>
					<span class="shell-nav__text"><span class="shell-nav__label">${view.name}</span>
						${!view.mine && html`<span class="shell-nav__description">${t('views.by', { name: view.owner.fullName })}</span>`}</span>
				</a>
				${expanded && user && html`<button type="button" class="btn btn--ghost btn--icon" aria-label=${t('exportMenu.view', { name: view.name })}
					onClick=${() => exportView(view, user)}><${Icon} name="file" size=${16} /></button>`}
				${view.mine && expanded && html`<button type="button" class="btn btn--ghost btn--icon" aria-label=${t('views.delete', { name: view.name })}
					onClick=${() => remove(view)}><${Icon} name="trash" size=${16} /></button>`}
			</li>`)}
		</ul>
	</nav>`;
}
