/*
 * leads_write: the changes to one lead (spec/api.md §4.6, §4.7, §7.3, §7.10):
 * status transitions with history, customer and vehicle data, financing
 * applications, admin assignment, notes, e-mail to the customer and its
 * drafts, signed offer links, GDPR anonymisation and merging duplicates.
 * Every handler starts with lead_access() (SR-14); OPERATOR writes meet the
 * client-activity guard there.
 * Lead writes, their history and their audit rows share one transaction.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/audit.h"
#include "common/cfg.h"
#include "common/db.h"
#include "common/domain.h"
#include "common/html.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/offerlink.h"
#include "common/outbox.h"
#include "common/role.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_write.sql.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Money and counters: far above any real lead, far below double's exact range. */
#define MONEY_MAX 1000000000000LL

/* --- statuses and the transition table (data-model §3.2) ----------------- */

enum lead_status {
	ST_NEW,
	ST_ONBOARDING_CONFIRMED,
	ST_FIRST_CONTACT,
	ST_FOLLOW_UP,
	ST_VERIFICATION,
	ST_UNQUALIFIED,
	ST_GATHERING_DOCUMENTS,
	ST_CREDIT_ANALYSIS,
	ST_OFFER_PRESENTED,
	ST_NEGOTIATIONS,
	ST_TERMS_ACCEPTED,
	ST_CONTRACT_IN_PREPARATION,
	ST_CONTRACT_SIGNING,
	ST_CLOSED_WON,
	ST_CLOSED_LOST,
	ST_CLOSED_NO_FINANCING,
	ST_CANCELLED,
	ST_MERGED,
	ST_INBOUND,
	ST__MAX
};

/* ST_* index domain_lead_statuses (common/domain.h), the database order. */
_Static_assert(ST__MAX == DOMAIN_LEAD_STATUS_COUNT, "ST_* must match domain_lead_statuses");

#define S(x) (1u << (x))
/* The recommended paths; terminal statuses have none (0). */
static const unsigned transitions[ST__MAX] = {
	[ST_NEW] = S(ST_ONBOARDING_CONFIRMED) | S(ST_FIRST_CONTACT) | S(ST_UNQUALIFIED) |
	    S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_ONBOARDING_CONFIRMED] =
	    S(ST_FIRST_CONTACT) | S(ST_UNQUALIFIED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_FIRST_CONTACT] = S(ST_FOLLOW_UP) | S(ST_VERIFICATION) | S(ST_UNQUALIFIED) | S(ST_NEW) |
	    S(ST_ONBOARDING_CONFIRMED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_FOLLOW_UP] =
	    S(ST_VERIFICATION) | S(ST_UNQUALIFIED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_VERIFICATION] =
	    S(ST_GATHERING_DOCUMENTS) | S(ST_UNQUALIFIED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_GATHERING_DOCUMENTS] = S(ST_CREDIT_ANALYSIS) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_CREDIT_ANALYSIS] =
	    S(ST_OFFER_PRESENTED) | S(ST_CLOSED_LOST) | S(ST_CLOSED_NO_FINANCING) | S(ST_CANCELLED),
	[ST_OFFER_PRESENTED] =
	    S(ST_NEGOTIATIONS) | S(ST_TERMS_ACCEPTED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_NEGOTIATIONS] = S(ST_TERMS_ACCEPTED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_TERMS_ACCEPTED] = S(ST_CONTRACT_IN_PREPARATION) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_CONTRACT_IN_PREPARATION] = S(ST_CONTRACT_SIGNING) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_CONTRACT_SIGNING] = S(ST_CLOSED_WON) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
	[ST_INBOUND] =
	    S(ST_NEW) | S(ST_UNQUALIFIED) | S(ST_MERGED) | S(ST_CLOSED_LOST) | S(ST_CANCELLED),
};
/* Negative terminal statuses need a predefined reason (FR-20, data-model §3.4). */
#define NEEDS_REASON                                                                               \
	(S(ST_UNQUALIFIED) | S(ST_CLOSED_LOST) | S(ST_CLOSED_NO_FINANCING) | S(ST_CANCELLED))

/*
 * The predefined reasons (the examples of FR-20 and data-model §3.1) as
 * stable codes; the UI shows the Polish labels.  OTHER needs notes.
 *   NO_CREDIT_CAPACITY       Brak zdolności kredytowej
 *   NEGATIVE_CREDIT_HISTORY  Negatywna historia kredytowa
 *   CLIENT_RESIGNED          Klient zrezygnował
 *   NO_CONTACT               Brak kontaktu po wielu próbach
 *   COMPETITOR_OFFER         Lepsza oferta konkurencji
 *   LONG_WAIT                Długi czas oczekiwania
 *   MISSING_DOCUMENTS        Brak wymaganych dokumentów
 *   DATA_ERROR               Błąd w danych klienta
 *   PRODUCT_WITHDRAWN        Produkt wycofany z oferty
 *   REGULATION_CHANGE        Zmiana regulacji prawnych
 *   OTHER                    Inny powód (opisany w notatce)
 */
enum reason { RS_OTHER = 10 };
static const char *const reason_codes[] = {
	"NO_CREDIT_CAPACITY",
	"NEGATIVE_CREDIT_HISTORY",
	"CLIENT_RESIGNED",
	"NO_CONTACT",
	"COMPETITOR_OFFER",
	"LONG_WAIT",
	"MISSING_DOCUMENTS",
	"DATA_ERROR",
	"PRODUCT_WITHDRAWN",
	"REGULATION_CHANGE",
	[RS_OTHER] = "OTHER",
	NULL,
};

/* --- field rules -------------------------------------------------------- */

static bool
cuid_or_empty(const char *s)
{
	return *s == '\0' || id_is_cuid(s);
}

static bool
url_or_empty(const char *s)
{
	return *s == '\0' || valid_http_url(s);
}

/* --- body and query tables ---------------------------------------------- */

enum status_key {
	STATUS_STATUS,
	STATUS_NOTES,
	STATUS_ASSIGN,
	STATUS_UNASSIGN,
	STATUS_LAST_CONTACT,
	STATUS_NEXT_ACTION,
	STATUS_OVERRIDE,
	STATUS_REASON,
	STATUS__MAX
};
static const struct field status_fields[STATUS__MAX] = {
	[STATUS_STATUS] = { "status", FT_ENUM, F_REQUIRED, 0, 0, domain_lead_statuses },
	[STATUS_NOTES] = { "notes", FT_STRING, F_TRIM | F_MULTILINE, 0, 2000 },
	/* Any string: an unknown user is "Related record not found" (§4.6.1 step 10). */
	[STATUS_ASSIGN] = { "assignToUserId", FT_STRING, F_TRIM, 0, 64 },
	[STATUS_UNASSIGN] = { "unassign", FT_BOOL, 0, 0, 0 },
	[STATUS_LAST_CONTACT] = { "lastContactAt", FT_DATE, 0, 0, 0 },
	[STATUS_NEXT_ACTION] = { "nextActionAt", FT_DATE, 0, 0, 0 },
	[STATUS_OVERRIDE] = { "override", FT_BOOL, 0, 0, 0 },
	[STATUS_REASON] = { "reason", FT_ENUM, 0, 0, 0, reason_codes },
};
static const struct field_table status_in = FIELD_TABLE(status_fields);

enum customer_key {
	CUST_FIRST,
	CUST_LAST,
	CUST_EMAIL,
	CUST_PHONE,
	CUST_TYPE,
	CUST_CITY,
	CUST_POSTAL,
	CUST_VOIV,
	CUST__MAX
};
static const struct field customer_fields[CUST__MAX] = {
	[CUST_FIRST] = { "firstName", FT_STRING, F_TRIM, 1, 200 },
	[CUST_LAST] = { "lastName", FT_STRING, F_TRIM, 1, 200 },
	/* Not lower-cased: e-mails are stored and matched as written (§2.7). */
	[CUST_EMAIL] = { "email", FT_EMAIL, F_NULLABLE, 0, 0 },
	[CUST_PHONE] = { "phone", FT_STRING, F_NULLABLE | F_TRIM, 0, 50 },
	[CUST_TYPE] = { "customerType", FT_ENUM, F_NULLABLE, 0, 0, domain_customer_types },
	[CUST_CITY] = { "city", FT_STRING, F_NULLABLE | F_TRIM, 0, 200 },
	[CUST_POSTAL] = { "postalCode", FT_STRING, F_NULLABLE, 0, 0, NULL, NULL, NULL,
	    domain_postal_code, "Nieprawidłowy kod pocztowy" },
	[CUST_VOIV] = { "voivodeship", FT_ENUM, F_NULLABLE, 0, 0, domain_voivodeships },
};
static const struct field_table customer_in = FIELD_TABLE(customer_fields);

/* Vehicle years: 1900 ... current year + 1, the upper bound checked per request. */
#define YEAR_MIN 1900
#define YEAR_MAX 9999

