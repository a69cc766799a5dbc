/*
 * leads_create: POST /api/leads (spec/api.md §4.5.1, FR-12, FR-13, FR-28):
 * one validated document handed to PostgreSQL, which stores the lead with
 * its customer, vehicles, financing and consents in one statement.
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
#include "common/json.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/role.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_create.sql.h"

/* --- field rules (spec §2.7) ------------------------------------------------ */

/* Opaque JSON objects stored verbatim (sourceMetadata, preferences). */
static const struct field_table any_object = { NULL, 0 };

/* Money and counts: the upper bounds only keep values sane for numeric and int columns. */
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
const struct field_table leads_create_in = FIELD_TABLE(create_fields);

int
leads_create_init(struct db *db)
{
	return db_register(db, leads_create_sql, LEADS_CREATE_SQL__MAX);
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

/* Numbers travel as decimal strings so that numeric columns get what was sent. */
static int
add_num(struct req *r, cJSON *o, const char *key, const struct value *v, bool integer)
{
	const char *s;

	if (!has(v))
		return 0;
	s = integer ? arena_printf(r->mem, "%lld", v->i) : arena_printf(r->mem, "%.15g", v->d);
	return s == NULL ? -1 : json_add_str_skip(o, key, s);
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

	return id_new(id) == -1 ? -1 : json_add_str_skip(o, "id", id);
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

const char *
leads_pesel_hash(struct req *r, const char *pesel)
{
	return pesel_hash(r, pesel);
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
	const char *pesel = json_in_nonempty(&c->v[CU_PESEL]), *hash = NULL;

	if (o == NULL || add_id(o) == -1)
		return -1;
	if (pesel != NULL && (hash = pesel_hash(r, pesel)) == NULL)
		return -1;
	if (json_add_str_skip(o, "firstName", c->v[CU_FIRST].s) == -1 ||
	    json_add_str_skip(o, "lastName", c->v[CU_LAST].s) == -1 ||
	    json_add_str_skip(o, "email", json_in_nonempty(&c->v[CU_EMAIL])) == -1 ||
	    json_add_str_skip(o, "phone", phone_compact(r, json_in_nonempty(&c->v[CU_PHONE]))) ==
		-1 ||
	    json_add_str_skip(o, "dateOfBirth", json_in_nonempty(&c->v[CU_DOB])) == -1 ||
	    json_add_str_skip(o, "nationalIdHash", hash) == -1)
		return -1;
	/* §4.5.1: address holds the non-empty values; none at all leaves it NULL. */
	if (json_in_nonempty(&c->v[CU_CITY]) == NULL && json_in_nonempty(&c->v[CU_VOIV]) == NULL &&
	    json_in_nonempty(&c->v[CU_POSTAL]) == NULL && json_in_nonempty(&c->v[CU_TYPE]) == NULL)
		return 0;
	if ((addr = cJSON_AddObjectToObject(o, "address")) == NULL ||
	    json_add_str_skip(addr, "city", json_in_nonempty(&c->v[CU_CITY])) == -1 ||
	    json_add_str_skip(addr, "voivodeship", json_in_nonempty(&c->v[CU_VOIV])) == -1 ||
	    json_add_str_skip(addr, "postalCode", json_in_nonempty(&c->v[CU_POSTAL])) == -1 ||
	    json_add_str_skip(addr, "customerType", json_in_nonempty(&c->v[CU_TYPE])) == -1)
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
		    add_id(o) == -1 ||
		    json_add_str_skip(o, "make", json_in_nonempty(&v->v[CV_MAKE])) == -1 ||
		    json_add_str_skip(o, "model", json_in_nonempty(&v->v[CV_MODEL])) == -1 ||
		    add_num(r, o, "year", &v->v[CV_YEAR], true) == -1 ||
		    add_num(r, o, "mileage", &v->v[CV_MILEAGE], true) == -1 ||
		    json_add_str_skip(
			o, "ownershipStatus", json_in_nonempty(&v->v[CV_OWNERSHIP])) == -1 ||
		    json_add_str_skip(o, "vin", json_in_nonempty(&v->v[CV_VIN])) == -1)
			return -1;
	}
	if (has(des)) {
		const struct valid_out *v = des->obj;
		if ((o = cJSON_AddObjectToObject(doc, "desiredVehicle")) == NULL ||
		    add_id(o) == -1 ||
		    json_add_str_skip(o, "make", json_in_nonempty(&v->v[DV_MAKE])) == -1 ||
		    json_add_str_skip(o, "model", json_in_nonempty(&v->v[DV_MODEL])) == -1 ||
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
	bank = json_in_nonempty(&v->v[FI_BANK]) != NULL ? v->v[FI_BANK].s : "TBD";
	if ((o = cJSON_AddObjectToObject(doc, "financing")) == NULL || add_id(o) == -1 ||
	    json_add_str_skip(o, "bank", bank) == -1 ||
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
		    add_id(o) == -1 || json_add_str_skip(o, "templateId", tid) == -1)
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

const char *
leads_create_doc(
    struct req *r, const struct valid_out *in, const char *partner, const char **tids, char *id)
{
	const struct user *u = r->user;
	const struct value *v = in->v;
	bool partner_user = is_partner_scoped(u->role);
	char *json;
	cJSON *doc;

	if ((doc = cJSON_CreateObject()) == NULL || arena_defer(r->mem, json_delete, doc) == -1)
		return NULL;
	if (id_new(id) == -1 || json_add_str_skip(doc, "id", id) == -1 ||
	    json_add_str_skip(doc, "partnerId", partner) == -1 ||
	    json_add_str_skip(doc, "actorId", u->id) == -1 ||
	    json_add_str_skip(doc, "assignedUserId", partner_user ? NULL : u->id) == -1 ||
	    add_copy(doc, "sourceMetadata", &v[CR_SOURCE]) == -1 ||
	    json_add_str_skip(doc, "notes", json_in_nonempty(&v[CR_NOTES])) == -1 ||
	    customer_json(r, doc, v[CR_CUSTOMER].obj) == -1 ||
	    vehicles_json(r, doc, &v[CR_CURRENT], &v[CR_DESIRED]) == -1 ||
	    financing_json(r, doc, &v[CR_FINANCING]) == -1 ||
	    consents_json(r, doc, &v[CR_CONSENTS], tids) == -1 ||
	    json_add_str_skip(
		doc, "consentMethod", partner_user ? "PARTNER_SUBMISSION" : "PHONE_CALL") == -1 ||
	    json_add_str_skip(
		doc, "ipAddress", r->remote_addr[0] != '\0' ? r->remote_addr : NULL) == -1 ||
	    json_add_str_skip(doc, "userAgent", r->user_agent[0] != '\0' ? r->user_agent : NULL) ==
		-1 ||
	    (json = cJSON_PrintUnformatted(doc)) == NULL)
		return NULL;
	if (arena_defer(r->mem, json_text_free, json) == -1)
		return NULL;
	return json;
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
int
leads_create(struct req *r)
{
	const struct user *u = r->user;
	const struct value *v = r->in->v;
	bool partner_user = is_partner_scoped(u->role);
	const char *body_partner = json_in_nonempty(&v[CR_PARTNER]), *partner, *tids;
	const char *check[2], *params[4];
	char id[ID_SIZE];
	const char *json;
	PGresult *res;
	int rc;

	if ((rc = check_years(r, &v[CR_CURRENT], &v[CR_DESIRED])) != 0)
		return rc == 1 ? 0 : http_fail(r, 500, NULL, "Internal server error");
	partner = partner_user ? actor_partner(r) : body_partner;
	if (partner == NULL)
		return http_fail(r, 400, NULL, "partnerId is required");
	if (partner_user && body_partner != NULL && strcmp(body_partner, partner) != 0)
		return http_fail(r, 403, NULL, "Cannot create leads for other partners");

	if ((json = leads_create_doc(r, r->in, partner, &tids, id)) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");

	check[0] = partner;
	check[1] = tids;
	if ((res = db_query(r->db, r->mem, &leads_create_sql[SQL_LEADS_CREATE_CHECK], 2, check)) ==
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
	if ((res = db_query(r->db, r->mem, &leads_create_sql[SQL_LEADS_CREATE], 4, params)) == NULL)
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
