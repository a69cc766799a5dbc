// The hosted web-to-lead form of a partner (issue 14): /formularz/<key>, made to
// be embedded in an iframe on the partner's site. No framework: it fetches
// GET /api/web-leads/<key>/form (the partner's name, the purposes with their
// template texts, a signed time-stamped form token) and posts the filled form
// as multipart/form-data to POST /api/web-leads/<key>, like the partner's
// plain HTML snippet does. Every purpose is its own unticked checkbox; the
// "website" field is a honeypot people never see.

const main = document.getElementById('webform');
const key = decodeURIComponent(window.location.pathname.replace(/^\/formularz\/?/, '').split('/')[0] || '');

const ERRORS = {
	TOO_FAST: 'Formularz został wysłany zbyt szybko. Sprawdź dane i wyślij go ponownie.',
	FORM_EXPIRED: 'Formularz wygasł. Odśwież stronę i wypełnij go ponownie.',
	FORM_TOKEN_INVALID: 'Formularz wygasł. Odśwież stronę i wypełnij go ponownie.',
	SPAM_SUSPECTED: 'Nie udało się wysłać formularza.',
	ORIGIN_NOT_ALLOWED: 'Ten formularz nie może być wysłany z tej strony.',
	REQUIRED_CONSENT_MISSING: 'Zaznacz wymagane zgody.',
	UNKNOWN_PURPOSE: 'Treść zgód zmieniła się. Odśwież stronę i wypełnij formularz ponownie.',
};
const FIELD_ERRORS = {
	firstName: 'Podaj imię.',
	lastName: 'Podaj nazwisko.',
	email: 'Podaj poprawny adres e-mail.',
	phone: 'Numer telefonu jest za długi.',
	message: 'Wiadomość jest za długa (do 2000 znaków).',
};

function el(tag, attrs = {}, ...children) {
	const node = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v === false || v == null) continue;
		if (k === 'class') node.className = v;
		else if (k === 'text') node.textContent = v;
		else node.setAttribute(k, v === true ? '' : v);
	}
	for (const c of children) if (c != null) node.append(c);
	return node;
}

function show(...nodes) {
	main.replaceChildren(...nodes);
}

function field(name, label, attrs) {
	const id = 'wf-' + name;
	const input = el(attrs.multiline ? 'textarea' : 'input', { id, name, 'aria-describedby': id + '-err', ...attrs, multiline: null });
	return el('div', { class: 'wf-field' },
		el('label', { for: id }, label, attrs.required ? el('span', { class: 'wf-required', 'aria-hidden': 'true', text: ' *' }) : null),
		input,
		el('span', { class: 'wf-error', id: id + '-err' }));
}

function setFieldError(form, name, message) {
	const input = form.elements.namedItem(name);
	const err = main.querySelector('#wf-' + name + '-err');
	if (!input || !err) return false;
	input.setAttribute('aria-invalid', message ? 'true' : 'false');
	err.textContent = message || '';
	return true;
}