enum current_key { CUR_MAKE, CUR_MODEL, CUR_YEAR, CUR_MILEAGE, CUR_OWNERSHIP, CUR_VIN, CUR__MAX };
static const struct field current_fields[CUR__MAX] = {
	[CUR_MAKE] = { "make", FT_STRING, F_TRIM, 0, 100 },
	[CUR_MODEL] = { "model", FT_STRING, F_TRIM, 0, 100 },
	[CUR_YEAR] = { "year", FT_INT, 0, YEAR_MIN, YEAR_MAX },
	[CUR_MILEAGE] = { "mileage", FT_INT, 0, 0, 100000000 },
	[CUR_OWNERSHIP] = { "ownershipStatus", FT_STRING, F_TRIM, 0, 100 },
	[CUR_VIN] = { "vin", FT_STRING, F_TRIM | F_UPPER, 17, 17, NULL, NULL, NULL, domain_vin,
	    "Nieprawidłowy nr VIN" },
};
static const struct field_table current_in = FIELD_TABLE(current_fields);

enum desired_key { DES_MAKE, DES_MODEL, DES_YEAR, DES_BUDGET, DES_NOTES, DES_PREFS, DES__MAX };
static const struct field desired_fields[DES__MAX] = {
	[DES_MAKE] = { "make", FT_STRING, F_TRIM, 0, 100 },
	[DES_MODEL] = { "model", FT_STRING, F_TRIM, 0, 100 },
	[DES_YEAR] = { "year", FT_INT, 0, YEAR_MIN, YEAR_MAX },
	[DES_BUDGET] = { "budget", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
	[DES_NOTES] = { "notes", FT_STRING, F_TRIM | F_MULTILINE, 0, 500 },
	/* Opaque (data-model §A.4); must be an object or null, stored as sent (FR-17). */
	[DES_PREFS] = { "preferences", FT_JSON, 0, 0, 0 },
};
static const struct field_table desired_in = FIELD_TABLE(desired_fields);

enum vehicles_key { VEH_CURRENT, VEH_DESIRED, VEH_AMOUNT, VEH__MAX };
static const struct field vehicles_fields[VEH__MAX] = {
	[VEH_CURRENT] = { "current", FT_OBJECT, F_NULLABLE, 0, 0, NULL, &current_in },
	[VEH_DESIRED] = { "desired", FT_OBJECT, F_NULLABLE, 0, 0, NULL, &desired_in },
	[VEH_AMOUNT] = { "amountAvailable", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
};
static const struct field_table vehicles_in = FIELD_TABLE(vehicles_fields);

enum financing_key {
	FIN_APP,
	FIN_BANK,
	FIN_LOAN,
	FIN_DOWN,
	FIN_TERM,
	FIN_INCOME,
	FIN_EXPENSES,
	FIN_DECISION,
	FIN_SCORE,
	FIN_SUB_BY,
	FIN_SUB_AT,
	FIN_BANK_REF,
	FIN_DECISION_AT,
	FIN__MAX
};
static const struct field financing_fields[FIN__MAX] = {
	[FIN_APP] = { "applicationId", FT_STRING, F_TRIM, 1, 64 },
	[FIN_BANK] = { "bank", FT_STRING, F_REQUIRED | F_TRIM, 1, 200 },
	[FIN_LOAN] = { "loanAmount", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
	[FIN_DOWN] = { "downPayment", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
	[FIN_TERM] = { "termMonths", FT_INT, F_NULLABLE | F_POSITIVE, 0, 1200 },
	[FIN_INCOME] = { "income", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
	[FIN_EXPENSES] = { "expenses", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
	/* pending/approved/rejected in any case; anything else means "no decision" (§4.6.5). */
	[FIN_DECISION] = { "decision", FT_STRING, F_NULLABLE | F_TRIM, 0, 50 },
	/* The columns the reference never exposed (FR-24). */
	[FIN_SCORE] = { "creditScore", FT_INT, F_NULLABLE, 0, 100000 },
	[FIN_SUB_BY] = { "submittedBy", FT_STRING, F_NULLABLE | F_TRIM, 0, 200 },
	[FIN_SUB_AT] = { "submittedAt", FT_DATE, F_NULLABLE, 0, 0 },
	[FIN_BANK_REF] = { "bankReference", FT_STRING, F_NULLABLE | F_TRIM, 0, 200 },
	[FIN_DECISION_AT] = { "decisionAt", FT_DATE, F_NULLABLE, 0, 0 },
};
static const struct field_table financing_in = FIELD_TABLE(financing_fields);

enum assign_key { ASSIGN_USER, ASSIGN__MAX };
static const struct field assign_fields[ASSIGN__MAX] = {
	/* null, "" and absent all unassign (§4.6.3 COMPAT: the frontend sends null). */
	[ASSIGN_USER] = { "userId", FT_STRING, F_NULLABLE | F_TRIM, 0, 64, NULL, NULL, NULL,
	    cuid_or_empty, "Invalid cuid" },
};
static const struct field_table assign_in = FIELD_TABLE(assign_fields);

enum note_key { NOTE_CONTENT, NOTE_LINK, NOTE__MAX };
static const struct field note_fields[NOTE__MAX] = {
	[NOTE_CONTENT] = { "content", FT_STRING, F_REQUIRED | F_TRIM | F_MULTILINE, 1, 2000 },
	/* Blank means no link; otherwise http(s) only (SR-23). */
	[NOTE_LINK] = { "link", FT_STRING, F_TRIM, 0, 2048, NULL, NULL, NULL, url_or_empty,
	    "Invalid url" },
};
static const struct field_table note_in = FIELD_TABLE(note_fields);

static const struct field draft_link = {
	.name = "link", .type = FT_STRING, .flags = F_TRIM, .max = 2048
};
enum draft_key { DRAFT_MESSAGE, DRAFT_SUBJECT, DRAFT_LINKS, DRAFT__MAX };
static const struct field draft_fields[DRAFT__MAX] = {
	[DRAFT_MESSAGE] = { "message", FT_STRING, F_NULLABLE | F_MULTILINE, 0, 20000 },
	[DRAFT_SUBJECT] = { "subject", FT_STRING, F_NULLABLE | F_TRIM, 0, 500 },
	[DRAFT_LINKS] = { "links", FT_ARRAY, F_NULLABLE, 0, 50, NULL, NULL, &draft_link },
};
static const struct field_table draft_in = FIELD_TABLE(draft_fields);

/* Blank entries are dropped; the rest are http(s) URLs (SR-23). */
#define EMAIL_LINKS_MAX 20
static const struct field email_link = { "link", FT_STRING, F_TRIM, 0, 2048, NULL, NULL, NULL,
	url_or_empty, "Invalid url" };
enum email_key {
	EMAIL_MESSAGE,
	EMAIL_LINKS,
	EMAIL_SUBJECT,
	EMAIL_REPLY_TO,
	EMAIL_QUOTED_TEXT,
	EMAIL_QUOTED_HTML,
	EMAIL__MAX
};
/* The limits keep one mail far below the 1 MiB body cap and a mail server's. */
static const struct field email_fields[EMAIL__MAX] = {
	/* Presence and blankness are the handler's: the reference answers "Message is required". */
	[EMAIL_MESSAGE] = { "message", FT_STRING, F_TRIM | F_MULTILINE, 0, 10000 },
	[EMAIL_LINKS] = { "links", FT_ARRAY, F_NULLABLE, 0, EMAIL_LINKS_MAX, NULL, NULL,
	    &email_link },
	/* One line: control characters (CR/LF) are refused, so no header injection (SR-24). */
	[EMAIL_SUBJECT] = { "subject", FT_STRING, F_NULLABLE | F_TRIM, 0, 200 },
	[EMAIL_REPLY_TO] = { "replyToNoteId", FT_CUID, F_NULLABLE, 0, 0 },
	[EMAIL_QUOTED_TEXT] = { "quotedText", FT_STRING, F_NULLABLE | F_MULTILINE, 0, 20000 },
	[EMAIL_QUOTED_HTML] = { "quotedHtml", FT_STRING, F_NULLABLE | F_MULTILINE, 0, 50000 },
};
static const struct field_table email_in = FIELD_TABLE(email_fields);

enum offer_key { OFFER_BASE, OFFER_DISCOUNT, OFFER_DAYS, OFFER__MAX };
static const struct field offer_fields[OFFER__MAX] = {
	[OFFER_BASE] = { "baseUrl", FT_URL, F_REQUIRED | F_TRIM, 0, 0 },
	[OFFER_DISCOUNT] = { "discountPln", FT_INT, F_REQUIRED, 0, 100000000 },
	[OFFER_DAYS] = { "expiresInDays", FT_INT, 0, 1, OFFERLINK_TTL_MAX_DAYS },
};
static const struct field_table offer_in = FIELD_TABLE(offer_fields);

enum verify_key { VERIFY_OFFER, VERIFY_SIG, VERIFY__MAX };
static const struct field verify_fields[VERIFY__MAX] = {
	[VERIFY_OFFER] = { "offer", FT_STRING, F_REQUIRED, 1, OFFERLINK_PARAM_MAX },
	[VERIFY_SIG] = { "sig", FT_STRING, F_REQUIRED, 1, 128 },
};
static const struct field_table verify_q = FIELD_TABLE(verify_fields);

enum merge_key { MERGE_TARGET, MERGE__MAX };
static const struct field merge_fields[MERGE__MAX] = {
	[MERGE_TARGET] = { "targetLeadId", FT_CUID, F_REQUIRED, 0, 0 },
};
static const struct field_table merge_in = FIELD_TABLE(merge_fields);

static int leads_status(struct req *);
static int leads_customer(struct req *);
static int leads_vehicles(struct req *);
static int leads_financing(struct req *);
static int leads_assignment(struct req *);
static int leads_note(struct req *);
static int leads_draft_save(struct req *);
static int leads_draft_get(struct req *);
static int leads_email(struct req *);
static int leads_offer_link(struct req *);
static int leads_offer_verify(struct req *);
static int leads_anonymize(struct req *);
static int leads_merge(struct req *);

/* The literal verify path comes first: it has the shape of /api/leads/:id/x. */
const struct route leads_write_routes[] = {
	/* method, pattern, handler, roles, body, query */
	{ HTTP_GET, "/api/leads/offer-link/verify", leads_offer_verify, ROLES_PUBLIC, NULL,
	    &verify_q },
	{ HTTP_POST, "/api/leads/:id/status", leads_status, ROLES_STAFF, &status_in, NULL },
	{ HTTP_PATCH, "/api/leads/:id/customer", leads_customer, ROLES_STAFF, &customer_in, NULL },
	{ HTTP_PATCH, "/api/leads/:id/vehicles", leads_vehicles, ROLES_STAFF, &vehicles_in, NULL },
	{ HTTP_POST, "/api/leads/:id/financing", leads_financing, ROLES_STAFF, &financing_in,
	    NULL },
	{ HTTP_PATCH, "/api/leads/:id/assignment", leads_assignment, ROLES_ADMIN, &assign_in,
	    NULL },
	{ HTTP_POST, "/api/leads/:id/notes", leads_note, ROLES_STAFF, &note_in, NULL },
	{ HTTP_POST, "/api/leads/:id/email/draft", leads_draft_save, ROLES_STAFF, &draft_in, NULL },
	{ HTTP_GET, "/api/leads/:id/email/draft", leads_draft_get, ROLES_STAFF, NULL, NULL },
	{ HTTP_POST, "/api/leads/:id/email", leads_email, ROLES_STAFF, &email_in, NULL },
	{ HTTP_POST, "/api/leads/:id/offer-link", leads_offer_link, ROLES_STAFF, &offer_in, NULL },
	{ HTTP_POST, "/api/leads/:id/anonymize", leads_anonymize, ROLES_ADMIN, NULL, NULL },
	{ HTTP_POST, "/api/leads/:id/merge", leads_merge, ROLES_MANAGERS, &merge_in, NULL },
};
const size_t leads_write_nroutes = NELEM(leads_write_routes);

int
leads_write_init(struct db *db)
{
	return db_register(db, leads_write_sql, LEADS_WRITE_SQL__MAX);
}

/* --- helpers ------------------------------------------------------------- */

static int
fail_500(struct req *r)
{
	return http_fail(r, 500, NULL, "Internal server error");
}

/* A JSON number as text PostgreSQL's numeric reads back exactly. */
static const char *
num_text(struct req *r, double d)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, sizeof(buf), "%.17g", d);
	return arena_strdup(r->mem, buf);
}

/* The first column of a one-row result as an arena string, or NULL. */
static const char *
cell(struct req *r, PGresult *res, int col)
{
	if (res == NULL || PQntuples(res) < 1 || PQgetisnull(res, 0, col))
		return NULL;
	return arena_strdup(r->mem, PQgetvalue(res, 0, col));
}

static int
current_year(const struct req *r)
{
	time_t t = (time_t)r->now;
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

/* A custom validation issue at path; -1 when out of memory. */
static int
add_issue(cJSON **issues, const char *const *path, size_t n, const char *msg)
{
	if (*issues == NULL && (*issues = cJSON_CreateArray()) == NULL)
		return -1;
	return valid_issue_custom(*issues, path, n, msg);
}

/* The lead summary without consentStatus (§4.6.1, §4.6.3 responses). */
static int
reply_summary(struct req *r, const char *lead_id)
{
	const char *p[1] = { lead_id };
	PGresult *res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_SUMMARY], 1, p);
	const char *json = cell(r, res, 0);

	if (res == NULL)
		return http_fail_db(r);
	return json != NULL ? http_ok_raw(r, json) : http_fail(r, 404, NULL, "Lead not found");
}

#define ANONYMIZED_MSG "Lead is anonymized"

/* --- status ------------------------------------------------------------- */

/*
 * POST /api/leads/:id/status, OPERATOR (scoped, client guard), SUPERVISOR, ADMIN.
 * Checks in the order of §4.6.1, with the recommended policy of §7.3:
 *   400 validation; 404 Lead not found; 403 Access denied;
 *   400 "Cannot assign and unassign at once" (FR-19);
 *   403 "Cannot assign lead to another user" / "Cannot unassign lead" (operators);
 *   400 "Unassign is only allowed when returning to NEW";
 *   409 CLIENT_ACTIVE (operators);
 *   400 "Lead already in requested status";
 *   400 "Status MERGED is set only by merging leads"; 409 "Lead already merged";
 *   400 "Status transition not allowed" outside the table, unless a
 *       SUPERVISOR/ADMIN sends override:true, which needs notes (400
 *       "Notes are required to override the transition table");
 *   400 "Reason is required for this status" (UNQUALIFIED, CLOSED_LOST,
 *       CLOSED_NO_FINANCING, CANCELLED); 400 "Notes are required for reason OTHER";
 *   400 "Related record not found" for an unknown assignee.
 * Effects in one transaction: status; FIRST_CONTACT claims (assignee =
 * assignToUserId or the actor, claimedAt = now); NEW releases; notes become a
 * LeadNote and the history reason (Lead.notes is left alone: QUIRK fixed);
 * a LeadStatusHistory row; AuditLog status_change.
 * 200: the lead summary without consentStatus.
 */
static int
leads_status(struct req *r)
{
	const struct value *v = r->in->v;
	int target = v[STATUS_STATUS].e, cur;
	const char *notes = json_in_nonempty(&v[STATUS_NOTES]),
		   *assign_to = json_in_nonempty(&v[STATUS_ASSIGN]);
	const char *reason = v[STATUS_REASON].present ? v[STATUS_REASON].s : NULL;
	bool unassign = v[STATUS_UNASSIGN].present && v[STATUS_UNASSIGN].b;
	bool want_override = v[STATUS_OVERRIDE].present && v[STATUS_OVERRIDE].b, overridden = false;
	bool is_operator = r->user->role == ROLE_OPERATOR, set_assignee = false;
	const char *assignee = NULL, *claimed = "keep", *meta, *old_json, *new_json;
	char hist_id[ID_SIZE], note_id[ID_SIZE];
	struct lead_ref ref;
	cJSON *m;
	PGresult *res;

	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	if (unassign && assign_to != NULL)
		return http_fail(r, 400, NULL, "Cannot assign and unassign at once");
	if (is_operator && assign_to != NULL && strcmp(assign_to, r->user->id) != 0)
		return http_fail(r, 403, NULL, "Cannot assign lead to another user");
	if (is_operator && unassign)
		return http_fail(r, 403, NULL, "Cannot unassign lead");
	if (unassign && target != ST_NEW)
		return http_fail(r, 400, NULL, "Unassign is only allowed when returning to NEW");
	if (lead_begin(r, LEAD_WRITE, &ref) == -1)
		return 0;
	if ((cur = domain_lead_status_parse(ref.status)) == -1) {
		log_error("leads", "lead %s has an unknown status", r->id);
		db_rollback(r->db);
		return fail_500(r);
	}
	if (cur == target)
		return tx_fail(r, 400, "Lead already in requested status");
	if (target == ST_MERGED)
		return tx_fail(r, 400, "Status MERGED is set only by merging leads");
	if (cur == ST_MERGED)
		return tx_fail(r, 409, "Lead already merged");
	if (!(transitions[cur] & S(target))) {
		if (!want_override || is_operator)
			return tx_fail(r, 400, "Status transition not allowed");
		if (notes == NULL)
			return tx_fail(
			    r, 400, "Notes are required to override the transition table");
		overridden = true;
	}
	if ((NEEDS_REASON & S(target)) && reason == NULL)
		return tx_fail(r, 400, "Reason is required for this status");
	if (reason != NULL && v[STATUS_REASON].e == RS_OTHER && notes == NULL)
		return tx_fail(r, 400, "Notes are required for reason OTHER");

	if (unassign || assign_to != NULL) {
		set_assignee = true;
		assignee = assign_to;
	}
	if (target == ST_FIRST_CONTACT) {
		set_assignee = true;
		assignee = assign_to != NULL ? assign_to : r->user->id;
		claimed = "now";
	} else if (target == ST_NEW) {
		set_assignee = true;
		assignee = NULL;
		claimed = "clear";
	}
	if (assignee != NULL && strcmp(assignee, r->user->id) != 0) {
		const char *p[1] = { assignee };
		if ((res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_USER], 1, p)) ==
		    NULL)
			return tx_fail_db(r);
		if (PQntuples(res) != 1)
			return tx_fail(r, 400, "Related record not found");
	}

	{
		const char *p[7] = { r->id, domain_lead_statuses[target],
			set_assignee ? "true" : "false", assignee, claimed,
			v[STATUS_LAST_CONTACT].present ? v[STATUS_LAST_CONTACT].s : NULL,
			v[STATUS_NEXT_ACTION].present ? v[STATUS_NEXT_ACTION].s : NULL };
		if (db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_STATUS_UPDATE], 7,
			p) == NULL)
			return tx_fail_db(r);
	}
	if (id_new(hist_id) == -1 || (notes != NULL && id_new(note_id) == -1)) {
		db_rollback(r->db);
		return fail_500(r);
	}
	{
		const char *p[8] = { hist_id, r->id, domain_lead_statuses[cur],
			domain_lead_statuses[target], r->user->id, notes, reason,
			overridden ? "true" : "false" };
		if (db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_HISTORY_INSERT], 8,
			p) == NULL)
			return tx_fail_db(r);
	}
	if (notes != NULL) {
		const char *p[5] = { note_id, r->id, r->user->id, notes, NULL };
		if (db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_NOTE_INSERT], 5, p) ==
		    NULL)
			return tx_fail_db(r);
	}

	/* Metadata keys as the reference (notes?, assignedUserId?) plus override and reason. */
	m = cJSON_CreateObject();
	if (m == NULL || (notes != NULL && cJSON_AddStringToObject(m, "notes", notes) == NULL) ||
	    ((unassign || assign_to != NULL) &&
		(assign_to != NULL ? cJSON_AddStringToObject(m, "assignedUserId", assign_to)
				   : cJSON_AddNullToObject(m, "assignedUserId")) == NULL) ||
	    cJSON_AddBoolToObject(m, "override", overridden) == NULL ||
	    (reason != NULL && cJSON_AddStringToObject(m, "reason", reason) == NULL)) {
		cJSON_Delete(m);
		db_rollback(r->db);
		return fail_500(r);
	}
	meta = json_print_take(r->mem, m);
	old_json = arena_printf(r->mem, "\"%s\"", domain_lead_statuses[cur]);
	new_json = arena_printf(r->mem, "\"%s\"", domain_lead_statuses[target]);
	if (meta == NULL || old_json == NULL || new_json == NULL ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "status_change", "status", old_json,
		    new_json, meta }) == -1)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s status %s -> %s by %s%s", r->id, domain_lead_statuses[cur],
	    domain_lead_statuses[target], r->user->id, overridden ? " (override)" : "");
	return reply_summary(r, r->id);
}

