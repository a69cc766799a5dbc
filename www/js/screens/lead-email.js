// "Wiadomość do klienta" composer of the lead detail (frontend.md §7.5,
// FR-63, FR-25a): subject, message and offer links, with the user's draft
// restored on open (GET /api/leads/:id/email/draft) and saved one second
// after the last change (POST …/email/draft), a signed special-offer link
// from the server (POST …/offer-link { baseUrl, discountPln }), and sending
// (POST …/email { subject, message, links }), after which the draft is
// cleared. Draft save failures are not shown (the next change retries).
import { html, useEffect, useRef, useState } from '../lib.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { useDebouncedValue } from '../hooks.js';
import { isHttpUrl, parseInteger } from '../masks.js';
import { Modal } from '../components/modal.js';
import { Field, FormAlert, SubmitButton, useSubmit } from '../components/form.js';
import { Loading } from '../components/states.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';

function OfferDialog({ leadId, firstLink, onAdd, onClose }) {
	const [baseUrl, setBaseUrl] = useState(firstLink || '');
	const [discount, setDiscount] = useState('0');
	const form = useSubmit(async () => {
		const result = await api.post(`/api/leads/${encodeURIComponent(leadId)}/offer-link`, {
			baseUrl: baseUrl.trim(), discountPln: parseInteger(discount),
		});
		onAdd(result.finalUrl);
		toast(t('email.offer.done'), 'success');
		onClose();
	}, {
		validate: () => {
			const e = {};
			if (!isHttpUrl(baseUrl)) e.baseUrl = t('email.offer.errors.url');
			const n = parseInteger(discount);
			if (n == null || Number.isNaN(n) || n < 0) e.discountPln = t('email.offer.errors.discount');
			return e;
		},
	});
	return html`<${Modal} title=${t('email.offer.title')} onClose=${onClose} busy=${form.busy} size="narrow">
		<form class="form" onSubmit=${form.onSubmit} novalidate>
			<${Field} label=${t('email.offer.url')} name="baseUrl" type="url" required placeholder="https://…"
				value=${baseUrl} error=${form.fieldErrors.baseUrl} onInput=${(e) => setBaseUrl(e.currentTarget.value)} />
			<${Field} label=${t('email.offer.discount')} name="discountPln" inputmode="numeric" required
				value=${discount} error=${form.fieldErrors.discountPln} onInput=${(e) => setDiscount(e.currentTarget.value)} />
			<${FormAlert} message=${form.error} />
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" onClick=${onClose} disabled=${form.busy}>${t('common.cancel')}</button>
				<${SubmitButton} busy=${form.busy} busyLabel=${t('email.offer.running')}>${t('email.offer.submit')}</${SubmitButton}>
			</div>
		</form>
	</${Modal}>`;
}

