/*
 * consents: consent templates and records (spec/api.md §4.9, §4.10).
 * This issue ships the public template list the lead-creation screen and the
 * client form need; creating/versioning templates and the consent-record
 * archive belong to the consents issue and get their rows here.
 */
#include "config.h"

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/db.h"
#include "common/http.h"
#include "common/role.h"
#include "common/valid.h"

#include "consents.sql.h"

static int consents_templates_list(struct req *);

enum tpl_query_key { TQ_FORM_TYPE, TQ_INCLUDE_INACTIVE, TQ_FORM_ID, TQ_LEAD_ID, TQ__MAX };
static const struct field tpl_query_fields[TQ__MAX] = {
	[TQ_FORM_TYPE] = { "form_type", FT_STRING, F_TRIM, 1, 64 },
	[TQ_INCLUDE_INACTIVE] = { "include_inactive", FT_BOOL, 0, 0, 0 },
	/* Accepted and validated for compatibility, not used (spec §4.9.1). */
	[TQ_FORM_ID] = { "applicationFormId", FT_CUID, 0, 0, 0 },
	[TQ_LEAD_ID] = { "leadId", FT_CUID, 0, 0, 0 },
};
static const struct field_table tpl_query = FIELD_TABLE(tpl_query_fields);

static const struct route consents_routes[] = {
	/* method    pattern                   handler                  roles         body  query */
	{ HTTP_GET, "/api/consent-templates", consents_templates_list, ROLES_PUBLIC, NULL,
	    &tpl_query },
};

/*
 * GET /api/consent-templates, public.
 * 200 {"data":[template...]} of one form type (default financing_application),
 * active and within their validity window unless include_inactive=true.
 * 400 validation of the query.
 */
static int
consents_templates_list(struct req *r)
{
	const struct value *ft = &r->q->v[TQ_FORM_TYPE];
	const char *params[2] = {
		ft->present ? ft->s : "financing_application",
		r->q->v[TQ_INCLUDE_INACTIVE].present && r->q->v[TQ_INCLUDE_INACTIVE].b ? "true"
										       : "false",
	};
	PGresult *res =
	    db_query(r->db, r->mem, &consents_sql[SQL_CONSENTS_TEMPLATES_LIST], 2, params);

	if (res == NULL)
		return http_fail_db(r);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

static int
consents_init(struct db *db)
{
	return db_register(db, consents_sql, CONSENTS_SQL__MAX);
}

extern const struct http_app consents_app;
static const http_init_fn consents_inits[] = { consents_init, NULL };
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
