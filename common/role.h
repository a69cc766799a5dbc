/*
 * role: the UserRole enum (spec/data-model.md §2.1) and role bit sets used
 * by route tables.  An empty set is refused, so access is denied by default.
 */
#ifndef IZZY_ROLE_H
#define IZZY_ROLE_H

enum role {
	ROLE_PARTNER,
	ROLE_PARTNER_MANAGER,
	ROLE_PARTNER_EMPLOYEE,
	ROLE_OPERATOR,
	ROLE_SUPERVISOR,
	ROLE_ADMIN,
	ROLE_AUDITOR,
	ROLE__MAX
};

#define ROLE_BIT(r) (1u << (r))
/* No token needed; any Authorization header is ignored.  Always written out. */
#define ROLES_PUBLIC (1u << 15)
/*
 * Route flags, not roles: a partner API key (common/session.h) with the scope
 * "leads:create" resp. "leads:read" may call the route.  A key's principal has
 * role PARTNER, which the route must allow too; without a flag its scopes
 * allow, a key gets 403.
 */
#define ROLES_APIKEY_CREATE (1u << 13)
#define ROLES_APIKEY_READ   (1u << 14)
#define ROLES_APIKEY        (ROLES_APIKEY_CREATE | ROLES_APIKEY_READ)
#define ROLES_PARTNER_SCOPED                                                                       \
	(ROLE_BIT(ROLE_PARTNER) | ROLE_BIT(ROLE_PARTNER_MANAGER) | ROLE_BIT(ROLE_PARTNER_EMPLOYEE))
#define ROLES_STAFF    (ROLE_BIT(ROLE_OPERATOR) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_MANAGERS (ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_ADMIN    ROLE_BIT(ROLE_ADMIN)
/* Every logged-in user, AUDITOR included. */
#define ROLES_ANY_USER ((1u << ROLE__MAX) - 1)

/* The wire/DB name ("PARTNER_MANAGER"); NULL for an out-of-range value. */
const char *role_name(enum role);
/* Parses a wire name; -1 if unknown. */
int role_parse(const char *, enum role *);

#endif
