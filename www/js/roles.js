// Role values of the API (spec/api.md, enum UserRole) and the groups the
// route table and screens use. Labels live in i18n.js.
export const ROLES = Object.freeze([
	'PARTNER', 'PARTNER_MANAGER', 'PARTNER_EMPLOYEE',
	'OPERATOR', 'SUPERVISOR', 'ADMIN', 'AUDITOR',
]);

export const PARTNER_ROLES = Object.freeze(['PARTNER', 'PARTNER_MANAGER', 'PARTNER_EMPLOYEE']);

/** Staff who work leads: the roles the API lets act on a lead. */
export const LEAD_STAFF = Object.freeze(['OPERATOR', 'SUPERVISOR', 'ADMIN']);

export function isPartnerRole(role) {
	return PARTNER_ROLES.includes(role);
}

/** True when the user's role is one of `roles` (a missing list allows all). */
export function hasRole(user, roles) {
	return Boolean(user) && (!roles || roles.includes(user.role));
}
