// Sections of the lead detail (frontend.md §7.4, FR-15–FR-24, FR-28) used
// by screens/lead-detail.js: client data, vehicles and financing type,
// notes, financing applications, recent activity, duplicates and merge,
// and the administrator's anonymisation. Each edit opens its own dialog,
// calls the API through `mutate` (which turns a 409 CLIENT_ACTIVE into the
// client-active banner) and then `onSaved` (reload detail and list).
import { html, useState } from '../lib.js';
import {
	t, formatDateTime, formatMoney, formatNumber, formatPhone, statusInfo, personName, decisionLabel,
	auditActionLabel, reasonLabel, nationalPhoneDigits,
} from '../i18n.js';
import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import { Link } from '../router.js';
import {
	maskPostalCode, isPostalCode, isEmail, normaliseVin, isVin, isHttpUrl, parseAmount, parseInteger, maxVehicleYear,
} from '../masks.js';
import { CUSTOMER_TYPES, VOIVODESHIPS, FINANCING_TYPES, DECISIONS } from '../lead-rules.js';
import { Modal } from '../components/modal.js';
import { ConfirmDialog } from '../components/confirm.js';
import { Field, FormAlert, SubmitButton, Options, useSubmit } from '../components/form.js';
import { Section, InfoGrid } from '../components/section.js';
import { Icon } from '../components/icons.js';
import { toast } from '../components/toast.js';

function text(value) {
	return value == null ? '' : String(value);
}

function orNull(value) {
	const s = text(value).trim();
	return s === '' ? null : s;
}

function hasAny(object) {
	return Object.values(object).some((v) => text(v).trim() !== '');
}

function masked(event, value, set) {
	if (event.currentTarget.value !== value) event.currentTarget.value = value;
	set(value);
}

function EditButton({ onClick, label = t('lead.edit'), disabled = false }) {
	return html`<button type="button" class="btn btn--ghost btn--small" onClick=${onClick} disabled=${disabled}>${label}</button>`;
}

/** Dialog frame shared by the edit forms: fields, error box, Cancel/Save. */
function EditDialog({ title, form, onClose, submitLabel = t('common.save'), busyLabel = t('common.saving'), size = 'default', children }) {
	return html`<${Modal} title=${title} onClose=${onClose} busy=${form.busy} size=${size}>
		<form class="form" onSubmit=${form.onSubmit} novalidate>
			${children}
			<${FormAlert} message=${form.error || (Object.keys(form.fieldErrors).length > 0 ? t('leadForm.errors.fix') : null)} />
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" onClick=${onClose} disabled=${form.busy}>${t('common.cancel')}</button>
				<${SubmitButton} busy=${form.busy} busyLabel=${busyLabel}>${submitLabel}</${SubmitButton}>
			</div>
		</form>
	</${Modal}>`;
}

// ------------------------------------------------------------ customer data

function CustomerDialog({ lead, mutate, onSaved, onClose }) {
	const profile = lead.customerProfile || {};
	const address = profile.address || {};
	const [v, setV] = useState({
		firstName: text(profile.firstName), lastName: text(profile.lastName), email: text(profile.email),
		phone: profile.phone ? formatPhone(profile.phone) : '', customerType: text(address.customerType),
		city: text(address.city), postalCode: text(address.postalCode), voivodeship: text(address.voivodeship),
	});
	const set = (key) => (e) => setV({ ...v, [key]: e.currentTarget.value });
	const form = useSubmit(async () => {
		const phone = orNull(v.phone);
		const digits = phone ? nationalPhoneDigits(phone) : null;
		await mutate(() => api.patch(`/api/leads/${encodeURIComponent(lead.id)}/customer`, {
			firstName: v.firstName.trim(),
			lastName: v.lastName.trim(),
			email: orNull(v.email),
			phone: digits ? '+48' + digits : phone,
			customerType: orNull(v.customerType),
			city: orNull(v.city),
			postalCode: orNull(v.postalCode),
			voivodeship: orNull(v.voivodeship),
		}));
		toast(t('lead.customer.saved'), 'success');
		onSaved();
		onClose();
	}, {
		validate: () => {
			const e = {};
			if (!v.firstName.trim()) e.firstName = t('leadForm.errors.required');
			if (!v.lastName.trim()) e.lastName = t('leadForm.errors.required');
			if (v.email.trim() && !isEmail(v.email)) e.email = t('leadForm.errors.email');
			if (v.postalCode && !isPostalCode(v.postalCode)) e.postalCode = t('leadForm.errors.postalCode');
			return e;
		},
	});
	const err = form.fieldErrors;
	return html`<${EditDialog} title=${t('lead.customer.editTitle')} form=${form} onClose=${onClose}>
		<div class="form-grid">
			<${Field} label=${t('lead.customer.firstName')} name="firstName" required value=${v.firstName} error=${err.firstName} onInput=${set('firstName')} />
			<${Field} label=${t('lead.customer.lastName')} name="lastName" required value=${v.lastName} error=${err.lastName} onInput=${set('lastName')} />
			<${Field} label=${t('lead.customer.email')} name="email" type="email" value=${v.email} error=${err.email} onInput=${set('email')} />
			<${Field} label=${t('lead.customer.phone')} name="phone" type="tel" value=${v.phone} error=${err.phone} onInput=${set('phone')} />
			<${Field} label=${t('lead.customer.customerType')} name="customerType" as="select" value=${v.customerType} error=${err.customerType} onChange=${set('customerType')}>
				<${Options} placeholder=${t('leadForm.choose')} items=${CUSTOMER_TYPES} />
			</${Field}>
			<${Field} label=${t('lead.customer.city')} name="city" value=${v.city} error=${err.city} onInput=${set('city')} />
			<${Field} label=${t('lead.customer.postalCode')} name="postalCode" inputmode="numeric" maxlength="6" placeholder="00-000"
				value=${v.postalCode} error=${err.postalCode}
				onInput=${(e) => masked(e, maskPostalCode(e.currentTarget.value, v.postalCode), (x) => setV({ ...v, postalCode: x }))} />
			<${Field} label=${t('lead.customer.voivodeship')} name="voivodeship" as="select" value=${v.voivodeship} error=${err.voivodeship} onChange=${set('voivodeship')}>
				<${Options} placeholder=${t('leadForm.choose')} items=${VOIVODESHIPS} />
			</${Field}>
		</div>
	</${EditDialog}>`;
}

