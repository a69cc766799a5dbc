// The client's application form (spec/frontend.md §8 with the rewrite's
// fixes, issue 10): /client-form#<token> from the link message and
// /thank-you. No app shell, no staff session. The link carries only the
// token (in the fragment); the PIN is checked by the server
// (POST /api/application-forms/verify-access), which sets the form session
// cookie; every later call rides on it. Then the consents (nothing
// pre-ticked, the texts from the server), the six steps with autosave
// (PATCH, 3 s after the last change and on every step change), a heartbeat
// every 60 s, the summary and the submit. The server checks every rule
// (SR-19); its issues are shown under the fields.
import { html, useEffect, useRef, useState } from '../lib.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { Modal } from '../components/modal.js';
import { maskPostalCode } from '../masks.js';

const STORE = 'izzy-client-form';
const BASE = '/api/application-forms';

// The six steps: [key, control, required]. Controls: text, date (YYYY-MM-DD
// mask), month (YYYY-MM mask), postal, number, bool, select:<options>, ro.
const STEPS = [
	[['pesel', 'pesel', true], ['gender', 'ro', true], ['firstName', 'text', true], ['lastName', 'text', true],
		['mobilePhone', 'tel', true], ['email', 'email', true], ['birthDate', 'ro', true], ['birthPlace', 'text', true],
		['countryOfBirth', 'text', true], ['nationality', 'text', true], ['citizenship', 'text', true],
		['secondCitizenship', 'text', false], ['maidenName', 'text', true], ['mothersMaidenName', 'text', true],
		['maritalStatus', 'select:single,married,divorced,widowed', true], ['childrenCount', 'number', false],
		['isTaxResident', 'bool', false]],
	[['documentType', 'select:id_card,passport', true], ['documentNumber', 'text', true], ['issueDate', 'date', true],
		['expiryDate', 'date', true], ['education', 'select:primary,secondary,higher,postgraduate', true]],
	[['registeredStreet', 'text', true], ['registeredPostalCode', 'postal', true], ['registeredCity', 'text', true],
		['registeredPostOffice', 'text', true], ['isResidentialSameAsRegistered', 'bool', false],
		['residentialCountry', 'text', false], ['residentialStreet', 'text', 'resid'],
		['residentialPostalCode', 'postal', 'resid'], ['residentialCity', 'text', 'resid'],
		['residentialPostOffice', 'text', false], ['propertyType', 'text', false], ['ownershipType', 'text', false],
		['addressFrom', 'month', false]],
	[['incomeSource', 'text', true], ['employmentSince', 'month', true], ['profession', 'text', true],
		['position', 'text', true], ['employmentSector', 'text', true], ['totalWorkExperience', 'text', true],
		['workplaceType', 'text', true], ['employerName', 'text', true], ['employerPhone', 'tel', true],
		['employerStreet', 'text', true], ['employerPostalCode', 'postal', true], ['employerCity', 'text', true],
		['employerPostOffice', 'text', true], ['employerNip', 'text', false], ['employerRegon', 'text', false]],
	[['mainIncome', 'number', true], ['otherIncome', 'number', false], ['housingFees', 'number', false],
		['otherLivingCosts', 'number', false], ['loanInstallments', 'number', false], ['cardLimits', 'number', false],
		['otherFinancialLiabilities', 'number', false]],
];
const STEP_OF = {};
STEPS.forEach((fields, i) => fields.forEach(([key]) => { STEP_OF[key] = i + 1; }));
const RESIDENTIAL = ['Street', 'PostalCode', 'City', 'PostOffice'];

