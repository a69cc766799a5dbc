/*
 * consents: consent templates and records (spec/api.md §4.9, §4.10, §7.6)
 * with the rewrite's fixes: an edit of a template is a new version and the
 * old one is closed, deleting only deactivates, texts are sanitised to a
 * small HTML allow-list (FR-30, SR-36); the archive shows operators only
 * the leads they may access, exports are audited (FR-35, FR-36, SR-45);
 * withdrawal records who and how (FR-37, SR-40); staff and partners record
 * consents through the shared capture core (common/consent.h, SR-37..39).
 *
 * The client records consents through cgi-bin/forms at
 * POST /api/application-forms/{id}/consent-records (its session cookie is
 * scoped to that path), which calls consent_capture() the same way.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/audit.h"
#include "common/consent.h"
#include "common/db.h"
#include "common/http.h"
#include "common/id.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/role.h"
#include "common/sanitize.h"
#include "common/session.h"
#include "common/valid.h"

#include "consents.sql.h"

static int consents_templates_list(struct req *);
static int consents_template_get(struct req *);
static int consents_template_create(struct req *);
static int consents_template_update(struct req *);
static int consents_template_delete(struct req *);
static int consents_template_diff(struct req *);
static int consents_records_list(struct req *);
static int consents_records_export(struct req *);
static int consents_record_withdraw(struct req *);
static int consents_records_capture(struct req *);

/* Database order of "ConsentType" and "ConsentMethod" (data-model §2). */
static const char *const type_opts[] = { "PARTNER_DECLARATION", "MARKETING", "FINANCIAL_PARTNERS",
	"VEHICLE_PARTNERS", "PHONE_CONTACT", NULL };
static const char *const method_opts[] = { "ONLINE_FORM", "PHONE_CALL", "PARTNER_SUBMISSION",
	NULL };
static const char *const sort_opts[] = { "recordedAt", "consentType", "clientName", NULL };
static const char *const order_opts[] = { "asc", "desc", NULL };
static const char *const format_opts[] = { "csv", "json", NULL };
/* How a client asked staff to withdraw (SR-40); "STAFF" when not said. */
static const char *const channel_opts[] = { "PHONE", "EMAIL", "IN_PERSON", "LETTER", NULL };

/* A consent text is at most 20 000 characters (api.md 4.10.4 consentText). */
#define CONTENT_MAX 20000
#define TITLE_MAX   500
#define HELP_MAX    5000
#define FORM_MAX    64
#define TAG_MAX     64
#define TAGS_MAX    20
#define NOTES_MAX   2000
#define SEARCH_MAX  200
/* One form shows a handful of consents; 20 leaves room without inviting abuse. */
#define CAPTURE_MAX       20
#define TAKE_MAX          100 /* spec §4.10.1: take 1–100 */
#define SKIP_MAX          2147483647LL
#define VERSION_MAX       1000000

#define MSG_TPL_NOT_FOUND "Consent template not found"
#define MSG_TPL_EXISTS    "Template version already exists"
#define MSG_REC_NOT_FOUND "Consent record not found"

/* --- field tables ---------------------------------------------------------------- */

enum tpl_query_key { TQ_FORM_TYPE, TQ_INCLUDE_INACTIVE, TQ_FORM_ID, TQ_LEAD_ID, TQ__MAX };
static const struct field tpl_query_fields[TQ__MAX] = {
	[TQ_FORM_TYPE] = { "form_type", FT_STRING, F_TRIM, 1, FORM_MAX },
	[TQ_INCLUDE_INACTIVE] = { "include_inactive", FT_BOOL, 0, 0, 0 },
	/* Accepted and validated for compatibility, not used (spec §4.9.1). */
	[TQ_FORM_ID] = { "applicationFormId", FT_CUID, 0, 0, 0 },
	[TQ_LEAD_ID] = { "leadId", FT_CUID, 0, 0, 0 },
};
static const struct field_table tpl_query = FIELD_TABLE(tpl_query_fields);

static const struct field tag_elem = {
	.name = "tag", .type = FT_STRING, .flags = F_TRIM, .min = 1, .max = TAG_MAX
};

/* One table for create (required fields checked in the handler) and update. */
enum tpl_key {
	TPL_TYPE,
	TPL_FORM,
	TPL_TITLE,
	TPL_CONTENT,
	TPL_HELP,
	TPL_VERSION,
	TPL_ACTIVE,
	TPL_REQUIRED,
	TPL_TAGS,
	TPL__MAX
};
static const struct field tpl_fields[TPL__MAX] = {
	[TPL_TYPE] = { "consentType", FT_ENUM, 0, 0, 0, type_opts },
	[TPL_FORM] = { "formType", FT_STRING, F_TRIM, 1, FORM_MAX },
	[TPL_TITLE] = { "title", FT_STRING, F_TRIM, 1, TITLE_MAX },
	[TPL_CONTENT] = { "content", FT_STRING, F_TRIM | F_MULTILINE, 1, CONTENT_MAX },
	[TPL_HELP] = { "helpText", FT_STRING, F_TRIM | F_MULTILINE | F_NULLABLE, 0, HELP_MAX },
	[TPL_VERSION] = { "version", FT_INT, F_POSITIVE, 1, VERSION_MAX },
	[TPL_ACTIVE] = { "isActive", FT_BOOL, 0, 0, 0 },
	[TPL_REQUIRED] = { "isRequired", FT_BOOL, 0, 0, 0 },
	[TPL_TAGS] = { "tags", FT_ARRAY, 0, 0, TAGS_MAX, NULL, NULL, &tag_elem },
};
static const struct field_table tpl_in = FIELD_TABLE(tpl_fields);

