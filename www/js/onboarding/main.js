// The client's insurance onboarding landing page (frontend.md §8.8, FR-70,
// FR-71): a separate lightweight entry served at /onboarding?token=… without
// the staff app. Steps: verify the token → pick a weekday and an hourly slot
// (the server's calendar, Europe/Warsaw, "HH:MM-HH:MM" — the one format, L20)
// → the onboarding consents, nothing pre-ticked (SR-38) → done.
// Only same-origin requests; no third-party origins.
import { html, render, useEffect, useState } from '../lib.js';
import { t } from '../i18n.js';
import { request } from '../api.js';
import { RichText } from '../components/consent.js';

const token = new URLSearchParams(window.location.search).get('token') || '';

// Calendar days come as "YYYY-MM-DD"; format them as that calendar day.
const dayDate = (day) => new Date(day + 'T12:00:00Z');
const fmt = (opts) => new Intl.DateTimeFormat('pl-PL', { timeZone: 'UTC', ...opts });
const weekdayShort = (day) => {
	const s = fmt({ weekday: 'short' }).format(dayDate(day));
	return s.charAt(0).toUpperCase() + s.slice(1);
};
const dayShort = (day) => fmt({ day: 'numeric', month: 'short' }).format(dayDate(day));
const dayLong = (day) => fmt({ weekday: 'long', day: 'numeric', month: 'long' }).format(dayDate(day));
// "09:00-10:00" is shown as "9:00-10:00"; the value sent stays as the server gave it.
const slotLabel = (slot) => slot.replace(/^0/, '');

function post(path, body) {
	return request('POST', path, { body, auth: false });
}

function Steps({ step }) {
	const item = (n, label) => html`<li class=${'onb-step' + (step >= n ? ' onb-step--on' : '')}
		aria-current=${step === n ? 'step' : null}>
		<span class="onb-step__dot">${n}</span><span class="onb-step__label">${label}</span></li>`;
	return html`<ol class="onb-steps" aria-label=${t('onboardingPage.steps')}>
		${item(1, t('onboardingPage.stepSlot'))}<li class="onb-steps__line" aria-hidden="true"></li>${item(2, t('onboardingPage.stepConsents'))}
	</ol>`;
}