/* --- customer ----------------------------------------------------------- */

/* Adds key = value (string, or JSON null when v is null) to o if v was sent. */
static bool
patch_str(cJSON *o, const char *key, const struct value *v)
{
	if (!v->present)
		return true;
	return (v->null ? cJSON_AddNullToObject(o, key) : cJSON_AddStringToObject(o, key, v->s)) !=
	    NULL;
}

/*
 * PATCH /api/leads/:id/customer, OPERATOR (scoped, client guard), SUPERVISOR
 * (QUIRK of §4.6.2 fixed: supervisors edit vehicles and status, so client data
 * too), ADMIN.  All fields optional: absent = unchanged, null = cleared.
 * 400 validation; 404; 403; 409 CLIENT_ACTIVE; 409 "Lead is anonymized".
 * The address keeps its four known keys overlaid with the sent ones; a
 * missing profile is created.  AuditLog customer_updated.
 * 200 {"customerProfile": <full row>}.
 */
static int
leads_customer(struct req *r)
{
	const struct value *v = r->in->v;
	char id[ID_SIZE];
	cJSON *fields = cJSON_CreateObject(), *addr = cJSON_CreateObject();
	const char *fields_json, *addr_json, *resp, *audit_new;
	PGresult *res;

	if (fields == NULL || addr == NULL || !patch_str(fields, "firstName", &v[CUST_FIRST]) ||
	    !patch_str(fields, "lastName", &v[CUST_LAST]) ||
	    !patch_str(fields, "email", &v[CUST_EMAIL]) ||
	    !patch_str(fields, "phone", &v[CUST_PHONE]) ||
	    !patch_str(addr, "city", &v[CUST_CITY]) ||
	    !patch_str(addr, "voivodeship", &v[CUST_VOIV]) ||
	    !patch_str(addr, "postalCode", &v[CUST_POSTAL]) ||
	    !patch_str(addr, "customerType", &v[CUST_TYPE])) {
		cJSON_Delete(fields);
		cJSON_Delete(addr);
		return fail_500(r);
	}
	fields_json = json_print_take(r->mem, fields);
	addr_json = json_print_take(r->mem, addr);
	if (fields_json == NULL || addr_json == NULL || id_new(id) == -1)
		return fail_500(r);
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	{
		const char *p[4] = { id, r->id, fields_json, addr_json };
		res = db_query(
		    r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_CUSTOMER_UPSERT], 4, p);
	}
	if (res == NULL || (resp = cell(r, res, 0)) == NULL ||
	    (audit_new = cell(r, res, 1)) == NULL)
		return tx_fail_db(r);
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "customer_updated", "customerProfile",
		    NULL, audit_new, NULL }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s customer updated by %s", r->id, r->user->id);
	return http_ok_raw(r, resp);
}