/** Birth date and sex of a valid PESEL (§11.1), or null. */
export function peselInfo(pesel) {
	if (!/^\d{11}$/.test(pesel)) return null;
	const d = pesel.split('').map(Number);
	const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
	const sum = w.reduce((acc, x, i) => acc + x * d[i], 0);
	if ((10 - (sum % 10)) % 10 !== d[10]) return null;
	const mm = d[2] * 10 + d[3];
	const century = [1900, 2000, 2100, 2200, 1800][Math.floor(mm / 20)];
	const year = century + d[0] * 10 + d[1];
	const month = mm % 20;
	const day = d[4] * 10 + d[5];
	const date = new Date(Date.UTC(year, month - 1, day));
	if (month < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || date > new Date()) return null;
	const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
	return { birthDate: iso, gender: d[9] % 2 === 1 ? 'M' : 'K' };
}

/** The typing mask of a date (YYYY-MM-DD) or month (YYYY-MM). */
export function maskDate(raw, month = false) {
	const digits = raw.replace(/\D/g, '').slice(0, month ? 6 : 8);
	let out = digits.slice(0, 4);
	if (digits.length > 4) out += '-' + digits.slice(4, 6);
	if (!month && digits.length > 6) out += '-' + digits.slice(6, 8);
	return out;
}

function loadStore() {
	try {
		return JSON.parse(sessionStorage.getItem(STORE)) || {};
	} catch {
		return {};
	}
}
function saveStore(value) {
	sessionStorage.setItem(STORE, JSON.stringify(value));
}

function Dialog({ dialog, onClose }) {
	if (!dialog) return null;
	return html`<${Modal} title=${dialog.title} onClose=${onClose}>
		<p>${dialog.text}</p>
		<div class="modal__actions"><button type="button" class="btn btn--primary" onClick=${onClose}>${t('clientForm.close')}</button></div>
	</${Modal}>`;
}

function dialogOf(err) {
	if (err.status === 410 || err.status === 401) return { title: t('clientForm.expiredTitle'), text: t('clientForm.expiredText') };
	if (err.status === 409 && err.code === 'TEMPLATE_OUTDATED') return { title: t('clientForm.outdatedTitle'), text: t('clientForm.outdatedText') };
	if (err.status === 422) return { title: t('clientForm.missingTitle'), text: t('clientForm.missingText') };
	return { title: t('clientForm.errorTitle'), text: err.message };
}

// ------------------------------------------------------------------ PIN gate

function PinGate({ token, onOpen, onExpired }) {
	const [code, setCode] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);

	async function submit(event) {
		event.preventDefault();
		if (!/^\d{4,}$/.test(code)) { setError(t('clientForm.pinLength')); return; }
		setBusy(true);
		setError(null);
		try {
			const res = await fetch(`${BASE}/verify-access`, {
				method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
				body: JSON.stringify({ token, code }),
			});
			const body = await res.json().catch(() => ({}));
			if (res.ok) { onOpen(body.applicationFormId); return; }
			if (res.status === 429) {
				const wait = Math.max(1, Math.ceil(Number(res.headers.get('Retry-After') || 60) / 60));
				setError(t('clientForm.tooMany', { minutes: wait }));
			} else if (res.status === 410) {
				onExpired();
			} else {
				setError(body.message || t('errors.network'));
			}
		} catch {
			setError(t('errors.network'));
		} finally {
			setBusy(false);
			setCode('');
		}
	}

	return html`<form class="client__card card" onSubmit=${submit} noValidate>
		<h2>${t('clientForm.pinTitle')}</h2>
		<p>${t('clientForm.pinText')}</p>
		<label class="field__label" for="pin">${t('clientForm.pinLabel')}</label>
		<input id="pin" name="pin" class="field__control client__pin" type="password" inputmode="numeric"
			autocomplete="one-time-code" maxlength="8" value=${code}
			onInput=${(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))} />
		${error && html`<p class="field__error" role="alert">${error}</p>`}
		<button type="submit" class="btn btn--primary client__wide" disabled=${busy}>${busy ? t('clientForm.pinBusy') : t('clientForm.pinButton')}</button>
	</form>`;
}

// ------------------------------------------------------------------ consents