function Calendar({ info, onSaved, onExpired }) {
	const [day, setDay] = useState(null);
	const [slot, setSlot] = useState(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const chosen = info.days.find((d) => d.date === day);

	async function submit(event) {
		event.preventDefault();
		if (!day || !slot || busy) return;
		setBusy(true);
		setError(null);
		try {
			await post('/api/insurance-onboarding/contact-slot', { token, preferredDate: day, preferredSlot: slot });
			onSaved({ day, slot });
		} catch (err) {
			if (err.status === 401) onExpired(t('onboardingPage.slotExpired'));
			else setError(t('onboardingPage.slotFailed'));
			setBusy(false);
		}
	}

	return html`<form class="onb-form" onSubmit=${submit}>
		<p class="onb-intro">${info.firstName ? t('onboardingPage.hello', { name: info.firstName }) : ''}${t('onboardingPage.intro')}</p>
		<${Steps} step=${1} />
		<h2 class="onb-h2" id="onb-days">${t('onboardingPage.chooseDay')}</h2>
		${info.days.length === 0 && html`<p class="onb-error">${t('onboardingPage.noDays')}</p>`}
		<div class="onb-choices" role="group" aria-labelledby="onb-days">
			${info.days.map((d) => html`<button type="button" key=${d.date}
				class=${'onb-choice onb-day' + (d.date === day ? ' onb-choice--on' : '')}
				aria-pressed=${d.date === day ? 'true' : 'false'} data-day=${d.date}
				onClick=${() => { setDay(d.date); setSlot(null); }}>
				<span class="onb-day__wd">${weekdayShort(d.date)}</span>
				<span class="onb-day__d">${dayShort(d.date)}</span>
			</button>`)}
		</div>
		${chosen && html`<h2 class="onb-h2" id="onb-slots">${t('onboardingPage.chooseHour', { day: dayLong(chosen.date) })}</h2>
		<div class="onb-choices" role="group" aria-labelledby="onb-slots">
			${chosen.slots.map((s) => html`<button type="button" key=${s}
				class=${'onb-choice onb-slot' + (s === slot ? ' onb-choice--on' : '')}
				aria-pressed=${s === slot ? 'true' : 'false'} data-slot=${s}
				onClick=${() => setSlot(s)}>${slotLabel(s)}</button>`)}
		</div>`}
		${error && html`<p class="onb-error" role="alert">${error}</p>`}
		<button type="submit" class="onb-cta" disabled=${!day || !slot || busy}>
			${busy ? t('onboardingPage.saving') : t('onboardingPage.next')}</button>
	</form>`;
}

function Consents({ onDone, onExpired }) {
	const [templates, setTemplates] = useState(null);
	const [given, setGiven] = useState({});
	const [open, setOpen] = useState({});
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const [loadError, setLoadError] = useState(false);

	useEffect(() => {
		request('GET', '/api/consent-templates', { query: { form_type: 'onboarding_insurance' }, auth: false })
			.then((res) => setTemplates(res.data || []), () => setLoadError(true));
	}, []);

	if (loadError) return html`<p class="onb-error" role="alert">${t('onboardingPage.consentsLoadFailed')}</p>`;
	if (!templates) return html`<p class="onb-boot"><span class="onb-spinner" aria-hidden="true"></span>${t('onboardingPage.loading')}</p>`;
	const ready = templates.every((tpl) => !tpl.isRequired || given[tpl.id]);

	async function submit(event) {
		event.preventDefault();
		if (!ready || busy) return;
		setBusy(true);
		setError(null);
		try {
			await post('/api/insurance-onboarding/consents', {
				token,
				consents: templates.map((tpl) => ({ consentTemplateId: tpl.id, version: tpl.version, consentGiven: Boolean(given[tpl.id]) })),
			});
			onDone();
		} catch (err) {
			if (err.status === 401) onExpired(t('onboardingPage.slotExpired'));
			else if (err.code === 'REQUIRED_CONSENT_MISSING') setError(t('onboardingPage.consentsMissing'));
			else setError(t('onboardingPage.consentsFailed'));
			setBusy(false);
		}
	}

	return html`<form class="onb-form" onSubmit=${submit}>
		<${Steps} step=${2} />
		<h2 class="onb-h2">${t('onboardingPage.consentsTitle')}</h2>
		<p class="onb-hint">${t('onboardingPage.consentsHint')}</p>
		${templates.map((tpl) => html`<div class="onb-consent" key=${tpl.id}>
			<label class="onb-consent__row">
				<input type="checkbox" checked=${Boolean(given[tpl.id])} name=${'consent-' + tpl.consentType}
					onChange=${(e) => setGiven({ ...given, [tpl.id]: e.currentTarget.checked })} />
				<span class="onb-consent__title">${tpl.title}${tpl.isRequired && html`<span class="onb-req">${t('onboardingPage.required')}</span>`}</span>
			</label>
			<button type="button" class="onb-link" aria-expanded=${open[tpl.id] ? 'true' : 'false'}
				onClick=${() => setOpen({ ...open, [tpl.id]: !open[tpl.id] })}>
				${open[tpl.id] ? t('onboardingPage.hideText') + ' ▲' : t('onboardingPage.showText') + ' ▼'}</button>
			${open[tpl.id] && html`<div class="onb-consent__text"><${RichText} text=${tpl.content} />
				${tpl.helpText && html`<p class="onb-hint">${tpl.helpText}</p>`}</div>`}
		</div>`)}
		${error && html`<p class="onb-error" role="alert">${error}</p>`}
		<button type="submit" class="onb-cta" disabled=${!ready || busy}>
			${busy ? t('onboardingPage.saving') : t('onboardingPage.submit')}</button>
	</form>`;
}

function Page() {
	const [state, setState] = useState(token ? 'loading' : 'error');
	const [error, setError] = useState(token ? null : t('onboardingPage.noToken'));
	const [info, setInfo] = useState(null);
	const [choice, setChoice] = useState(null);

	useEffect(() => {
		if (!token) return;
		request('GET', '/api/insurance-onboarding/verify', { query: { token }, auth: false }).then((res) => {
			setInfo(res);
			setState('calendar');
		}, (err) => {
			setError(err.status === 401 ? t('onboardingPage.invalid')
				: err.status === 429 ? t('onboardingPage.tooMany') : t('onboardingPage.failed'));
			setState('error');
		});
	}, []);

	const expired = (message) => { setError(message); setState('error'); };
	let body;
	if (state === 'loading') {
		body = html`<p class="onb-boot"><span class="onb-spinner" aria-hidden="true"></span>${t('onboardingPage.loading')}</p>`;
	} else if (state === 'error') {
		body = html`<div class="onb-state"><p class="onb-icon" aria-hidden="true">⚠️</p><p class="onb-error" role="alert">${error}</p></div>`;
	} else if (state === 'calendar') {
		body = html`<${Calendar} info=${info} onExpired=${expired}
			onSaved=${(c) => { setChoice(c); setState('consents'); }} />`;
	} else if (state === 'consents') {
		body = html`<${Consents} onExpired=${expired} onDone=${() => setState('success')} />`;
	} else {
		body = html`<div class="onb-state onb-success" role="status">
			<p class="onb-icon" aria-hidden="true">🎉</p>
			<h2 class="onb-done">${t('onboardingPage.done')}</h2>
			<p>${choice ? t('onboardingPage.doneSlot', { day: dayLong(choice.day), slot: slotLabel(choice.slot) }) : t('onboardingPage.doneSoon')}</p>
			<p class="onb-hint">${t('onboardingPage.doneHint')}</p>
		</div>`;
	}
	return html`<div class="onb-card">
		<header class="onb-head">
			<img class="onb-logo" src="/logo.svg" alt=${t('onboardingPage.logo')} />
			<h1 class="onb-title">${t('onboardingPage.title')}</h1>
		</header>
		<div class="onb-body">${body}</div>
	</div>`;
}

const root = document.getElementById('onboarding');
root.textContent = ''; // the static "verifying" text is replaced, not kept beside the app
render(html`<${Page} />`, root);
