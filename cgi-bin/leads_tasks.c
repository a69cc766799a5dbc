/*
 * leads_tasks: tasks and reminders on a lead (issue 13), stored in the
 * existing "Reminder" table (spec/data-model.md §1.11, §2.9): a due time,
 * an assignee, a description and a status (OPEN, COMPLETED, CANCELLED).
 * "Lead"."nextActionAt" follows the earliest open task, kept in the same
 * transaction as every task write, under the lead's row lock (lead_begin).
 * The daily e-mail digest is common/tasks.c.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/audit.h"
#include "common/db.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/role.h"
#include "common/session.h"
#include "common/valid.h"

#include "leads.h"
#include "leads_tasks.sql.h"

#define TASK_NOT_FOUND    "Reminder not found"
#define TASK_BAD_ASSIGNEE "Assignee must be an active operator, supervisor or admin"

static const char *const task_statuses[] = { "OPEN", "COMPLETED", "CANCELLED", NULL };

enum task_key { TK_DUE, TK_DESC, TK_ASSIGNEE, TK__MAX };
static const struct field create_fields[TK__MAX] = {
	[TK_DUE] = { "dueAt", FT_DATE, F_REQUIRED, 0, 0 },
	[TK_DESC] = { "description", FT_STRING, F_REQUIRED | F_TRIM | F_MULTILINE, 1, 1000 },
	[TK_ASSIGNEE] = { "assignedUserId", FT_CUID, F_NULLABLE, 0, 0 },
};
const struct field_table leads_tasks_create_in = FIELD_TABLE(create_fields);

enum upd_key { TU_DUE, TU_DESC, TU_ASSIGNEE, TU_STATUS, TU__MAX };
static const struct field update_fields[TU__MAX] = {
	[TU_DUE] = { "dueAt", FT_DATE, 0, 0, 0 },
	[TU_DESC] = { "description", FT_STRING, F_TRIM | F_MULTILINE, 1, 1000 },
	[TU_ASSIGNEE] = { "assignedUserId", FT_CUID, F_NULLABLE, 0, 0 },
	[TU_STATUS] = { "status", FT_ENUM, 0, 0, 0, task_statuses },
};
const struct field_table leads_tasks_update_in = FIELD_TABLE(update_fields);

static const char *const flag_values[] = { "0", "1", NULL };
static const char *const due_values[] = { "today", "overdue", "all", NULL };
enum mine_key { TQ_MINE, TQ_DUE, TQ__MAX };
static const struct field mine_fields[TQ__MAX] = {
	[TQ_MINE] = { "mine", FT_ENUM, 0, 0, 0, flag_values },
	[TQ_DUE] = { "due", FT_ENUM, 0, 0, 0, due_values },
};
const struct field_table leads_tasks_mine_q = FIELD_TABLE(mine_fields);

int
leads_tasks_init(struct db *db)
{
	return db_register(db, leads_tasks_sql, LEADS_TASKS_SQL__MAX);
}

/* The assignee is an active staff user: 0; 1 with the 400 set (transaction rolled back); -1 db. */
static int
check_assignee(struct req *r, const char *user_id)
{
	PGresult *res;

	if (user_id == NULL)
		return 0;
	if ((res = db_query(
		 r->db, r->mem, &leads_tasks_sql[SQL_LEADS_TASKS_ASSIGNEE], 1, &user_id)) == NULL)
		return -1;
	if (PQntuples(res) == 1)
		return 0;
	db_rollback(r->db);
	http_fail_field(r, "assignedUserId", TASK_BAD_ASSIGNEE);
	return 1;
}

/* Recomputes "nextActionAt" of lead_id (locked) and writes the audit entry; -1 on failure. */
static int
task_finish(struct req *r, const char *lead_id, const char *task_id, const char *action,
    const char *old_json, const char *new_json)
{
	const char *meta = arena_printf(r->mem, "{\"reminderId\":\"%s\"}", task_id);

	if (meta == NULL ||
	    db_query(r->db, r->mem, &leads_tasks_sql[SQL_LEADS_TASKS_NEXT_ACTION], 1, &lead_id) ==
		NULL)
		return -1;
	return audit_log(r->db, r->mem,
	    &(struct audit_entry){
		lead_id, r->user->id, action, "reminders", old_json, new_json, meta });
}