export function CustomerSection({ lead, canEdit, mutate, onSaved }) {
	const [editing, setEditing] = useState(false);
	const profile = lead.customerProfile || {};
	const address = profile.address || {};
	return html`<${Section} title=${t('lead.customer.title')}
		actions=${canEdit && html`<${EditButton} onClick=${() => setEditing(true)} />`}>
		<${InfoGrid} items=${[
			[t('lead.customer.firstName'), profile.firstName],
			[t('lead.customer.lastName'), profile.lastName],
			[t('lead.customer.email'), profile.email],
			[t('lead.customer.phone'), profile.phone ? formatPhone(profile.phone) : null],
			[t('lead.customer.customerType'), address.customerType],
			[t('lead.customer.city'), address.city],
			[t('lead.customer.postalCode'), address.postalCode],
			[t('lead.customer.voivodeship'), address.voivodeship],
		]} />
		${lead.leadNotesText && html`<p class="note-text"><strong>${t('lead.customer.notes')}: </strong>${lead.leadNotesText}</p>`}
		${editing && html`<${CustomerDialog} lead=${lead} mutate=${mutate} onSaved=${onSaved} onClose=${() => setEditing(false)} />`}
	</${Section}>`;
}

// ----------------------------------------------------------------- vehicles

function money(value) {
	return value == null || value === '' ? null : formatMoney(value);
}

function currentVehicleLine(vc) {
	if (!vc) return null;
	const parts = [];
	const name = [vc.make, vc.model].filter(Boolean).join(' ');
	if (name) parts.push(name);
	if (vc.year) parts.push(t('lead.vehicles.yearPart', { value: vc.year }));
	if (vc.mileage != null && vc.mileage !== '') parts.push(t('lead.vehicles.mileagePart', { value: formatNumber(vc.mileage) }));
	if (vc.vin) parts.push(t('lead.vehicles.vinPart', { value: vc.vin }));
	return parts.length ? parts.join(', ') : null;
}

function desiredLines(vd) {
	if (!vd) return [];
	const prefs = vd.preferences || {};
	const list = Array.isArray(prefs.vehicles) ? prefs.vehicles : [];
	if (list.length === 0) {
		if (!vd.make && !vd.model && !vd.year && vd.budget == null) return [];
		const parts = [[vd.make, vd.model].filter(Boolean).join(' ') || t('lead.vehicles.anyVehicle')];
		if (vd.year) parts.push(t('lead.vehicles.yearPart', { value: vd.year }));
		if (vd.budget != null && vd.budget !== '') parts.push(t('lead.vehicles.budgetRange', { from: formatMoney(0), to: formatMoney(vd.budget) }));
		return [parts.join(', ')];
	}
	return list.map((v) => {
		const parts = [[v.make, v.model].filter(Boolean).join(' ') || t('lead.vehicles.anyVehicle')];
		if (text(v.yearFrom) || text(v.yearTo)) {
			parts.push(t('lead.vehicles.yearRange', { from: text(v.yearFrom) || t('lead.vehicles.from'), to: text(v.yearTo) || t('lead.vehicles.to') }));
		}
		if (text(v.budgetFrom) || text(v.budgetTo)) {
			parts.push(t('lead.vehicles.budgetRange', {
				from: text(v.budgetFrom) ? formatMoney(v.budgetFrom) : formatMoney(0),
				to: text(v.budgetTo) ? formatMoney(v.budgetTo) : t('lead.vehicles.to'),
			}));
		}
		if (text(v.comment)) parts.push(t('lead.vehicles.commentPart', { value: v.comment }));
		return parts.join(', ');
	});
}