function render(data) {
	const purposes = data.purposes || [];
	const alert = el('div', { class: 'wf-alert', role: 'alert', hidden: true });
	const consents = purposes.length
		? el('fieldset', { class: 'wf-consents' }, el('legend', { text: 'Zgody' }),
			...purposes.map((p) => {
				const id = 'wf-consent-' + p.consentTemplateId;
				return el('div', { class: 'wf-consent' },
					el('input', { type: 'checkbox', id, name: 'consent', value: p.consentTemplateId, 'data-version': String(p.version) }),
					el('label', { for: id }, p.content, p.isRequired ? el('span', { class: 'wf-required', text: ' (wymagana)' }) : null,
						p.helpText ? el('span', { class: 'wf-help', text: p.helpText }) : null));
			}))
		: null;
	const button = el('button', { type: 'submit', class: 'wf-btn', text: 'Wyślij' });
	const form = el('form', { novalidate: true, 'aria-label': 'Formularz kontaktowy' },
		field('firstName', 'Imię', { required: true, maxlength: '100', autocomplete: 'given-name' }),
		field('lastName', 'Nazwisko', { required: true, maxlength: '100', autocomplete: 'family-name' }),
		field('email', 'Adres e-mail', { type: 'email', required: true, maxlength: '254', autocomplete: 'email', inputmode: 'email' }),
		field('phone', 'Telefon (opcjonalnie)', { type: 'tel', maxlength: '40', autocomplete: 'tel' }),
		field('message', 'Wiadomość (opcjonalnie)', { multiline: true, maxlength: '2000' }),
		el('div', { class: 'wf-hp', 'aria-hidden': 'true' },
			el('label', { for: 'wf-website', text: 'Nie wypełniaj tego pola' }),
			el('input', { id: 'wf-website', name: 'website', tabindex: '-1', autocomplete: 'off' })),
		el('input', { type: 'hidden', name: 'formToken', value: data.formToken }),
		consents,
		alert,
		button);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		alert.hidden = true;
		let bad = null;
		for (const name of ['firstName', 'lastName', 'email']) {
			const v = form.elements.namedItem(name).value.trim();
			const wrong = !v || (name === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v));
			setFieldError(form, name, wrong ? FIELD_ERRORS[name] : '');
			if (wrong && !bad) bad = name;
		}
		if (bad) {
			form.elements.namedItem(bad).focus();
			return;
		}
		button.disabled = true;
		button.textContent = 'Wysyłanie…';
		try {
			const res = await fetch('/api/web-leads/' + encodeURIComponent(key), {
				method: 'POST', body: new FormData(form), headers: { Accept: 'application/json' }, credentials: 'omit',
				// The page's no-referrer policy would make the Origin header "null"; the
				// server checks it, and for our own origin "same-origin" sends it.
				referrerPolicy: 'same-origin',
			});
			const body = await res.json().catch(() => ({}));
			if (res.ok) {
				show(el('h1', { text: 'Dziękujemy!' }),
					el('p', { class: 'wf-done', role: 'status', 'data-testid': 'webform-done',
						text: 'Wysłaliśmy wiadomość e-mail z linkiem. Otwórz go, aby potwierdzić adres i wyrażone zgody.' }));
				return;
			}
			let shown = false;
			for (const issue of body.issues || []) shown = setFieldError(form, issue.path && issue.path[0], FIELD_ERRORS[issue.path && issue.path[0]] || issue.message) || shown;
			if (!shown) {
				alert.textContent = res.status === 429
					? 'Zbyt wiele zgłoszeń. Spróbuj ponownie za kilka minut.'
					: ERRORS[body.code] || 'Nie udało się wysłać formularza. Spróbuj ponownie.';
				alert.hidden = false;
			}
		} catch {
			alert.textContent = 'Brak połączenia. Spróbuj ponownie.';
			alert.hidden = false;
		}
		button.disabled = false;
		button.textContent = 'Wyślij';
	});
	show(el('h1', { text: 'Skontaktuj się z ' + data.partnerName }),
		el('p', { class: 'wf-note', text: 'Pola oznaczone * są wymagane. Zgody są dobrowolne, chyba że oznaczono je jako wymagane.' }),
		form);
}

async function boot() {
	if (!/^[0-9a-f]{16,128}$/.test(key)) {
		show(el('p', { class: 'wf-alert', role: 'alert', text: 'Nie znaleziono formularza.' }));
		return;
	}
	try {
		const res = await fetch('/api/web-leads/' + encodeURIComponent(key) + '/form', { credentials: 'omit' });
		if (!res.ok) {
			show(el('p', { class: 'wf-alert', role: 'alert', text: res.status === 404 ? 'Ten formularz jest niedostępny.' : 'Nie udało się wczytać formularza.' }));
			return;
		}
		render(await res.json());
	} catch {
		show(el('p', { class: 'wf-alert', role: 'alert', text: 'Brak połączenia. Odśwież stronę.' }));
	}
}

boot();