enum diff_key { DIFF_FROM, DIFF_TO, DIFF__MAX };
static const struct field diff_fields[DIFF__MAX] = {
	[DIFF_FROM] = { "from", FT_INT, F_POSITIVE, 1, VERSION_MAX },
	[DIFF_TO] = { "to", FT_INT, F_POSITIVE, 1, VERSION_MAX },
};
static const struct field_table diff_q = FIELD_TABLE(diff_fields);

enum rec_query_key {
	RQ_LEAD,
	RQ_TYPE,
	RQ_METHOD,
	RQ_GIVEN,
	RQ_RECORDED_BY,
	RQ_PARTNER,
	RQ_REC_START,
	RQ_REC_END,
	RQ_WD_START,
	RQ_WD_END,
	RQ_SEARCH,
	RQ_SORT,
	RQ_ORDER,
	RQ_SKIP,
	RQ_TAKE,
	RQ_FORMAT,
	RQ__MAX
};
static const struct field rec_query_fields[RQ__MAX] = {
	[RQ_LEAD] = { "leadId", FT_CUID, 0, 0, 0 },
	[RQ_TYPE] = { "consentType", FT_ENUM, 0, 0, 0, type_opts },
	[RQ_METHOD] = { "consentMethod", FT_ENUM, 0, 0, 0, method_opts },
	/* "true"/"false" filter; other values are ignored (spec §4.10.1). */
	[RQ_GIVEN] = { "consentGiven", FT_STRING, 0, 0, 16 },
	[RQ_RECORDED_BY] = { "recordedByUserId", FT_CUID, 0, 0, 0 },
	[RQ_PARTNER] = { "partnerId", FT_CUID, 0, 0, 0 },
	[RQ_REC_START] = { "recordedAtStart", FT_DATE, 0, 0, 0 },
	[RQ_REC_END] = { "recordedAtEnd", FT_DATE, 0, 0, 0 },
	[RQ_WD_START] = { "withdrawnAtStart", FT_DATE, 0, 0, 0 },
	[RQ_WD_END] = { "withdrawnAtEnd", FT_DATE, 0, 0, 0 },
	[RQ_SEARCH] = { "clientSearch", FT_STRING, F_TRIM, 1, SEARCH_MAX },
	[RQ_SORT] = { "sortBy", FT_ENUM, 0, 0, 0, sort_opts },
	[RQ_ORDER] = { "sortOrder", FT_ENUM, 0, 0, 0, order_opts },
	[RQ_SKIP] = { "skip", FT_INT, 0, 0, SKIP_MAX },
	[RQ_TAKE] = { "take", FT_INT, 0, 1, TAKE_MAX },
	[RQ_FORMAT] = { "format", FT_ENUM, 0, 0, 0, format_opts },
};
static const struct field_table rec_query = FIELD_TABLE(rec_query_fields);

enum withdraw_key { WQ_CHANNEL, WQ__MAX };
static const struct field withdraw_fields[WQ__MAX] = {
	[WQ_CHANNEL] = { "channel", FT_ENUM, 0, 0, 0, channel_opts },
};
static const struct field_table withdraw_q = FIELD_TABLE(withdraw_fields);

enum capture_key { CAP_LEAD, CAP_FORM_TYPE, CAP_NOTES, CAP_CONSENTS, CAP__MAX };
static const struct field capture_fields[CAP__MAX] = {
	[CAP_LEAD] = { "leadId", FT_CUID, F_REQUIRED, 0, 0 },
	[CAP_FORM_TYPE] = { "formType", FT_STRING, F_TRIM, 1, FORM_MAX },
	[CAP_NOTES] = { "notes", FT_STRING, F_TRIM | F_MULTILINE | F_NULLABLE, 0, NOTES_MAX },
	[CAP_CONSENTS] = { "consents", FT_ARRAY, F_REQUIRED, 1, CAPTURE_MAX, NULL, NULL,
	    &consent_answer_elem },
};
static const struct field_table capture_in = FIELD_TABLE(capture_fields);

static const struct route consents_routes[] = {
	/* method       pattern                                handler                   roles         body         query */
	{ HTTP_GET, "/api/consent-templates", consents_templates_list, ROLES_PUBLIC, NULL,
	    &tpl_query },
	{ HTTP_POST, "/api/consent-templates", consents_template_create, ROLES_ADMIN, &tpl_in,
	    NULL },
	{ HTTP_GET, "/api/consent-templates/:id", consents_template_get, ROLES_ADMIN, NULL, NULL },
	{ HTTP_PUT, "/api/consent-templates/:id", consents_template_update, ROLES_ADMIN, &tpl_in,
	    NULL },
	{ HTTP_DELETE, "/api/consent-templates/:id", consents_template_delete, ROLES_ADMIN, NULL,
	    NULL },
	{ HTTP_GET, "/api/consent-templates/:id/diff", consents_template_diff, ROLES_ADMIN, NULL,
	    &diff_q },
	{ HTTP_GET, "/api/consent-records", consents_records_list, ROLES_STAFF, NULL, &rec_query },
	{ HTTP_GET, "/api/consent-records/export", consents_records_export, ROLES_MANAGERS, NULL,
	    &rec_query },
	{ HTTP_POST, "/api/consent-records/capture", consents_records_capture,
	    ROLES_STAFF | ROLES_PARTNER_SCOPED, &capture_in, NULL },
	{ HTTP_POST, "/api/consent-records/:id/withdraw", consents_record_withdraw, ROLES_STAFF,
	    NULL, &withdraw_q },
};

/* --- helpers ------------------------------------------------------------------------ */

static const char *
opt_s(const struct value *v)
{
	return v->present && !v->null ? v->s : NULL;
}

