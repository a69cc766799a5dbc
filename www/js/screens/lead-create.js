// "Nowy lead" modal of the lead workspace (frontend.md §7.3, FR-12, FR-28):
// customer data with the postal-code and phone masks, the partner, the
// amount available, the current vehicle (VIN normalised while typing),
// several desired vehicles, and the consents of the active lead-creation
// templates — none ticked in advance. While the e-mail or phone is typed,
// GET /api/leads/duplicates warns about existing leads with a link to each.
//
// Submit: POST /api/leads { partnerId, customer, financing?, consents,
// currentVehicle?, desiredVehicle? } → 201 { id, …, duplicates? }. Client
// checks run first (nothing is sent while a field is wrong); API issues are
// shown next to their fields by path.
import { html, useRef, useState } from '../lib.js';
import { t, statusInfo, formatDate, personName } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { useAsync, useDebouncedValue, useUniqueId } from '../hooks.js';
import {
	maskPostalCode, isPostalCode, maskPhone, isPhone, phoneValue, normaliseVin, isVin, isEmail,
	parseAmount, parseInteger, maxVehicleYear,
} from '../masks.js';
import { CUSTOMER_TYPES, VOIVODESHIPS } from '../lead-rules.js';
import { Modal } from '../components/modal.js';
import { Field, FormAlert, SubmitButton, Checkbox, Options, useSubmit } from '../components/form.js';
import { Icon } from '../components/icons.js';

const PICK_PARTNER_ROLES = ['SUPERVISOR', 'ADMIN'];

const emptyDesired = () => ({ make: '', model: '', yearFrom: '', yearTo: '', budgetFrom: '', budgetTo: '', comment: '' });

/** Sets a masked value on the state and on the element (a rejected keystroke must not stay visible). */
function masked(event, value, set) {
	if (event.currentTarget.value !== value) event.currentTarget.value = value;
	set(value);
}

function trimmedOrUndefined(value) {
	const text = String(value == null ? '' : value).trim();
	return text === '' ? undefined : text;
}

/**
 * Active templates of the lead-creation form; without any, the
 * financing-application PARTNER_DECLARATION template (data-model §5.1).
 * One (the newest) version per consent type, sorted by title. When the
 * consent API is not there (404/5xx) the form says so and goes on without.
 */
async function loadTemplates(signal) {
	try {
		const own = await api.get('/api/consent-templates', { query: { form_type: 'lead_creation' }, signal });
		let list = (own && own.data) || [];
		if (list.length === 0) {
			const financing = await api.get('/api/consent-templates', { query: { form_type: 'financing_application' }, signal });
			list = ((financing && financing.data) || []).filter((tpl) => tpl.consentType === 'PARTNER_DECLARATION');
		}
		const byType = new Map();
		for (const tpl of list) {
			if (tpl.isActive === false) continue;
			const seen = byType.get(tpl.consentType);
			if (!seen || tpl.version > seen.version) byType.set(tpl.consentType, tpl);
		}
		return {
			list: [...byType.values()].sort((a, b) => String(a.title).localeCompare(String(b.title), 'pl')),
			unavailable: false,
		};
	} catch (err) {
		if (err instanceof ApiError && (err.status === 404 || err.status >= 500)) return { list: [], unavailable: true };
		throw err;
	}
}

function ConsentItem({ template, checked, onToggle, error }) {
	const [open, setOpen] = useState(false);
	const contentId = useUniqueId('consent-content');
	return html`<li class="consent">
		<div class="consent__row">
			<${Checkbox} label=${template.title} name=${'consent-' + template.id} checked=${checked}
				required=${template.isRequired} error=${error}
				onChange=${(e) => onToggle(e.currentTarget.checked)} />
			<button type="button" class="btn btn--link btn--small" aria-expanded=${open ? 'true' : 'false'}
				aria-controls=${contentId} onClick=${() => setOpen(!open)}>${open ? t('leadForm.hideContent') : t('leadForm.showContent')}</button>
		</div>
		<div id=${contentId} class="consent__content" hidden=${!open}>${template.content || t('leadForm.noContent')}</div>
	</li>`;
}

function DuplicateWarning({ items, onOpenLead }) {
	if (!items || items.length === 0) return null;
	return html`<div class="alert alert--warning alert--block" role="status">
		<strong>${t('leadForm.duplicatesTitle')}</strong>
		<p>${t('leadForm.duplicatesText')}</p>
		<ul class="plain-list">
			${items.map((lead) => html`<li key=${lead.id}>
				<a href=${'/leads/' + encodeURIComponent(lead.id)} onClick=${(e) => {
					if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
					e.preventDefault();
					onOpenLead(lead.id);
				}}>${t('leadForm.duplicateItem', {
					name: personName(lead.customerProfile) || lead.id,
					status: statusInfo('lead', lead.status).label,
					date: formatDate(lead.leadCreatedAt),
				})}</a>
			</li>`)}
		</ul>
	</div>`;
}