/* --- vehicles ----------------------------------------------------------- */

/* Adds a trimmed string that is not empty (empty = unchanged, §4.6.4). */
static bool
patch_nonempty(cJSON *o, const char *key, const struct value *v)
{
	if (!v->present || v->s == NULL || v->s[0] == '\0')
		return true;
	return cJSON_AddStringToObject(o, key, v->s) != NULL;
}

static bool
patch_int(cJSON *o, const char *key, const struct value *v)
{
	return !v->present || cJSON_AddNumberToObject(o, key, (double)v->i) != NULL;
}

/* The current-vehicle patch, or NULL when out of memory. */
static const char *
current_patch(struct req *r, const struct value *c)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || !patch_nonempty(o, "make", &c[CUR_MAKE]) ||
	    !patch_nonempty(o, "model", &c[CUR_MODEL]) || !patch_int(o, "year", &c[CUR_YEAR]) ||
	    !patch_int(o, "mileage", &c[CUR_MILEAGE]) ||
	    !patch_nonempty(o, "ownershipStatus", &c[CUR_OWNERSHIP]) ||
	    !patch_nonempty(o, "vin", &c[CUR_VIN])) {
		cJSON_Delete(o);
		return NULL;
	}
	return json_print_take(r->mem, o);
}

/*
 * The desired-vehicle patch, or NULL when out of memory.  preferences
 * replaces the stored object as sent; without it, notes stands in for it
 * ({"notes": …}, or null when blank), as in the reference.
 */
static const char *
desired_patch(struct req *r, const struct value *d)
{
	cJSON *o = cJSON_CreateObject(), *prefs;

	if (o == NULL || !patch_nonempty(o, "make", &d[DES_MAKE]) ||
	    !patch_nonempty(o, "model", &d[DES_MODEL]) || !patch_int(o, "year", &d[DES_YEAR]))
		goto oom;
	if (d[DES_BUDGET].present &&
	    (d[DES_BUDGET].null ? cJSON_AddNullToObject(o, "budget")
				: cJSON_AddNumberToObject(o, "budget", d[DES_BUDGET].d)) == NULL)
		goto oom;
	if (d[DES_PREFS].present) {
		if ((prefs = cJSON_Duplicate(d[DES_PREFS].json, true)) == NULL)
			goto oom;
		if (!cJSON_AddItemToObject(o, "preferences", prefs)) {
			cJSON_Delete(prefs);
			goto oom;
		}
	} else if (d[DES_NOTES].present) {
		if (d[DES_NOTES].s[0] == '\0') {
			if (cJSON_AddNullToObject(o, "preferences") == NULL)
				goto oom;
		} else if ((prefs = cJSON_AddObjectToObject(o, "preferences")) == NULL ||
		    cJSON_AddStringToObject(prefs, "notes", d[DES_NOTES].s) == NULL)
			goto oom;
	}
	return json_print_take(r->mem, o);
oom:
	cJSON_Delete(o);
	return NULL;
}