static bool
has(const struct value *v)
{
	return v->present && !v->null;
}

static const char *
bool_s(const struct value *v)
{
	if (!has(v))
		return NULL;
	return v->b ? "true" : "false";
}

static const char *
int_s(struct req *r, const struct value *v)
{
	return has(v) ? arena_printf(r->mem, "%lld", v->i) : NULL;
}

/* The tags as a JSON array text, NULL when not given. */
static const char *
tags_json(struct req *r, const struct value *v)
{
	cJSON *a;
	char *s;
	const char *out;

	if (!has(v))
		return NULL;
	if ((a = cJSON_CreateArray()) == NULL)
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		cJSON *t = cJSON_CreateString(v->arr[i].s);
		if (t == NULL || !cJSON_AddItemToArray(a, t)) {
			cJSON_Delete(t);
			cJSON_Delete(a);
			return NULL;
		}
	}
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	out = s != NULL ? arena_strdup(r->mem, s) : NULL;
	cJSON_free(s);
	return out;
}

/* The sanitised content, or NULL with a 400/500 response set. */
static const char *
clean_content(struct req *r, const char *content)
{
	char *clean = sanitize_html(r->mem, content);
	const char *p;

	if (clean == NULL) {
		http_fail(r, 500, NULL, "Internal server error");
		return NULL;
	}
	/* Nothing but markup (e.g. only a script) leaves no text to consent to. */
	for (p = clean; *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'; p++)
		;
	if (*p != '\0')
		return clean;
	http_fail_field(r, "content", "Content has no text after sanitising");
	return NULL;
}

static int
audit_consent(struct req *r, const char *action, const char *template_id, const char *meta)
{
	char id[ID_SIZE];
	const char *params[5];

	if (id_new(id) == -1)
		return -1;
	params[0] = id;
	params[1] = r->user->id;
	params[2] = action;
	params[3] = template_id;
	params[4] = meta;
	if (db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_AUDIT], 5, params) == NULL) {
		log_error("consents", "cannot record %s", action);
		return -1;
	}
	return 0;
}

/* {"k1":"v1", ...} of n string pairs (arena); NULL when out of memory. */
static const char *
meta_json(struct req *r, size_t n, const char *const *kv)
{
	cJSON *o = cJSON_CreateObject();
	const char *out = NULL;
	char *s;

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (cJSON_AddStringToObject(o, kv[2 * i], kv[2 * i + 1]) == NULL)
			goto out;
	if ((s = cJSON_PrintUnformatted(o)) != NULL) {
		out = arena_strdup(r->mem, s);
		cJSON_free(s);
	}
out:
	cJSON_Delete(o);
	return out;
}

/* 200/201 with the template id (its §4.9 shape plus "current" and "versions"). */
static int
answer_template(struct req *r, const char *id, bool created)
{
	const char *params[1] = { id };
	PGresult *res =
	    db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_TEMPLATE_GET], 1, params);

	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_TPL_NOT_FOUND);
	if (created)
		return http_created_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/* --- templates ---------------------------------------------------------------------- */

/*
 * GET /api/consent-templates, public.
 * 200 {"data":[template...]} of one form type (default financing_application),
 * active and within their validity window.
 * include_inactive=true lists every version, for an ADMIN session only (the
 * reference showed withdrawn wordings to anybody): 401 without a session,
 * 403 {"message":"Forbidden"} for other roles.
 * 400 validation of the query.
 */
static int
consents_templates_list(struct req *r)
{
	const struct value *ft = &r->q->v[TQ_FORM_TYPE];
	bool all = r->q->v[TQ_INCLUDE_INACTIVE].present && r->q->v[TQ_INCLUDE_INACTIVE].b;
	const char *params[2] = { ft->present ? ft->s : "financing_application",
		all ? "true" : "false" };
	PGresult *res;

	if (all) {
		if (http_authenticate(r) == -1)
			return 0;
		if (r->user->role != ROLE_ADMIN)
			return http_fail(r, 403, NULL, "Forbidden");
	}
	res = db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_TEMPLATES_LIST], 2, params);
	if (res == NULL)
		return http_fail_db(r);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * GET /api/consent-templates/:id — ADMIN.
 * 200 the template with "current" (it is what new records get) and
 *     "versions" [{id, version, title, validFrom, validTo, isActive,
 *     createdByUserId, records}] of its family, newest first.
 * 404 "Consent template not found".
 */
static int
consents_template_get(struct req *r)
{
	return answer_template(r, r->id, false);
}

/*
 * POST /api/consent-templates — ADMIN (§4.9.2, FR-30, SR-36).
 * 201 the template.  "version" may be left out: the next of its family
 * (consentType, formType) is taken.  The content is sanitised (sanitize.h).
 * 400 validation (consentType, formType, title and content are required).
 * 409 "Template version already exists".
 * Audited as TEMPLATE_CREATED.
 */