export default function EmailComposer({ lead, onSent, onClose }) {
	const path = `/api/leads/${encodeURIComponent(lead.id)}/email`;
	const [loaded, setLoaded] = useState(false);
	const [subject, setSubject] = useState('');
	const [message, setMessage] = useState('');
	const [links, setLinks] = useState(['']);
	const [savedAt, setSavedAt] = useState(null);
	const [offer, setOffer] = useState(false);
	const dirty = useRef(false);

	useEffect(() => {
		let live = true;
		api.get(path + '/draft').then((draft) => {
			if (!live) return;
			if (draft) {
				setSubject(draft.subject || '');
				setMessage(draft.body || '');
				setLinks(Array.isArray(draft.links) && draft.links.length ? draft.links : ['']);
			}
			setLoaded(true);
		}, () => live && setLoaded(true));
		return () => { live = false; };
	}, [path]);

	const draft = { subject, message, links: links.map((l) => l.trim()).filter(Boolean) };
	const settled = useDebouncedValue(JSON.stringify(draft), 1000);
	useEffect(() => {
		if (!loaded || !dirty.current) return;
		api.post(path + '/draft', JSON.parse(settled)).then(() => setSavedAt(new Date()), () => {});
	}, [settled]);

	function change(setter) {
		return (e) => {
			dirty.current = true;
			setter(e.currentTarget.value);
		};
	}

	function setLink(i, value) {
		dirty.current = true;
		setLinks(links.map((l, j) => (j === i ? value : l)));
	}

	function addLink(url) {
		dirty.current = true;
		const empty = links.findIndex((l) => !l.trim());
		setLinks(empty >= 0 ? links.map((l, j) => (j === empty ? url : l)) : [...links, url]);
	}

	const form = useSubmit(async () => {
		await api.post(path, { subject: subject.trim(), message, links: draft.links });
		dirty.current = false;
		await api.post(path + '/draft', { subject: null, message: null, links: [] }).catch(() => {});
		toast(t('email.sent'), 'success');
		onSent();
		onClose();
	}, {
		validate: () => {
			const e = {};
			if (!subject.trim()) e.subject = t('email.errors.subject');
			if (!message.trim()) e.message = t('email.errors.message');
			links.forEach((l, i) => {
				if (l.trim() && !isHttpUrl(l)) e['links.' + i] = t('email.errors.link');
			});
			return e;
		},
	});

	/** Closing saves a change the debounce has not saved yet. */
	function close() {
		if (loaded && dirty.current && JSON.stringify(draft) !== settled) api.post(path + '/draft', draft).catch(() => {});
		onClose();
	}

	const to = lead.customerProfile && lead.customerProfile.email;
	return html`<${Modal} title=${t('email.title')} onClose=${close} busy=${form.busy}>
		${!loaded ? html`<${Loading} label=${t('email.loading')} />` : html`<form class="form" onSubmit=${form.onSubmit} novalidate>
			<p class="muted">${t('email.to', { email: to })}</p>
			<${Field} label=${t('email.subject')} name="subject" required value=${subject} error=${form.fieldErrors.subject} onInput=${change(setSubject)} />
			<${Field} label=${t('email.message')} name="message" as="textarea" rows="6" required placeholder=${t('email.messagePlaceholder')}
				value=${message} error=${form.fieldErrors.message} onInput=${change(setMessage)} />
			<fieldset class="fieldset">
				<legend class="fieldset__legend">${t('email.links')}</legend>
				${links.map((link, i) => html`<div class="link-row" key=${i}>
					<${Field} label=${t('email.link', { n: i + 1 })} name=${'links.' + i} type="url" placeholder="https://…"
						value=${link} error=${form.fieldErrors['links.' + i]} onInput=${(e) => setLink(i, e.currentTarget.value)} />
					${links.length > 1 && html`<button type="button" class="btn btn--danger-ghost btn--small"
						aria-label=${t('email.removeLink', { n: i + 1 })}
						onClick=${() => { dirty.current = true; setLinks(links.filter((_, j) => j !== i)); }}><${Icon} name="trash" size=${16} /></button>`}
				</div>`)}
				<div class="section__actions">
					<button type="button" class="btn btn--ghost btn--small" onClick=${() => { dirty.current = true; setLinks([...links, '']); }}>
						<${Icon} name="plus" size=${16} /><span>${t('email.addLink')}</span></button>
					<button type="button" class="btn btn--ghost btn--small" onClick=${() => setOffer(true)}>${t('email.offer.open')}</button>
				</div>
			</fieldset>
			<p class="muted" aria-live="polite">${savedAt ? t('email.draftSaved') : ''}</p>
			<${FormAlert} message=${form.error} />
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" onClick=${close} disabled=${form.busy}>${t('email.close')}</button>
				<${SubmitButton} busy=${form.busy} busyLabel=${t('email.sending')}>${t('email.send')}</${SubmitButton}>
			</div>
		</form>`}
		${offer && html`<${OfferDialog} leadId=${lead.id} firstLink=${links.find((l) => l.trim())}
			onAdd=${addLink} onClose=${() => setOffer(false)} />`}
	</${Modal}>`;
}
