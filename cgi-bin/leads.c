/*
 * leads: /api/leads and its sub-resources (spec/api.md §4.5-§4.7, §7.3,
 * §7.10).  The whole route table is here; the handlers live in the files
 * listed in leads.h, split by concern.  Literal paths (offer-link/verify,
 * status-policy, duplicates, board, bulk,
 * export) come before the :id patterns they resemble.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/db.h"
#include "common/http.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/role.h"
#include "common/valid.h"

#include "leads.h"
#include "leads.sql.h"

static const struct route leads_routes[] = {
	/* method, pattern, handler, roles, body, query */
	{ HTTP_GET, "/api/leads/offer-link/verify", leads_offer_verify, ROLES_PUBLIC, NULL,
	    &leads_verify_q },
	{ HTTP_GET, "/api/leads/status-policy", leads_status_policy, ROLES_STAFF, NULL, NULL },
	{ HTTP_GET, "/api/leads/duplicates", leads_duplicates, ROLES_LEADS, NULL, &leads_dup_q },
	{ HTTP_GET, "/api/leads/board", leads_board, ROLES_LEADS, NULL, &leads_board_q },
	{ HTTP_POST, "/api/leads/bulk", leads_bulk, ROLES_STAFF, &leads_bulk_in, NULL },
	{ HTTP_GET, "/api/leads/export", leads_sheet, ROLES_LEADS, NULL, &leads_sheet_q },
	{ HTTP_GET, "/api/saved-views", leads_views_list, ROLES_STAFF, NULL, NULL },
	{ HTTP_POST, "/api/saved-views", leads_views_create, ROLES_STAFF, &leads_views_create_in,
	    NULL },
	{ HTTP_PATCH, "/api/saved-views/:id", leads_views_update, ROLES_STAFF,
	    &leads_views_update_in, NULL },
	{ HTTP_DELETE, "/api/saved-views/:id", leads_views_delete, ROLES_STAFF, NULL, NULL },
	{ HTTP_GET, "/api/reminders", leads_tasks_mine, ROLES_STAFF, NULL, &leads_tasks_mine_q },
	{ HTTP_GET, "/api/reminders/overdue-counts", leads_tasks_overdue, ROLES_MANAGERS, NULL,
	    NULL },
	{ HTTP_PATCH, "/api/reminders/:id", leads_tasks_update, ROLES_STAFF, &leads_tasks_update_in,
	    NULL },
	{ HTTP_POST, "/api/leads", leads_create, ROLES_LEADS | ROLES_APIKEY_CREATE,
	    &leads_create_in, NULL },
	{ HTTP_GET, "/api/leads", leads_list, ROLES_LEADS | ROLES_APIKEY_READ, NULL,
	    &leads_list_q },
	{ HTTP_GET, "/api/leads/:id", leads_get, ROLES_LEADS | ROLES_APIKEY_READ, NULL, NULL },
	{ HTTP_POST, "/api/leads/:id/status", leads_status, ROLES_STAFF, &leads_status_in, NULL },
	{ HTTP_PATCH, "/api/leads/:id/assignment", leads_assignment, ROLES_ADMIN, &leads_assign_in,
	    NULL },
	{ HTTP_PATCH, "/api/leads/:id/customer", leads_customer, ROLES_STAFF, &leads_customer_in,
	    NULL },
	{ HTTP_PATCH, "/api/leads/:id/vehicles", leads_vehicles, ROLES_STAFF, &leads_vehicles_in,
	    NULL },
	{ HTTP_POST, "/api/leads/:id/financing", leads_financing, ROLES_STAFF, &leads_financing_in,
	    NULL },
	{ HTTP_POST, "/api/leads/:id/notes", leads_note, ROLES_STAFF, &leads_note_in, NULL },
	{ HTTP_POST, "/api/leads/:id/email/draft", leads_draft_save, ROLES_STAFF, &leads_draft_in,
	    NULL },
	{ HTTP_GET, "/api/leads/:id/email/draft", leads_draft_get, ROLES_STAFF, NULL, NULL },
	{ HTTP_POST, "/api/leads/:id/email", leads_email, ROLES_STAFF, &leads_email_in, NULL },
	{ HTTP_POST, "/api/leads/:id/offer-link", leads_offer_link, ROLES_STAFF, &leads_offer_in,
	    NULL },
	{ HTTP_POST, "/api/leads/:id/anonymize", leads_anonymize, ROLES_ADMIN, NULL, NULL },
	{ HTTP_POST, "/api/leads/:id/merge", leads_merge, ROLES_MANAGERS, &leads_merge_in, NULL },
	{ HTTP_GET, "/api/leads/:id/data-export", leads_data_export, ROLES_ADMIN, NULL,
	    &leads_export_q },
	{ HTTP_GET, "/api/leads/:id/retention", leads_retention_get, ROLES_ADMIN, NULL, NULL },
	{ HTTP_PUT, "/api/leads/:id/retention", leads_retention_put, ROLES_ADMIN,
	    &leads_retention_in, NULL },
	{ HTTP_GET, "/api/leads/:id/communications", leads_communications, ROLES_STAFF, NULL,
	    NULL },
	{ HTTP_POST, "/api/leads/:id/communications/:outboxId/retry", leads_comms_retry,
	    ROLES_MANAGERS, NULL, NULL },
	{ HTTP_GET, "/api/leads/:id/reminders", leads_tasks_list, ROLES_STAFF, NULL, NULL },
	{ HTTP_POST, "/api/leads/:id/reminders", leads_tasks_create, ROLES_STAFF,
	    &leads_tasks_create_in, NULL },
};