function latestFinancing(lead) {
	return Array.isArray(lead.financingApps) && lead.financingApps.length ? lead.financingApps[0] : null;
}

const emptyDesired = () => ({ make: '', model: '', yearFrom: '', yearTo: '', budgetFrom: '', budgetTo: '', comment: '' });

function VehiclesDialog({ lead, mutate, onSaved, onClose }) {
	const vc = lead.vehicleCurrent || {};
	const vd = lead.vehicleDesired || {};
	const prefs = (vd.preferences && typeof vd.preferences === 'object') ? vd.preferences : {};
	const fin = latestFinancing(lead);
	const [current, setCurrent] = useState({
		make: text(vc.make), model: text(vc.model), year: text(vc.year), mileage: text(vc.mileage),
		ownershipStatus: text(vc.ownershipStatus), vin: text(vc.vin),
	});
	const initialDesired = Array.isArray(prefs.vehicles) && prefs.vehicles.length
		? prefs.vehicles.map((x) => ({
			make: text(x.make), model: text(x.model), yearFrom: text(x.yearFrom), yearTo: text(x.yearTo),
			budgetFrom: text(x.budgetFrom), budgetTo: text(x.budgetTo), comment: text(x.comment),
		}))
		: (vd.make || vd.model || vd.year || vd.budget != null
			? [{ ...emptyDesired(), make: text(vd.make), model: text(vd.model), yearFrom: text(vd.year), budgetTo: text(vd.budget) }]
			: [emptyDesired()]);
	const [desired, setDesired] = useState(initialDesired);
	const [financingType, setFinancingType] = useState(text(prefs.financingType));
	const [financingAmount, setFinancingAmount] = useState(text(prefs.financingAmount));
	const [amountAvailable, setAmountAvailable] = useState(fin ? text(fin.downPayment) : '');
	const [notes, setNotes] = useState(text(prefs.notes));

	const form = useSubmit(async () => {
		const body = {};
		if (hasAny(current)) {
			body.current = {
				make: orNull(current.make) ?? undefined,
				model: orNull(current.model) ?? undefined,
				year: parseInteger(current.year) ?? undefined,
				mileage: parseInteger(current.mileage) ?? undefined,
				ownershipStatus: orNull(current.ownershipStatus) ?? undefined,
				vin: current.vin || undefined,
			};
		} else if (lead.vehicleCurrent) {
			body.current = null;
		}
		const vehicles = desired.filter(hasAny).map((x) => ({
			make: x.make.trim(), model: x.model.trim(),
			yearFrom: parseInteger(x.yearFrom), yearTo: parseInteger(x.yearTo),
			budgetFrom: parseAmount(x.budgetFrom), budgetTo: parseAmount(x.budgetTo),
			comment: x.comment.trim(),
		}));
		const first = vehicles[0] || {};
		const showAmount = financingType === 'Kredyt' || financingType === 'Leasing';
		body.desired = {
			make: first.make || undefined,
			model: first.model || undefined,
			year: first.yearFrom ?? first.yearTo ?? undefined,
			budget: first.budgetTo ?? first.budgetFrom ?? null,
			// The whole preferences object goes back, unknown keys included (FR-17).
			preferences: {
				...prefs,
				notes: notes.trim() || undefined,
				financingType: financingType || undefined,
				financingAmount: showAmount ? (parseAmount(financingAmount) ?? undefined) : undefined,
				vehicles,
			},
		};
		body.amountAvailable = parseAmount(amountAvailable);
		await mutate(() => api.patch(`/api/leads/${encodeURIComponent(lead.id)}/vehicles`, body));
		toast(t('lead.vehicles.saved'), 'success');
		onSaved();
		onClose();
	}, {
		validate: () => {
			const e = {};
			const max = maxVehicleYear();
			const yearBad = (value) => {
				const y = parseInteger(value);
				return y != null && (Number.isNaN(y) || y < 1900 || y > max);
			};
			const amountBad = (value) => {
				const n = parseAmount(value);
				return n != null && (Number.isNaN(n) || n < 0);
			};
			if (yearBad(current.year)) e['current.year'] = t('leadForm.errors.year', { max });
			const mileage = parseInteger(current.mileage);
			if (mileage != null && (Number.isNaN(mileage) || mileage < 0)) e['current.mileage'] = t('leadForm.errors.mileage');
			if (current.vin && !isVin(current.vin)) e['current.vin'] = t('leadForm.errors.vin');
			desired.forEach((x, i) => {
				const base = `desired.preferences.vehicles.${i}.`;
				if (yearBad(x.yearFrom)) e[base + 'yearFrom'] = t('leadForm.errors.year', { max });
				if (yearBad(x.yearTo)) e[base + 'yearTo'] = t('leadForm.errors.year', { max });
				if (amountBad(x.budgetFrom)) e[base + 'budgetFrom'] = t('leadForm.errors.budget');
				if (amountBad(x.budgetTo)) e[base + 'budgetTo'] = t('leadForm.errors.budget');
			});
			if (amountBad(financingAmount)) e['desired.preferences.financingAmount'] = t('lead.vehicles.amountError');
			if (amountBad(amountAvailable)) e.amountAvailable = t('lead.vehicles.amountError');
			if (notes.length > 500) e['desired.preferences.notes'] = t('issues.tooLong', { n: 500 });
			return e;
		},
	});
	const err = form.fieldErrors;
	const setC = (key) => (e) => setCurrent({ ...current, [key]: e.currentTarget.value });
	return html`<${EditDialog} title=${t('lead.vehicles.editTitle')} form=${form} onClose=${onClose} size="wide">
		<fieldset class="fieldset">
			<legend class="fieldset__legend">${t('lead.vehicles.currentLegend')}</legend>
			<div class="form-grid">
				<${Field} label=${t('leadForm.make')} name="current.make" value=${current.make} onInput=${setC('make')} />
				<${Field} label=${t('leadForm.model')} name="current.model" value=${current.model} onInput=${setC('model')} />
				<${Field} label=${t('leadForm.year')} name="current.year" inputmode="numeric" maxlength="4" value=${current.year} error=${err['current.year']} onInput=${setC('year')} />
				<${Field} label=${t('leadForm.mileage')} name="current.mileage" inputmode="numeric" value=${current.mileage} error=${err['current.mileage']} onInput=${setC('mileage')} />
				<${Field} label=${t('lead.vehicles.ownership')} name="current.ownershipStatus" value=${current.ownershipStatus} onInput=${setC('ownershipStatus')} />
				<${Field} label=${t('leadForm.vin')} name="current.vin" maxlength="17" placeholder=${t('leadForm.vinPlaceholder')}
					value=${current.vin} error=${err['current.vin']}
					onInput=${(e) => masked(e, normaliseVin(e.currentTarget.value), (x) => setCurrent({ ...current, vin: x }))} />
			</div>
		</fieldset>
		<fieldset class="fieldset">
			<legend class="fieldset__legend">${t('lead.vehicles.desiredLegend')}</legend>
			${desired.map((x, i) => {
				const base = `desired.preferences.vehicles.${i}.`;
				const set = (key) => (e) => setDesired(desired.map((d, j) => (j === i ? { ...d, [key]: e.currentTarget.value } : d)));
				return html`<fieldset class="subcard" key=${i}>
					<legend class="subcard__title">${t('leadForm.desiredVehicle', { n: i + 1 })}</legend>
					${desired.length > 1 && html`<button type="button" class="btn btn--danger-ghost btn--small subcard__remove"
						onClick=${() => setDesired(desired.filter((_, j) => j !== i))}><${Icon} name="trash" size=${16} /><span>${t('leadForm.removeVehicle', { n: i + 1 })}</span></button>`}
					<div class="form-grid">
						<${Field} label=${t('leadForm.make')} name=${base + 'make'} value=${x.make} onInput=${set('make')} />
						<${Field} label=${t('leadForm.model')} name=${base + 'model'} value=${x.model} onInput=${set('model')} />
						<${Field} label=${t('leadForm.yearFrom')} name=${base + 'yearFrom'} inputmode="numeric" value=${x.yearFrom} error=${err[base + 'yearFrom']} onInput=${set('yearFrom')} />
						<${Field} label=${t('leadForm.yearTo')} name=${base + 'yearTo'} inputmode="numeric" value=${x.yearTo} error=${err[base + 'yearTo']} onInput=${set('yearTo')} />
						<${Field} label=${t('leadForm.budgetFrom')} name=${base + 'budgetFrom'} inputmode="decimal" value=${x.budgetFrom} error=${err[base + 'budgetFrom']} onInput=${set('budgetFrom')} />
						<${Field} label=${t('leadForm.budgetTo')} name=${base + 'budgetTo'} inputmode="decimal" value=${x.budgetTo} error=${err[base + 'budgetTo']} onInput=${set('budgetTo')} />
						<${Field} className="form-grid__wide" label=${t('leadForm.comment')} name=${base + 'comment'} value=${x.comment} onInput=${set('comment')} />
					</div>
				</fieldset>`;
			})}
			<button type="button" class="btn btn--ghost btn--small" onClick=${() => setDesired([...desired, emptyDesired()])}>
				<${Icon} name="plus" size=${16} /><span>${t('leadForm.addVehicle')}</span>
			</button>
		</fieldset>
		<fieldset class="fieldset">
			<legend class="fieldset__legend">${t('lead.vehicles.financingLegend')}</legend>
			<div class="form-grid">
				<${Field} label=${t('lead.vehicles.financingType')} name="financingType" as="select" value=${financingType}
					onChange=${(e) => setFinancingType(e.currentTarget.value)}>
					<${Options} placeholder=${t('leadForm.choose')} items=${FINANCING_TYPES} />
				</${Field}>
				${(financingType === 'Kredyt' || financingType === 'Leasing') && html`<${Field} label=${t('lead.vehicles.financingAmount')}
					name="financingAmount" inputmode="decimal" value=${financingAmount} error=${err['desired.preferences.financingAmount']}
					onInput=${(e) => setFinancingAmount(e.currentTarget.value)} />`}
				<${Field} label=${t('lead.vehicles.amountAvailable')} name="amountAvailable" inputmode="decimal"
					hint=${t('lead.vehicles.amountHint')} value=${amountAvailable} error=${err.amountAvailable}
					onInput=${(e) => setAmountAvailable(e.currentTarget.value)} />
				<${Field} className="form-grid__wide" label=${t('lead.vehicles.generalNotes')} name="notes" as="textarea" maxlength="500"
					value=${notes} error=${err['desired.preferences.notes']} onInput=${(e) => setNotes(e.currentTarget.value)} />
			</div>
		</fieldset>
	</${EditDialog}>`;
}

