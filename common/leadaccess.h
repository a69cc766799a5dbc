/*
 * leadaccess: the one function that decides who may see or change a lead
 * (FR-14, SR-14).  Every lead-scoped route of every program calls
 * lead_access() before touching the lead; none re-implements the rule.
 * The rule itself is the SQL function izzy_lead_visible() (schema 0008),
 * which the list query uses as well.
 */
#ifndef IZZY_LEADACCESS_H
#define IZZY_LEADACCESS_H

#include <stdbool.h>

struct db;
struct req;

enum lead_need {
	LEAD_READ,      /* see the lead */
	LEAD_WRITE,     /* change it: adds the operator client-activity guard (FR-46) */
	LEAD_ANONYMIZE, /* erase it: LEAD_WRITE, "Lead already anonymized" for the 409 */
};

struct lead_ref {
	char id[64];
	char partner_id[64];
	char assigned_user_id[64]; /* "" when unassigned */
	char created_by[64];       /* "" when unknown */
	char status[32];
	bool anonymized;
	bool merged; /* status MERGED (has a survivor) */
};

int leadaccess_init(struct db *);
/*
 * Loads lead_id for r->user and checks access.  Returns 0 and fills *out
 * (may be NULL) when allowed; otherwise sets the response and returns -1:
 * 404 {"message":"Lead not found"}, 403 {"message":"Access denied"}, or for
 * an OPERATOR changing a lead whose client is editing the form right now
 * 409 CLIENT_ACTIVE (audited; supervisors alerted through the outbox at
 * most once per client session).
 */
int lead_access(struct req *, const char *lead_id, enum lead_need, struct lead_ref *out);
/*
 * Starts every write to lead r->id: begins the transaction, locks the lead
 * row (SELECT ... FOR UPDATE) and checks under the lock, in this order:
 * 404 {"message":"Lead not found"}; 403 {"message":"Access denied"};
 * 409 {"message":"Lead is anonymized"} ("Lead already anonymized" for
 * LEAD_ANONYMIZE); for LEAD_WRITE/LEAD_ANONYMIZE by an OPERATOR, 409
 * CLIENT_ACTIVE as lead_access().  Returns 0 with the transaction open and
 * *out filled (out may be NULL); the caller commits or uses tx_fail*().
 * Otherwise the transaction is rolled back, the response set, and -1.
 */
int lead_begin(struct req *, enum lead_need, struct lead_ref *out);

#endif
