/*
 * leads: /api/leads and its sub-resources, one program built from files
 * split by concern, each with its own <file>.sql:
 *   leads.c          the route table (all of it), start-up and shared helpers
 *   leads_read.c     list, detail, duplicates
 *   leads_create.c   create
 *   leads_status.c   status transitions, the status policy, assignment
 *   leads_profile.c  customer, vehicles, financing
 *   leads_notes.c    notes and e-mail drafts
 *   leads_email.c    e-mail to the customer
 *   leads_offer.c    signed offer links
 *   leads_gdpr.c     anonymisation and merge
 *   leads_read.c     also the pipeline board
 *   leads_bulk.c     one action on many leads (assign, status, export)
 *   leads_views.c    saved views of the list (/api/saved-views)
 *   leads_export.c   the data subject's export (Art. 15)
 *   leads_retention.c the retention whitelist
 *   leads_comms.c    the communication log and the dead-letter re-queue
 *   leads_tasks.c    tasks and reminders (/api/leads/:id/reminders, /api/reminders)
 *   leads_sheet.c    the list as a CSV/XLSX file (/api/leads/export) and the bulk export's file
 * Every lead write starts with lead_begin() (common/leadaccess.h): the
 * transaction, the lead row lock and the re-checks under it.
 */
#ifndef IZZY_CGI_LEADS_H
#define IZZY_CGI_LEADS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "common/role.h"
#include "common/route.h"

struct db;
struct req;
struct field_table;

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The six roles that work with leads (§4.5); AUDITOR has none (FR-7). */
#define ROLES_LEADS (ROLES_PARTNER_SCOPED | ROLES_STAFF)

/* Money and counters: far above any real lead, far below double's exact range. */
#define MONEY_MAX            1000000000000LL

#define LEADS_ANONYMIZED_MSG "Lead is anonymized"

/* --- handlers and their body/query tables, per file ----------------------- */

int leads_create(struct req *);
int leads_list(struct req *);
int leads_duplicates(struct req *);
int leads_get(struct req *);
extern const struct field_table leads_create_in, leads_list_q, leads_dup_q;
/*
 * The lead import (cgi-bin/imports.c) creates leads exactly as POST /api/leads:
 * leads_create_doc builds the create statement's document from a body validated
 * with leads_create_in for partner (JSON text in r->mem; *tids the given consents'
 * template ids as a text[] literal, id (ID_SIZE bytes) the new lead's id), NULL when out of memory; leads_pesel_hash is
 * the keyed PESEL hash the duplicate check compares.
 */
const char *leads_create_doc(struct req *, const struct valid_out *in, const char *partner,
    const char **tids, char *id);
const char *leads_pesel_hash(struct req *, const char *pesel);

int leads_status(struct req *);
int leads_status_policy(struct req *);
int leads_assignment(struct req *);
extern const struct field_table leads_status_in, leads_assign_in;

int leads_customer(struct req *);
int leads_vehicles(struct req *);
int leads_financing(struct req *);
extern const struct field_table leads_customer_in, leads_vehicles_in, leads_financing_in;

int leads_note(struct req *);
int leads_draft_save(struct req *);
int leads_draft_get(struct req *);
extern const struct field_table leads_note_in, leads_draft_in;

int leads_email(struct req *);
extern const struct field_table leads_email_in;

int leads_offer_link(struct req *);
int leads_offer_verify(struct req *);
extern const struct field_table leads_offer_in, leads_verify_q;

/* The status policy of leads_status.c, for bulk changes: statuses are domain_lead_statuses indexes. */
bool leads_transition_recommended(int from, int to);
bool leads_reason_required(int status);
/* The predefined reason codes, NULL-terminated; "OTHER" needs notes. */
const char *const *leads_reason_codes(void);

/*
 * The list's filters (GET /api/leads), shared by the list and its export:
 * the first keys of both query tables.
 */
