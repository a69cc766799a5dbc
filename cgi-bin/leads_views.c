/*
 * leads_views: saved views of the lead list (issue 13): a named set of the
 * list's filters, sort and visible columns ("state", a JSON object the UI
 * owns), per user, optionally shared with the team.  Every staff member
 * reads their own views and the shared ones; only the owner changes or
 * deletes a view.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/db.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/log.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_views.sql.h"

/* A view's state is filters, a sort key and column names: a few hundred bytes. */
#define VIEW_STATE_MAX 8192

static const struct field_table any_object = { NULL, 0 };

enum view_key { VW_NAME, VW_STATE, VW_SHARED, VW__MAX };
static const struct field create_fields[VW__MAX] = {
	[VW_NAME] = { "name", FT_STRING, F_REQUIRED | F_TRIM, 1, 100 },
	[VW_STATE] = { "state", FT_OBJECT, F_REQUIRED | F_OPEN, 0, 0, NULL, &any_object },
	[VW_SHARED] = { "shared", FT_BOOL, 0, 0, 0 },
};
const struct field_table leads_views_create_in = FIELD_TABLE(create_fields);
static const struct field update_fields[] = {
	[VW_NAME] = { "name", FT_STRING, F_TRIM, 1, 100 },
	[VW_STATE] = { "state", FT_OBJECT, F_OPEN, 0, 0, NULL, &any_object },
	[VW_SHARED] = { "shared", FT_BOOL, 0, 0, 0 },
	FIELD_ECHO("id"),
};
const struct field_table leads_views_update_in = FIELD_TABLE(update_fields);

#define VIEW_NAME_TAKEN "A view with this name already exists"

int
leads_views_init(struct db *db)
{
	return db_register(db, leads_views_sql, LEADS_VIEWS_SQL__MAX);
}

/* The state as JSON text within VIEW_STATE_MAX: 0, or 1 with the 400 set, -1 out of memory. */
static int
state_text(struct req *r, const struct value *v, const char **out)
{
	*out = NULL;
	if (!v->present || v->null)
		return 0;
	if ((*out = json_print(r->mem, v->json)) == NULL)
		return -1;
	if (strlen(*out) > VIEW_STATE_MAX) {
		http_fail_field(r, "state", "View state is too large");
		return 1;
	}
	return 0;
}

/*
 * GET /api/saved-views — OPERATOR, SUPERVISOR, ADMIN.
 * 200 {"data": [{id, name, state, shared, mine, owner:{id, fullName},
 *     createdAt, updatedAt}]}: the actor's views by name, then the shared
 *     views of others.
 */
int
leads_views_list(struct req *r)
{
	const char *p[1] = { r->user->id };
	PGresult *res = db_query(r->db, r->mem, &leads_views_sql[SQL_LEADS_VIEWS_LIST], 1, p);
	const char *body;

	if (res == NULL)
		return http_fail_db(r);
	body = arena_printf(r->mem, "{\"data\":%s}", PQgetvalue(res, 0, 0));
	return body != NULL ? http_ok_raw(r, body) : leads_fail_500(r);
}

/*
 * POST /api/saved-views — OPERATOR, SUPERVISOR, ADMIN.  {name, state: {…},
 * shared?}.
 * 201 the view; 400 validation (state over 8 KiB too);
 * 409 "A view with this name already exists" (the actor's own names).
 */
int
leads_views_create(struct req *r)
{
	const struct value *v = r->in->v;
	const char *state, *p[5];
	char id[ID_SIZE];
	PGresult *res;
	int rc;

	if ((rc = state_text(r, &v[VW_STATE], &state)) != 0)
		return rc == 1 ? 0 : leads_fail_500(r);
	if (id_new(id) == -1)
		return leads_fail_500(r);
	p[0] = r->user->id;
	p[1] = id;
	p[2] = v[VW_NAME].s;
	p[3] = state;
	p[4] = v[VW_SHARED].present && v[VW_SHARED].b ? "true" : "false";
	if ((res = db_query(r->db, r->mem, &leads_views_sql[SQL_LEADS_VIEWS_INSERT], 5, p)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 409, NULL, VIEW_NAME_TAKEN);
	log_info("leads", "saved view %s created by %s", id, r->user->id);
	return http_created_raw(r, PQgetvalue(res, 0, 0));
}

/*
 * The view r->id locked for its owner, in an open transaction: 0; or -1 with
 * the transaction rolled back and 404 "View not found" (unknown, or another
 * user's view not shared) or 403 "Only the owner can change this view".
 */
static int
view_begin(struct req *r)
{
	const char *p[2] = { r->user->id, r->id };
	PGresult *res;

	if (db_begin(r->db) == -1)
		return http_fail_db(r), -1;
	if ((res = db_query(r->db, r->mem, &leads_views_sql[SQL_LEADS_VIEWS_LOCK], 2, p)) == NULL)
		return tx_fail_db(r), -1;
	if (PQntuples(res) != 1)
		return tx_fail(r, 404, "View not found"), -1;
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		return tx_fail(r, 403, "Only the owner can change this view"), -1;
	return 0;
}

/*
 * PATCH /api/saved-views/:id — OPERATOR, SUPERVISOR, ADMIN; the owner only.
 * {name?, state?, shared?} (an echoed "id" must be the path's).
 * 200 the view; 400 validation; 404 "View not found"; 403 "Only the owner
 * can change this view" (a shared view of another user); 409 "A view with
 * this name already exists".
 */
int
leads_views_update(struct req *r)
{
	const struct value *v = r->in->v;
	const char *state, *p[5];
	PGresult *res;
	int rc;

	if ((rc = state_text(r, &v[VW_STATE], &state)) != 0)
		return rc == 1 ? 0 : leads_fail_500(r);
	if (view_begin(r) == -1)
		return 0;
	p[0] = r->user->id;
	p[1] = r->id;
	p[2] = v[VW_NAME].present && !v[VW_NAME].null ? v[VW_NAME].s : NULL;
	p[3] = state;
	p[4] =
	    v[VW_SHARED].present && !v[VW_SHARED].null ? (v[VW_SHARED].b ? "true" : "false") : NULL;
	if (p[2] != NULL) {
		if ((res = db_query(r->db, r->mem, &leads_views_sql[SQL_LEADS_VIEWS_NAME_TAKEN], 3,
			 p)) == NULL)
			return tx_fail_db(r);
		if (PQntuples(res) > 0)
			return tx_fail(r, 409, VIEW_NAME_TAKEN);
	}
	if ((res = db_query(r->db, r->mem, &leads_views_sql[SQL_LEADS_VIEWS_UPDATE], 5, p)) == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 1)
		return tx_fail(r, 404, "View not found");
	if (db_commit(r->db) == -1)
		return tx_fail_db(r);
	return http_ok_raw(r, PQgetvalue(res, 0, 0));
}

/*
 * DELETE /api/saved-views/:id — OPERATOR, SUPERVISOR, ADMIN; the owner only.
 * 204; 404 "View not found"; 403 "Only the owner can change this view".
 */
int
leads_views_delete(struct req *r)
{
	const char *p[2] = { r->user->id, r->id };

	if (view_begin(r) == -1)
		return 0;
	if (db_query(r->db, r->mem, &leads_views_sql[SQL_LEADS_VIEWS_DELETE], 2, p) == NULL)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "saved view %s deleted by %s", r->id, r->user->id);
	return http_no_content(r);
}