function Consents({ formId, onDone, onDialog }) {
	const [templates, setTemplates] = useState(null);
	const [answers, setAnswers] = useState({});
	const [busy, setBusy] = useState(false);
	const [done, setDone] = useState(false);

	function load() {
		setTemplates(null);
		setAnswers({}); // nothing pre-ticked (SR-38)
		api.get('/api/consent-templates', { query: { form_type: 'financing_application' }, auth: false })
			.then((r) => setTemplates(r.data || []))
			.catch((err) => onDialog(dialogOf(err)));
	}
	useEffect(load, []);

	if (!templates) return html`<div class="client__card card"><p>${t('clientForm.consentsLoading')}</p></div>`;
	const missing = templates.some((tpl) => tpl.isRequired && !answers[tpl.id]);

	async function submit(event) {
		event.preventDefault();
		if (missing) { onDialog(dialogOf({ status: 422 })); return; }
		setBusy(true);
		try {
			await api.post(`${BASE}/${encodeURIComponent(formId)}/consent-records`, {
				consents: templates.map((tpl) => ({ consentTemplateId: tpl.id, version: tpl.version, consentGiven: !!answers[tpl.id] })),
			}, { auth: false });
			setDone(true);
			setTimeout(onDone, 1500);
		} catch (err) {
			onDialog(dialogOf(err));
			if (err.status === 409) load();
		} finally {
			setBusy(false);
		}
	}

	return html`<form class="client__card card" onSubmit=${submit} noValidate>
		<h2>${t('clientForm.consentsTitle')}</h2>
		${templates.map((tpl) => html`<div class="client__consent" key=${tpl.id}>
			<div class="check">
				<input id=${'consent-' + tpl.id} type="checkbox" class="check__input" checked=${!!answers[tpl.id]}
					required=${tpl.isRequired} onChange=${(e) => setAnswers({ ...answers, [tpl.id]: e.currentTarget.checked })} />
				<label class="check__label" for=${'consent-' + tpl.id}><strong>${tpl.title || tpl.consentType}</strong>${tpl.isRequired && html`<span class="field__error">${t('clientForm.required')}</span>`}</label>
			</div>
			<p class="client__consent-text">${tpl.content}</p>
			${tpl.helpText && html`<p class="field__hint">${tpl.helpText}</p>`}
		</div>`)}
		${done && html`<p class="alert alert--success" role="status">${t('clientForm.consentsSaved')}</p>`}
		<button type="submit" class="btn btn--primary client__wide" disabled=${busy || missing || done}>${busy ? t('clientForm.savingConsents') : t('clientForm.saveConsents')}</button>
	</form>`;
}

// ------------------------------------------------------------------ the form

function FieldControl({ field, value, error, disabled, onChange }) {
	const [key, kind, req] = field;
	const label = t('clientForm.fields.' + key);
	const id = key;
	if (kind === 'bool') {
		return html`<div class="check client__full">
			<input id=${id} name=${key} type="checkbox" class="check__input" checked=${value === true} disabled=${disabled}
				onChange=${(e) => onChange(key, e.currentTarget.checked)} />
			<label class="check__label" for=${id}>${label}</label>
		</div>`;
	}
	let control;
	const common = { id, name: key, class: 'field__control', disabled, 'aria-invalid': error ? 'true' : undefined };
	if (kind.startsWith('select:')) {
		control = html`<select ...${common} value=${value || ''} onChange=${(e) => onChange(key, e.currentTarget.value)}>
			<option value="">${t('clientForm.choose')}</option>
			${kind.slice(7).split(',').map((o) => html`<option value=${o}>${t('clientForm.options.' + o)}</option>`)}
		</select>`;
	} else {
		const mask = { date: (v) => maskDate(v), month: (v) => maskDate(v, true), postal: (v) => maskPostalCode(v, value || ''), pesel: (v) => v.replace(/\D/g, '').slice(0, 11) }[kind];
		control = html`<input ...${common} type=${kind === 'email' ? 'email' : kind === 'tel' ? 'tel' : 'text'}
			inputmode=${['number', 'pesel', 'date', 'month', 'postal'].includes(kind) ? 'numeric' : undefined}
			placeholder=${kind === 'date' || kind === 'ro' && key === 'birthDate' ? 'RRRR-MM-DD' : kind === 'month' ? 'RRRR-MM' : kind === 'postal' ? '00-000' : undefined}
			readOnly=${kind === 'ro'} value=${value == null ? '' : String(value)}
			onInput=${(e) => onChange(key, mask ? mask(e.currentTarget.value) : e.currentTarget.value)} />`;
	}
	return html`<div class=${'field ' + (error ? 'field--invalid' : '')}>
		<label class="field__label" for=${id}>${label}${req && html`<span class="field__required" aria-hidden="true"> *</span>`}</label>
		${control}
		${error && html`<p class="field__error">${error}</p>`}
	</div>`;
}

