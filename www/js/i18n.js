// The one Polish string catalogue of the app (requirements L21) and the
// formatters for dates, money, numbers and phone numbers.
//
// Every label shown to a user comes from `catalogue` through t(); screens never
// hold literal text. Keys are grouped by screen or component. `{name}` in a
// string is replaced by t()'s second argument.

const catalogue = {
	app: {
		name: 'Izzy CRM',
		tagline: 'Centrum obsługi finansowania',
		loading: 'Ładowanie…',
		validatingSession: 'Sprawdzanie sesji…',
		titleSuffix: 'Izzy CRM',
		skipToContent: 'Przejdź do treści',
	},
	common: {
		emptyValue: '—',
		close: 'Zamknij',
		cancel: 'Anuluj',
		save: 'Zapisz',
		saving: 'Zapisywanie…',
		retry: 'Spróbuj ponownie',
		required: 'To pole jest wymagane',
	},
	roles: {
		PARTNER: 'Partner',
		PARTNER_MANAGER: 'Menedżer partnera',
		PARTNER_EMPLOYEE: 'Pracownik partnera',
		OPERATOR: 'Operator',
		SUPERVISOR: 'Kierownik',
		ADMIN: 'Administrator',
		AUDITOR: 'Audytor',
	},
	userStatus: {
		ACTIVE: 'Aktywny',
		INVITED: 'Zaproszony',
		INACTIVE: 'Nieaktywny',
	},
	// FR-18 lead statuses, in the order of every status select. `tone` picks the
	// badge colour (css: .badge--<tone>); INBOUND and MERGED are labelled but
	// never offered in selects (frontend.md §5.1).
	leadStatus: {
		NEW: { label: 'Nowy', tone: 'indigo' },
		ONBOARDING_CONFIRMED: { label: 'Onboarding potwierdzony', tone: 'orange' },
		FIRST_CONTACT: { label: 'Pierwszy kontakt', tone: 'indigo' },
		FOLLOW_UP: { label: 'Follow-up', tone: 'indigo' },
		VERIFICATION: { label: 'Weryfikacja', tone: 'indigo' },
		UNQUALIFIED: { label: 'Nieskwalifikowany', tone: 'indigo' },
		GATHERING_DOCUMENTS: { label: 'Kompletowanie dokumentów', tone: 'indigo' },
		CREDIT_ANALYSIS: { label: 'Analiza kredytowa', tone: 'indigo' },
		OFFER_PRESENTED: { label: 'Oferta przedstawiona', tone: 'indigo' },
		NEGOTIATIONS: { label: 'Negocjacje', tone: 'indigo' },
		TERMS_ACCEPTED: { label: 'Akceptacja warunków', tone: 'indigo' },
		CONTRACT_IN_PREPARATION: { label: 'Umowa w przygotowaniu', tone: 'indigo' },
		CONTRACT_SIGNING: { label: 'Podpisanie umowy', tone: 'indigo' },
		CLOSED_WON: { label: 'Zakończony – sukces', tone: 'indigo' },
		CLOSED_LOST: { label: 'Zakończony – utracony', tone: 'indigo' },
		CLOSED_NO_FINANCING: { label: 'Zakończony – brak zdolności', tone: 'indigo' },
		CANCELLED: { label: 'Anulowany', tone: 'indigo' },
		INBOUND: { label: 'Przychodzący', tone: 'indigo' },
		MERGED: { label: 'Scalony', tone: 'indigo' },
	},
	// frontend.md §5.2: online application form statuses.
	formStatus: {
		DRAFT: { label: 'Roboczy', tone: 'neutral' },
		IN_PROGRESS: { label: 'Wypełniany', tone: 'info' },
		READY: { label: 'Gotowy do wysyłki', tone: 'success' },
		SUBMITTED: { label: 'Przesłany', tone: 'success' },
		LOCKED: { label: 'Zablokowany', tone: 'danger' },
		UNLOCKED: { label: 'Odblokowany', tone: 'warning' },
	},
	// frontend.md §5.3: insurance onboarding statuses.
	onboardingStatus: {
		CREATED: { label: 'Oczekuje', tone: 'slate' },
		ONBOARDING_SENT: { label: 'Link wysłany', tone: 'sky' },
		LINK_OPENED: { label: 'Link otwarty', tone: 'violet' },
		SLOT_SELECTED: { label: 'Termin wybrany', tone: 'amber' },
		ONBOARDING_CONFIRMED: { label: 'Onboarding potwierdzony', tone: 'orange' },
		CONSENTS_CAPTURED: { label: 'Zgody zebrane', tone: 'success' },
		COMPLETED: { label: 'Zakończony', tone: 'success' },
	},
	nav: {
		label: 'Nawigacja główna',
		expand: 'Rozwiń nawigację',
		collapse: 'Zwiń nawigację',
		leads: { label: 'Leady', description: 'Obsługa i kontakt ze wszystkimi leadami' },
		partners: { label: 'Partnerzy', description: 'Dane partnerów i ich SLA' },
		analytics: { label: 'Analityka', description: 'Wolumen, konwersja i lejek sprzedaży' },
		users: { label: 'Użytkownicy', description: 'Zaproszenia, role i resetowanie haseł' },
		consents: { label: 'Zarządzanie zgodami', description: 'Szablony zgód dla wszystkich formularzy' },
		consentRecords: { label: 'Archiwum zgód', description: 'Przegląd i audyt zarejestrowanych zgód' },
		applicationForm: { label: 'Podgląd formularza klienta', description: 'Formularz wniosku widziany przez klienta' },
	},
	shell: {
		logout: 'Wyloguj',
		loggingOut: 'Wylogowywanie…',
		partner: 'Partner: {name}',
		userMenu: 'Zalogowany użytkownik',
	},
	router: {
		forbidden: 'Nie masz dostępu do tej części aplikacji. Przekierowano do obsługi leadów.',
		loadFailed: 'Nie udało się wczytać tego ekranu. Odśwież stronę.',
	},
	placeholder: {
		text: 'Ten moduł jest w przygotowaniu.',
	},
	leads: {
		title: 'Leady',
		empty: 'Brak leadów do wyświetlenia',
	},
	login: {
		title: 'Logowanie',
		subtitle: 'Zaloguj się, aby kontynuować',
		email: 'E-mail',
		password: 'Hasło',
		submit: 'Zaloguj się',
		submitting: 'Logowanie…',
		forgot: 'Nie pamiętasz hasła?',
		expired: 'Sesja wygasła. Zaloguj się ponownie.',
	},
	forgotPassword: {
		title: 'Nie pamiętasz hasła?',
		subtitle: 'Podaj adres e-mail konta, a wyślemy link do ustawienia nowego hasła.',
		email: 'E-mail',
		submit: 'Wyślij link',
		submitting: 'Wysyłanie…',
		sent: 'Jeśli konto o podanym adresie istnieje, wysłaliśmy na nie link do ustawienia nowego hasła. Link jest ważny przez 60 minut.',
		back: 'Powrót do logowania',
	},
	setPassword: {
		title: 'Ustaw nowe hasło',
		subtitle: 'Wpisz nowe hasło dwukrotnie.',
		password: 'Nowe hasło',
		repeat: 'Powtórz nowe hasło',
		policyTitle: 'Hasło musi mieć:',
		policy: {
			length: 'co najmniej 12 znaków',
			upper: 'wielką literę',
			lower: 'małą literę',
			digit: 'cyfrę',
			special: 'znak specjalny (np. ! @ # %)',
		},
		policyMet: 'spełnione',
		policyUnmet: 'niespełnione',
		policyError: 'Hasło nie spełnia wymagań podanych poniżej',
		mismatch: 'Hasła nie są identyczne',
		submit: 'Ustaw hasło',
		submitting: 'Zapisywanie…',
		success: 'Hasło zostało ustawione. Zaloguj się nowym hasłem.',
		missingToken: 'Link do ustawienia hasła jest niepełny. Otwórz go ponownie z wiadomości e-mail albo poproś o nowy.',
		invalidToken: 'Link do ustawienia hasła jest nieprawidłowy lub wygasł. Poproś o nowy.',
		requestNew: 'Poproś o nowy link',
		back: 'Powrót do logowania',
	},
	modal: {
		// The accessible name of every dialog's × button. Kept in English on
		// purpose: the reference acceptance test (frontend.md §14.1, "must pass
		// as-is") clicks the button named exactly "Close dialog".
		close: 'Close dialog',
	},
	toast: {
		region: 'Powiadomienia',
		dismiss: 'Zamknij powiadomienie',
	},
	table: {
		loading: 'Ładowanie…',
		empty: 'Brak danych do wyświetlenia.',
	},
	errors: {
		unexpected: 'Wystąpił nieoczekiwany błąd. Spróbuj ponownie.',
		network: 'Brak połączenia z serwerem. Sprawdź połączenie i spróbuj ponownie.',
		status: 'Żądanie nie powiodło się (kod {status}).',
	},
	// API messages the backend sends in English (spec/api.md, reference
	// compatible), shown in Polish. Messages not listed are shown as sent
	// (many API messages are Polish already).
	apiMessages: {
		'Invalid credentials': 'Nieprawidłowy e-mail lub hasło',
		'User is not active': 'Konto jest nieaktywne',
		'Validation failed': 'Popraw zaznaczone pola.',
		'Missing authorization header': 'Sesja wygasła. Zaloguj się ponownie.',
		'Invalid or expired token': 'Sesja wygasła. Zaloguj się ponownie.',
		'Forbidden': 'Brak uprawnień do tej operacji.',
		'Not found': 'Nie znaleziono.',
		'Internal server error': 'Błąd serwera. Spróbuj ponownie później.',
		'Too many requests': 'Zbyt wiele prób. Spróbuj ponownie później.',
	},
	// Field-level messages for validation issues (spec/api.md §2.6), by code.
	issues: {
		required: 'To pole jest wymagane',
		email: 'Nieprawidłowy adres e-mail',
		url: 'Nieprawidłowy adres URL',
		tooShort: 'Wymagane co najmniej {n} znaków',
		tooLong: 'Dozwolone najwyżej {n} znaków',
		tooSmall: 'Wartość musi być nie mniejsza niż {n}',
		tooBig: 'Wartość musi być nie większa niż {n}',
		invalid: 'Nieprawidłowa wartość',
		date: 'Nieprawidłowa data',
	},
};