/* Year ceilings that move with the calendar, and preferences' type (§4.6.4). */
static cJSON *
vehicles_issues(struct req *r, const struct value *v, bool *oom)
{
	int ceiling = current_year(r) + 1;
	char msg[64];
	cJSON *issues = NULL;

	*oom = false;
	snprintf(msg, sizeof(msg), "Number must be less than or equal to %d", ceiling);
	if (v[VEH_CURRENT].present && !v[VEH_CURRENT].null &&
	    v[VEH_CURRENT].obj->v[CUR_YEAR].present &&
	    v[VEH_CURRENT].obj->v[CUR_YEAR].i > ceiling) {
		static const char *const path[] = { "current", "year" };
		*oom |= add_issue(&issues, path, 2, msg) == -1;
	}
	if (v[VEH_DESIRED].present && !v[VEH_DESIRED].null) {
		const struct value *d = v[VEH_DESIRED].obj->v;
		if (d[DES_YEAR].present && d[DES_YEAR].i > ceiling) {
			static const char *const path[] = { "desired", "year" };
			*oom |= add_issue(&issues, path, 2, msg) == -1;
		}
		if (d[DES_PREFS].present && !d[DES_PREFS].null &&
		    !cJSON_IsObject(d[DES_PREFS].json)) {
			static const char *const path[] = { "desired", "preferences" };
			*oom |= add_issue(&issues, path, 2, "Expected object") == -1;
		}
	}
	return issues;
}

/*
 * One vehicle part of PATCH .../vehicles: absent leaves the row, null deletes
 * it, an object upserts the patch.  -1 on a database error (transaction open).
 */
static int
vehicle_apply(struct req *r, const struct value *part, const char *row_id, const char *patch,
    enum leads_write_sql del, enum leads_write_sql upsert)
{
	const char *p[3] = { row_id, r->id, patch };

	if (!part->present)
		return 0;
	if (part->null)
		return db_query(r->db, r->mem, &leads_write_sql[del], 1, p + 1) == NULL ? -1 : 0;
	return db_query(r->db, r->mem, &leads_write_sql[upsert], 3, p) == NULL ? -1 : 0;
}

/*
 * PATCH /api/leads/:id/vehicles, OPERATOR (scoped, client guard), SUPERVISOR, ADMIN.
 * Three independent optional parts: current / desired (object = upsert,
 * null = delete the row) and amountAvailable (the latest financing
 * application's down payment; creates one with bank "TBD" if none).
 * preferences round-trips as sent (FR-17); VINs are stored upper-cased.
 * 400 validation (years up to next year, checked per request); 404; 403;
 * 409 CLIENT_ACTIVE; 409 "Lead is anonymized".  AuditLog vehicle_updated.
 * 200 {vehicleCurrent, vehicleDesired, financingApps: [latest]}.
 */
static int
leads_vehicles(struct req *r)
{
	const struct value *v = r->in->v;
	const struct value *cur = &v[VEH_CURRENT], *des = &v[VEH_DESIRED], *amt = &v[VEH_AMOUNT];
	const char *cur_patch = NULL, *des_patch = NULL, *amount = NULL, *resp, *audit_new;
	char id1[ID_SIZE], id2[ID_SIZE], id3[ID_SIZE];
	cJSON *issues;
	bool oom;
	PGresult *res;

	if ((issues = vehicles_issues(r, v, &oom)) != NULL || oom) {
		if (oom) {
			cJSON_Delete(issues);
			return fail_500(r);
		}
		return http_fail_issues(r, issues);
	}
	if ((cur->present && !cur->null && (cur_patch = current_patch(r, cur->obj->v)) == NULL) ||
	    (des->present && !des->null && (des_patch = desired_patch(r, des->obj->v)) == NULL) ||
	    (amt->present && !amt->null && (amount = num_text(r, amt->d)) == NULL) ||
	    id_new(id1) == -1 || id_new(id2) == -1 || id_new(id3) == -1)
		return fail_500(r);
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	if (vehicle_apply(r, cur, id1, cur_patch, SQL_LEADS_WRITE_CURRENT_DELETE,
		SQL_LEADS_WRITE_CURRENT_UPSERT) == -1 ||
	    vehicle_apply(r, des, id2, des_patch, SQL_LEADS_WRITE_DESIRED_DELETE,
		SQL_LEADS_WRITE_DESIRED_UPSERT) == -1)
		return tx_fail_db(r);
	if (amt->present) {
		const char *p[3] = { r->id, amount, id3 };
		if (db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_AMOUNT_AVAILABLE], 3,
			p) == NULL)
			return tx_fail_db(r);
	}
	{
		const char *p[2] = { r->id, amount };
		res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_VEHICLES_GET], 2, p);
	}
	if (res == NULL || (resp = cell(r, res, 0)) == NULL ||
	    (audit_new = cell(r, res, 1)) == NULL)
		return tx_fail_db(r);
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "vehicle_updated", "vehicle", NULL,
		    audit_new, NULL }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s vehicles updated by %s", r->id, r->user->id);
	return http_ok_raw(r, resp);
}

/* --- financing ---------------------------------------------------------- */

/* "pending"/"approved"/"rejected" in any case -> the enum; else NULL (§4.6.5). */
static const char *
decision_of(const struct value *v)
{
	static const char *const names[] = { "PENDING", "APPROVED", "REJECTED" };

	if (!v->present || v->null)
		return NULL;
	for (size_t i = 0; i < NELEM(names); i++)
		if (strcasecmp(v->s, names[i]) == 0)
			return names[i];
	return NULL;
}

static const char *
opt_num(struct req *r, const struct value *v)
{
	return v->present && !v->null ? num_text(r, v->d) : NULL;
}

/* Adds the sent number (or null) under key: the audit keeps values as sent. */
static bool
audit_num(cJSON *o, const char *key, const struct value *v)
{
	return (v->present && !v->null ? cJSON_AddNumberToObject(o, key, v->d)
				       : cJSON_AddNullToObject(o, key)) != NULL;
}

static bool
audit_str(cJSON *o, const char *key, const char *s)
{
	return (s != NULL ? cJSON_AddStringToObject(o, key, s) : cJSON_AddNullToObject(o, key)) !=
	    NULL;
}

/*
 * POST /api/leads/:id/financing, OPERATOR (scoped, client guard), SUPERVISOR, ADMIN.
 * Creates an application, or with applicationId replaces one of this lead's:
 * full replacement, every field not sent becomes null (decision included).
 * 400 validation; 404 Lead not found; 403; 409 CLIENT_ACTIVE;
 * 409 "Lead is anonymized"; 404 "Financing application not found" when the
 * id is unknown or belongs to another lead (SR-16).
 * AuditLog financing_update (oldValue {applicationId} on update).
 * 201 on create, 200 on update: the full row, money as decimal strings.
 */
static int
leads_financing(struct req *r)
{
	const struct value *v = r->in->v;
	const char *app_id = json_in_nonempty(&v[FIN_APP]), *decision = decision_of(&v[FIN_DECISION]);
	const char *new_json, *old_json = NULL, *resp, *row_id;
	char id[ID_SIZE];
	cJSON *a = cJSON_CreateObject();
	PGresult *res;

	if (a == NULL || cJSON_AddStringToObject(a, "bank", v[FIN_BANK].s) == NULL ||
	    !audit_num(a, "loanAmount", &v[FIN_LOAN]) ||
	    !audit_num(a, "downPayment", &v[FIN_DOWN]) ||
	    !audit_num(a, "termMonths", &v[FIN_TERM]) || !audit_num(a, "income", &v[FIN_INCOME]) ||
	    !audit_num(a, "expenses", &v[FIN_EXPENSES]) || !audit_str(a, "decision", decision) ||
	    !audit_num(a, "creditScore", &v[FIN_SCORE]) ||
	    !audit_str(a, "submittedBy", json_in_str(&v[FIN_SUB_BY])) ||
	    !audit_str(a, "submittedAt", json_in_str(&v[FIN_SUB_AT])) ||
	    !audit_str(a, "bankReference", json_in_str(&v[FIN_BANK_REF])) ||
	    !audit_str(a, "decisionAt", json_in_str(&v[FIN_DECISION_AT]))) {
		cJSON_Delete(a);
		return fail_500(r);
	}
	if ((new_json = json_print_take(r->mem, a)) == NULL)
		return fail_500(r);
	if (app_id != NULL) {
		cJSON *o = cJSON_CreateObject();
		if (o == NULL || cJSON_AddStringToObject(o, "applicationId", app_id) == NULL) {
			cJSON_Delete(o);
			return fail_500(r);
		}
		if ((old_json = json_print_take(r->mem, o)) == NULL)
			return fail_500(r);
		row_id = app_id;
	} else if (id_new(id) == -1)
		return fail_500(r);
	else
		row_id = id;

	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	if (app_id != NULL) {
		const char *p[2] = { app_id, r->id };
		if ((res = db_query(r->db, r->mem,
			 &leads_write_sql[SQL_LEADS_WRITE_FINANCING_OWNED], 2, p)) == NULL)
			return tx_fail_db(r);
		if (PQntuples(res) != 1)
			return tx_fail(r, 404, "Financing application not found");
	}
	{
		const char *p[14] = { row_id, r->id, v[FIN_BANK].s, opt_num(r, &v[FIN_LOAN]),
			opt_num(r, &v[FIN_DOWN]), opt_num(r, &v[FIN_TERM]),
			opt_num(r, &v[FIN_INCOME]), opt_num(r, &v[FIN_EXPENSES]),
			opt_num(r, &v[FIN_SCORE]), json_in_str(&v[FIN_SUB_BY]), json_in_str(&v[FIN_SUB_AT]),
			json_in_str(&v[FIN_BANK_REF]), decision, json_in_str(&v[FIN_DECISION_AT]) };
		if (db_query(r->db, r->mem,
			&leads_write_sql[app_id != NULL ? SQL_LEADS_WRITE_FINANCING_UPDATE
							: SQL_LEADS_WRITE_FINANCING_INSERT],
			14, p) == NULL)
			return tx_fail_db(r);
	}
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "financing_update", "financing",
		    old_json, new_json, NULL }) == -1)
		return tx_fail_db(r);
	{
		const char *p[1] = { row_id };
		res =
		    db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_FINANCING_GET], 1, p);
	}
	if ((resp = cell(r, res, 0)) == NULL || db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s financing %s %s by %s", r->id, row_id,
	    app_id != NULL ? "replaced" : "created", r->user->id);
	return app_id != NULL ? http_ok_raw(r, resp) : http_created_raw(r, resp);
}