static int
leads_init(struct db *db)
{
	return leadaccess_init(db) == -1 || db_register(db, leads_sql, LEADS_SQL__MAX) == -1 ||
		leads_read_init(db) == -1 || leads_create_init(db) == -1 ||
		leads_status_init(db) == -1 || leads_profile_init(db) == -1 ||
		leads_notes_init(db) == -1 || leads_email_init(db) == -1 ||
		leads_gdpr_init(db) == -1 || leads_bulk_init(db) == -1 ||
		leads_views_init(db) == -1 || leads_export_init(db) == -1 ||
		leads_retention_init(db) == -1 || leads_comms_init(db) == -1 ||
		leads_tasks_init(db) == -1 || leads_sheet_init(db) == -1
	    ? -1
	    : 0;
}

static const http_init_fn leads_inits[] = { session_init, outbox_init, leads_init, NULL };
extern const struct http_app leads_app;
const struct http_app leads_app = { "leads", leads_routes, NELEM(leads_routes), leads_inits };

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&leads_app);
}
#endif

/* --- shared helpers ------------------------------------------------------- */

int
leads_fail_500(struct req *r)
{
	return http_fail(r, 500, NULL, "Internal server error");
}

/* A JSON number as text PostgreSQL's numeric reads back exactly. */
const char *
leads_num_text(struct req *r, double d)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, sizeof(buf), "%.17g", d);
	return arena_strdup(r->mem, buf);
}

/* The first column of a one-row result as an arena string, or NULL. */
const char *
leads_cell(struct req *r, PGresult *res, int col)
{
	if (res == NULL || PQntuples(res) < 1 || PQgetisnull(res, 0, col))
		return NULL;
	return arena_strdup(r->mem, PQgetvalue(res, 0, col));
}

int
leads_current_year(const struct req *r)
{
	time_t t = (time_t)r->now;
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

/* A custom validation issue at path; -1 when out of memory. */
int
leads_add_issue(cJSON **issues, const char *const *path, size_t n, const char *msg)
{
	if (*issues == NULL && (*issues = cJSON_CreateArray()) == NULL)
		return -1;
	return valid_issue_custom(*issues, path, n, msg);
}

/* The lead summary without consentStatus (§4.6.1, §4.6.3 responses). */
int
leads_reply_summary(struct req *r, const char *lead_id)
{
	const char *p[1] = { lead_id };
	PGresult *res = db_query(r->db, r->mem, &leads_sql[SQL_LEADS_SUMMARY], 1, p);
	const char *json = leads_cell(r, res, 0);

	if (res == NULL)
		return http_fail_db(r);
	return json != NULL ? http_ok_raw(r, json) : http_fail(r, 404, NULL, "Lead not found");
}

bool
leads_url_or_empty(const char *s)
{
	return *s == '\0' || valid_http_url(s);
}

PGresult *
leads_user_get(struct req *r, const char *user_id)
{
	const char *p[1] = { user_id };

	return db_query(r->db, r->mem, &leads_sql[SQL_LEADS_USER], 1, p);
}

int
leads_history_insert(struct req *r, const char *const params[8])
{
	return db_query(r->db, r->mem, &leads_sql[SQL_LEADS_HISTORY_INSERT], 8, params) == NULL ? -1
												: 0;
}

PGresult *
leads_note_insert(struct req *r, const char *const params[5])
{
	return db_query(r->db, r->mem, &leads_sql[SQL_LEADS_NOTE_INSERT], 5, params);
}