function requiredErrors(data, step) {
	const errors = {};
	for (const [key, , req] of STEPS[step - 1] || []) {
		const needed = req === true || (req === 'resid' && data.isResidentialSameAsRegistered !== true);
		const v = data[key];
		if (needed && (v == null || String(v).trim() === '')) errors[key] = t('clientForm.requiredField');
	}
	return errors;
}

function Summary({ data }) {
	return html`<section>
		<h3>${t('clientForm.summary')}</h3>
		<p>${t('clientForm.summaryText')}</p>
		${STEPS.map((fields, i) => html`<dl class="client__summary" key=${i}>
			<dt class="client__summary-title">${t('clientForm.stepNames.' + (i + 1))}</dt>
			${fields.filter(([k]) => k in data).map(([k, kind]) => html`<div class="client__row" key=${k}>
				<dt>${t('clientForm.fields.' + k)}</dt>
				<dd>${kind === 'bool' ? (data[k] ? t('clientForm.yes') : t('clientForm.no')) : kind.startsWith('select:') && data[k] ? t('clientForm.options.' + data[k]) : String(data[k] ?? '—')}</dd>
			</div>`)}
		</dl>`)}
	</section>`;
}

function money(v) {
	const n = Number(String(v ?? '').replace(',', '.'));
	return Number.isFinite(n) ? n : 0;
}

