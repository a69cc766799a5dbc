// "Dokumenty" section of the lead detail (frontend.md §7.4.10, issue 8):
// the lead's documents (type, name, MIME type and size, checksum, date) with
// a link through the authorised download path, and the upload sub-form.
// Uploads go as multipart through XMLHttpRequest so that the progress bar
// shows real upload progress (fetch has no upload progress); the size limit
// is checked before a byte is sent, and the API's 400/413/415 answers are
// shown in Polish.
import { html, useState, useRef } from '../lib.js';
import { t, apiMessage, formatDateTime, formatNumber } from '../i18n.js';
import { Section } from '../components/section.js';
import { FormAlert } from '../components/form.js';
import { toast } from '../components/toast.js';

/** UPLOAD_MAX_BYTES of the server (spec/api.md §6.2 default). */
export const UPLOAD_MAX_BYTES = 52428800;
const NAME_MAX = 40;

/** The link of a document: absolute http(s) as is, otherwise this origin + path. */
export function documentHref(filePath) {
	const path = String(filePath || '');
	if (/^https?:\/\//i.test(path)) return path;
	return window.location.origin + (path.startsWith('/') ? '' : '/') + path;
}

function shortName(name) {
	return name.length > NAME_MAX ? name.slice(0, NAME_MAX) + '...' : name;
}

/** The Polish message for a failed upload (status, body of the API's error). */
function uploadError(status, body) {
	const code = body && typeof body.code === 'string' ? body.code : null;
	if (status === 413 || code === 'LIMIT_FILE_SIZE') return t('lead.documents.errors.tooLarge', { mb: UPLOAD_MAX_BYTES / 1048576 });
	if (status === 415) return (body && body.message) || t('lead.documents.errors.type');
	if (code && t('lead.documents.errors.code.' + code) !== 'lead.documents.errors.code.' + code) {
		return t('lead.documents.errors.code.' + code);
	}
	if (body && typeof body.message === 'string') return apiMessage(body.message);
	if (status === 0) return t('errors.network');
	return t('lead.documents.errors.failed');
}

/** POST the form through XHR; onProgress(0..1). Resolves with the row, rejects with a message. */
function sendUpload(leadId, data, onProgress) {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		xhr.open('POST', `/api/leads/${encodeURIComponent(leadId)}/documents/upload`);
		xhr.withCredentials = true;
		xhr.responseType = 'json';
		xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
		xhr.onload = () => {
			if (xhr.status === 201) resolve(xhr.response);
			else reject(new Error(uploadError(xhr.status, xhr.response)));
		};
		xhr.onerror = () => reject(new Error(uploadError(0, null)));
		xhr.send(data);
	});
}

function DocumentItem({ doc }) {
	const name = doc.originalName || doc.filePath || '';
	const kb = doc.sizeBytes != null ? formatNumber(doc.sizeBytes / 1024, 1) : null;
	return html`<li class="doc-item">
		<div class="doc-item__main">
			<strong class="doc-item__type">${doc.type}</strong>
			<a class="doc-item__link" href=${documentHref(doc.filePath)} target="_blank" rel="noopener" title=${name}>${shortName(name)}</a>
			${(doc.mimeType || kb) && html`<span class="muted small">${[doc.mimeType, kb != null ? kb + ' KB' : null].filter(Boolean).join(' · ')}</span>`}
			${doc.checksum && html`<span class="muted small doc-item__checksum">${t('lead.documents.checksum', { value: doc.checksum })}</span>`}
		</div>
		<time class="small doc-item__date" datetime=${doc.uploadedAt}>${formatDateTime(doc.uploadedAt)}</time>
	</li>`;
}

function UploadForm({ lead, onSaved }) {
	const input = useRef(null);
	const [type, setType] = useState('agreement');
	const [file, setFile] = useState(null);
	const [progress, setProgress] = useState(null);
	const [error, setError] = useState(null);
	const [done, setDone] = useState(null);

	function choose(event) {
		const f = event.currentTarget.files && event.currentTarget.files[0];
		setFile(f || null);
		setError(null);
		setDone(null);
	}

	async function submit(event) {
		event.preventDefault();
		setDone(null);
		if (!file) { setError(t('lead.documents.errors.noFile')); return; }
		if (file.size > UPLOAD_MAX_BYTES) {
			setError(t('lead.documents.errors.tooLarge', { mb: UPLOAD_MAX_BYTES / 1048576 }));
			return;
		}
		if (file.size === 0) { setError(t('lead.documents.errors.code.EMPTY_FILE')); return; }
		const data = new FormData();
		data.append('type', type.trim() || 'document');
		data.append('file', file, file.name);
		setError(null);
		setProgress(0);
		try {
			await sendUpload(lead.id, data, setProgress);
			toast(t('lead.documents.uploaded'), 'success');
			setDone(t('lead.documents.uploaded'));
			setFile(null);
			if (input.current) input.current.value = '';
			onSaved();
		} catch (err) {
			setError(err.message);
			toast(err.message, 'error');
		} finally {
			setProgress(null);
		}
	}

	const busy = progress != null;
	return html`<form class="form doc-upload" onSubmit=${submit} novalidate aria-busy=${busy ? 'true' : undefined}>
		<h4 class="doc-upload__title">${t('lead.documents.attachTitle')}</h4>
		<div class="form-grid">
			<label class="field">
				<span class="field__label">${t('lead.documents.type')}</span>
				<input class="input" name="type" value=${type} maxlength="200" disabled=${busy}
					onInput=${(e) => setType(e.currentTarget.value)} />
			</label>
			<div class="field">
				<span class="field__label" id="doc-file-label">${t('lead.documents.file')}</span>
				<div class="doc-upload__file">
					<input ref=${input} type="file" name="file" class="visually-hidden" id="doc-file" disabled=${busy}
						aria-labelledby="doc-file-label" onChange=${choose} />
					<button type="button" class="btn btn--ghost btn--small" disabled=${busy}
						onClick=${() => input.current && input.current.click()}>${t('lead.documents.choose')}</button>
					<span class="muted doc-upload__name">${file ? file.name : t('lead.documents.noFile')}</span>
				</div>
			</div>
		</div>
		${busy && html`<div class="doc-upload__progress">
			<progress max="100" value=${Math.round(progress * 100)} aria-label=${t('lead.documents.progress')}></progress>
			<span class="small">${Math.round(progress * 100)}%</span>
		</div>`}
		<${FormAlert} message=${error} />
		${done && html`<div class="alert alert--success" role="status">${done}</div>`}
		<div class="form__actions form__actions--start">
			<button type="submit" class="btn btn--primary" disabled=${busy}>
				${busy ? t('lead.documents.uploading') : t('lead.documents.upload')}</button>
		</div>
	</form>`;
}

export function DocumentsSection({ lead, canUpload, onSaved }) {
	const docs = Array.isArray(lead.documents) ? lead.documents : [];
	return html`<${Section} title=${t('lead.documents.title')} count=${docs.length}>
		${docs.length === 0
			? html`<p class="muted empty-line">${t('lead.documents.empty')}</p>`
			: html`<ul class="doc-list">${docs.map((d) => html`<${DocumentItem} key=${d.id} doc=${d} />`)}</ul>`}
		${canUpload && html`<${UploadForm} lead=${lead} onSaved=${onSaved} />`}
	</${Section}>`;
}
