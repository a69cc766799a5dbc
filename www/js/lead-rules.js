// Business vocabularies of the lead screens: the recommended status
// transitions (api.md §7.3, FR-18), the statuses that need a reason (FR-20)
// and the predefined reasons, and the Polish value lists stored as-is
// (frontend.md §5.6). Labels live in i18n.js.

/** Recommended next statuses per current status (api.md §7.3). */
export const TRANSITIONS = Object.freeze({
	NEW: ['ONBOARDING_CONFIRMED', 'FIRST_CONTACT', 'UNQUALIFIED', 'CLOSED_LOST', 'CANCELLED'],
	ONBOARDING_CONFIRMED: ['FIRST_CONTACT', 'UNQUALIFIED', 'CLOSED_LOST', 'CANCELLED'],
	FIRST_CONTACT: ['FOLLOW_UP', 'VERIFICATION', 'UNQUALIFIED', 'NEW', 'ONBOARDING_CONFIRMED', 'CLOSED_LOST', 'CANCELLED'],
	FOLLOW_UP: ['VERIFICATION', 'UNQUALIFIED', 'CLOSED_LOST', 'CANCELLED'],
	VERIFICATION: ['GATHERING_DOCUMENTS', 'UNQUALIFIED', 'CLOSED_LOST', 'CANCELLED'],
	GATHERING_DOCUMENTS: ['CREDIT_ANALYSIS', 'CLOSED_LOST', 'CANCELLED'],
	CREDIT_ANALYSIS: ['OFFER_PRESENTED', 'CLOSED_LOST', 'CLOSED_NO_FINANCING', 'CANCELLED'],
	OFFER_PRESENTED: ['NEGOTIATIONS', 'TERMS_ACCEPTED', 'CLOSED_LOST', 'CANCELLED'],
	NEGOTIATIONS: ['TERMS_ACCEPTED', 'CLOSED_LOST', 'CANCELLED'],
	TERMS_ACCEPTED: ['CONTRACT_IN_PREPARATION', 'CLOSED_LOST', 'CANCELLED'],
	CONTRACT_IN_PREPARATION: ['CONTRACT_SIGNING', 'CLOSED_LOST', 'CANCELLED'],
	CONTRACT_SIGNING: ['CLOSED_WON', 'CLOSED_LOST', 'CANCELLED'],
	INBOUND: ['NEW', 'UNQUALIFIED', 'CLOSED_LOST', 'CANCELLED'],
	UNQUALIFIED: [],
	CLOSED_WON: [],
	CLOSED_LOST: [],
	CLOSED_NO_FINANCING: [],
	CANCELLED: [],
	MERGED: [],
});

/** Statuses that need a reason from the predefined list (FR-20). */
export const REASON_REQUIRED = Object.freeze(['UNQUALIFIED', 'CLOSED_LOST', 'CLOSED_NO_FINANCING', 'CANCELLED']);

/**
 * Reason codes of FR-20 (the status document's examples) plus OTHER, which
 * needs a free-text explanation; the codes of cgi-bin/leads_write.c. Labels: i18n statusReasons.<CODE>.
 */
export const REASON_CODES = Object.freeze([
	'NO_CREDIT_CAPACITY', 'NEGATIVE_CREDIT_HISTORY', 'CLIENT_RESIGNED', 'NO_CONTACT', 'COMPETITOR_OFFER',
	'LONG_WAIT', 'MISSING_DOCUMENTS', 'DATA_ERROR', 'PRODUCT_WITHDRAWN', 'REGULATION_CHANGE', 'OTHER',
]);

/** Closed statuses (terminal), for the "Zamknięte" list filter. */
export const TERMINAL_STATUSES = Object.freeze([
	'UNQUALIFIED', 'CLOSED_WON', 'CLOSED_LOST', 'CLOSED_NO_FINANCING', 'CANCELLED', 'MERGED',
]);

/** Roles allowed to override the recommended transitions (with a reason). */
export const OVERRIDE_ROLES = Object.freeze(['SUPERVISOR', 'ADMIN']);

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
