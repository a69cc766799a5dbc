/*
 * leads_profile: what is known about the lead's client (spec/api.md §4.6.2,
 * §4.6.4, §4.6.5): customer data, current and desired vehicle, financing
 * applications.  Every write starts with lead_begin() (row lock, re-checks).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/audit.h"
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
#include "leads_profile.sql.h"

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
const struct field_table leads_customer_in = FIELD_TABLE(customer_fields);

/* Vehicle years: 1900 ... current year + 1, the upper bound checked per request. */
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
const struct field_table leads_vehicles_in = FIELD_TABLE(vehicles_fields);

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
const struct field_table leads_financing_in = FIELD_TABLE(financing_fields);

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
int
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
		return leads_fail_500(r);
	}
	fields_json = json_print_take(r->mem, fields);
	addr_json = json_print_take(r->mem, addr);
	if (fields_json == NULL || addr_json == NULL || id_new(id) == -1)
		return leads_fail_500(r);
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	{
		const char *p[4] = { id, r->id, fields_json, addr_json };
		res = db_query(
		    r->db, r->mem, &leads_profile_sql[SQL_LEADS_PROFILE_CUSTOMER_UPSERT], 4, p);
	}
	if (res == NULL || (resp = leads_cell(r, res, 0)) == NULL ||
	    (audit_new = leads_cell(r, res, 1)) == NULL)
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
	int ceiling = leads_current_year(r) + 1;
	char msg[64];
	cJSON *issues = NULL;

	*oom = false;
	snprintf(msg, sizeof(msg), "Number must be less than or equal to %d", ceiling);
	if (v[VEH_CURRENT].present && !v[VEH_CURRENT].null &&
	    v[VEH_CURRENT].obj->v[CUR_YEAR].present &&
	    v[VEH_CURRENT].obj->v[CUR_YEAR].i > ceiling) {
		static const char *const path[] = { "current", "year" };
		*oom |= leads_add_issue(&issues, path, 2, msg) == -1;
	}
	if (v[VEH_DESIRED].present && !v[VEH_DESIRED].null) {
		const struct value *d = v[VEH_DESIRED].obj->v;
		if (d[DES_YEAR].present && d[DES_YEAR].i > ceiling) {
			static const char *const path[] = { "desired", "year" };
			*oom |= leads_add_issue(&issues, path, 2, msg) == -1;
		}
		if (d[DES_PREFS].present && !d[DES_PREFS].null &&
		    !cJSON_IsObject(d[DES_PREFS].json)) {
			static const char *const path[] = { "desired", "preferences" };
			*oom |= leads_add_issue(&issues, path, 2, "Expected object") == -1;
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
    enum leads_profile_sql del, enum leads_profile_sql upsert)
{
	const char *p[3] = { row_id, r->id, patch };

	if (!part->present)
		return 0;
	if (part->null)
		return db_query(r->db, r->mem, &leads_profile_sql[del], 1, p + 1) == NULL ? -1 : 0;
	return db_query(r->db, r->mem, &leads_profile_sql[upsert], 3, p) == NULL ? -1 : 0;
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
int
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
			return leads_fail_500(r);
		}
		return http_fail_issues(r, issues);
	}
	if ((cur->present && !cur->null && (cur_patch = current_patch(r, cur->obj->v)) == NULL) ||
	    (des->present && !des->null && (des_patch = desired_patch(r, des->obj->v)) == NULL) ||
	    (amt->present && !amt->null && (amount = leads_num_text(r, amt->d)) == NULL) ||
	    id_new(id1) == -1 || id_new(id2) == -1 || id_new(id3) == -1)
		return leads_fail_500(r);
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	if (vehicle_apply(r, cur, id1, cur_patch, SQL_LEADS_PROFILE_CURRENT_DELETE,
		SQL_LEADS_PROFILE_CURRENT_UPSERT) == -1 ||
	    vehicle_apply(r, des, id2, des_patch, SQL_LEADS_PROFILE_DESIRED_DELETE,
		SQL_LEADS_PROFILE_DESIRED_UPSERT) == -1)
		return tx_fail_db(r);
	if (amt->present) {
		const char *p[3] = { r->id, amount, id3 };
		if (db_query(r->db, r->mem, &leads_profile_sql[SQL_LEADS_PROFILE_AMOUNT_AVAILABLE],
			3, p) == NULL)
			return tx_fail_db(r);
	}
	{
		const char *p[2] = { r->id, amount };
		res = db_query(
		    r->db, r->mem, &leads_profile_sql[SQL_LEADS_PROFILE_VEHICLES_GET], 2, p);
	}
	if (res == NULL || (resp = leads_cell(r, res, 0)) == NULL ||
	    (audit_new = leads_cell(r, res, 1)) == NULL)
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
	return v->present && !v->null ? leads_num_text(r, v->d) : NULL;
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
int
leads_financing(struct req *r)
{
	const struct value *v = r->in->v;
	const char *app_id = json_in_nonempty(&v[FIN_APP]),
		   *decision = decision_of(&v[FIN_DECISION]);
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
		return leads_fail_500(r);
	}
	if ((new_json = json_print_take(r->mem, a)) == NULL)
		return leads_fail_500(r);
	if (app_id != NULL) {
		cJSON *o = cJSON_CreateObject();
		if (o == NULL || cJSON_AddStringToObject(o, "applicationId", app_id) == NULL) {
			cJSON_Delete(o);
			return leads_fail_500(r);
		}
		if ((old_json = json_print_take(r->mem, o)) == NULL)
			return leads_fail_500(r);
		row_id = app_id;
	} else if (id_new(id) == -1)
		return leads_fail_500(r);
	else
		row_id = id;

	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	if (app_id != NULL) {
		const char *p[2] = { app_id, r->id };
		if ((res = db_query(r->db, r->mem,
			 &leads_profile_sql[SQL_LEADS_PROFILE_FINANCING_OWNED], 2, p)) == NULL)
			return tx_fail_db(r);
		if (PQntuples(res) != 1)
			return tx_fail(r, 404, "Financing application not found");
	}
	{
		const char *p[14] = { row_id, r->id, v[FIN_BANK].s, opt_num(r, &v[FIN_LOAN]),
			opt_num(r, &v[FIN_DOWN]), opt_num(r, &v[FIN_TERM]),
			opt_num(r, &v[FIN_INCOME]), opt_num(r, &v[FIN_EXPENSES]),
			opt_num(r, &v[FIN_SCORE]), json_in_str(&v[FIN_SUB_BY]),
			json_in_str(&v[FIN_SUB_AT]), json_in_str(&v[FIN_BANK_REF]), decision,
			json_in_str(&v[FIN_DECISION_AT]) };
		if (db_query(r->db, r->mem,
			&leads_profile_sql[app_id != NULL ? SQL_LEADS_PROFILE_FINANCING_UPDATE
							  : SQL_LEADS_PROFILE_FINANCING_INSERT],
			14, p) == NULL)
			return tx_fail_db(r);
	}
	if (audit_log(r->db, r->mem,
		&(struct audit_entry){ r->id, r->user->id, "financing_update", "financing",
		    old_json, new_json, NULL }) == -1)
		return tx_fail_db(r);
	{
		const char *p[1] = { row_id };
		res = db_query(
		    r->db, r->mem, &leads_profile_sql[SQL_LEADS_PROFILE_FINANCING_GET], 1, p);
	}
	if ((resp = leads_cell(r, res, 0)) == NULL || db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s financing %s %s by %s", r->id, row_id,
	    app_id != NULL ? "replaced" : "created", r->user->id);
	return app_id != NULL ? http_ok_raw(r, resp) : http_created_raw(r, resp);
}

int
leads_profile_init(struct db *db)
{
	return db_register(db, leads_profile_sql, LEADS_PROFILE_SQL__MAX);
}