function FormSteps({ formId, onExpired, onNeedConsents, onDialog }) {
	const [form, setForm] = useState(null);
	const [data, setData] = useState({});
	const [step, setStep] = useState(1);
	const [errors, setErrors] = useState({});
	const [saveState, setSaveState] = useState('');
	const [busy, setBusy] = useState(false);
	const latest = useRef({ data, step });
	latest.current = { data, step };
	const timer = useRef(null);
	const readOnly = form && (form.status === 'SUBMITTED' || form.status === 'LOCKED');

	useEffect(() => {
		api.get(`${BASE}/${encodeURIComponent(formId)}`, { auth: false }).then((f) => {
			setForm(f);
			setData(f.formData || {});
			setStep(f.status === 'SUBMITTED' ? 6 : Math.min(6, Math.max(1, f.currentStep || 1)));
		}).catch((err) => (err.status === 401 || err.status === 410 ? onExpired(err) : onDialog(dialogOf(err))));
	}, [formId]);

	useEffect(() => {
		if (!form || readOnly) return undefined;
		const beat = () => api.post(`${BASE}/${encodeURIComponent(formId)}/heartbeat`, undefined, { auth: false }).catch(() => {});
		beat();
		const id = setInterval(beat, 60000);
		return () => clearInterval(id);
	}, [form, readOnly]);

	async function save(nextStep) {
		clearTimeout(timer.current);
		const { data: d, step: s } = latest.current;
		const at = nextStep || s;
		setSaveState('saving');
		try {
			await api.patch(`${BASE}/${encodeURIComponent(formId)}`, { formData: d, currentStep: at, completionPercent: Math.round(((at - 1) / 6) * 100) }, { auth: false });
			setSaveState('saved');
			return {};
		} catch (err) {
			setSaveState('error');
			if (err.status === 401 || err.status === 410) onExpired(err);
			const found = {};
			for (const issue of err.issues || []) {
				if (issue.path && issue.path[0] === 'formData' && issue.path[1]) found[issue.path[1]] = issue.message;
			}
			setErrors((prev) => ({ ...prev, ...found }));
			return found;
		}
	}

	function change(key, value) {
		setSaveState('');
		setErrors((prev) => ({ ...prev, [key]: undefined }));
		setData((prev) => {
			const next = { ...prev, [key]: value };
			if (key === 'pesel') {
				const info = peselInfo(value);
				if (info) Object.assign(next, info);
			}
			if (key === 'isResidentialSameAsRegistered') {
				for (const part of RESIDENTIAL) next['residential' + part] = value ? prev['registered' + part] || '' : '';
			}
			return next;
		});
		clearTimeout(timer.current);
		timer.current = setTimeout(() => save(), 3000);
	}
	useEffect(() => () => clearTimeout(timer.current), []);

	async function next() {
		const req = requiredErrors(data, step);
		const server = await save(step + 1 <= 6 ? step : step);
		const mine = Object.fromEntries(Object.entries(server).filter(([k]) => STEP_OF[k] === step));
		const all = { ...req, ...mine };
		setErrors((prev) => ({ ...prev, ...all }));
		if (Object.keys(all).length === 0) {
			setStep(step + 1);
			save(step + 1);
		}
	}

	async function submit() {
		for (let s = 1; s <= 5; s++) {
			const req = requiredErrors(data, s);
			if (Object.keys(req).length) { setErrors(req); setStep(s); window.alert(t('clientForm.fixAll')); return; }
		}
		setBusy(true);
		try {
			await api.post(`${BASE}/${encodeURIComponent(formId)}/submit`, { formData: data }, { auth: false });
			navigate('/thank-you', { replace: true });
		} catch (err) {
			if (err.status === 422) { onNeedConsents(); onDialog(dialogOf(err)); return; }
			if (err.status === 401 || err.status === 410) { onExpired(err); return; }
			const found = {};
			for (const issue of err.issues || []) {
				if (issue.path && issue.path[0] === 'formData' && issue.path[1]) found[issue.path[1]] = issue.message;
			}
			const first = Math.min(...Object.keys(found).map((k) => STEP_OF[k] || 6), 6);
			setErrors(found);
			if (Object.keys(found).length) { setStep(first); window.alert(t('clientForm.fixAll')); } else onDialog(dialogOf(err));
		} finally {
			setBusy(false);
		}
	}

	if (!form) return html`<div class="client__card card"><p>${t('clientForm.loading')}</p></div>`;
	const income = money(data.mainIncome) + money(data.otherIncome);
	const expenses = ['housingFees', 'otherLivingCosts', 'loanInstallments', 'cardLimits', 'otherFinancialLiabilities'].reduce((a, k) => a + money(data[k]), 0);
	const status = { saving: t('clientForm.saving'), saved: t('clientForm.saved'), error: t('clientForm.saveError') }[saveState] || '';

	return html`<div class="client__card card">
		<p class="client__step-caption">${t('clientForm.step', { n: step })}</p>
		<div class="client__progress" role="progressbar" aria-valuemin="1" aria-valuemax="6" aria-valuenow=${step}>
			<div class="client__progress-fill" style=${{ width: ((step - 1) / 5) * 100 + '%' }}></div>
		</div>
		<p class="client__autosave" role="status" aria-live="polite">${status}</p>
		<h2>Krok ${step}: ${t('clientForm.stepNames.' + step)}</h2>
		${step <= 5 && html`<div class="client__grid">
			${STEPS[step - 1].map((f) => html`<${FieldControl} key=${f[0]} field=${f} value=${data[f[0]]} error=${errors[f[0]]} disabled=${readOnly} onChange=${change} />`)}
		</div>`}
		${step === 5 && html`<div class="client__budget">
			<p>${t('clientForm.income', { v: income.toFixed(2) })}</p>
			<p>${t('clientForm.expenses', { v: expenses.toFixed(2) })}</p>
			<p>${t('clientForm.capacity', { v: (income - expenses).toFixed(2) })}</p>
		</div>`}
		${step === 6 && html`<${Summary} data=${data} />`}
		${form.submittedAt && html`<p class="alert alert--success">${t('clientForm.submittedAt', { date: new Date(form.submittedAt).toLocaleString('pl-PL') })}</p>`}
		<div class="client__nav">
			<button type="button" class="btn btn--secondary" disabled=${step === 1} onClick=${() => { setStep(step - 1); if (!readOnly) save(step - 1); }}>${t('clientForm.back')}</button>
			${step < 6
				? html`<button type="button" class="btn btn--primary" onClick=${readOnly ? () => setStep(step + 1) : next}>${t('clientForm.next')}</button>`
				: html`<button type="button" class="btn btn--primary" disabled=${readOnly || busy} onClick=${submit}>${busy ? t('clientForm.submitting') : t('clientForm.submit')}</button>`}
		</div>
	</div>`;
}

