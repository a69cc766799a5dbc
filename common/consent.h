/*
 * consent: the one capture core of consent evidence (FR-31, FR-32, SR-37..39).
 * Every path that records a person's consent answers calls consent_capture():
 * the staff/partner path of cgi-bin/consents today, the client form
 * (cgi-bin/forms) and insurance onboarding (cgi-bin/onboarding) next.  It runs
 * the SQL function izzy_consent_capture() (schema 0015), which checks the
 * answers against the current template versions and inserts one new record
 * per answer with the text, help text, type and version taken from the
 * template row, never from the client; the IP and user agent come from the
 * request (nginx), never from the body.  Nothing is updated (append-only).
 */
#ifndef IZZY_CONSENT_H
#define IZZY_CONSENT_H

#include <stdbool.h>

struct arena;
struct db;
struct field;
struct req;
struct value;

/*
 * One answer as every capture path's body carries it:
 * {"consentTemplateId", "version", "consentGiven"?}.  consentGiven is not
 * required by the table: a missing answer is refused by the capture core
 * with 422 (nothing is pre-ticked or implied, SR-38), not a 400.  Use it
 * as the element of a body's FT_ARRAY field.
 */
extern const struct field consent_answer_elem;
/*
 * The validated answers (the FT_ARRAY value of consent_answer_elem
 * elements) as the JSON array text of struct consent_capture.items, in
 * arena memory; NULL when out of memory.
 */
const char *consent_answers_json(struct arena *, const struct value *answers);

struct consent_capture {
	const char *lead_id;   /* required; the caller has checked access */
	const char *form_id;   /* ApplicationForm id or NULL */
	const char *form_type; /* answered templates must be of it; NULL = any */
	/* JSON array text [{"consentTemplateId", "version", "consentGiven"}] in the
	 * order shown; "consentGiven" must be an explicit boolean. */
	const char *items;
	const char *method;         /* "ONLINE_FORM", "PHONE_CALL" or "PARTNER_SUBMISSION" */
	const char *recorded_by;    /* staff or partner user id, NULL for the client */
	const char *partner_id;     /* partner that collected it, or NULL */
	const char *notes;          /* call notes (PHONE_CALL) or NULL */
	const char *client_session; /* form / onboarding session id, NULL for staff */
	/* The person's own paths: a required template refused or left out is refused. */
	bool enforce_required;
};

int consent_init(struct db *);

/*
 * Records the answers inside the caller's transaction (or alone).  Returns
 * the number of records and sets *ids to the JSON array text of their ids
 * (arena); or sets the response and returns -1:
 *   409 TEMPLATE_OUTDATED "Consent template <id> is outdated", with
 *       "details":{"consentTemplateId","latestTemplateId","latestVersion"} and
 *       "Retry-After: 0" (the person saw an older text: re-fetch and ask again);
 *   422 REQUIRED_CONSENT_MISSING "Consent template missing or inactive",
 *       "Required consent <id> must be accepted" (refused or left out), or
 *       "Consent <id> needs an explicit answer" (consentGiven missing: nothing is
 *       pre-ticked or implied, SR-38);
 *   400 "Consent template <id> answered twice";
 *   500/503 on a database error (logged by db).
 */
int consent_capture(struct req *, const struct consent_capture *, const char **ids);

#endif