function DesiredVehicleCard({ index, vehicle, errors, canRemove, onChange, onRemove }) {
	const base = `desiredVehicle.preferences.vehicles.${index}.`;
	const set = (key) => (e) => onChange({ ...vehicle, [key]: e.currentTarget.value });
	return html`<fieldset class="subcard">
		<legend class="subcard__title">${t('leadForm.desiredVehicle', { n: index + 1 })}</legend>
		${canRemove && html`<button type="button" class="btn btn--danger-ghost btn--small subcard__remove"
			onClick=${onRemove}><${Icon} name="trash" size=${16} /><span>${t('leadForm.removeVehicle', { n: index + 1 })}</span></button>`}
		<div class="form-grid">
			<${Field} label=${t('leadForm.make')} name=${base + 'make'} value=${vehicle.make} placeholder=${t('leadForm.desiredMakePlaceholder')} onInput=${set('make')} />
			<${Field} label=${t('leadForm.model')} name=${base + 'model'} value=${vehicle.model} placeholder=${t('leadForm.desiredModelPlaceholder')} onInput=${set('model')} />
			<${Field} label=${t('leadForm.yearFrom')} name=${base + 'yearFrom'} inputmode="numeric" maxlength="4" value=${vehicle.yearFrom} error=${errors[base + 'yearFrom']} onInput=${set('yearFrom')} />
			<${Field} label=${t('leadForm.yearTo')} name=${base + 'yearTo'} inputmode="numeric" maxlength="4" value=${vehicle.yearTo} error=${errors[base + 'yearTo']} onInput=${set('yearTo')} />
			<${Field} label=${t('leadForm.budgetFrom')} name=${base + 'budgetFrom'} inputmode="decimal" value=${vehicle.budgetFrom} error=${errors[base + 'budgetFrom']} onInput=${set('budgetFrom')} />
			<${Field} label=${t('leadForm.budgetTo')} name=${base + 'budgetTo'} inputmode="decimal" value=${vehicle.budgetTo} error=${errors[base + 'budgetTo']} onInput=${set('budgetTo')} />
			<${Field} className="form-grid__wide" label=${t('leadForm.comment')} name=${base + 'comment'} value=${vehicle.comment} placeholder=${t('leadForm.commentPlaceholder')} onInput=${set('comment')} />
		</div>
	</fieldset>`;
}

function hasAny(object) {
	return Object.values(object).some((v) => String(v == null ? '' : v).trim() !== '');
}

function yearError(value) {
	const year = parseInteger(value);
	if (year == null) return null;
	const max = maxVehicleYear();
	return Number.isNaN(year) || year < 1900 || year > max ? t('leadForm.errors.year', { max }) : null;
}

function validate({ customer, partnerId, needPartner, amount, current, desired, templates, consents }) {
	const e = {};
	const req = t('leadForm.errors.required');
	if (!customer.firstName.trim()) e['customer.firstName'] = req;
	if (!customer.lastName.trim()) e['customer.lastName'] = req;
	if (customer.email.trim() && !isEmail(customer.email)) e['customer.email'] = t('leadForm.errors.email');
	if (customer.phone.trim() && !isPhone(customer.phone)) e['customer.phone'] = t('leadForm.errors.phone');
	if (customer.postalCode && !isPostalCode(customer.postalCode)) e['customer.postalCode'] = t('leadForm.errors.postalCode');
	if (needPartner && !partnerId) e.partnerId = t('leadForm.errors.partner');
	const money = parseAmount(amount);
	if (money != null && (Number.isNaN(money) || money < 0)) e['financing.downPayment'] = t('leadForm.errors.amount');
	const currentYear = yearError(current.year);
	if (currentYear) e['currentVehicle.year'] = currentYear;
	const mileage = parseInteger(current.mileage);
	if (mileage != null && (Number.isNaN(mileage) || mileage < 0)) e['currentVehicle.mileage'] = t('leadForm.errors.mileage');
	if (current.vin && !isVin(current.vin)) e['currentVehicle.vin'] = t('leadForm.errors.vin');
	desired.forEach((v, i) => {
		const base = `desiredVehicle.preferences.vehicles.${i}.`;
		for (const key of ['yearFrom', 'yearTo']) {
			const err = yearError(v[key]);
			if (err) e[base + key] = err;
		}
		for (const key of ['budgetFrom', 'budgetTo']) {
			const n = parseAmount(v[key]);
			if (n != null && (Number.isNaN(n) || n < 0)) e[base + key] = t('leadForm.errors.budget');
		}
	});
	for (const tpl of templates) {
		if (tpl.isRequired && !consents[tpl.id]) e['consent.' + tpl.id] = t('leadForm.errors.consents');
	}
	return e;
}