export function VehiclesSection({ lead, canEdit, mutate, onSaved }) {
	const [editing, setEditing] = useState(false);
	const prefs = (lead.vehicleDesired && lead.vehicleDesired.preferences) || {};
	const fin = latestFinancing(lead);
	const lines = desiredLines(lead.vehicleDesired);
	const financingType = prefs.financingType
		? ((prefs.financingType === 'Kredyt' || prefs.financingType === 'Leasing') && prefs.financingAmount != null && prefs.financingAmount !== ''
			? `${prefs.financingType} (${formatMoney(prefs.financingAmount)})` : prefs.financingType)
		: null;
	return html`<${Section} title=${t('lead.vehicles.title')}
		actions=${canEdit && html`<${EditButton} onClick=${() => setEditing(true)} />`}>
		<${InfoGrid} items=${[
			[t('lead.vehicles.current'), currentVehicleLine(lead.vehicleCurrent)],
			[t('lead.vehicles.desired'), lines.length || (fin && fin.downPayment != null) || prefs.notes ? html`<ul class="plain-list">
				${lines.map((line, i) => html`<li key=${i}>${line}</li>`)}
				${fin && fin.downPayment != null && html`<li class="strong">${t('lead.vehicles.compensation', { amount: formatMoney(fin.downPayment) })}</li>`}
				${prefs.notes && html`<li class="muted">${t('lead.vehicles.notes', { value: prefs.notes })}</li>`}
			</ul>` : null],
			[t('lead.vehicles.financing'), financingType],
		]} />
		${editing && html`<${VehiclesDialog} lead=${lead} mutate=${mutate} onSaved=${onSaved} onClose=${() => setEditing(false)} />`}
	</${Section}>`;
}