/*
 * Inserts task id on lead_id (locked by the caller's lead_begin), due at due
 * (a validated date-time), held by assignee (an active staff user), then
 * recomputes the lead's nextActionAt and writes the reminder_created audit
 * entry, all in the caller's transaction.  -1 (nothing committed) on failure.
 * Shared with POST /api/leads/:id/status ("następny kontakt").
 */
int
leads_tasks_add(struct req *r, const char *lead_id, const char *id, const char *assignee,
    const char *due, const char *description)
{
	const char *p[5] = { id, lead_id, assignee, due, description };
	PGresult *res = db_query(r->db, r->mem, &leads_tasks_sql[SQL_LEADS_TASKS_INSERT], 5, p);
	const char *new_json = leads_cell(r, res, 0);

	if (new_json == NULL)
		return -1;
	return task_finish(r, lead_id, id, "reminder_created", NULL, new_json);
}

/* 200/201 with the task as the list shows it. */
static int
reply_task(struct req *r, const char *task_id, bool created)
{
	PGresult *res = db_query(r->db, r->mem, &leads_tasks_sql[SQL_LEADS_TASKS_GET], 1, &task_id);
	const char *json = leads_cell(r, res, 0);

	if (json == NULL)
		return res == NULL ? http_fail_db(r) : leads_fail_500(r);
	return created ? http_created_raw(r, json) : http_ok_raw(r, json);
}

/*
 * GET /api/leads/:id/reminders — OPERATOR, SUPERVISOR, ADMIN, scoped.
 * 404; 403.  200 {"data": [task]}: open tasks by due time, then closed ones.
 * task = {id, leadId, dueAt, description, status, assignedUserId,
 *         assignedUser: {id, fullName}|null, overdue, createdAt, updatedAt}
 */
int
leads_tasks_list(struct req *r)
{
	PGresult *res;
	const char *data;

	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	if ((res = db_query(r->db, r->mem, &leads_tasks_sql[SQL_LEADS_TASKS_LIST], 1, &r->id)) ==
	    NULL)
		return http_fail_db(r);
	if ((data = leads_cell(r, res, 0)) == NULL ||
	    (data = arena_printf(r->mem, "{\"data\":%s}", data)) == NULL)
		return leads_fail_500(r);
	return http_ok_raw(r, data);
}

/*
 * POST /api/leads/:id/reminders — OPERATOR, SUPERVISOR, ADMIN, scoped, client guard.
 * {dueAt: date-time, description: 1-1000, assignedUserId?: cuid|null (default: the actor)}.
 * 400 validation (an assignee who is not an active staff user); 404; 403;
 * 409 CLIENT_ACTIVE; 409 "Lead is anonymized".  Sets the lead's nextActionAt;
 * AuditLog reminder_created.  201: the task.
 */