function buildPayload({ customer, partnerId, amount, current, desired, templates, consents }) {
	const body = {
		customer: {
			firstName: customer.firstName.trim(),
			lastName: customer.lastName.trim(),
			email: trimmedOrUndefined(customer.email),
			phone: customer.phone.trim() ? phoneValue(customer.phone) : undefined,
			customerType: customer.customerType || undefined,
			city: trimmedOrUndefined(customer.city),
			postalCode: customer.postalCode || undefined,
			voivodeship: customer.voivodeship || undefined,
		},
		consents: templates.map((tpl) => ({ templateId: tpl.id, version: tpl.version, given: Boolean(consents[tpl.id]) })),
	};
	if (partnerId) body.partnerId = partnerId;
	const money = parseAmount(amount);
	if (money != null) body.financing = { downPayment: money };
	if (hasAny(current)) {
		body.currentVehicle = {
			make: trimmedOrUndefined(current.make),
			model: trimmedOrUndefined(current.model),
			year: parseInteger(current.year) ?? undefined,
			mileage: parseInteger(current.mileage) ?? undefined,
			vin: current.vin || undefined,
		};
	}
	const vehicles = desired.filter(hasAny).map((v) => ({
		make: v.make.trim(),
		model: v.model.trim(),
		yearFrom: parseInteger(v.yearFrom),
		yearTo: parseInteger(v.yearTo),
		budgetFrom: parseAmount(v.budgetFrom),
		budgetTo: parseAmount(v.budgetTo),
		comment: v.comment.trim(),
	}));
	if (vehicles.length > 0) {
		const first = vehicles[0];
		body.desiredVehicle = {
			make: first.make || undefined,
			model: first.model || undefined,
			year: first.yearFrom ?? first.yearTo ?? undefined,
			budget: first.budgetTo ?? first.budgetFrom ?? undefined,
			preferences: { notes: first.comment || undefined, vehicles },
		};
	}
	return body;
}