// -------------------------------------------------------------------- notes

function NoteDialog({ lead, mutate, onSaved, onClose }) {
	const [content, setContent] = useState('');
	const [link, setLink] = useState('');
	const form = useSubmit(async () => {
		const body = { content: content.trim() };
		if (link.trim()) body.link = link.trim();
		await mutate(() => api.post(`/api/leads/${encodeURIComponent(lead.id)}/notes`, body));
		toast(t('lead.notes.saved'), 'success');
		onSaved();
		onClose();
	}, {
		validate: () => {
			const e = {};
			if (!content.trim()) e.content = t('lead.notes.errors.empty');
			else if (content.trim().length > 2000) e.content = t('lead.notes.errors.tooLong');
			if (link.trim() && !isHttpUrl(link)) e.link = t('lead.notes.errors.link');
			return e;
		},
	});
	return html`<${EditDialog} title=${t('lead.notes.addTitle')} form=${form} onClose=${onClose} submitLabel=${t('lead.notes.save')}>
		<${Field} label=${t('lead.notes.content')} name="content" as="textarea" required maxlength="2000"
			value=${content} error=${form.fieldErrors.content} onInput=${(e) => setContent(e.currentTarget.value)} />
		<${Field} label=${t('lead.notes.link')} name="link" type="url" placeholder=${t('lead.notes.linkPlaceholder')}
			value=${link} error=${form.fieldErrors.link} onInput=${(e) => setLink(e.currentTarget.value)} />
	</${EditDialog}>`;
}

function NoteItem({ note }) {
	const email = note.type === 'EMAIL_SENT' || note.type === 'EMAIL_RECEIVED';
	const meta = note.metadata || {};
	const incoming = email && (meta.direction ? meta.direction === 'INCOMING' : note.type === 'EMAIL_RECEIVED');
	const author = note.author ? (note.author.fullName || note.author.email) : (incoming ? (meta.senderEmail || meta.from) : null);
	return html`<li class="note">
		<div class="note__meta">
			<span class="note__author">
				${email && html`<span class=${'pill ' + (incoming ? 'pill--blue' : 'pill--red')}>${incoming ? t('lead.notes.incoming') : t('lead.notes.outgoing')}</span> `}
				${author || t('lead.notes.unknownAuthor')}
			</span>
			<span class="note__time">${formatDateTime(note.createdAt)}
				${note.link && isHttpUrl(note.link) && html` · <a href=${note.link} target="_blank" rel="noopener noreferrer">${t('lead.notes.linkLabel')}</a>`}
			</span>
		</div>
		${email && meta.subject && html`<p class="note__subject">${meta.subject}</p>`}
		<p class="note__content">${note.content}</p>
	</li>`;
}