/* --- assignment --------------------------------------------------------- */

static const char *
assignee_json(struct req *r, const char *user_id)
{
	cJSON *o;

	if (user_id == NULL)
		return "null";
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "assignedUserId", user_id) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return json_print_take(r->mem, o);
}

/*
 * PATCH /api/leads/:id/assignment, ADMIN.  {"userId": cuid | "" | null}; ""
 * null and absent unassign (§4.6.3 COMPAT).
 * 400 validation; 404 Lead not found; 404 "User not found" (unknown or not
 * ACTIVE); 400 "Only operators can be assigned to leads".
 * claimedAt and status stay.  AuditLog assignment_change.
 * 200: the lead summary without consentStatus.
 */
static int
leads_assignment(struct req *r)
{
	const char *user_id = json_in_nonempty(&r->in->v[ASSIGN_USER]), *old_json, *new_json;
	PGresult *res;

	if (lead_access(r, r->id, LEAD_WRITE, NULL) == -1)
		return 0;
	if (user_id != NULL) {
		const char *p[1] = { user_id };
		if ((res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_USER], 1, p)) ==
		    NULL)
			return http_fail_db(r);
		if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), "ACTIVE") != 0)
			return http_fail(r, 404, NULL, "User not found");
		if (strcmp(PQgetvalue(res, 0, 0), "OPERATOR") != 0)
			return http_fail(r, 400, NULL, "Only operators can be assigned to leads");
	}
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	{
		const char *p[2] = { r->id, user_id };
		res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_ASSIGN], 2, p);
	}
	if (res == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 1)
		return tx_fail(r, 404, "Lead not found");
	old_json = assignee_json(r, PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0));
	new_json = assignee_json(r, user_id);
	if (old_json == NULL || new_json == NULL) {
		db_rollback(r->db);
		return fail_500(r);
	}
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "assignment_change", "assignedUserId",
		    old_json, new_json, NULL }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s assigned to %s by %s", r->id,
	    user_id != NULL ? user_id : "nobody", r->user->id);
	return reply_summary(r, r->id);
}

/* --- notes and drafts --------------------------------------------------- */

/*
 * POST /api/leads/:id/notes, OPERATOR (scoped: SR-14 fix; client guard),
 * SUPERVISOR, ADMIN.  {content: 1-2000 trimmed, link?: http(s) URL, blank = none}.
 * 400 validation; 404; 403; 409 CLIENT_ACTIVE; 409 "Lead is anonymized".
 * AuditLog note_added {id, content, link}.  201: the note with its author.
 */
static int
leads_note(struct req *r)
{
	const struct value *v = r->in->v;
	const char *link = json_in_nonempty(&v[NOTE_LINK]), *resp, *audit_new;
	char id[ID_SIZE];
	PGresult *res;

	if (id_new(id) == -1)
		return fail_500(r);
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	{
		const char *p[5] = { id, r->id, r->user->id, v[NOTE_CONTENT].s, link };
		res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_NOTE_INSERT], 5, p);
	}
	if ((resp = cell(r, res, 0)) == NULL || (audit_new = cell(r, res, 1)) == NULL)
		return tx_fail_db(r);
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){
		    r->id, r->user->id, "note_added", "notes", NULL, audit_new, NULL }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s note %s by %s", r->id, id, r->user->id);
	return http_created_raw(r, resp);
}

/*
 * POST /api/leads/:id/email/draft, OPERATOR, SUPERVISOR, ADMIN, scoped
 * (SR-14 fix; a draft is not a change of the lead, so no client guard).
 * {message?, subject?, links?: strings, blank ones dropped}: replaces the
 * actor's own draft for this lead (one per lead and user).
 * 400 validation; 404 Lead not found (QUIRK fixed, was 500); 403;
 * 409 "Lead is anonymized".  200: the draft.
 */
static int
leads_draft_save(struct req *r)
{
	const struct value *v = r->in->v, *links = &v[DRAFT_LINKS];
	const char *links_json, *resp;
	char id[ID_SIZE];
	cJSON *a = cJSON_CreateArray();
	PGresult *res;

	for (size_t i = 0; a != NULL && links->present && !links->null && i < links->n; i++)
		if (links->arr[i].s[0] != '\0' &&
		    !cJSON_AddItemToArray(a, cJSON_CreateString(links->arr[i].s))) {
			cJSON_Delete(a);
			a = NULL;
		}
	if ((links_json = json_print_take(r->mem, a)) == NULL || id_new(id) == -1)
		return fail_500(r);
	if (lead_begin(r, LEAD_READ, NULL) == -1)
		return 0;
	{
		const char *p[6] = { id, r->id, r->user->id, json_in_str(&v[DRAFT_SUBJECT]),
			json_in_str(&v[DRAFT_MESSAGE]), links_json };
		res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_DRAFT_UPSERT], 6, p);
	}
	if ((resp = cell(r, res, 0)) == NULL || db_commit(r->db) == -1)
		return tx_fail_db(r);
	return http_ok_raw(r, resp);
}

/*
 * GET /api/leads/:id/email/draft, OPERATOR, SUPERVISOR, ADMIN, scoped.
 * 404; 403.  200: the actor's own draft, or the JSON literal null.
 */
static int
leads_draft_get(struct req *r)
{
	const char *p[2] = { r->id, r->user->id };
	PGresult *res;
	const char *draft;

	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	if ((res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_DRAFT_GET], 2, p)) ==
	    NULL)
		return http_fail_db(r);
	draft = cell(r, res, 0);
	return http_ok_raw(r, draft != NULL ? draft : "null");
}

/* --- e-mail to the customer --------------------------------------------- */

#define EMAIL_SUBJECT_DEFAULT "Wiadomość z Carsalon.pl"
/* Pieces of a body: message (3), five per link, the block's end and the quote (3). */
#define BODY_PARTS (8 + 5 * EMAIL_LINKS_MAX)

/* True when s has a character other than white space. */
static bool
not_blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return true;
	return false;
}

/* The n strings of parts, one after the other, in one arena string; NULL when out of memory. */
static char *
join(struct req *r, const char *const *parts, size_t n)
{
	size_t len = 0;
	char *out, *o;

	for (size_t i = 0; i < n; i++) {
		if (parts[i] == NULL)
			return NULL;
		len += strlen(parts[i]);
	}
	if ((out = arena_alloc(r->mem, len + 1)) == NULL)
		return NULL;
	o = out;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);
		memcpy(o, parts[i], l);
		o += l;
	}
	*o = '\0';
	return out;
}

/*
 * url (an absolute http(s) URL, checked by the field table) with the
 * campaign parameters of §4.6.12 appended to its query, before any
 * fragment; a bare origin gains the "/" path a browser's URL serialiser
 * writes.  NULL when out of memory.
 */
static char *
track_link(struct req *r, const char *url)
{
	const char *host = strstr(url, "://"), *rest, *frag, *sep;
	size_t headlen;

	host = host != NULL ? host + 3 : url;
	rest = host + strcspn(host, "/?#");
	frag = strchr(rest, '#');
	headlen = frag != NULL ? (size_t)(frag - url) : strlen(url);
	if (memchr(rest, '?', headlen - (size_t)(rest - url)) == NULL)
		sep = "?";
	else if (url[headlen - 1] == '?' || url[headlen - 1] == '&')
		sep = "";
	else
		sep = "&";
	return arena_printf(r->mem,
	    "%.*s%s%.*s%sutm_source=izzy-crm&utm_medium=email&utm_campaign=lead-%s%s",
	    (int)(rest - url), url, *rest == '/' ? "" : "/", (int)(headlen - (size_t)(rest - url)),
	    rest, sep, r->id, frag != NULL ? frag : "");
}

