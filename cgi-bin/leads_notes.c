/*
 * leads_notes: manual notes on a lead and each user's e-mail draft
 * (spec/api.md §4.6.6, §4.6.12).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "leads_notes.sql.h"

enum note_key { NOTE_CONTENT, NOTE_LINK, NOTE__MAX };
static const struct field note_fields[NOTE__MAX] = {
	[NOTE_CONTENT] = { "content", FT_STRING, F_REQUIRED | F_TRIM | F_MULTILINE, 1, 2000 },
	/* Blank means no link; otherwise http(s) only (SR-23). */
	[NOTE_LINK] = { "link", FT_STRING, F_TRIM, 0, 2048, NULL, NULL, NULL, leads_url_or_empty,
	    "Invalid url" },
};
const struct field_table leads_note_in = FIELD_TABLE(note_fields);

static const struct field draft_link = {
	.name = "link", .type = FT_STRING, .flags = F_TRIM, .max = 2048
};
enum draft_key { DRAFT_MESSAGE, DRAFT_SUBJECT, DRAFT_LINKS, DRAFT__MAX };
static const struct field draft_fields[DRAFT__MAX] = {
	[DRAFT_MESSAGE] = { "message", FT_STRING, F_NULLABLE | F_MULTILINE, 0, 20000 },
	[DRAFT_SUBJECT] = { "subject", FT_STRING, F_NULLABLE | F_TRIM, 0, 500 },
	[DRAFT_LINKS] = { "links", FT_ARRAY, F_NULLABLE, 0, 50, NULL, NULL, &draft_link },
};
const struct field_table leads_draft_in = FIELD_TABLE(draft_fields);

/* --- notes and drafts --------------------------------------------------- */

/*
 * POST /api/leads/:id/notes, OPERATOR (scoped: SR-14 fix; client guard),
 * SUPERVISOR, ADMIN.  {content: 1-2000 trimmed, link?: http(s) URL, blank = none}.
 * 400 validation; 404; 403; 409 CLIENT_ACTIVE; 409 "Lead is anonymized".
 * AuditLog note_added {id, content, link}.  201: the note with its author.
 */
int
leads_note(struct req *r)
{
	const struct value *v = r->in->v;
	const char *link = json_in_nonempty(&v[NOTE_LINK]), *resp, *audit_new;
	char id[ID_SIZE];
	PGresult *res;

	if (id_new(id) == -1)
		return leads_fail_500(r);
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	{
		const char *p[5] = { id, r->id, r->user->id, v[NOTE_CONTENT].s, link };
		res = leads_note_insert(r, p);
	}
	if ((resp = leads_cell(r, res, 0)) == NULL || (audit_new = leads_cell(r, res, 1)) == NULL)
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
int
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
		return leads_fail_500(r);
	if (lead_begin(r, LEAD_READ, NULL) == -1)
		return 0;
	{
		const char *p[6] = { id, r->id, r->user->id, json_in_str(&v[DRAFT_SUBJECT]),
			json_in_str(&v[DRAFT_MESSAGE]), links_json };
		res = db_query(r->db, r->mem, &leads_notes_sql[SQL_LEADS_NOTES_DRAFT_UPSERT], 6, p);
	}
	if ((resp = leads_cell(r, res, 0)) == NULL || db_commit(r->db) == -1)
		return tx_fail_db(r);
	return http_ok_raw(r, resp);
}

/*
 * GET /api/leads/:id/email/draft, OPERATOR, SUPERVISOR, ADMIN, scoped.
 * 404; 403.  200: the actor's own draft, or the JSON literal null.
 */
int
leads_draft_get(struct req *r)
{
	const char *p[2] = { r->id, r->user->id };
	PGresult *res;
	const char *draft;

	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	if ((res = db_query(r->db, r->mem, &leads_notes_sql[SQL_LEADS_NOTES_DRAFT_GET], 2, p)) ==
	    NULL)
		return http_fail_db(r);
	draft = leads_cell(r, res, 0);
	return http_ok_raw(r, draft != NULL ? draft : "null");
}

int
leads_notes_init(struct db *db)
{
	return db_register(db, leads_notes_sql, LEADS_NOTES_SQL__MAX);
}