export function NotesSection({ lead, canAdd, mutate, onSaved }) {
	const [adding, setAdding] = useState(false);
	const [all, setAll] = useState(false);
	const notes = Array.isArray(lead.notes) ? lead.notes : [];
	const shown = all ? notes : notes.slice(0, 3);
	return html`<${Section} title=${t('lead.notes.title')} count=${notes.length}
		actions=${canAdd && html`<button type="button" class="btn btn--primary btn--small" onClick=${() => setAdding(true)}>
			<${Icon} name="plus" size=${16} /><span>${t('lead.notes.add')}</span></button>`}>
		${notes.length === 0
			? html`<p class="muted empty-line">${t('lead.notes.empty')}</p>`
			: html`<ul class="note-list">${shown.map((note) => html`<${NoteItem} key=${note.id} note=${note} />`)}</ul>`}
		${notes.length > 3 && html`<button type="button" class="btn btn--link" aria-expanded=${all ? 'true' : 'false'}
			onClick=${() => setAll(!all)}>${all ? t('lead.notes.showLess') : t('lead.notes.showAll', { n: notes.length })}</button>`}
		${adding && html`<${NoteDialog} lead=${lead} mutate=${mutate} onSaved=${onSaved} onClose=${() => setAdding(false)} />`}
	</${Section}>`;
}

// --------------------------------------------------- financing applications

function FinancingDialog({ lead, application, mutate, onSaved, onClose }) {
	const app = application || {};
	const [v, setV] = useState({
		bank: application ? text(app.bank) : '',
		loanAmount: text(app.loanAmount), downPayment: text(app.downPayment), termMonths: text(app.termMonths),
		income: text(app.income), expenses: text(app.expenses), decision: app.decision ? String(app.decision).toUpperCase() : '',
	});
	const set = (key) => (e) => setV({ ...v, [key]: e.currentTarget.value });
	const amounts = ['loanAmount', 'downPayment', 'income', 'expenses'];
	const form = useSubmit(async () => {
		const body = { bank: v.bank.trim() };
		if (application) body.applicationId = application.id;
		for (const key of amounts) {
			const n = parseAmount(v[key]);
			if (n != null) body[key] = n;
		}
		const term = parseInteger(v.termMonths);
		if (term != null) body.termMonths = term;
		if (v.decision) body.decision = v.decision;
		await mutate(() => api.post(`/api/leads/${encodeURIComponent(lead.id)}/financing`, body));
		toast(t('lead.financing.saved'), 'success');
		onSaved();
		onClose();
	}, {
		validate: () => {
			const e = {};
			if (!v.bank.trim()) e.bank = t('lead.financing.errors.bank');
			for (const key of amounts) {
				const n = parseAmount(v[key]);
				if (n != null && (Number.isNaN(n) || n < 0)) e[key] = t('lead.financing.errors.amount');
			}
			const term = parseInteger(v.termMonths);
			if (term != null && (Number.isNaN(term) || term <= 0)) e.termMonths = t('lead.financing.errors.term');
			return e;
		},
	});
	const err = form.fieldErrors;
	const title = application ? t('lead.financing.editTitle', { bank: app.bank }) : t('lead.financing.addTitle');
	return html`<${EditDialog} title=${title} form=${form} onClose=${onClose} submitLabel=${t('lead.financing.save')}>
		<div class="form-grid">
			<${Field} label=${t('lead.financing.bank')} name="bank" required value=${v.bank} error=${err.bank} onInput=${set('bank')} />
			<${Field} label=${t('lead.financing.loanAmount')} name="loanAmount" inputmode="decimal" placeholder="120000" value=${v.loanAmount} error=${err.loanAmount} onInput=${set('loanAmount')} />
			<${Field} label=${t('lead.financing.downPayment')} name="downPayment" inputmode="decimal" value=${v.downPayment} error=${err.downPayment} onInput=${set('downPayment')} />
			<${Field} label=${t('lead.financing.termMonths')} name="termMonths" inputmode="numeric" placeholder="48" value=${v.termMonths} error=${err.termMonths} onInput=${set('termMonths')} />
			<${Field} label=${t('lead.financing.income')} name="income" inputmode="decimal" placeholder="7500" value=${v.income} error=${err.income} onInput=${set('income')} />
			<${Field} label=${t('lead.financing.expenses')} name="expenses" inputmode="decimal" placeholder="3200" value=${v.expenses} error=${err.expenses} onInput=${set('expenses')} />
			<${Field} label=${t('lead.financing.decision')} name="decision" as="select" value=${v.decision} error=${err.decision} onChange=${set('decision')}>
				<${Options} placeholder=${t('lead.financing.noDecision')} items=${DECISIONS.map((d) => ({ value: d, label: decisionLabel(d) }))} />
			</${Field}>
		</div>
	</${EditDialog}>`;
}