/* One path segment of a link title, percent-decoded when that gives clean UTF-8. */
static char *
title_segment(struct req *r, const char *s, size_t n)
{
	char *raw = arena_strndup(r->mem, s, n), *dec = arena_alloc(r->mem, n + 1);

	if (raw == NULL || dec == NULL)
		return NULL;
	if (!valid_urldecode(dec, raw, n) || !valid_utf8(dec, strlen(dec)))
		return raw;
	for (const char *p = dec; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return raw;
	return dec;
}

/*
 * The text of a link in the HTML body (§4.6.12, FR-62): "Make Model" when
 * the URL's path holds /samochod/<Make>/<Model> (the model's dashes as
 * spaces), else the URL itself.  Not escaped yet; NULL when out of memory.
 */
static const char *
link_title(struct req *r, const char *url)
{
	const char *host = strstr(url, "://"), *path, *make, *model;
	char *p, *mk, *md;
	size_t mlen, dlen;

	host = host != NULL ? host + 3 : url;
	path = host + strcspn(host, "/?#");
	if ((p = arena_strndup(r->mem, path, strcspn(path, "?#"))) == NULL)
		return NULL;
	if ((make = strstr(p, "/samochod/")) == NULL)
		return url;
	make += strlen("/samochod/");
	mlen = strcspn(make, "/");
	if (mlen == 0 || make[mlen] != '/')
		return url;
	model = make + mlen + 1;
	if ((dlen = strcspn(model, "/")) == 0)
		return url;
	if ((mk = title_segment(r, make, mlen)) == NULL ||
	    (md = title_segment(r, model, dlen)) == NULL)
		return NULL;
	for (char *q = md; *q != '\0'; q++)
		if (*q == '-')
			*q = ' ';
	return arena_printf(r->mem, "%s %s", mk, md);
}

/*
 * POST /api/leads/:id/email, OPERATOR (scoped: SR-14 fix; client guard),
 * SUPERVISOR, ADMIN (§4.6.12, FR-62, SR-24).
 * {message: 1-10000 trimmed, links?: up to 20 http(s) URLs (blank dropped),
 * subject?: up to 200 trimmed (blank: "Wiadomość z Carsalon.pl"),
 * replyToNoteId?: a note of this lead, quotedText?, quotedHtml?}.
 * 400 "Message is required" (absent or blank); 400 validation; 404 Lead not
 * found; 403 Access denied; 409 CLIENT_ACTIVE;
 * 409 "Lead is anonymized"; 404 "Lead or customer email not found";
 * 404 "Note not found" (replyToNoteId of another lead or none);
 * 400 "Invalid recipient or subject" (not a single line: header injection);
 * 500 "Failed to send email" when the mail cannot be queued.
 * Nothing is sent here: one transaction queues the mail in the Outbox (text
 * plus HTML in which every supplied text is escaped; quotedHtml is kept in
 * the note's metadata only, the HTML quote is the escaped quotedText) and
 * adds the EMAIL_SENT note (metadata with outboxId and delivery QUEUED)
 * and AuditLog email_sent {noteId, outboxId}.  Links carry utm parameters.
 * 200 (not 201, COMPAT): the note with its author.  The draft stays.
 */
static int
leads_email(struct req *r)
{
	const struct value *v = r->in->v, *links = &v[EMAIL_LINKS];
	const char *message = v[EMAIL_MESSAGE].s, *reply_to = json_in_nonempty(&v[EMAIL_REPLY_TO]);
	const char *quoted_text = json_in_nonempty(&v[EMAIL_QUOTED_TEXT]);
	const char *quoted_html = json_in_nonempty(&v[EMAIL_QUOTED_HTML]);
	const char *subject = json_in_nonempty(&v[EMAIL_SUBJECT]), *to, *links_json, *text, *html;
	const char *tparts[BODY_PARTS], *hparts[BODY_PARTS], *resp, *audit_new;
	size_t nt = 0, nh = 0, nlinks = 0;
	char note_id[ID_SIZE], outbox_id[ID_SIZE];
	struct lead_ref ref;
	cJSON *tracked;
	PGresult *res;

	if (message == NULL || *message == '\0')
		return http_fail(r, 400, NULL, "Message is required");
	if (lead_access(r, r->id, LEAD_WRITE, &ref) == -1)
		return 0;
	if (ref.anonymized)
		return http_fail(r, 409, NULL, ANONYMIZED_MSG);
	{
		const char *p[1] = { r->id };
		res = db_query(
		    r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_EMAIL_RECIPIENT], 1, p);
	}
	if (res == NULL)
		return http_fail_db(r);
	if ((to = cell(r, res, 0)) == NULL)
		return http_fail(r, 404, NULL, "Lead or customer email not found");
	if (reply_to != NULL) {
		const char *p[2] = { reply_to, r->id };
		if ((res = db_query(r->db, r->mem,
			 &leads_write_sql[SQL_LEADS_WRITE_EMAIL_REPLY_NOTE], 2, p)) == NULL)
			return http_fail_db(r);
		if (PQntuples(res) != 1)
			return http_fail(r, 404, NULL, "Note not found");
	}
	if (subject == NULL)
		subject = EMAIL_SUBJECT_DEFAULT;
	/* The field table refuses CR/LF in the subject; the stored address is
	 * checked here, with outbox_mail's rule, so that its refusal is a 400. */
	if (strpbrk(to, "\r\n,;") != NULL || strpbrk(subject, "\r\n") != NULL)
		return http_fail(r, 400, NULL, "Invalid recipient or subject");
	if (!not_blank(quoted_text))
		quoted_text = NULL;

	/* Both bodies piece by piece (§4.6.12): message, "Links:" block, quote. */
	if ((tracked = cJSON_CreateArray()) == NULL)
		return fail_500(r);
	tparts[nt++] = message;
	hparts[nh++] = "<p>";
	hparts[nh++] = html_escape_lines(r->mem, message);
	hparts[nh++] = "</p>";
	for (size_t i = 0; links->present && !links->null && i < links->n; i++) {
		const char *url = links->arr[i].s, *link, *title;
		if (url == NULL || url[0] == '\0')
			continue;
		if ((link = track_link(r, url)) == NULL || (title = link_title(r, link)) == NULL ||
		    !cJSON_AddItemToArray(tracked, cJSON_CreateString(link))) {
			cJSON_Delete(tracked);
			return fail_500(r);
		}
		tparts[nt++] = nlinks == 0 ? "\n\nLinks:\n- " : "\n- ";
		tparts[nt++] = link;
		hparts[nh++] = nlinks == 0 ? "<p>Links:<br><a href=\"" : "<br><a href=\"";
		hparts[nh++] = html_escape(r->mem, link);
		hparts[nh++] = "\">";
		hparts[nh++] = html_escape(r->mem, title);
		hparts[nh++] = "</a>";
		nlinks++;
	}
	if (nlinks > 0)
		hparts[nh++] = "</p>";
	if (quoted_text != NULL) {
		tparts[nt++] = "\n\n";
		tparts[nt++] = quoted_text;
		hparts[nh++] = "<hr><div style=\"color:#6b7280\">";
		hparts[nh++] = html_escape_lines(r->mem, quoted_text);
		hparts[nh++] = "</div>";
	}
	if ((links_json = json_print_take(r->mem, tracked)) == NULL || (text = join(r, tparts, nt)) == NULL ||
	    (html = join(r, hparts, nh)) == NULL || id_new(note_id) == -1)
		return fail_500(r);

	/* Again under the row lock: an anonymisation may have run meanwhile. */
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	if (outbox_mail(r->db, r->mem,
		&(struct outbox_mail){ to, subject, text, html, "lead_email", r->id, NULL },
		outbox_id) == -1) {
		db_rollback(r->db);
		return http_fail(r, 500, NULL, "Failed to send email");
	}
	{
		const char *p[12] = { note_id, r->id, r->user->id, message, r->user->email, to,
			subject, links_json, html, reply_to, quoted_html, outbox_id };
		res = db_query(
		    r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_EMAIL_NOTE_INSERT], 12, p);
	}
	if (res == NULL)
		return tx_fail_db(r);
	if ((resp = cell(r, res, 0)) == NULL || (audit_new = cell(r, res, 1)) == NULL) {
		db_rollback(r->db);
		return http_fail(r, 500, NULL, "Failed to send email");
	}
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){
		    r->id, r->user->id, "email_sent", "notes", NULL, audit_new, NULL }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s e-mail note %s queued as %s (%zu link(s)) by %s", r->id, note_id,
	    outbox_id, nlinks, r->user->id);
	return http_ok_raw(r, resp);
}

/* --- offer links -------------------------------------------------------- */

/*
 * POST /api/leads/:id/offer-link, OPERATOR (scoped), SUPERVISOR, ADMIN.
 * {baseUrl: http(s) URL, discountPln: int >= 0, expiresInDays?: 1-90 (14)}.
 * 400 validation; 404; 403.  Nothing is stored.
 * 200 {"finalUrl": baseUrl + offer=<payload>&sig=<HMAC>, "expiresAt"} (SR-30).
 */