static int
consents_template_create(struct req *r)
{
	const struct value *v = r->in->v;
	static const int required[] = { TPL_TYPE, TPL_FORM, TPL_TITLE, TPL_CONTENT };
	const char *params[11], *content, *meta;
	char id[ID_SIZE];
	cJSON *issues = NULL;
	PGresult *res;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const char *path[1] = { tpl_fields[required[i]].name };
		if (has(&v[required[i]]))
			continue;
		if ((issues == NULL && (issues = cJSON_CreateArray()) == NULL) ||
		    valid_issue_custom(issues, path, 1, "Required") == -1) {
			cJSON_Delete(issues);
			return http_fail(r, 500, NULL, "Internal server error");
		}
	}
	if (issues != NULL)
		return http_fail_issues(r, issues);
	if ((content = clean_content(r, v[TPL_CONTENT].s)) == NULL)
		return 0;
	if (id_new(id) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	params[0] = id;
	params[1] = v[TPL_TYPE].s;
	params[2] = v[TPL_FORM].s;
	params[3] = v[TPL_TITLE].s;
	params[4] = content;
	params[5] = opt_s(&v[TPL_HELP]);
	params[6] = int_s(r, &v[TPL_VERSION]);
	params[7] = has(&v[TPL_ACTIVE]) ? bool_s(&v[TPL_ACTIVE]) : "true";
	params[8] = has(&v[TPL_REQUIRED]) ? bool_s(&v[TPL_REQUIRED]) : "false";
	params[9] = has(&v[TPL_TAGS]) ? tags_json(r, &v[TPL_TAGS]) : "[]";
	params[10] = r->user->id;
	if (params[9] == NULL || (has(&v[TPL_VERSION]) && params[6] == NULL))
		return http_fail(r, 500, NULL, "Internal server error");

	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	res = db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_TEMPLATE_INSERT], 11, params);
	if (res == NULL) {
		if (strcmp(db_sqlstate(r->db), "23505") == 0)
			return http_fail(r, 409, NULL, MSG_TPL_EXISTS);
		return http_fail_db(r);
	}
	meta = meta_json(
	    r, 2, (const char *const[]){ "consentType", v[TPL_TYPE].s, "formType", v[TPL_FORM].s });
	if (meta == NULL || audit_consent(r, "TEMPLATE_CREATED", id, meta) == -1 ||
	    db_commit(r->db) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	log_info("consents", "template %s created by %s", id, r->user->id);
	return answer_template(r, id, true);
}

/* Whether the body changes a field of the wording a person answers. */
static bool
text_changes(const struct value *v, PGresult *row, const char *content)
{
	if (has(&v[TPL_TITLE]) && strcmp(v[TPL_TITLE].s, PQgetvalue(row, 0, 2)) != 0)
		return true;
	if (content != NULL && strcmp(content, PQgetvalue(row, 0, 3)) != 0)
		return true;
	if (v[TPL_HELP].present) {
		bool was_null = PQgetisnull(row, 0, 4) != 0;
		if (v[TPL_HELP].null != was_null ||
		    (!was_null && strcmp(v[TPL_HELP].s, PQgetvalue(row, 0, 4)) != 0))
			return true;
	}
	if (has(&v[TPL_REQUIRED]) &&
	    v[TPL_REQUIRED].b != (strcmp(PQgetvalue(row, 0, 7), "true") == 0))
		return true;
	return false;
}

/*
 * PUT /api/consent-templates/:id — ADMIN (§4.9.3 with SR-36).
 * A change of title, content, helpText or isRequired never edits the row: it
 * creates version N+1 of the family (validFrom now) and closes the edited
 * version (validTo now); records keep pointing at the version the person saw.
 * isActive and tags alone change in place.  Nothing changed: the row as is.
 * 200 the resulting template (for a new version: the new row, a new id).
 * 400 validation; consentType/formType other than the row's ("create a new
 *     template instead"); a version other than the row's (versions are numbered
 *     automatically).
 * 404 "Consent template not found".
 * 409 "Only the current version of a template can be edited" (closed row);
 *     "Template version already exists" (a concurrent create took the number).
 * Audited as TEMPLATE_VERSIONED or TEMPLATE_UPDATED.
 */
static int
consents_template_update(struct req *r)
{
	const struct value *v = r->in->v;
	const char *content = NULL, *params[10], *meta;
	const char *lock[1] = { r->id };
	char id[ID_SIZE];
	PGresult *row, *res;

	if (has(&v[TPL_CONTENT]) && (content = clean_content(r, v[TPL_CONTENT].s)) == NULL)
		return 0;
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	if ((row = db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_TEMPLATE_LOCK], 1, lock)) ==
	    NULL)
		return http_fail_db(r);
	if (PQntuples(row) != 1)
		return http_fail(r, 404, NULL, MSG_TPL_NOT_FOUND);
	if ((has(&v[TPL_TYPE]) && strcmp(v[TPL_TYPE].s, PQgetvalue(row, 0, 0)) != 0) ||
	    (has(&v[TPL_FORM]) && strcmp(v[TPL_FORM].s, PQgetvalue(row, 0, 1)) != 0))
		return http_fail(r, 400, NULL,
		    "consentType and formType of a template cannot change; create a new template");
	if (has(&v[TPL_VERSION]) && v[TPL_VERSION].i != strtoll(PQgetvalue(row, 0, 5), NULL, 10))
		return http_fail(r, 400, NULL,
		    "Versions are numbered automatically; an edit creates the next version");
	if (strcmp(PQgetvalue(row, 0, 9), "true") == 0)
		return http_fail(
		    r, 409, NULL, "Only the current version of a template can be edited");

	if (text_changes(v, row, content)) {
		if (id_new(id) == -1)
			return http_fail(r, 500, NULL, "Internal server error");
		params[0] = r->id;
		params[1] = id;
		params[2] = opt_s(&v[TPL_TITLE]);
		params[3] = content;
		params[4] = opt_s(&v[TPL_HELP]);
		params[5] = v[TPL_HELP].present ? "true" : "false";
		params[6] = bool_s(&v[TPL_ACTIVE]);
		params[7] = bool_s(&v[TPL_REQUIRED]);
		params[8] = tags_json(r, &v[TPL_TAGS]);
		params[9] = r->user->id;
		if (has(&v[TPL_TAGS]) && params[8] == NULL)
			return http_fail(r, 500, NULL, "Internal server error");
		res =
		    db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_TEMPLATE_NEXT], 10, params);
		if (res == NULL) {
			if (strcmp(db_sqlstate(r->db), "23505") == 0)
				return http_fail(r, 409, NULL, MSG_TPL_EXISTS);
			return http_fail_db(r);
		}
		meta = meta_json(r, 2,
		    (const char *const[]){
			"previousTemplateId", r->id, "previousVersion", PQgetvalue(row, 0, 5) });
		if (meta == NULL || audit_consent(r, "TEMPLATE_VERSIONED", id, meta) == -1 ||
		    db_commit(r->db) == -1)
			return http_fail(r, 500, NULL, "Internal server error");
		log_info(
		    "consents", "template %s edited by %s: new version %s", r->id, r->user->id, id);
		return answer_template(r, id, false);
	}
	if (has(&v[TPL_ACTIVE]) || has(&v[TPL_TAGS])) {
		const char *flags[3] = { r->id, bool_s(&v[TPL_ACTIVE]),
			tags_json(r, &v[TPL_TAGS]) };
		if (has(&v[TPL_TAGS]) && flags[2] == NULL)
			return http_fail(r, 500, NULL, "Internal server error");
		if (db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_TEMPLATE_FLAGS], 3, flags) ==
		    NULL)
			return http_fail_db(r);
		if (audit_consent(r, "TEMPLATE_UPDATED", r->id, NULL) == -1)
			return http_fail(r, 500, NULL, "Internal server error");
	}
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	return answer_template(r, r->id, false);
}