export function FinancingSection({ lead, canEdit, mutate, onSaved }) {
	const [editing, setEditing] = useState(null); // null | 'new' | application
	const apps = Array.isArray(lead.financingApps) ? lead.financingApps : [];
	return html`<${Section} title=${t('lead.financing.title')} count=${apps.length}
		actions=${canEdit && html`<button type="button" class="btn btn--ghost btn--small" onClick=${() => setEditing('new')}>
			<${Icon} name="plus" size=${16} /><span>${t('lead.financing.add')}</span></button>`}>
		${apps.length === 0
			? html`<p class="muted empty-line">${t('lead.financing.empty')}</p>`
			: html`<div class="table-wrap"><table class="table table--compact">
				<caption class="visually-hidden">${t('lead.financing.caption')}</caption>
				<thead><tr>
					<th scope="col">${t('lead.financing.bank')}</th>
					<th scope="col" class="align-right">${t('lead.financing.loanAmount')}</th>
					<th scope="col" class="align-right">${t('lead.financing.downPayment')}</th>
					<th scope="col" class="align-right">${t('lead.financing.termMonths')}</th>
					<th scope="col" class="align-right">${t('lead.financing.income')}</th>
					<th scope="col" class="align-right">${t('lead.financing.expenses')}</th>
					<th scope="col">${t('lead.financing.decision')}</th>
					<th scope="col">${t('lead.financing.updated')}</th>
					${canEdit && html`<th scope="col"><span class="visually-hidden">${t('users.col.actions')}</span></th>`}
				</tr></thead>
				<tbody>${apps.map((app) => html`<tr key=${app.id}>
					<td>${app.bank}</td>
					<td class="align-right">${money(app.loanAmount) || t('common.emptyValue')}</td>
					<td class="align-right">${money(app.downPayment) || t('common.emptyValue')}</td>
					<td class="align-right">${app.termMonths || t('common.emptyValue')}</td>
					<td class="align-right">${money(app.income) || t('common.emptyValue')}</td>
					<td class="align-right">${money(app.expenses) || t('common.emptyValue')}</td>
					<td>${app.decision ? decisionLabel(app.decision) : t('common.emptyValue')}</td>
					<td>${formatDateTime(app.updatedAt || app.createdAt)}</td>
					${canEdit && html`<td><button type="button" class="btn btn--ghost btn--small" onClick=${() => setEditing(app)}
						aria-label=${t('lead.financing.editTitle', { bank: app.bank })}>${t('lead.edit')}</button></td>`}
				</tr>`)}</tbody>
			</table></div>`}
		${editing && html`<${FinancingDialog} lead=${lead} application=${editing === 'new' ? null : editing}
			mutate=${mutate} onSaved=${onSaved} onClose=${() => setEditing(null)} />`}
	</${Section}>`;
}

// --------------------------------------------------------- recent activity

function jsonValue(value) {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch {
		return value;
	}
}

function activityDetails(entry) {
	const meta = entry.metadata || {};
	if (entry.action === 'status_change') {
		const from = jsonValue(entry.oldValue);
		const to = jsonValue(entry.newValue);
		const lines = [t('lead.activity.statusDetail', {
			from: statusInfo('lead', from).label || t('common.emptyValue'),
			to: statusInfo('lead', to).label || t('common.emptyValue'),
		})];
		if (meta.override) lines.push(t('lead.activity.override'));
		if (meta.reason) lines.push(t('lead.activity.reason', { reason: reasonLabel(meta.reason) }));
		if (meta.notes) lines.push(meta.notes);
		return lines;
	}
	if (entry.action === 'note_added') {
		const value = jsonValue(entry.newValue);
		return value && value.content ? [value.content] : [];
	}
	return [];
}

export function ActivitySection({ lead }) {
	const [all, setAll] = useState(false);
	const entries = Array.isArray(lead.auditLogs) ? lead.auditLogs : [];
	const shown = all ? entries : entries.slice(0, 5);
	return html`<${Section} title=${t('lead.activity.title')} count=${entries.length}>
		${entries.length === 0
			? html`<p class="muted empty-line">${t('lead.activity.empty')}</p>`
			: html`<ul class="activity-list">${shown.map((entry) => html`<li class="activity" key=${entry.id}>
				<p class="activity__title">${auditActionLabel(entry.action)}</p>
				<p class="activity__meta">${entry.user ? (entry.user.fullName || entry.user.email) : t('lead.activity.system')} · ${formatDateTime(entry.createdAt)}</p>
				${activityDetails(entry).map((line, i) => html`<p class="activity__detail" key=${i}>${line}</p>`)}
			</li>`)}</ul>`}
		${entries.length > 5 && html`<button type="button" class="btn btn--link" aria-expanded=${all ? 'true' : 'false'}
			onClick=${() => setAll(!all)}>${all ? t('lead.activity.showLess') : t('lead.activity.showAll', { n: entries.length })}</button>`}
	</${Section}>`;
}

// ---------------------------------------------------- duplicates and merge