enum leads_filter_key { LF_PARTNER, LF_ASSIGNED_USER, LF_ASSIGNED, LF_SEARCH, LF__MAX };
struct leads_filter {
	/* role, actor id, actor partner, partnerId, status text[], unassigned only, assignedUserId */
	const char *params[7];
	const char *search; /* ILIKE pattern of the search, or NULL */
};
int leads_filter(struct req *, struct leads_filter *);

/* GET /api/leads/export (leads_sheet.c): the filters, then format and columns. */
enum leads_sheet_key { LS_FORMAT = LF__MAX, LS_COLUMNS, LS__MAX };
int leads_sheet(struct req *);
extern const struct field_table leads_sheet_q;
int leads_sheet_init(struct db *);
/* The bulk export's file (leads_bulk.c): the visible ones of the ids in ids_lit (text[]). */
int leads_sheet_bulk(struct req *, const char *ids_lit, size_t requested, int format);

int leads_board(struct req *);
extern const struct field_table leads_board_q;

int leads_bulk(struct req *);
extern const struct field_table leads_bulk_in;

int leads_views_list(struct req *);
int leads_views_create(struct req *);
int leads_views_update(struct req *);
int leads_views_delete(struct req *);
extern const struct field_table leads_views_create_in, leads_views_update_in;

int leads_anonymize(struct req *);
int leads_merge(struct req *);
extern const struct field_table leads_merge_in;

int leads_data_export(struct req *);
extern const struct field_table leads_export_q;

int leads_retention_get(struct req *);
int leads_retention_put(struct req *);
extern const struct field_table leads_retention_in;
int leads_communications(struct req *);
int leads_comms_retry(struct req *);

int leads_tasks_list(struct req *);
int leads_tasks_create(struct req *);
int leads_tasks_update(struct req *);
int leads_tasks_mine(struct req *);
int leads_tasks_overdue(struct req *);
/* A task on a lead inside the caller's transaction (the lead locked); -1 on failure. */
int leads_tasks_add(struct req *, const char *lead_id, const char *id, const char *assignee,
    const char *due, const char *description);
extern const struct field_table leads_tasks_create_in, leads_tasks_update_in, leads_tasks_mine_q;

/* Statement registration, per file with a .sql. */
int leads_read_init(struct db *);
int leads_create_init(struct db *);
int leads_status_init(struct db *);
int leads_profile_init(struct db *);
int leads_notes_init(struct db *);
int leads_email_init(struct db *);
int leads_gdpr_init(struct db *);
int leads_bulk_init(struct db *);
int leads_views_init(struct db *);
int leads_export_init(struct db *);
int leads_retention_init(struct db *);
int leads_comms_init(struct db *);
int leads_tasks_init(struct db *);

/* --- shared helpers (leads.c) ---------------------------------------------- */

/* 500 {"message":"Internal server error"}; returns 0. */
int leads_fail_500(struct req *);
/* A JSON number as text PostgreSQL's numeric reads back exactly; NULL when out of memory. */
const char *leads_num_text(struct req *, double);
/* Column col of the first row as an arena string; NULL for no row, NULL or out of memory. */
const char *leads_cell(struct req *, PGresult *, int col);
int leads_current_year(const struct req *);
/* Appends a custom validation issue at path (creating the array); -1 when out of memory. */
int leads_add_issue(cJSON **issues, const char *const *path, size_t n, const char *msg);
/* 200 with the lead summary without consentStatus (§4.6.1, §4.6.3). */
int leads_reply_summary(struct req *, const char *lead_id);
/* Field check: "" or an http(s) URL (SR-23). */
bool leads_url_or_empty(const char *);
/* leads.sql: shared statements. */
PGresult *leads_user_get(struct req *, const char *user_id);
int leads_history_insert(struct req *, const char *const params[8]);
PGresult *leads_note_insert(struct req *, const char *const params[5]);

#endif