/** Looks a dotted key up in the catalogue, e.g. t('login.submit'). */
export function t(key, params) {
	let value = catalogue;
	for (const part of key.split('.')) {
		value = value == null ? undefined : value[part];
	}
	if (typeof value !== 'string') {
		// A missing key is a programming error; show the key so it is noticed.
		return key;
	}
	return params ? interpolate(value, params) : value;
}

function interpolate(text, params) {
	return text.replace(/\{(\w+)\}/g, (whole, name) =>
		Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
}

/** Polish label of a role value (raw value when unknown). */
export function roleLabel(role) {
	return catalogue.roles[role] || role || '';
}

/** Polish label of a user status value. */
export function userStatusLabel(status) {
	return catalogue.userStatus[status] || status || '';
}

/** The enumerations with a label and a badge tone: lead, form, onboarding. */
const statusSets = {
	lead: catalogue.leadStatus,
	form: catalogue.formStatus,
	onboarding: catalogue.onboardingStatus,
};

/** { label, tone } of a status of the given set; unknown values are shown raw. */
export function statusInfo(set, value) {
	const table = statusSets[set] || {};
	const key = typeof value === 'string' ? value.toUpperCase() : value;
	return table[key] || { label: value == null ? '' : String(value), tone: 'neutral' };
}

/** The lead statuses offered in selects, in order (INBOUND/MERGED excluded). */
export const LEAD_STATUS_OPTIONS = Object.keys(catalogue.leadStatus)
	.filter((s) => s !== 'INBOUND' && s !== 'MERGED');

/** A top-level API error message in Polish. */
export function apiMessage(message) {
	return catalogue.apiMessages[message] || message;
}

/** A field-level message for one validation issue of spec/api.md §2.6. */
export function issueMessage(issue) {
	const is = catalogue.issues;
	switch (issue.code) {
	case 'invalid_type':
		return issue.received === 'undefined' ? is.required : is.invalid;
	case 'too_small':
		if (issue.type === 'string') {
			return Number(issue.minimum) <= 1 ? is.required : interpolate(is.tooShort, { n: issue.minimum });
		}
		return issue.type === 'number' ? interpolate(is.tooSmall, { n: issue.minimum }) : is.invalid;
	case 'too_big':
		if (issue.type === 'string') return interpolate(is.tooLong, { n: issue.maximum });
		return issue.type === 'number' ? interpolate(is.tooBig, { n: issue.maximum }) : is.invalid;
	case 'invalid_string':
		if (issue.validation === 'email') return is.email;
		if (issue.validation === 'url') return is.url;
		// Regex checks carry a custom (Polish) text where the API defines one.
		return issue.message && issue.message !== 'Invalid' ? apiMessage(issue.message) : is.invalid;
	case 'invalid_date':
		return is.date;
	case 'invalid_enum_value':
		return is.invalid;
	default:
		return issue.message ? apiMessage(issue.message) : is.invalid;
	}
}

// ---------------------------------------------------------------------------
// Formatters. All output is deterministic: dates in Europe/Warsaw whatever the
// browser's zone, numbers grouped by hand rather than by the browser's locale
// data.

export const TIME_ZONE = 'Europe/Warsaw';

/** U+00A0, the separator between digit groups and before a unit. */
export const NBSP = '\u00a0';

const dateTimeParts = new Intl.DateTimeFormat('en-GB', {
	timeZone: TIME_ZONE,
	year: 'numeric', month: '2-digit', day: '2-digit',
	hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

function toDate(value) {
	if (value == null || value === '') return null;
	const date = value instanceof Date ? value : new Date(value);
	return Number.isNaN(date.getTime()) ? null : date;
}

function warsawParts(date) {
	const parts = {};
	for (const p of dateTimeParts.formatToParts(date)) parts[p.type] = p.value;
	return parts;
}

/** "DD.MM.YYYY HH:mm" in Europe/Warsaw; "—" for an empty or invalid value. */
export function formatDateTime(value) {
	const date = toDate(value);
	if (!date) return t('common.emptyValue');
	const p = warsawParts(date);
	return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
}

/** "DD.MM.YYYY" in Europe/Warsaw; "—" for an empty or invalid value. */
export function formatDate(value) {
	const date = toDate(value);
	if (!date) return t('common.emptyValue');
	const p = warsawParts(date);
	return `${p.day}.${p.month}.${p.year}`;
}

/**
 * A number in Polish notation: digit groups of three separated by U+00A0
 * (always, also for four-digit numbers, unlike pl-PL's CLDR rule), decimal
 * comma, exactly `decimals` fraction digits. Returns null for a non-number.
 */
export function formatNumber(value, decimals = 0) {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n)) return null;
	const fixed = new Intl.NumberFormat('en-US', {
		useGrouping: false, minimumFractionDigits: decimals, maximumFractionDigits: decimals,
	}).format(n);
	const negative = fixed.startsWith('-');
	const [int, frac] = (negative ? fixed.slice(1) : fixed).split('.');
	const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
	const sign = negative && /[1-9]/.test(fixed) ? '-' : '';
	return sign + grouped + (frac ? ',' + frac : '');
}

/** Money in PLN: "120 000,00 zł" (U+00A0 between groups and before "zł"). */
export function formatMoney(value) {
	const text = formatNumber(value, 2);
	return text == null ? t('common.emptyValue') : text + NBSP + 'zł';
}

/**
 * The national (9-digit) part of a Polish phone number typed or stored in any
 * form ("+48 123-456-789", "48123456789", "123456789"), or null.
 */
export function nationalPhoneDigits(value) {
	let digits = String(value == null ? '' : value).replace(/\D/g, '');
	if (digits.length > 9 && digits.startsWith('48')) digits = digits.slice(2);
	return digits.length === 9 ? digits : null;
}

/** "+48 123 456 789" for a Polish number; anything else is shown as stored. */
export function formatPhone(value) {
	if (value == null || value === '') return t('common.emptyValue');
	const digits = nationalPhoneDigits(value);
	if (!digits) return String(value);
	return `+48 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/** The value sent to the API for a phone: "+48123456789", or null. */
export function phoneForApi(value) {
	const digits = nationalPhoneDigits(value);
	return digits ? '+48' + digits : null;
}
