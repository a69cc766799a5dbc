/*
 * leads_read: creating, listing and reading leads (spec/api.md §4.5, FR-12,
 * FR-13, FR-15, FR-28, FR-31..33) and the duplicate check behind the create
 * form's live warning.  PostgreSQL builds the responses.  Statements per
 * request, the session lookup included: a list page three (session, page ids
 * + total, summaries), the detail three (session, lead_access(), detail).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/crypto.h"
#include "common/db.h"
#include "common/domain.h"
#include "common/http.h"
#include "common/id.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/role.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_read.sql.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The six roles that work with leads (§4.5); AUDITOR has none (FR-7). */
#define ROLES_LEADS (ROLES_PARTNER_SCOPED | ROLES_STAFF)

static int leads_create(struct req *);
static int leads_list(struct req *);
static int leads_duplicates(struct req *);
static int leads_get(struct req *);

/* --- field rules (spec §2.7) ------------------------------------------------ */

/* Opaque JSON objects stored verbatim (sourceMetadata, preferences). */
static const struct field_table any_object = { NULL, 0 };

/* Money and counts: the upper bounds only keep values sane for numeric and int columns. */
#define MONEY_MAX      1000000000000LL
#define NAME_MAX_CHARS 100
#define TEXT_MAX_CHARS 200

/* --- POST /api/leads body (§4.5.1) --------------------------------------------- */

enum customer_key {
	CU_FIRST,
	CU_LAST,
	CU_EMAIL,
	CU_PHONE,
	CU_DOB,
	CU_TYPE,
	CU_CITY,
	CU_POSTAL,
	CU_VOIV,
	CU_PESEL,
	CU__MAX
};
static const struct field customer_fields[CU__MAX] = {
	[CU_FIRST] = { "firstName", FT_STRING, F_REQUIRED | F_TRIM, 1, NAME_MAX_CHARS },
	[CU_LAST] = { "lastName", FT_STRING, F_REQUIRED | F_TRIM, 1, NAME_MAX_CHARS },
	[CU_EMAIL] = { "email", FT_EMAIL, F_NULLABLE | F_LOWER, 0, 0 },
	/* Not validated (§2.7); spaces and dashes are dropped when stored (FR-12). */
	[CU_PHONE] = { "phone", FT_STRING, F_NULLABLE | F_TRIM, 0, 40 },
	/* Unparseable -> 400 invalid_date (the reference's 500 fixed). */
	[CU_DOB] = { "dateOfBirth", FT_DATE, F_NULLABLE, 0, 0 },
	[CU_TYPE] = { "customerType", FT_ENUM, F_NULLABLE, 0, 0, domain_customer_types },
	[CU_CITY] = { "city", FT_STRING, F_NULLABLE | F_TRIM, 0, TEXT_MAX_CHARS },
	[CU_POSTAL] = { "postalCode", FT_STRING, F_NULLABLE, 0, 0, NULL, NULL, NULL,
	    domain_postal_code, "Nieprawidłowy kod pocztowy" },
	[CU_VOIV] = { "voivodeship", FT_ENUM, F_NULLABLE, 0, 0, domain_voivodeships },
	/* Rewrite addition (FR-28, SR-43): kept only as a keyed hash. */
	[CU_PESEL] = { "pesel", FT_STRING, F_NULLABLE | F_TRIM, 0, 0, NULL, NULL, NULL,
	    domain_pesel, "Nieprawidłowy numer PESEL" },
};
static const struct field_table customer_in = FIELD_TABLE(customer_fields);

enum current_key { CV_MAKE, CV_MODEL, CV_YEAR, CV_MILEAGE, CV_OWNERSHIP, CV_VIN, CV__MAX };
static const struct field current_fields[CV__MAX] = {
	[CV_MAKE] = { "make", FT_STRING, F_NULLABLE | F_TRIM, 0, TEXT_MAX_CHARS },
	[CV_MODEL] = { "model", FT_STRING, F_NULLABLE | F_TRIM, 0, TEXT_MAX_CHARS },
	/* The upper bound (this year) is checked per request in check_years(). */
	[CV_YEAR] = { "year", FT_INT, F_NULLABLE, 1900, 9999 },
	[CV_MILEAGE] = { "mileage", FT_INT, F_NULLABLE, 0, 100000000 },
	[CV_OWNERSHIP] = { "ownershipStatus", FT_STRING, F_NULLABLE | F_TRIM, 0, TEXT_MAX_CHARS },
	[CV_VIN] = { "vin", FT_STRING, F_NULLABLE | F_UPPER, 17, 17, NULL, NULL, NULL, domain_vin,
	    "Nieprawidłowy nr VIN" },
};
static const struct field_table current_in = FIELD_TABLE(current_fields);