/*
 * DELETE /api/consent-templates/:id — ADMIN (§4.9.4 with FR-30/SR-36).
 * Deactivates: the row stays, records keep pointing at it.
 * 204 (also when it was inactive already).  404 "Consent template not found".
 * Audited as TEMPLATE_DEACTIVATED.
 */
static int
consents_template_delete(struct req *r)
{
	const char *params[1] = { r->id };
	PGresult *res;

	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	res = db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_TEMPLATE_DEACTIVATE], 1, params);
	if (res == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_TPL_NOT_FOUND);
	if (audit_consent(r, "TEMPLATE_DEACTIVATED", r->id, NULL) == -1 || db_commit(r->db) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	log_info("consents", "template %s deactivated by %s", r->id, r->user->id);
	return http_no_content(r);
}

/* --- the version diff ----------------------------------------------------------------- */

/* One line of a text: a pointer into it and a length, no terminator. */
struct seg {
	const char *p;
	size_t len;
};

/* The DP table of the diff stays below 4 MiB; bigger changes fall back to
 * "everything between the common head and tail was replaced". */
#define DIFF_CELLS (1u << 20)
/* Lines end at a line break and after block-ending tags, since consent HTML
 * is often one long line of paragraphs. */
static const char *const block_ends[] = { "</p>", "</li>", "</h3>", "</h4>", "</blockquote>",
	"</ul>", "</ol>", "<br>" };

static size_t
block_end(const char *p)
{
	for (size_t i = 0; i < sizeof(block_ends) / sizeof(block_ends[0]); i++) {
		size_t n = strlen(block_ends[i]);
		if (strncmp(p, block_ends[i], n) == 0)
			return n;
	}
	return 0;
}

/* Splits s into trimmed, non-empty lines (arena).  -1 when out of memory. */
static int
split_lines(struct arena *mem, const char *s, struct seg **out, size_t *n)
{
	size_t cap = 1, k = 0;
	struct seg *v;

	for (const char *p = s; *p != '\0'; p++)
		if (*p == '\n' || *p == '<')
			cap++;
	if ((v = arena_alloc(mem, cap * sizeof(*v))) == NULL)
		return -1;
	while (*s != '\0') {
		const char *start = s, *end;
		size_t len = 0;

		while (*s != '\0' && *s != '\n' && (len = block_end(s)) == 0)
			s++;
		end = s + len;
		s = *s == '\n' ? s + 1 : end;
		while (start < end && (*start == ' ' || *start == '\t' || *start == '\r'))
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		if (end > start && k < cap)
			v[k++] = (struct seg){ start, (size_t)(end - start) };
	}
	*out = v;
	*n = k;
	return 0;
}

