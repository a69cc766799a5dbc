// Business vocabularies of the lead screens: the Polish value lists stored
// as-is (frontend.md §5.6) and the closed statuses of the list filter.
// The status rules (transitions, reasons, who may override) are not copied
// here: the status form loads them from GET /api/leads/status-policy.
// Labels live in i18n.js.

/** Closed statuses (terminal), for the "Zamknięte" list filter. */
export const TERMINAL_STATUSES = Object.freeze([
	'UNQUALIFIED', 'CLOSED_WON', 'CLOSED_LOST', 'CLOSED_NO_FINANCING', 'CANCELLED', 'MERGED',
]);

export const CUSTOMER_TYPES = Object.freeze(['osoba fizyczna', 'JDG', 'spółka']);

export const VOIVODESHIPS = Object.freeze([
	'dolnośląskie', 'kujawsko-pomorskie', 'lubelskie', 'lubuskie', 'łódzkie', 'małopolskie',
	'mazowieckie', 'opolskie', 'podkarpackie', 'podlaskie', 'pomorskie', 'śląskie',
	'świętokrzyskie', 'warmińsko-mazurskie', 'wielkopolskie', 'zachodniopomorskie',
]);

export const FINANCING_TYPES = Object.freeze(['Gotówka', 'Kredyt', 'Leasing']);

export const DECISIONS = Object.freeze(['PENDING', 'APPROVED', 'REJECTED']);

export const PARTNER_STATUSES = Object.freeze(['ACTIVE', 'INACTIVE', 'PENDING']);

export const USER_STATUSES = Object.freeze(['ACTIVE', 'INVITED', 'INACTIVE']);