export function MergeSection({ lead, onMerged }) {
	const profile = lead.customerProfile || {};
	const email = profile.email || '';
	const phone = profile.phone || '';
	const [targetId, setTargetId] = useState('');
	const [targetError, setTargetError] = useState(null);
	const [confirm, setConfirm] = useState(null); // { id, label }
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const found = useAsync((signal) => (email || phone
		? api.get('/api/leads/duplicates', { query: { email, phone }, signal }).then((r) => (r && r.data) || [])
		: Promise.resolve([])), [email, phone]);
	const others = (found.data || []).filter((d) => d.id !== lead.id && d.status !== 'MERGED');

	function ask(id, label) {
		setError(null);
		setConfirm({ id, label });
	}

	function askById(event) {
		event.preventDefault();
		const id = targetId.trim();
		if (!id) return setTargetError(t('lead.duplicates.targetRequired'));
		if (id === lead.id) return setTargetError(t('lead.duplicates.self'));
		setTargetError(null);
		return ask(id, id);
	}

	async function merge() {
		setBusy(true);
		setError(null);
		try {
			const result = await api.post(`/api/leads/${encodeURIComponent(lead.id)}/merge`, { targetLeadId: confirm.id });
			toast(t('lead.duplicates.merged'), 'success');
			setConfirm(null);
			onMerged((result && result.targetLeadId) || confirm.id);
		} catch (err) {
			setError(err.message || t('lead.duplicates.failed'));
		} finally {
			setBusy(false);
		}
	}

	return html`<${Section} title=${t('lead.duplicates.title')}>
		<p class="muted">${t('lead.duplicates.hint')}</p>
		${found.loading && html`<p class="muted" role="status">${t('lead.duplicates.loading')}</p>`}
		${!found.loading && others.length === 0 && html`<p class="empty-line">${t('lead.duplicates.none')}</p>`}
		${others.length > 0 && html`<ul class="dup-list">${others.map((d) => {
			const label = `${personName(d.customerProfile) || d.id} · ${statusInfo('lead', d.status).label} · ${formatDateTime(d.leadCreatedAt)}`;
			return html`<li key=${d.id} class="dup">
				<${Link} href=${'/leads/' + encodeURIComponent(d.id)}>${label}</${Link}>
				<button type="button" class="btn btn--ghost btn--small" onClick=${() => ask(d.id, label)}
					aria-label=${`${t('lead.duplicates.mergeInto')}: ${label}`}>${t('lead.duplicates.mergeInto')}</button>
			</li>`;
		})}</ul>`}
		<form class="inline-form" onSubmit=${askById} novalidate>
			<${Field} label=${t('lead.duplicates.targetId')} name="targetLeadId" value=${targetId} hint=${t('lead.duplicates.targetHint')}
				error=${targetError} onInput=${(e) => setTargetId(e.currentTarget.value)} />
			<button type="submit" class="btn btn--ghost">${t('lead.duplicates.mergeById')}</button>
		</form>
		${confirm && html`<${ConfirmDialog} title=${t('lead.duplicates.confirmTitle')} danger busy=${busy} error=${error}
			message=${t('lead.duplicates.confirmText', { source: personName(lead.customerProfile) || lead.id, target: confirm.label })}
			confirmLabel=${t('lead.duplicates.confirm')} busyLabel=${t('lead.duplicates.merging')}
			onConfirm=${merge} onCancel=${() => setConfirm(null)} />`}
	</${Section}>`;
}

// ------------------------------------------------------ admin: anonymise

export function AdminSection({ lead, onSaved }) {
	const [open, setOpen] = useState(false);
	const [word, setWord] = useState('');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const expected = t('lead.admin.confirmWord');

	async function run() {
		if (word !== expected) {
			setError(t('lead.admin.mismatch'));
			return;
		}
		setBusy(true);
		setError(null);
		try {
			await api.post(`/api/leads/${encodeURIComponent(lead.id)}/anonymize`);
			toast(t('lead.admin.done'), 'success');
			setOpen(false);
			setWord('');
			onSaved();
		} catch (err) {
			setError(err.message || t('lead.admin.failed'));
		} finally {
			setBusy(false);
		}
	}

	return html`<${Section} title=${t('lead.admin.title')} className="section--danger">
		<button type="button" class="btn btn--danger" onClick=${() => { setError(null); setOpen(true); }}
			disabled=${Boolean(lead.anonymizedAt)}>${t('lead.admin.anonymize')}</button>
		${open && html`<${ConfirmDialog} title=${t('lead.admin.anonymizeTitle')} danger busy=${busy} error=${error}
			disabled=${word !== expected} confirmLabel=${t('lead.admin.confirm')} busyLabel=${t('lead.admin.running')}
			onConfirm=${run} onCancel=${() => { setOpen(false); setWord(''); }}>
			<div class="alert alert--error alert--block">${t('lead.admin.warning')}</div>
			<${Field} label=${t('lead.admin.confirmLabel')} name="confirmWord" autocomplete="off" value=${word}
				onInput=${(e) => setWord(e.currentTarget.value)} />
		</${ConfirmDialog}>`}
	</${Section}>`;
}