int
leads_tasks_create(struct req *r)
{
	const struct value *v = r->in->v;
	const char *assignee = v[TK_ASSIGNEE].present ? json_in_str(&v[TK_ASSIGNEE]) : r->user->id;
	const char *lead_id = r->id;
	char id[ID_SIZE];
	int k;

	if (id_new(id) == -1)
		return leads_fail_500(r);
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	if ((k = check_assignee(r, assignee)) != 0)
		return k == 1 ? 0 : tx_fail_db(r);
	if (leads_tasks_add(r, lead_id, id, assignee, v[TK_DUE].s, v[TK_DESC].s) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s reminder %s created by %s", lead_id, id, r->user->id);
	return reply_task(r, id, true);
}

/*
 * PATCH /api/reminders/:id — OPERATOR, SUPERVISOR, ADMIN with write access to
 * the task's lead.  {status?: OPEN|COMPLETED|CANCELLED, dueAt?, description?,
 * assignedUserId?: cuid|null}: complete, cancel, reopen, reschedule, reassign.
 * 400 validation; 404 "Reminder not found"; 403; 409 CLIENT_ACTIVE;
 * 409 "Lead is anonymized".  Sets the lead's nextActionAt; AuditLog
 * reminder_updated {old, new}.  200: the task.
 */
int
leads_tasks_update(struct req *r)
{
	const struct value *v = r->in->v;
	const char *task_id = r->id, *lead_id, *old_json, *new_json;
	const char *assignee = json_in_str(&v[TU_ASSIGNEE]);
	PGresult *res;
	int k;

	res = db_query(r->db, r->mem, &leads_tasks_sql[SQL_LEADS_TASKS_LEAD_OF], 1, &task_id);
	if (res == NULL)
		return http_fail_db(r);
	if ((lead_id = leads_cell(r, res, 0)) == NULL)
		return http_fail(r, 404, NULL, TASK_NOT_FOUND);
	r->id = lead_id; /* lead_begin works on r->id */
	if (lead_begin(r, LEAD_WRITE, NULL) == -1)
		return 0;
	{
		const char *p[2] = { task_id, lead_id };
		res = db_query(r->db, r->mem, &leads_tasks_sql[SQL_LEADS_TASKS_LOCK], 2, p);
	}
	if (res == NULL)
		return tx_fail_db(r);
	if ((old_json = leads_cell(r, res, 0)) == NULL) /* moved by a merge meanwhile */
		return tx_fail(r, 404, TASK_NOT_FOUND);
	if (v[TU_ASSIGNEE].present && (k = check_assignee(r, assignee)) != 0)
		return k == 1 ? 0 : tx_fail_db(r);
	{
		const char *p[6] = { task_id,
			v[TU_STATUS].present ? task_statuses[v[TU_STATUS].e] : NULL,
			v[TU_DUE].present ? v[TU_DUE].s : NULL,
			v[TU_DESC].present ? v[TU_DESC].s : NULL,
			v[TU_ASSIGNEE].present ? "true" : "false", assignee };
		res = db_query(r->db, r->mem, &leads_tasks_sql[SQL_LEADS_TASKS_UPDATE], 6, p);
	}
	if ((new_json = leads_cell(r, res, 0)) == NULL ||
	    task_finish(r, lead_id, task_id, "reminder_updated", old_json, new_json) == -1 ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("leads", "lead %s reminder %s updated by %s", lead_id, task_id, r->user->id);
	return reply_task(r, task_id, false);
}

/*
 * GET /api/reminders?mine=1|0&due=today|overdue|all — OPERATOR, SUPERVISOR, ADMIN.
 * The notification list (the bell): open tasks on leads the actor sees
 * (izzy_lead_visible), the actor's own unless mine=0, due before the end of
 * today in Europe/Warsaw (default), already overdue, or all.
 * 200 {"data": [task + lead: {id, status, customerName}] (first 100 by due time),
 *      "count": n, "overdue": n}.
 */
int
leads_tasks_mine(struct req *r)
{
	const struct value *q = r->q->v;
	const struct user *u = r->user;
	const char *p[5] = { u->id, role_name(u->role), u->partner_id,
		q[TQ_MINE].present && q[TQ_MINE].e == 0 ? "false" : "true",
		q[TQ_DUE].present ? due_values[q[TQ_DUE].e] : "today" };
	PGresult *res = db_query(r->db, r->mem, &leads_tasks_sql[SQL_LEADS_TASKS_MINE], 5, p);
	const char *json = leads_cell(r, res, 0);

	if (json == NULL)
		return res == NULL ? http_fail_db(r) : leads_fail_500(r);
	return http_ok_raw(r, json);
}

/*
 * GET /api/reminders/overdue-counts — SUPERVISOR, ADMIN.
 * 200 {"data": [{userId, fullName, overdue}]}: open overdue tasks per assignee
 * (userId null for unassigned tasks), most first.
 */
int
leads_tasks_overdue(struct req *r)
{
	const struct user *u = r->user;
	const char *p[3] = { u->id, role_name(u->role), u->partner_id };
	PGresult *res =
	    db_query(r->db, r->mem, &leads_tasks_sql[SQL_LEADS_TASKS_OVERDUE_COUNTS], 3, p);
	const char *data = leads_cell(r, res, 0);

	if (data == NULL)
		return res == NULL ? http_fail_db(r) : leads_fail_500(r);
	if ((data = arena_printf(r->mem, "{\"data\":%s}", data)) == NULL)
		return leads_fail_500(r);
	return http_ok_raw(r, data);
}