enum desired_key { DV_MAKE, DV_MODEL, DV_YEAR, DV_BUDGET, DV_PREFS, DV__MAX };
static const struct field desired_fields[DV__MAX] = {
	[DV_MAKE] = { "make", FT_STRING, F_NULLABLE | F_TRIM, 0, TEXT_MAX_CHARS },
	[DV_MODEL] = { "model", FT_STRING, F_NULLABLE | F_TRIM, 0, TEXT_MAX_CHARS },
	[DV_YEAR] = { "year", FT_INT, F_NULLABLE, 1900, 9999 },
	[DV_BUDGET] = { "budget", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
	[DV_PREFS] = { "preferences", FT_OBJECT, F_NULLABLE | F_OPEN, 0, 0, NULL, &any_object },
};
static const struct field_table desired_in = FIELD_TABLE(desired_fields);

enum financing_key { FI_BANK, FI_LOAN, FI_DOWN, FI_TERM, FI_INCOME, FI_EXPENSES, FI__MAX };
static const struct field financing_fields[FI__MAX] = {
	[FI_BANK] = { "bank", FT_STRING, F_NULLABLE | F_TRIM, 0, TEXT_MAX_CHARS },
	[FI_LOAN] = { "loanAmount", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
	[FI_DOWN] = { "downPayment", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
	[FI_TERM] = { "termMonths", FT_INT, F_NULLABLE | F_POSITIVE, 0, 0 },
	[FI_INCOME] = { "income", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
	[FI_EXPENSES] = { "expenses", FT_NUMBER, F_NULLABLE, 0, MONEY_MAX },
};
static const struct field_table financing_in = FIELD_TABLE(financing_fields);

enum consent_key { CO_TEMPLATE, CO_VERSION, CO_GIVEN, CO__MAX };
static const struct field consent_fields[CO__MAX] = {
	[CO_TEMPLATE] = { "templateId", FT_STRING, F_REQUIRED, 1, 64 },
	/* Accepted for compatibility; the stored version is the template's (SR-37). */
	[CO_VERSION] = { "version", FT_NUMBER, F_REQUIRED, 0, 0 },
	[CO_GIVEN] = { "given", FT_BOOL, F_REQUIRED, 0, 0 },
};
static const struct field_table consent_in = FIELD_TABLE(consent_fields);
static const struct field consent_elem = {
	.name = "consent", .type = FT_OBJECT, .sub = &consent_in
};

enum create_key {
	CR_PARTNER,
	CR_SOURCE,
	CR_NOTES,
	CR_CUSTOMER,
	CR_CURRENT,
	CR_DESIRED,
	CR_FINANCING,
	CR_CONSENTS,
	CR__MAX
};
static const struct field create_fields[CR__MAX] = {
	[CR_PARTNER] = { "partnerId", FT_STRING, F_NULLABLE, 1, 64 },
	[CR_SOURCE] = { "sourceMetadata", FT_OBJECT, F_NULLABLE | F_OPEN, 0, 0, NULL, &any_object },
	[CR_NOTES] = { "notes", FT_STRING, F_NULLABLE | F_MULTILINE, 0, 2000 },
	[CR_CUSTOMER] = { "customer", FT_OBJECT, F_REQUIRED, 0, 0, NULL, &customer_in },
	[CR_CURRENT] = { "currentVehicle", FT_OBJECT, F_NULLABLE, 0, 0, NULL, &current_in },
	[CR_DESIRED] = { "desiredVehicle", FT_OBJECT, F_NULLABLE, 0, 0, NULL, &desired_in },
	[CR_FINANCING] = { "financing", FT_OBJECT, F_NULLABLE, 0, 0, NULL, &financing_in },
	/* Each consent template appears at most once on the form. */
	[CR_CONSENTS] = { "consents", FT_ARRAY, F_NULLABLE, 0, 50, NULL, NULL, &consent_elem },
};
static const struct field_table create_in = FIELD_TABLE(create_fields);

/* --- GET /api/leads query (§4.5.2; status is parsed by parse_status()) --------- */

static const char *const assigned_values[] = { "unassigned", NULL };

enum list_key {
	LI_PAGE,
	LI_PER_PAGE,
	LI_PARTNER,
	LI_ASSIGNED_USER,
	LI_ASSIGNED,
	LI_SEARCH,
	LI__MAX
};
static const struct field list_fields[LI__MAX] = {
	[LI_PAGE] = { "page", FT_INT, 0, 1, 1000000000 },
	[LI_PER_PAGE] = { "perPage", FT_INT, 0, 1, 100 },
	[LI_PARTNER] = { "partnerId", FT_STRING, 0, 0, 64 },
	[LI_ASSIGNED_USER] = { "assignedUserId", FT_STRING, 0, 0, 64 },
	[LI_ASSIGNED] = { "assigned", FT_ENUM, 0, 0, 0, assigned_values },
	[LI_SEARCH] = { "search", FT_STRING, F_TRIM, 0, 200 },
};
static const struct field_table list_q = FIELD_TABLE(list_fields);

/* The status filter as parse_status() checks it: an array of LeadStatus. */
static const struct field status_elem = {
	.name = "status", .type = FT_ENUM, .options = domain_lead_statuses
};
static const struct field status_fields[] = {
	{ .name = "status", .type = FT_ARRAY, .elem = &status_elem },
};
static const struct field_table status_q = FIELD_TABLE(status_fields);

enum dup_key { DU_EMAIL, DU_PHONE, DU__MAX };
static const struct field dup_fields[DU__MAX] = {
	[DU_EMAIL] = { "email", FT_STRING, F_TRIM, 0, 254 },
	[DU_PHONE] = { "phone", FT_STRING, F_TRIM, 0, 40 },
};
static const struct field_table dup_q = FIELD_TABLE(dup_fields);

const struct route leads_read_routes[] = {
	/* method    pattern                  handler           roles        body        query */
	{ HTTP_POST, "/api/leads", leads_create, ROLES_LEADS, &create_in, NULL },
	{ HTTP_GET, "/api/leads", leads_list, ROLES_LEADS, NULL, &list_q },
	{ HTTP_GET, "/api/leads/duplicates", leads_duplicates, ROLES_LEADS, NULL, &dup_q },
	{ HTTP_GET, "/api/leads/:id", leads_get, ROLES_LEADS, NULL, NULL },
};
const size_t leads_read_nroutes = NELEM(leads_read_routes);

int
leads_read_init(struct db *db)
{
	return db_register(db, leads_read_sql, LEADS_READ_SQL__MAX);
}

/* --- helpers ------------------------------------------------------------------ */

/* Destructors for arena_defer(). */
static void
json_delete(void *p)
{
	cJSON_Delete(p);
}

static void
json_text_free(void *p)
{
	cJSON_free(p);
}

static bool
is_partner_scoped(enum role role)
{
	return (ROLE_BIT(role) & ROLES_PARTNER_SCOPED) != 0;
}

/* The value of an optional string field, NULL when absent, null or empty. */
static const char *
opt_str(const struct value *v)
{
	return v->present && !v->null && v->s != NULL && v->s[0] != '\0' ? v->s : NULL;
}

static bool
has(const struct value *v)
{
	return v->present && !v->null;
}

/* The actor's partner for SQL: NULL when the user has none. */
static const char *
actor_partner(const struct req *r)
{
	return r->user->partner_id[0] != '\0' ? r->user->partner_id : NULL;
}

/* Adds key: value as a string, skipped when value is NULL.  -1 when out of memory. */
static int
add_str(cJSON *o, const char *key, const char *value)
{
	if (value == NULL)
		return 0;
	return cJSON_AddStringToObject(o, key, value) == NULL ? -1 : 0;
}

/* Numbers travel as decimal strings so that numeric columns get what was sent. */
static int
add_num(struct req *r, cJSON *o, const char *key, const struct value *v, bool integer)
{
	const char *s;

	if (!has(v))
		return 0;
	s = integer ? arena_printf(r->mem, "%lld", v->i) : arena_printf(r->mem, "%.15g", v->d);
	return s == NULL ? -1 : add_str(o, key, s);
}

static int
add_copy(cJSON *o, const char *key, const struct value *v)
{
	cJSON *c;

	if (!has(v))
		return 0;
	if ((c = cJSON_Duplicate(v->json, true)) == NULL)
		return -1;
	if (!cJSON_AddItemToObject(o, key, c)) {
		cJSON_Delete(c);
		return -1;
	}
	return 0;
}

static int
add_id(cJSON *o)
{
	char id[ID_SIZE];

	return id_new(id) == -1 ? -1 : add_str(o, "id", id);
}

/* FR-12: phone numbers are stored without spaces and dashes. */
static const char *
phone_compact(struct req *r, const char *in)
{
	char *out, *p;

	if (in == NULL || (out = arena_strdup(r->mem, in)) == NULL)
		return NULL;
	for (p = out; *in != '\0'; in++)
		if (*in != ' ' && *in != '-')
			*p++ = *in;
	*p = '\0';
	return out[0] != '\0' ? out : NULL;
}

/*
 * SR-43: a PESEL is kept only as HMAC-SHA256 under a server secret, so the
 * hash cannot be reversed by enumerating the small PESEL space.  The label
 * separates this use of the key from any other.
 */
static const char *
pesel_hash(struct req *r, const char *pesel)
{
	const struct cfg *cfg = cfg_get();
	const char *key = cfg->pesel_hmac_secret != NULL ? cfg->pesel_hmac_secret : cfg->jwt_secret;
	const char *msg = arena_printf(r->mem, "izzy-pesel-v1:%s", pesel);
	unsigned char mac[CRYPTO_SHA256_LEN];
	char *hex;

	if (msg == NULL || (hex = arena_alloc(r->mem, CRYPTO_SHA256_HEX)) == NULL ||
	    crypto_hmac_sha256(mac, key, strlen(key), msg, strlen(msg)) == -1)
		return NULL;
	crypto_hex(hex, mac, sizeof(mac));
	return hex;
}

/* A zod-shaped too_big issue for a number above max. */
static int
issue_too_big(cJSON *issues, const char *obj, const char *key, long long max)
{
	cJSON *o = cJSON_CreateObject(), *path;
	char msg[96];

	snprintf(msg, sizeof(msg), "Number must be less than or equal to %lld", max);
	if (o == NULL || !cJSON_AddItemToArray(issues, o)) {
		cJSON_Delete(o);
		return -1;
	}
	if (cJSON_AddStringToObject(o, "code", "too_big") == NULL ||
	    cJSON_AddNumberToObject(o, "maximum", (double)max) == NULL ||
	    cJSON_AddStringToObject(o, "type", "number") == NULL ||
	    cJSON_AddTrueToObject(o, "inclusive") == NULL ||
	    cJSON_AddFalseToObject(o, "exact") == NULL ||
	    (path = cJSON_AddArrayToObject(o, "path")) == NULL ||
	    !cJSON_AddItemToArray(path, cJSON_CreateString(obj)) ||
	    !cJSON_AddItemToArray(path, cJSON_CreateString(key)) ||
	    cJSON_AddStringToObject(o, "message", msg) == NULL)
		return -1;
	return 0;
}

/*
 * Vehicle years: current vehicle up to this year, desired up to next year,
 * "this year" taken per request (the §2.7 QUIRK fixed).  0 when fine, 1 when
 * a 400 was set, -1 out of memory.
 */
static int
check_years(struct req *r, const struct value *cur, const struct value *des)
{
	time_t now = (time_t)r->now;
	struct tm tm;
	long long year;
	cJSON *issues;

	gmtime_r(&now, &tm);
	year = tm.tm_year + 1900LL;
	if ((issues = cJSON_CreateArray()) == NULL)
		return -1;
	if (has(cur) && has(&cur->obj->v[CV_YEAR]) && cur->obj->v[CV_YEAR].i > year &&
	    issue_too_big(issues, "currentVehicle", "year", year) == -1)
		goto oom;
	if (has(des) && has(&des->obj->v[DV_YEAR]) && des->obj->v[DV_YEAR].i > year + 1 &&
	    issue_too_big(issues, "desiredVehicle", "year", year + 1) == -1)
		goto oom;
	if (cJSON_GetArraySize(issues) == 0) {
		cJSON_Delete(issues);
		return 0;
	}
	http_fail_issues(r, issues);
	return 1;
oom:
	cJSON_Delete(issues);
	return -1;
}

/* Builds the "customer" part of the create document. */
static int
customer_json(struct req *r, cJSON *doc, const struct valid_out *c)
{
	cJSON *o = cJSON_AddObjectToObject(doc, "customer"), *addr;
	const char *pesel = opt_str(&c->v[CU_PESEL]), *hash = NULL;

	if (o == NULL || add_id(o) == -1)
		return -1;
	if (pesel != NULL && (hash = pesel_hash(r, pesel)) == NULL)
		return -1;
	if (add_str(o, "firstName", c->v[CU_FIRST].s) == -1 ||
	    add_str(o, "lastName", c->v[CU_LAST].s) == -1 ||
	    add_str(o, "email", opt_str(&c->v[CU_EMAIL])) == -1 ||
	    add_str(o, "phone", phone_compact(r, opt_str(&c->v[CU_PHONE]))) == -1 ||
	    add_str(o, "dateOfBirth", opt_str(&c->v[CU_DOB])) == -1 ||
	    add_str(o, "nationalIdHash", hash) == -1)
		return -1;
	/* §4.5.1: address holds the non-empty values; none at all leaves it NULL. */
	if (opt_str(&c->v[CU_CITY]) == NULL && opt_str(&c->v[CU_VOIV]) == NULL &&
	    opt_str(&c->v[CU_POSTAL]) == NULL && opt_str(&c->v[CU_TYPE]) == NULL)
		return 0;
	if ((addr = cJSON_AddObjectToObject(o, "address")) == NULL ||
	    add_str(addr, "city", opt_str(&c->v[CU_CITY])) == -1 ||
	    add_str(addr, "voivodeship", opt_str(&c->v[CU_VOIV])) == -1 ||
	    add_str(addr, "postalCode", opt_str(&c->v[CU_POSTAL])) == -1 ||
	    add_str(addr, "customerType", opt_str(&c->v[CU_TYPE])) == -1)
		return -1;
	return 0;
}

static int
vehicles_json(struct req *r, cJSON *doc, const struct value *cur, const struct value *des)
{
	cJSON *o;

	if (has(cur)) {
		const struct valid_out *v = cur->obj;
		if ((o = cJSON_AddObjectToObject(doc, "currentVehicle")) == NULL ||
		    add_id(o) == -1 || add_str(o, "make", opt_str(&v->v[CV_MAKE])) == -1 ||
		    add_str(o, "model", opt_str(&v->v[CV_MODEL])) == -1 ||
		    add_num(r, o, "year", &v->v[CV_YEAR], true) == -1 ||
		    add_num(r, o, "mileage", &v->v[CV_MILEAGE], true) == -1 ||
		    add_str(o, "ownershipStatus", opt_str(&v->v[CV_OWNERSHIP])) == -1 ||
		    add_str(o, "vin", opt_str(&v->v[CV_VIN])) == -1)
			return -1;
	}
	if (has(des)) {
		const struct valid_out *v = des->obj;
		if ((o = cJSON_AddObjectToObject(doc, "desiredVehicle")) == NULL ||
		    add_id(o) == -1 || add_str(o, "make", opt_str(&v->v[DV_MAKE])) == -1 ||
		    add_str(o, "model", opt_str(&v->v[DV_MODEL])) == -1 ||
		    add_num(r, o, "year", &v->v[DV_YEAR], true) == -1 ||
		    add_num(r, o, "budget", &v->v[DV_BUDGET], false) == -1 ||
		    add_copy(o, "preferences", &v->v[DV_PREFS]) == -1)
			return -1;
	}
	return 0;
}

static int
financing_json(struct req *r, cJSON *doc, const struct value *fin)
{
	const struct valid_out *v;
	const char *bank;
	cJSON *o;

	if (!has(fin))
		return 0;
	v = fin->obj;
	/* §4.5.1: the bank is "TBD" until someone knows it. */
	bank = opt_str(&v->v[FI_BANK]) != NULL ? v->v[FI_BANK].s : "TBD";
	if ((o = cJSON_AddObjectToObject(doc, "financing")) == NULL || add_id(o) == -1 ||
	    add_str(o, "bank", bank) == -1 ||
	    add_num(r, o, "loanAmount", &v->v[FI_LOAN], false) == -1 ||
	    add_num(r, o, "downPayment", &v->v[FI_DOWN], false) == -1 ||
	    add_num(r, o, "termMonths", &v->v[FI_TERM], true) == -1 ||
	    add_num(r, o, "income", &v->v[FI_INCOME], false) == -1 ||
	    add_num(r, o, "expenses", &v->v[FI_EXPENSES], false) == -1)
		return -1;
	return 0;
}

/*
 * The given consents (§4.5.1: refused ones are not stored) as
 * [{id, templateId}] in doc, and their template ids as a text[] literal for
 * the existence check.  A template named twice is recorded once.
 */
static int
consents_json(struct req *r, cJSON *doc, const struct value *consents, const char **ids)
{
	cJSON *arr = cJSON_AddArrayToObject(doc, "consents");
	size_t len = 2;
	char *lit, *p;

	*ids = "{}";
	if (arr == NULL)
		return -1;
	if (!has(consents))
		return 0;
	for (size_t i = 0; i < consents->n; i++)
		len += strlen(consents->arr[i].obj->v[CO_TEMPLATE].s) * 2 + 3;
	if ((lit = arena_alloc(r->mem, len + 1)) == NULL)
		return -1;
	p = lit;
	*p++ = '{';
	for (size_t i = 0; i < consents->n; i++) {
		const struct valid_out *c = consents->arr[i].obj;
		const char *tid = c->v[CO_TEMPLATE].s;
		bool dup = false;
		cJSON *o;

		if (!c->v[CO_GIVEN].b)
			continue;
		for (size_t k = 0; k < i && !dup; k++)
			dup = consents->arr[k].obj->v[CO_GIVEN].b &&
			    strcmp(consents->arr[k].obj->v[CO_TEMPLATE].s, tid) == 0;
		if (dup)
			continue;
		if ((o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(arr, o) ||
		    add_id(o) == -1 || add_str(o, "templateId", tid) == -1)
			return -1;
		/* An array literal element, quoted and escaped. */
		if (p > lit + 1)
			*p++ = ',';
		*p++ = '"';
		for (const char *s = tid; *s != '\0'; s++) {
			if (*s == '"' || *s == '\\')
				*p++ = '\\';
			*p++ = *s;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	*ids = lit;
	return 0;
}

/*
 * POST /api/leads — PARTNER, PARTNER_MANAGER, PARTNER_EMPLOYEE, OPERATOR,
 * SUPERVISOR, ADMIN (§4.5.1, FR-12, FR-28, FR-31).
 * 201 {id, status, partnerId, leadCreatedAt} plus, when visible leads have
 *     the same customer e-mail, phone or PESEL, "duplicates":{warning, leadIds}.
 * 400 validation (vehicle years against this year); "partnerId is required"
 *     when there is no effective partner; "Consent template <id> not found".
 * 403 "Cannot create leads for other partners" (partner roles naming another).
 * 404 "Partner not found".
 * The lead and its rows are written by one statement.  Staff creators get
 * the lead assigned and record consents as PHONE_CALL; partner users' leads
 * stay unassigned and their consents are PARTNER_SUBMISSION (FR-12, SR-39).
 */
static int
leads_create(struct req *r)
{
	const struct user *u = r->user;
	const struct value *v = r->in->v;
	bool partner_user = is_partner_scoped(u->role);
	const char *body_partner = opt_str(&v[CR_PARTNER]), *partner, *tids;
	const char *check[2], *params[4];
	char id[ID_SIZE], *json;
	PGresult *res;
	cJSON *doc;
	int rc;

	if ((rc = check_years(r, &v[CR_CURRENT], &v[CR_DESIRED])) != 0)
		return rc == 1 ? 0 : http_fail(r, 500, NULL, "Internal server error");
	partner = partner_user ? actor_partner(r) : body_partner;
	if (partner == NULL)
		return http_fail(r, 400, NULL, "partnerId is required");
	if (partner_user && body_partner != NULL && strcmp(body_partner, partner) != 0)
		return http_fail(r, 403, NULL, "Cannot create leads for other partners");

	if ((doc = cJSON_CreateObject()) == NULL || arena_defer(r->mem, json_delete, doc) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	if (id_new(id) == -1 || add_str(doc, "id", id) == -1 ||
	    add_str(doc, "partnerId", partner) == -1 || add_str(doc, "actorId", u->id) == -1 ||
	    add_str(doc, "assignedUserId", partner_user ? NULL : u->id) == -1 ||
	    add_copy(doc, "sourceMetadata", &v[CR_SOURCE]) == -1 ||
	    add_str(doc, "notes", opt_str(&v[CR_NOTES])) == -1 ||
	    customer_json(r, doc, v[CR_CUSTOMER].obj) == -1 ||
	    vehicles_json(r, doc, &v[CR_CURRENT], &v[CR_DESIRED]) == -1 ||
	    financing_json(r, doc, &v[CR_FINANCING]) == -1 ||
	    consents_json(r, doc, &v[CR_CONSENTS], &tids) == -1 ||
	    add_str(doc, "consentMethod", partner_user ? "PARTNER_SUBMISSION" : "PHONE_CALL") ==
		-1 ||
	    add_str(doc, "ipAddress", r->remote_addr[0] != '\0' ? r->remote_addr : NULL) == -1 ||
	    add_str(doc, "userAgent", r->user_agent[0] != '\0' ? r->user_agent : NULL) == -1 ||
	    (json = cJSON_PrintUnformatted(doc)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if (arena_defer(r->mem, json_text_free, json) == -1)
		return http_fail(r, 500, NULL, "Internal server error");

	check[0] = partner;
	check[1] = tids;
	if ((res = db_query(r->db, r->mem, &leads_read_sql[SQL_LEADS_CREATE_CHECK], 2, check)) ==
	    NULL)
		return http_fail_db(r);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		return http_fail(r, 404, NULL, "Partner not found");
	if (!PQgetisnull(res, 0, 1)) {
		const char *msg =
		    arena_printf(r->mem, "Consent template %s not found", PQgetvalue(res, 0, 1));
		return http_fail(r, 400, NULL, msg != NULL ? msg : "Consent template not found");
	}

	params[0] = json;
	params[1] = role_name(u->role);
	params[2] = u->id;
	params[3] = actor_partner(r);
	/* One statement writes every row, so it is one transaction by itself. */
	if ((res = db_query(r->db, r->mem, &leads_read_sql[SQL_LEADS_CREATE], 4, params)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1) {
		log_error("leads", "create of lead %s returned %d rows", id, PQntuples(res));
		return http_fail(r, 500, NULL, "Internal server error");
	}
	log_info("leads",
	    "lead %s created by %s for partner %s (%s consents, %s possible duplicates)", id, u->id,
	    partner, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
	return http_created_raw(r, PQgetvalue(res, 0, 0));
}

/* --- list ---------------------------------------------------------------------- */

/*
 * The status filter (§4.5.2): "status=NEW,FIRST_CONTACT" or repeated
 * "status=NEW&status=FIRST_CONTACT", both at once too.  The generic query
 * validation refuses repeated keys, so the values are collected here and
 * checked as an array of LeadStatus.  *out is a text[] literal, NULL when no
 * value was given.  0, or 1 with a 400 set, or -1 out of memory.
 */
static int
parse_status(struct req *r, const char **out)
{
	const char *q = r->query;
	struct valid_out *vo;
	cJSON *in, *arr, *issues;
	char *lit, *p;
	size_t len = 3;
	int n = 0;

	*out = NULL;
	if ((in = cJSON_CreateObject()) == NULL || arena_defer(r->mem, json_delete, in) == -1 ||
	    (arr = cJSON_AddArrayToObject(in, "status")) == NULL)
		return -1;
	while (*q != '\0') {
		size_t seg = strcspn(q, "&");
		const char *eq = memchr(q, '=', seg);
		size_t klen = eq != NULL ? (size_t)(eq - q) : seg, vlen;
		char *k = arena_alloc(r->mem, klen + 1), *val;

		if (k == NULL)
			return -1;
		/* A malformed escape is not the status key; valid_query reports it. */
		if (eq != NULL && valid_urldecode(k, q, klen) && strcmp(k, "status") == 0) {
			vlen = seg - klen - 1;
			if ((val = arena_alloc(r->mem, vlen + 1)) == NULL)
				return -1;
			if (valid_urldecode(val, eq + 1, vlen)) {
				for (char *tok = val, *end; *tok != '\0'; tok = end) {
					size_t tl = strcspn(tok, ",");
					end = tok[tl] == ',' ? tok + tl + 1 : tok + tl;
					tok[tl] = '\0';
					if (*tok == '\0')
						continue;
					if (!cJSON_AddItemToArray(arr, cJSON_CreateString(tok)))
						return -1;
					len += strlen(tok) + 1;
					n++;
				}
			}
		}
		q += seg;
		if (*q == '&')
			q++;
	}
	if (n == 0)
		return 0;
	if ((issues = cJSON_CreateArray()) == NULL)
		return -1;
	if (valid_json(r->mem, &status_q, in, &vo, issues) == -1) {
		if (cJSON_GetArraySize(issues) == 0) {
			cJSON_Delete(issues);
			return -1;
		}
		http_fail_issues(r, issues);
		return 1;
	}
	cJSON_Delete(issues);
	/* Every value is now a LeadStatus name: no quoting needed. */
	if ((lit = p = arena_alloc(r->mem, len)) == NULL)
		return -1;
	*p++ = '{';
	for (size_t i = 0; i < vo->v[0].n; i++) {
		size_t sl = strlen(vo->v[0].arr[i].s);
		if (i > 0)
			*p++ = ',';
		memcpy(p, vo->v[0].arr[i].s, sl);
		p += sl;
	}
	*p++ = '}';
	*p = '\0';
	*out = lit;
	return 0;
}

/* a b c in one arena string: the page JSON is large, so no printf on it. */
static char *
concat3(struct req *r, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *out = arena_alloc(r->mem, la + lb + lc + 1);

	if (out == NULL)
		return NULL;
	stpcpy(stpcpy(stpcpy(out, a), b), c);
	return out;
}

/* '%term%' for ILIKE, with the term's own wildcards and escapes made literal. */
static const char *
like_pattern(struct req *r, const char *term)
{
	char *out = arena_alloc(r->mem, strlen(term) * 2 + 3), *p;

	if (out == NULL)
		return NULL;
	p = out;
	*p++ = '%';
	for (; *term != '\0'; term++) {
		if (*term == '%' || *term == '_' || *term == '\\')
			*p++ = '\\';
		*p++ = *term;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

/*
 * GET /api/leads — the six lead roles (§4.5.2, §2.5.2, FR-13).
 * 200 {"data":[lead summary + consentStatus], "meta":{page, perPage, total,
 *     totalPages}}, newest first, only leads the actor may see.
 * 400 validation (page, perPage, status values, assigned).
 * 403 "Partner context is missing" (partner role without a partner);
 *     "Cannot view leads for other partners" (a partner role or an operator
 *     with a partner asking for another partnerId).
 */
static int
leads_list(struct req *r)
{
	const struct user *u = r->user;
	const struct value *q = r->q->v;
	const char *partner = opt_str(&q[LI_PARTNER]), *search = opt_str(&q[LI_SEARCH]);
	const char *statuses, *params[10], *ids, *data, *meta, *body;
	long long page = has(&q[LI_PAGE]) ? q[LI_PAGE].i : 1;
	long long per_page = has(&q[LI_PER_PAGE]) ? q[LI_PER_PAGE].i : 20, total, pages;
	const struct db_stmt *stmt = &leads_read_sql[SQL_LEADS_LIST_PAGE];
	PGresult *res;
	int rc;

	if (is_partner_scoped(u->role) && actor_partner(r) == NULL)
		return http_fail(r, 403, NULL, "Partner context is missing");
	if ((is_partner_scoped(u->role) ||
		(u->role == ROLE_OPERATOR && actor_partner(r) != NULL)) &&
	    partner != NULL && strcmp(partner, u->partner_id) != 0)
		return http_fail(r, 403, NULL, "Cannot view leads for other partners");
	if ((rc = parse_status(r, &statuses)) != 0)
		return rc == 1 ? 0 : http_fail(r, 500, NULL, "Internal server error");

	params[0] = role_name(u->role);
	params[1] = u->id;
	params[2] = actor_partner(r);
	params[3] = partner;
	params[4] = statuses;
	params[5] = has(&q[LI_ASSIGNED]) ? "true" : "false";
	params[6] = opt_str(&q[LI_ASSIGNED_USER]);
	params[7] = arena_printf(r->mem, "%lld", page);
	params[8] = arena_printf(r->mem, "%lld", per_page);
	params[9] = NULL;
	if (search != NULL) {
		stmt = &leads_read_sql[SQL_LEADS_LIST_SEARCH_PAGE];
		params[9] = like_pattern(r, search);
	}
	if (params[7] == NULL || params[8] == NULL || (search != NULL && params[9] == NULL))
		return http_fail(r, 500, NULL, "Internal server error");
	if ((res = db_query(r->db, r->mem, stmt, search != NULL ? 10 : 9, params)) == NULL)
		return http_fail_db(r);
	total = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	ids = PQgetvalue(res, 0, 1);
	if (strcmp(ids, "{}") == 0)
		data = "[]";
	else {
		if ((res = db_query(
			 r->db, r->mem, &leads_read_sql[SQL_LEADS_LIST_ROWS], 1, &ids)) == NULL)
			return http_fail_db(r);
		data = PQgetvalue(res, 0, 0);
	}
	/* §2.8: at least one page, also when empty. */
	pages = total > 0 ? (total + per_page - 1) / per_page : 1;
	meta = arena_printf(r->mem,
	    ",\"meta\":{\"page\":%lld,\"perPage\":%lld,\"total\":%lld,\"totalPages\":%lld}}", page,
	    per_page, total, pages);
	if (meta == NULL || (body = concat3(r, "{\"data\":", data, meta)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	return http_ok_raw(r, body);
}

/*
 * GET /api/leads/duplicates?email=&phone= — the six lead roles (FR-28): the
 * create form's live warning.
 * 200 {"data":[{id, status, customerProfile:{firstName, lastName, email,
 *     phone}, leadCreatedAt}]}: at most 20 leads the actor may see whose
 *     customer has that e-mail (any case) or phone (same last 9 digits);
 *     empty when neither is given.
 * 400 validation.
 */
static int
leads_duplicates(struct req *r)
{
	const struct value *q = r->q->v;
	const char *params[7];
	PGresult *res;

	params[0] = role_name(r->user->role);
	params[1] = r->user->id;
	params[2] = actor_partner(r);
	params[3] = opt_str(&q[DU_EMAIL]);
	params[4] = opt_str(&q[DU_PHONE]);
	params[5] = NULL;
	params[6] = NULL;
	if (params[3] == NULL && params[4] == NULL)
		return http_ok_raw(r, "{\"data\":[]}");
	if ((res = db_query(r->db, r->mem, &leads_read_sql[SQL_LEADS_DUPLICATES], 7, params)) ==
	    NULL)
		return http_fail_db(r);
	return http_ok_raw(r, concat3(r, "{\"data\":", PQgetvalue(res, 0, 0), "}"));
}

/*
 * GET /api/leads/:id — the six lead roles (§4.5.3, FR-15, FR-21, FR-26).
 * 200 every lead column and relation, notes newest first with their author,
 *     statusHistory newest first, consentStatus; partner roles get no form
 *     data, unlock history, audit trail or consent IP/user agent, and nobody
 *     gets document storage keys ([SEC] of §4.5.3).  A client-activity flag
 *     older than 5 minutes is switched off on the way and reported false.
 * 400 the id is not a cuid; 404 "Lead not found"; 403 "Access denied".
 */
static int
leads_get(struct req *r)
{
	const char *params[2];
	PGresult *res;

	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	params[0] = r->id;
	params[1] = is_partner_scoped(r->user->role) ? "true" : "false";
	if ((res = db_query(r->db, r->mem, &leads_read_sql[SQL_LEADS_DETAIL], 2, params)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, "Lead not found");
	/* The result lives until the arena reset, after the response is sent. */
	return http_ok_raw(r, PQgetvalue(res, 0, 0));
}