static int
leads_offer_link(struct req *r)
{
	const struct value *v = r->in->v;
	long long days = v[OFFER_DAYS].present ? v[OFFER_DAYS].i : OFFERLINK_TTL_DAYS;
	struct offerlink l;
	struct offerlink_key key;
	char expires[32], *url;
	cJSON *o;

	if (strlen(v[OFFER_BASE].s) > 2048) {
		static const char *const path[] = { "baseUrl" };
		cJSON *issues = NULL;
		if (add_issue(&issues, path, 1, "String must contain at most 2048 character(s)") ==
		    -1) {
			cJSON_Delete(issues);
			return fail_500(r);
		}
		return http_fail_issues(r, issues);
	}
	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	memset(&l, 0, sizeof(l));
	snprintf(l.lead_id, sizeof(l.lead_id), "%s", r->id);
	l.discount_pln = v[OFFER_DISCOUNT].i;
	l.exp = r->now + (int64_t)days * 86400;
	if (offerlink_key(cfg_get(), &key) == -1 ||
	    (url = offerlink_build(r->mem, &key, v[OFFER_BASE].s, &l)) == NULL)
		return fail_500(r);
	explicit_bzero(&key, sizeof(key));
	valid_format_date(expires, (long long)l.exp * 1000);
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "finalUrl", url) == NULL ||
	    cJSON_AddStringToObject(o, "expiresAt", expires) == NULL) {
		cJSON_Delete(o);
		return fail_500(r);
	}
	log_info("leads", "lead %s offer link issued by %s", r->id, r->user->id);
	return http_ok(r, o);
}

/*
 * GET /api/leads/offer-link/verify?offer=…&sig=…, public (the marketplace
 * or its customers' browsers).  Signature first, in constant time, then expiry.
 * 400 validation (parameter missing); 400 INVALID_SIGNATURE for a forged,
 * altered or malformed link; 410 LINK_EXPIRED.
 * 200 {"valid":true,"discountPln","leadId","expiresAt"}.
 */
static int
leads_offer_verify(struct req *r)
{
	struct offerlink l;
	struct offerlink_key key;
	enum offerlink_err e;
	char expires[32];
	cJSON *o;

	if (offerlink_key(cfg_get(), &key) == -1)
		return fail_500(r);
	e = offerlink_verify(&key, r->q->v[VERIFY_OFFER].s, r->q->v[VERIFY_SIG].s, r->now, &l);
	explicit_bzero(&key, sizeof(key));
	if (e == OFFERLINK_EXPIRED)
		return http_fail(r, 410, "LINK_EXPIRED", "Offer link expired");
	if (e != OFFERLINK_OK) {
		log_info("leads", "offer link rejected");
		return http_fail(r, 400, "INVALID_SIGNATURE", "Invalid offer link");
	}
	valid_format_date(expires, (long long)l.exp * 1000);
	if ((o = cJSON_CreateObject()) == NULL || cJSON_AddBoolToObject(o, "valid", true) == NULL ||
	    cJSON_AddNumberToObject(o, "discountPln", (double)l.discount_pln) == NULL ||
	    cJSON_AddStringToObject(o, "leadId", l.lead_id) == NULL ||
	    cJSON_AddStringToObject(o, "expiresAt", expires) == NULL) {
		cJSON_Delete(o);
		return fail_500(r);
	}
	return http_ok(r, o);
}

/* --- anonymisation ------------------------------------------------------ */

/*
 * POST /api/leads/:id/anonymize, ADMIN (FR-38, SR-42).  No body.
 * Erases, in one transaction, every personal datum of the client wherever
 * the system copied it (see leads_write_anonymize in leads_write.sql), also
 * in the duplicates merged into the lead, and sets anonymizedAt and
 * anonymizedById; AuditLog LEAD_ANONYMIZED {anonymizedAt} on the lead.
 * Stored document files are flagged (Document.erasureRequestedAt) for the
 * documents program to delete.
 * 404 Lead not found; 409 "Lead already anonymized".
 * 200 {"message":"Lead anonymized successfully"}.
 */
static int
leads_anonymize(struct req *r)
{
	const char *p[2] = { r->id, r->user->id }, *at, *meta, *docs, *dups;
	cJSON *m, *o;
	PGresult *res;

	if (lead_begin(r, LEAD_ANONYMIZE, NULL) == -1)
		return 0;
	if ((res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_ANONYMIZE], 2, p)) ==
	    NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 1)
		return tx_fail(r, 409, "Lead already anonymized");
	at = cell(r, res, 0);
	docs = cell(r, res, 1);
	dups = cell(r, res, 2);
	if ((m = cJSON_CreateObject()) == NULL || at == NULL ||
	    cJSON_AddStringToObject(m, "anonymizedAt", at) == NULL) {
		cJSON_Delete(m);
		db_rollback(r->db);
		return fail_500(r);
	}
	if ((meta = json_print_take(r->mem, m)) == NULL ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){
		    r->id, r->user->id, "LEAD_ANONYMIZED", NULL, NULL, NULL, meta }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s anonymized by %s (+%s merged); %s file(s) to erase", r->id,
	    r->user->id, dups != NULL ? dups : "0", docs != NULL ? docs : "0");
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "message", "Lead anonymized successfully") == NULL) {
		cJSON_Delete(o);
		return fail_500(r);
	}
	return http_ok(r, o);
}

/* --- merge -------------------------------------------------------------- */

static const char *
merge_meta(struct req *r, const char *key, const char *lead_id, const char *moved)
{
	cJSON *o = cJSON_CreateObject(), *mv = moved != NULL ? cJSON_Parse(moved) : NULL;

	if (o == NULL || mv == NULL || cJSON_AddStringToObject(o, key, lead_id) == NULL ||
	    !cJSON_AddItemToObject(o, "moved", mv)) {
		cJSON_Delete(o);
		cJSON_Delete(mv);
		return NULL;
	}
	return json_print_take(r->mem, o);
}

/*
 * POST /api/leads/:id/merge, SUPERVISOR, ADMIN (FR-28, data-model §6.3).
 * {"targetLeadId": cuid}: lead :id (the duplicate) is merged into the target.
 * 400 validation; 404 Lead not found (either); 403 Access denied (either);
 * 400 "Cannot merge a lead into itself"; 409 "Lead already merged" /
 * "Target lead already merged"; 409 "Anonymized leads cannot be merged".
 * Moves notes, documents, consent records, financing applications, offers,
 * reminders, audit entries and status history to the target; the form (with
 * its e-mail log) only if the target has none; the duplicate's e-mail
 * addresses join the target's alternateEmails.  The duplicate becomes MERGED
 * (mergedIntoId, a history row); AuditLog LEAD_MERGED on both.
 * 200 {"mergedLeadId","targetLeadId"}.
 */
static int
leads_merge(struct req *r)
{
	const char *target = r->in->v[MERGE_TARGET].s, *moved, *src_status = NULL;
	const char *src_meta, *dst_meta, *reason;
	char hist_id[ID_SIZE];
	cJSON *o;
	PGresult *res;

	if (lead_access(r, r->id, LEAD_WRITE, NULL) == -1 ||
	    lead_access(r, target, LEAD_WRITE, NULL) == -1)
		return 0;
	if (strcmp(r->id, target) == 0)
		return http_fail(r, 400, NULL, "Cannot merge a lead into itself");
	if (id_new(hist_id) == -1)
		return fail_500(r);
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	{
		const char *p[2] = { r->id, target };
		res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_MERGE_LOCK], 2, p);
	}
	if (res == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 2)
		return tx_fail(r, 404, "Lead not found");
	for (int i = 0; i < 2; i++) {
		bool is_src = strcmp(PQgetvalue(res, i, 0), r->id) == 0;
		if (strcmp(PQgetvalue(res, i, 2), "t") == 0)
			return tx_fail(r, 409, "Anonymized leads cannot be merged");
		if (strcmp(PQgetvalue(res, i, 1), "MERGED") == 0)
			return tx_fail(
			    r, 409, is_src ? "Lead already merged" : "Target lead already merged");
		if (is_src)
			src_status = arena_strdup(r->mem, PQgetvalue(res, i, 1));
	}
	{
		const char *p[2] = { r->id, target };
		res = db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_MERGE_MOVE], 2, p);
	}
	if ((moved = cell(r, res, 0)) == NULL || src_status == NULL)
		return tx_fail_db(r);
	reason = arena_printf(r->mem, "merged into %s", target);
	{
		const char *p[8] = { hist_id, r->id, src_status, "MERGED", r->user->id, reason,
			NULL, "false" };
		if (reason == NULL ||
		    db_query(r->db, r->mem, &leads_write_sql[SQL_LEADS_WRITE_HISTORY_INSERT], 8,
			p) == NULL)
			return tx_fail_db(r);
	}
	src_meta = merge_meta(r, "targetLeadId", target, moved);
	dst_meta = merge_meta(r, "sourceLeadId", r->id, moved);
	if (src_meta == NULL || dst_meta == NULL) {
		db_rollback(r->db);
		return fail_500(r);
	}
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){
		    r->id, r->user->id, "LEAD_MERGED", NULL, NULL, NULL, src_meta }) == -1 ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){
		    target, r->user->id, "LEAD_MERGED", NULL, NULL, NULL, dst_meta }) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s merged into %s by %s", r->id, target, r->user->id);
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "mergedLeadId", r->id) == NULL ||
	    cJSON_AddStringToObject(o, "targetLeadId", target) == NULL) {
		cJSON_Delete(o);
		return fail_500(r);
	}
	return http_ok(r, o);
}