export default function LeadCreateModal({ user, onClose, onCreated, onOpenLead }) {
	const [customer, setCustomer] = useState({
		firstName: '', lastName: '', email: '', phone: '', customerType: '', city: '', postalCode: '', voivodeship: '',
	});
	const pickPartner = PICK_PARTNER_ROLES.includes(user.role);
	const [partnerId, setPartnerId] = useState(pickPartner ? '' : (user.partnerId || ''));
	const [amount, setAmount] = useState('');
	const [current, setCurrent] = useState({ make: '', model: '', year: '', mileage: '', vin: '' });
	const [desired, setDesired] = useState([emptyDesired()]);
	const [vehiclesOpen, setVehiclesOpen] = useState(false);
	const [consents, setConsents] = useState({});
	const vehiclesId = useUniqueId('vehicles');
	const firstRef = useRef(null);

	const templates = useAsync(loadTemplates, []);
	const templateList = (templates.data && templates.data.list) || [];
	const partners = useAsync((signal) => (pickPartner
		? api.get('/api/partners', { query: { page: 1, perPage: 100 }, signal })
			.then((r) => (r.data || []).slice().sort((a, b) => a.name.localeCompare(b.name, 'pl')))
		: Promise.resolve([])), [pickPartner]);

	const dupEmail = useDebouncedValue(isEmail(customer.email) ? customer.email.trim() : '', 400);
	const dupPhone = useDebouncedValue(isPhone(customer.phone) ? phoneValue(customer.phone) : '', 400);
	const duplicates = useAsync((signal) => (dupEmail || dupPhone
		? api.get('/api/leads/duplicates', { query: { email: dupEmail, phone: dupPhone }, signal })
			.then((r) => (r && r.data) || [], () => [])
		: Promise.resolve([])), [dupEmail, dupPhone]);

	const state = { customer, partnerId, needPartner: true, amount, current, desired, templates: templateList, consents };

	const form = useSubmit(async () => {
		const created = await api.post('/api/leads', buildPayload(state));
		onCreated(created);
	}, {
		validate: () => {
			const errors = validate(state);
			if (Object.keys(errors).some((k) => k.startsWith('currentVehicle') || k.startsWith('desiredVehicle'))) setVehiclesOpen(true);
			return errors;
		},
	});
	const errors = form.fieldErrors;
	const vehicleErrors = Object.keys(errors).some((k) => k.startsWith('currentVehicle') || k.startsWith('desiredVehicle'));
	const consentsError = Object.keys(errors).find((k) => k.startsWith('consents'));
	const hasClientErrors = Object.keys(errors).length > 0 && !form.error;

	const setC = (key) => (e) => setCustomer({ ...customer, [key]: e.currentTarget.value });
	const setV = (key) => (e) => setCurrent({ ...current, [key]: e.currentTarget.value });

	let partnerField;
	if (pickPartner) {
		partnerField = html`<${Field} label=${t('leadForm.partner')} name="partnerId" as="select" required value=${partnerId}
				disabled=${partners.loading} error=${errors.partnerId || (partners.error ? t('leadForm.partnersFailed') : null)}
				hint=${partners.loading ? t('leadForm.partnersLoading') : null}
				onChange=${(e) => setPartnerId(e.currentTarget.value)}>
				<${Options} placeholder=${t('leadForm.choosePartner')} items=${(partners.data || []).map((p) => ({ value: p.id, label: p.name }))} />
			</${Field}>`;
	} else {
		const name = user.partner ? user.partner.name : user.partnerId;
		partnerField = html`<${Field} label=${t('leadForm.partner')} name="partnerName" value=${name || ''} readOnly
			error=${errors.partnerId || (user.partnerId ? null : t('leadForm.partnerMissing'))} />`;
	}

	return html`<${Modal} title=${t('leadForm.title')} onClose=${onClose} busy=${form.busy} size="wide">
		<form class="form lead-form" onSubmit=${form.onSubmit} novalidate>
			<fieldset class="fieldset">
				<legend class="fieldset__legend">${t('leadForm.customerLegend')}</legend>
				<div class="form-grid">
					<${Field} label=${t('leadForm.firstName')} name="customer.firstName" required autocomplete="off" inputRef=${firstRef}
						value=${customer.firstName} error=${errors['customer.firstName']} onInput=${setC('firstName')} />
					<${Field} label=${t('leadForm.lastName')} name="customer.lastName" required autocomplete="off"
						value=${customer.lastName} error=${errors['customer.lastName']} onInput=${setC('lastName')} />
					${partnerField}
					<${Field} label=${t('leadForm.email')} name="customer.email" type="email" autocomplete="off"
						value=${customer.email} error=${errors['customer.email']} onInput=${setC('email')} />
					<${Field} label=${t('leadForm.phone')} name="customer.phone" type="tel" autocomplete="off" inputmode="tel"
						placeholder="+48 000 000 000" hint=${t('leadForm.phoneHint')}
						value=${customer.phone} error=${errors['customer.phone']}
						onInput=${(e) => masked(e, maskPhone(e.currentTarget.value, customer.phone, String(e.inputType || '').startsWith('delete')),
							(v) => setCustomer({ ...customer, phone: v }))} />
					<${Field} label=${t('leadForm.customerType')} name="customer.customerType" as="select"
						value=${customer.customerType} error=${errors['customer.customerType']} onChange=${setC('customerType')}>
						<${Options} placeholder=${t('leadForm.choose')} items=${CUSTOMER_TYPES} />
					</${Field}>
					<${Field} label=${t('leadForm.city')} name="customer.city" placeholder=${t('leadForm.cityPlaceholder')}
						value=${customer.city} error=${errors['customer.city']} onInput=${setC('city')} />
					<${Field} label=${t('leadForm.postalCode')} name="customer.postalCode" inputmode="numeric" maxlength="6"
						placeholder=${t('leadForm.postalCodePlaceholder')} value=${customer.postalCode} error=${errors['customer.postalCode']}
						onInput=${(e) => masked(e, maskPostalCode(e.currentTarget.value, customer.postalCode),
							(v) => setCustomer({ ...customer, postalCode: v }))} />
					<${Field} label=${t('leadForm.voivodeship')} name="customer.voivodeship" as="select"
						value=${customer.voivodeship} error=${errors['customer.voivodeship']} onChange=${setC('voivodeship')}>
						<${Options} placeholder=${t('leadForm.choose')} items=${VOIVODESHIPS} />
					</${Field}>
					<${Field} label=${t('leadForm.amount')} name="financing.downPayment" inputmode="decimal"
						value=${amount} error=${errors['financing.downPayment']} onInput=${(e) => setAmount(e.currentTarget.value)} />
				</div>
				<${DuplicateWarning} items=${duplicates.data} onOpenLead=${onOpenLead} />
			</fieldset>

			<fieldset class=${'fieldset' + (vehiclesOpen || vehicleErrors ? '' : ' fieldset--collapsed')}>
				<legend class="fieldset__legend">
					<button type="button" class="fieldset__toggle" aria-expanded=${vehiclesOpen || vehicleErrors ? 'true' : 'false'}
						aria-controls=${vehiclesId} onClick=${() => setVehiclesOpen(!(vehiclesOpen || vehicleErrors))}>
						<${Icon} name="chevron" size=${16} className="fieldset__chevron" />${t('leadForm.vehicleLegend')}
					</button>
				</legend>
				<div id=${vehiclesId} hidden=${!(vehiclesOpen || vehicleErrors)}>
					<p class="muted">${t('leadForm.vehicleHint')}</p>
					<h4 class="subheading">${t('leadForm.currentVehicle')}</h4>
					<div class="form-grid">
						<${Field} label=${t('leadForm.make')} name="currentVehicle.make" placeholder=${t('leadForm.makePlaceholder')} value=${current.make} onInput=${setV('make')} />
						<${Field} label=${t('leadForm.model')} name="currentVehicle.model" placeholder=${t('leadForm.modelPlaceholder')} value=${current.model} onInput=${setV('model')} />
						<${Field} label=${t('leadForm.year')} name="currentVehicle.year" inputmode="numeric" maxlength="4" value=${current.year} error=${errors['currentVehicle.year']} onInput=${setV('year')} />
						<${Field} label=${t('leadForm.mileage')} name="currentVehicle.mileage" inputmode="numeric" value=${current.mileage} error=${errors['currentVehicle.mileage']} onInput=${setV('mileage')} />
						<${Field} className="form-grid__wide" label=${t('leadForm.vin')} name="currentVehicle.vin" maxlength="17" autocomplete="off"
							placeholder=${t('leadForm.vinPlaceholder')} value=${current.vin} error=${errors['currentVehicle.vin']}
							onInput=${(e) => masked(e, normaliseVin(e.currentTarget.value), (v) => setCurrent({ ...current, vin: v }))} />
					</div>
					<div class="subheading-row">
						<h4 class="subheading">${t('leadForm.desiredVehicles')}</h4>
						<button type="button" class="btn btn--ghost btn--small" onClick=${() => setDesired([...desired, emptyDesired()])}>
							<${Icon} name="plus" size=${16} /><span>${t('leadForm.addVehicle')}</span>
						</button>
					</div>
					${desired.map((vehicle, i) => html`<${DesiredVehicleCard} key=${i} index=${i} vehicle=${vehicle} errors=${errors}
						canRemove=${desired.length > 1}
						onChange=${(v) => setDesired(desired.map((d, j) => (j === i ? v : d)))}
						onRemove=${() => setDesired(desired.filter((_, j) => j !== i))} />`)}
				</div>
			</fieldset>

			<fieldset class="fieldset">
				<legend class="fieldset__legend">${t('leadForm.consentsLegend')}</legend>
				${templates.loading && html`<p class="muted" role="status">${t('leadForm.consentsLoading')}</p>`}
				${templates.error && html`<p class="field__error" role="alert">${t('leadForm.consentsFailed')}</p>`}
				${templates.data && templates.data.unavailable && html`<div class="alert alert--info" role="status">${t('leadForm.consentsUnavailable')}</div>`}
				${templates.data && !templates.data.unavailable && templateList.length === 0 && html`<p class="muted">${t('leadForm.consentsNone')}</p>`}
				${templateList.length > 0 && html`<p class="muted">${t('leadForm.consentsHint')}</p>
					<ul class="consent-list">
						${templateList.map((tpl) => html`<${ConsentItem} key=${tpl.id} template=${tpl} checked=${Boolean(consents[tpl.id])}
							error=${errors['consent.' + tpl.id]}
							onToggle=${(value) => setConsents({ ...consents, [tpl.id]: value })} />`)}
					</ul>`}
				${consentsError && html`<p class="field__error" role="alert">${errors[consentsError]}</p>`}
			</fieldset>

			<${FormAlert} message=${form.error || (hasClientErrors ? t('leadForm.errors.fix') : null)} />
			<div class="form__actions">
				<button type="button" class="btn btn--ghost" onClick=${onClose} disabled=${form.busy}>${t('common.cancel')}</button>
				<${SubmitButton} kind="success" busy=${form.busy} busyLabel=${t('leadForm.submitting')}
					disabled=${form.busy || templates.loading}>${t('leadForm.submit')}</${SubmitButton}>
			</div>
		</form>
	</${Modal}>`;
}