// ------------------------------------------------------------------ the screen

function ThankYou() {
	return html`<main class="client" id="main"><div class="client__card card client__thanks">
		<h1>${t('clientForm.thanksTitle')}</h1>
		<p>${t('clientForm.thanksText')}</p>
	</div></main>`;
}

export default function ClientFormScreen({ location }) {
	const store = loadStore();
	const hashToken = (location.hash || window.location.hash || '').replace(/^#/, '');
	const token = hashToken || store.token || '';
	const sameLink = store.token === token;
	const [phase, setPhase] = useState(!token ? 'nolink' : sameLink && store.formId ? (store.consented ? 'form' : 'consents') : 'pin');
	const [formId, setFormId] = useState(sameLink ? store.formId : null);
	const [dialog, setDialog] = useState(null);

	if (location.pathname === '/thank-you') return html`<${ThankYou} />`;

	function update(patch) {
		saveStore({ ...loadStore(), token, ...patch });
	}
	function expired() {
		update({ formId: null, consented: false });
		setPhase('expired');
		setDialog({ title: t('clientForm.expiredTitle'), text: t('clientForm.expiredText') });
	}

	let body;
	if (phase === 'nolink') body = html`<div class="client__card card"><h2>${t('clientForm.noLinkTitle')}</h2><p>${t('clientForm.noLinkText')}</p></div>`;
	else if (phase === 'expired') body = html`<div class="client__card card"><h2>${t('clientForm.expiredTitle')}</h2><p>${t('clientForm.expiredText')}</p></div>`;
	else if (phase === 'pin') {
		body = html`<${PinGate} token=${token} onExpired=${expired} onOpen=${(id) => {
			update({ formId: id, consented: false });
			setFormId(id);
			setPhase('consents');
		}} />`;
	} else if (phase === 'consents') {
		body = html`<${Consents} formId=${formId} onDialog=${setDialog} onDone=${() => { update({ consented: true }); setPhase('form'); }} />`;
	} else {
		body = html`<${FormSteps} formId=${formId} onDialog=${setDialog} onExpired=${(err) => (err.status === 401 ? setPhase('pin') : expired())}
			onNeedConsents=${() => { update({ consented: false }); setPhase('consents'); }} />`;
	}
	return html`<main class="client" id="main">
		<header class="client__header"><h1>${t('clientForm.title')}</h1>${phase === 'pin' && html`<p>${t('clientForm.subtitle')}</p>`}</header>
		${body}
		<${Dialog} dialog=${dialog} onClose=${() => setDialog(null)} />
	</main>`;
}