static bool
seg_eq(const struct seg *a, const struct seg *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static int
add_op(struct arena *mem, cJSON *lines, const char *op, const struct seg *s)
{
	cJSON *o = cJSON_CreateObject();
	char *text = arena_strndup(mem, s->p, s->len);

	if (o == NULL || !cJSON_AddItemToArray(lines, o)) {
		cJSON_Delete(o);
		return -1;
	}
	if (text == NULL || cJSON_AddStringToObject(o, "op", op) == NULL ||
	    cJSON_AddStringToObject(o, "text", text) == NULL)
		return -1;
	return 0;
}

/*
 * The line diff of a (from) and b (to) into lines: [{op, text}] with op
 * "equal", "delete" (only in from) or "insert" (only in to), in reading
 * order; counts in st[0..2].  A longest common subsequence over the lines
 * between the common head and tail.  -1 when out of memory.
 */
static int
line_diff(struct arena *mem, const struct seg *a, size_t na, const struct seg *b, size_t nb,
    cJSON *lines, long st[3])
{
	size_t head = 0, tail = 0, n, m;
	uint32_t *dp = NULL;
	int rc = -1;

	while (head < na && head < nb && seg_eq(&a[head], &b[head]))
		head++;
	while (tail < na - head && tail < nb - head && seg_eq(&a[na - 1 - tail], &b[nb - 1 - tail]))
		tail++;
	n = na - head - tail;
	m = nb - head - tail;
	for (size_t i = 0; i < head; i++)
		if (add_op(mem, lines, "equal", &a[i]) == -1)
			return -1;
	st[0] += (long)head;
	if (n > 0 && m > 0 && (n + 1) * (m + 1) <= DIFF_CELLS &&
	    (dp = calloc((n + 1) * (m + 1), sizeof(*dp))) == NULL)
		return -1;
	if (dp != NULL) {
		const struct seg *x = a + head, *y = b + head;
		size_t i = 0, j = 0;

		/* dp[i][j]: LCS length of x[i..] and y[j..]. */
		for (size_t ii = n; ii-- > 0;)
			for (size_t jj = m; jj-- > 0;)
				dp[ii * (m + 1) + jj] = seg_eq(&x[ii], &y[jj])
				    ? dp[(ii + 1) * (m + 1) + jj + 1] + 1
				    : (dp[(ii + 1) * (m + 1) + jj] >= dp[ii * (m + 1) + jj + 1]
					      ? dp[(ii + 1) * (m + 1) + jj]
					      : dp[ii * (m + 1) + jj + 1]);
		while (i < n || j < m) {
			const char *op;
			const struct seg *s;
			if (i < n && j < m && seg_eq(&x[i], &y[j])) {
				op = "equal";
				s = &x[i++];
				j++;
				st[0]++;
			} else if (i < n &&
			    (j == m || dp[(i + 1) * (m + 1) + j] >= dp[i * (m + 1) + j + 1])) {
				/* Deletions before insertions, as diff(1) shows a replaced line. */
				op = "delete";
				s = &x[i++];
				st[1]++;
			} else {
				op = "insert";
				s = &y[j++];
				st[2]++;
			}
			if (add_op(mem, lines, op, s) == -1)
				goto out;
		}
	} else {
		for (size_t i = 0; i < n; i++)
			if (add_op(mem, lines, "delete", &a[head + i]) == -1)
				goto out;
		for (size_t j = 0; j < m; j++)
			if (add_op(mem, lines, "insert", &b[head + j]) == -1)
				goto out;
		st[1] += (long)n;
		st[2] += (long)m;
	}
	for (size_t i = na - tail; i < na; i++)
		if (add_op(mem, lines, "equal", &a[i]) == -1)
			goto out;
	st[0] += (long)tail;
	rc = 0;
out:
	free(dp);
	return rc;
}

/* Whether the key of two version objects differs. */
static bool
field_changed(const cJSON *a, const cJSON *b, const char *key)
{
	return !cJSON_Compare(cJSON_GetObjectItemCaseSensitive(a, key),
	    cJSON_GetObjectItemCaseSensitive(b, key), true);
}

/*
 * GET /api/consent-templates/:id/diff?from=&to= — ADMIN (SR-36 version diff).
 * from/to are version numbers of the template's family (consentType,
 * formType); to defaults to the template's own version, from to the newest
 * version below to.
 * 200 {"from":{id, version, title, helpText, isRequired, isActive, validFrom,
 *     validTo}, "to":{…}, "changed":{"title","helpText","isRequired","content"}
 *     (booleans), "lines":[{"op":"equal"|"delete"|"insert","text"}],
 *     "stats":{"equal","delete","insert"}} — the content compared line by line
 *     (lines end at line breaks and block tags), in reading order.
 * 400 validation.  404 "Consent template not found", "Template version not found".
 */
static int
consents_template_diff(struct req *r)
{
	const char *params[3] = { r->id, int_s(r, &r->q->v[DIFF_FROM]),
		int_s(r, &r->q->v[DIFF_TO]) };
	struct seg *a, *b;
	size_t na, nb;
	long st[3] = { 0, 0, 0 };
	cJSON *doc, *from, *to, *changed, *lines, *stats;
	PGresult *res;

	res = db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_TEMPLATE_DIFF], 3, params);
	if (res == NULL)
		return http_fail_db(r);
	if (strcmp(PQgetvalue(res, 0, 4), "t") != 0)
		return http_fail(r, 404, NULL, MSG_TPL_NOT_FOUND);
	if (PQgetisnull(res, 0, 0) || PQgetisnull(res, 0, 1))
		return http_fail(r, 404, NULL, "Template version not found");
	if ((doc = cJSON_CreateObject()) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	http_ok(r, doc); /* owned by the response from here on */
	from = cJSON_Parse(PQgetvalue(res, 0, 0));
	to = cJSON_Parse(PQgetvalue(res, 0, 1));
	if (from == NULL || !cJSON_AddItemToObject(doc, "from", from)) {
		cJSON_Delete(from);
		cJSON_Delete(to);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	if (to == NULL || !cJSON_AddItemToObject(doc, "to", to)) {
		cJSON_Delete(to);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	if (split_lines(r->mem, PQgetvalue(res, 0, 2), &a, &na) == -1 ||
	    split_lines(r->mem, PQgetvalue(res, 0, 3), &b, &nb) == -1 ||
	    (changed = cJSON_AddObjectToObject(doc, "changed")) == NULL ||
	    cJSON_AddBoolToObject(changed, "title", field_changed(from, to, "title")) == NULL ||
	    cJSON_AddBoolToObject(changed, "helpText", field_changed(from, to, "helpText")) ==
		NULL ||
	    cJSON_AddBoolToObject(changed, "isRequired", field_changed(from, to, "isRequired")) ==
		NULL ||
	    cJSON_AddBoolToObject(changed, "content",
		strcmp(PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3)) != 0) == NULL ||
	    (lines = cJSON_AddArrayToObject(doc, "lines")) == NULL ||
	    line_diff(r->mem, a, na, b, nb, lines, st) == -1 ||
	    (stats = cJSON_AddObjectToObject(doc, "stats")) == NULL ||
	    cJSON_AddNumberToObject(stats, "equal", (double)st[0]) == NULL ||
	    cJSON_AddNumberToObject(stats, "delete", (double)st[1]) == NULL ||
	    cJSON_AddNumberToObject(stats, "insert", (double)st[2]) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	return 0;
}

/* --- records ------------------------------------------------------------------------ */

/* The 16 filter/order parameters of izzy_consent_records_page() ($1..$16). */
static void
filter_params(struct req *r, const char *p[16])
{
	const struct value *q = r->q->v;
	const char *given = opt_s(&q[RQ_GIVEN]);

	p[0] = role_name(r->user->role);
	p[1] = r->user->id;
	p[2] = r->user->partner_id[0] != '\0' ? r->user->partner_id : NULL;
	p[3] = opt_s(&q[RQ_LEAD]);
	p[4] = opt_s(&q[RQ_TYPE]);
	p[5] = opt_s(&q[RQ_METHOD]);
	p[6] = given != NULL && (strcmp(given, "true") == 0 || strcmp(given, "false") == 0) ? given
											    : NULL;
	p[7] = opt_s(&q[RQ_RECORDED_BY]);
	p[8] = opt_s(&q[RQ_PARTNER]);
	p[9] = opt_s(&q[RQ_REC_START]);
	p[10] = opt_s(&q[RQ_REC_END]);
	p[11] = opt_s(&q[RQ_WD_START]);
	p[12] = opt_s(&q[RQ_WD_END]);
	p[13] = opt_s(&q[RQ_SEARCH]);
	p[14] = has(&q[RQ_SORT]) ? q[RQ_SORT].s : "recordedAt";
	p[15] = has(&q[RQ_ORDER]) ? q[RQ_ORDER].s : "desc";
}

/*
 * GET /api/consent-records — OPERATOR, SUPERVISOR, ADMIN (§4.10.1, FR-35).
 * 200 {"data":[record + lead, recordedBy, partner, consentTemplate,
 *     needsClientConfirmation, awaitingClientConfirmation, withdrawnByUserId,
 *     withdrawalChannel], "count"} of the leads the caller may see (SR-14).
 * 400 validation.
 */
static int
consents_records_list(struct req *r)
{
	const char *p[18];
	PGresult *res;

	filter_params(r, p);
	p[16] = has(&r->q->v[RQ_SKIP]) ? int_s(r, &r->q->v[RQ_SKIP]) : "0";
	p[17] = has(&r->q->v[RQ_TAKE]) ? int_s(r, &r->q->v[RQ_TAKE]) : "50";
	if (p[16] == NULL || p[17] == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((res = db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_RECORDS_LIST], 18, p)) ==
	    NULL)
		return http_fail_db(r);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * GET /api/consent-records/export — SUPERVISOR, ADMIN (§4.10.2, FR-36).
 * The filters and order of the list, every match (skip/take ignored);
 * format=csv (default) or json, as an attachment named
 * consent-records-export-<UTC time with - for : and .>.<ext>.  CSV is RFC 4180
 * with formula cells prefixed by ' (the [SEC] fix); empty when nothing matches.
 * Each export is audited (SR-45) as CONSENT_RECORDS_EXPORTED with the format,
 * the number of records and the query.
 * 400 validation (an unknown format included).
 */
static int
consents_records_export(struct req *r)
{
	bool json = has(&r->q->v[RQ_FORMAT]) && strcmp(r->q->v[RQ_FORMAT].s, "json") == 0;
	const char *p[16], *disp, *meta, *body;
	char stamp[32];
	cJSON *m;
	char *mtext;
	PGresult *res;

	filter_params(r, p);
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	res = db_query(r->db, r->mem,
	    &consents_sql[json ? SQL_CONSENTS_RECORDS_EXPORT_JSON
			       : SQL_CONSENTS_RECORDS_EXPORT_CSV],
	    16, p);
	if (res == NULL)
		return http_fail_db(r);
	if ((m = cJSON_CreateObject()) == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if (cJSON_AddStringToObject(m, "format", json ? "json" : "csv") == NULL ||
	    cJSON_AddNumberToObject(m, "count", strtod(PQgetvalue(res, 0, 1), NULL)) == NULL ||
	    cJSON_AddStringToObject(m, "query", r->query != NULL ? r->query : "") == NULL ||
	    (mtext = cJSON_PrintUnformatted(m)) == NULL) {
		cJSON_Delete(m);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	cJSON_Delete(m);
	meta = arena_strdup(r->mem, mtext);
	cJSON_free(mtext);
	if (meta == NULL || audit_consent(r, "CONSENT_RECORDS_EXPORTED", NULL, meta) == -1 ||
	    db_commit(r->db) == -1)
		return http_fail(r, 500, NULL, "Internal server error");

	valid_format_date(stamp, (long long)r->now * 1000);
	for (char *s = stamp; *s != '\0'; s++)
		if (*s == ':' || *s == '.')
			*s = '-';
	disp = arena_printf(r->mem, "attachment; filename=\"consent-records-export-%s.%s\"", stamp,
	    json ? "json" : "csv");
	if (disp == NULL || http_header(r, "Content-Disposition", disp) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	log_info("consents", "records export (%s, %s records) by %s", json ? "json" : "csv",
	    PQgetvalue(res, 0, 1), r->user->id);
	body = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	return json ? http_ok_raw(r, body) : http_ok_text(r, "text/csv; charset=utf-8", body);
}

/*
 * POST /api/consent-records/:id/withdraw[?channel=PHONE|EMAIL|IN_PERSON|LETTER]
 * — OPERATOR, SUPERVISOR, ADMIN (§4.10.3, FR-37, SR-40).  No body.
 * Sets withdrawnAt, withdrawnByUserId and withdrawalChannel (the channel the
 * client used; "STAFF" when not given).  The record is locked, so of two
 * concurrent withdrawals one gets 409.
 * 200 the record (no relations).
 * 404 "Consent record not found"; the lead's access rule (404 "Lead not
 *     found" / 403 "Access denied" from lead_access()).
 * 409 "Consent has already been withdrawn".
 * 403 "Operators can only withdraw partner declaration consents".
 * Audited on the lead as CONSENT_WITHDRAWN {consentRecordId, withdrawnAt, channel}.
 */
static int
consents_record_withdraw(struct req *r)
{
	const char *lock[1] = { r->id }, *params[3], *meta, *channel;
	PGresult *rec, *res;

	channel = has(&r->q->v[WQ_CHANNEL]) ? r->q->v[WQ_CHANNEL].s : "STAFF";
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	if ((rec = db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_RECORD_LOCK], 1, lock)) ==
	    NULL)
		return http_fail_db(r);
	if (PQntuples(rec) != 1)
		return http_fail(r, 404, NULL, MSG_REC_NOT_FOUND);
	if (lead_access(r, PQgetvalue(rec, 0, 0), LEAD_READ, NULL) == -1)
		return 0;
	if (strcmp(PQgetvalue(rec, 0, 2), "true") == 0)
		return http_fail(r, 409, NULL, "Consent has already been withdrawn");
	if (r->user->role == ROLE_OPERATOR &&
	    strcmp(PQgetvalue(rec, 0, 1), "PARTNER_DECLARATION") != 0)
		return http_fail(
		    r, 403, NULL, "Operators can only withdraw partner declaration consents");
	params[0] = r->id;
	params[1] = r->user->id;
	params[2] = channel;
	if ((res = db_query(
		 r->db, r->mem, &consents_sql[SQL_CONSENTS_RECORD_WITHDRAW], 3, params)) == NULL)
		return http_fail_db(r);
	meta = meta_json(r, 3,
	    (const char *const[]){ "consentRecordId", r->id, "withdrawnAt", PQgetvalue(res, 0, 1),
		"channel", channel });
	if (meta == NULL ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){ .lead_id = PQgetvalue(rec, 0, 0),
		    .user_id = r->user->id,
		    .action = "CONSENT_WITHDRAWN",
		    .metadata = meta }) == -1 ||
	    db_commit(r->db) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	log_info("consents", "record %s withdrawn by %s", r->id, r->user->id);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * POST /api/consent-records/capture — OPERATOR, SUPERVISOR, ADMIN, PARTNER,
 * PARTNER_MANAGER, PARTNER_EMPLOYEE (FR-31, SR-37..39): consents a client
 * expressed to staff (hotline) or to a partner, recorded on an existing lead.
 * Body {leadId, formType?, notes?, consents:[{consentTemplateId, version,
 * consentGiven}]}: only what the client actually answered; each answer an
 * explicit boolean.  Staff record PHONE_CALL with the call notes, partner users
 * PARTNER_SUBMISSION, which marks the records as needing the client's own
 * confirmation (SR-39).  Text, help text, type and version come from the
 * template rows; IP and user agent from the request.  Each capture adds
 * records (append-only).
 * 201 {"processed": n, "data":[record]}.
 * 400 validation; a template answered twice.
 * 404/403 the lead's access rule; 409 CLIENT_ACTIVE (operators, FR-46);
 * 409 "Lead is anonymized".
 * 409 TEMPLATE_OUTDATED (+ details, Retry-After: 0); 422 REQUIRED_CONSENT_MISSING
 *     (unknown/inactive template, or an answer left implicit).
 */
static int
consents_records_capture(struct req *r)
{
	const struct value *v = r->in->v;
	bool partner = (ROLE_BIT(r->user->role) & ROLES_PARTNER_SCOPED) != 0;
	struct lead_ref ref;
	struct consent_capture c = { 0 };
	const char *ids, *params[2];
	PGresult *res;
	int n;

	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	if (lead_access(r, v[CAP_LEAD].s, LEAD_WRITE, &ref) == -1)
		return 0;
	if (ref.anonymized)
		return http_fail(r, 409, NULL, "Lead is anonymized");
	c.lead_id = ref.id;
	c.form_type = opt_s(&v[CAP_FORM_TYPE]);
	c.items = consent_answers_json(r->mem, &v[CAP_CONSENTS]);
	c.method = partner ? "PARTNER_SUBMISSION" : "PHONE_CALL";
	c.recorded_by = r->user->id;
	c.partner_id = ref.partner_id[0] != '\0' ? ref.partner_id : NULL;
	c.notes = opt_s(&v[CAP_NOTES]);
	if (c.items == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((n = consent_capture(r, &c, &ids)) == -1)
		return 0;
	params[0] = ids;
	params[1] = partner ? "true" : "false";
	if ((res = db_query(
		 r->db, r->mem, &consents_sql[SQL_CONSENTS_RECORDS_BY_IDS], 2, params)) == NULL ||
	    db_commit(r->db) == -1)
		return http_fail_db(r);
	log_info("consents", "lead %s: %d records captured by %s", ref.id, n, r->user->id);
	return http_created_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

static int
consents_init(struct db *db)
{
	/* leadaccess_init() registers the audit statements too. */
	if (db_register(db, consents_sql, CONSENTS_SQL__MAX) == -1 || consent_init(db) == -1 ||
	    leadaccess_init(db) == -1)
		return -1;
	return 0;
}

extern const struct http_app consents_app;
static const http_init_fn consents_inits[] = { session_init, consents_init, NULL };
const struct http_app consents_app = {
	"consents",
	consents_routes,
	sizeof(consents_routes) / sizeof(consents_routes[0]),
	consents_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&consents_app);
}
#endif
