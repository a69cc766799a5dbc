/*
 * tasks: the daily e-mail digest of tasks and reminders (issue 13), for
 * `izzyctl tasks digest [YYYY-MM-DD]` and the worker's scheduler alike.
 * The tasks themselves are cgi-bin/leads_tasks.c.
 */
#ifndef IZZY_TASKS_H
#define IZZY_TASKS_H

struct db;

/* Registers the digest's statements; the caller also registers outbox_init. */
int tasks_init(struct db *);
/*
 * Queues one outbox e-mail (template "tasks_digest") per active staff user
 * with open tasks due on day (YYYY-MM-DD in Europe/Warsaw; NULL = today)
 * or overdue, on leads the user still sees.  Idempotent per user and day
 * (dedupe key "tasks-digest:<userId>:<day>"): a second run the same day
 * queues nothing.  app_base_url (may be NULL) links the leads.  Writes the
 * number of mails queued to *mails; 0, or -1 (logged) on failure.
 */
int tasks_digest_run(struct db *, const char *app_base_url, const char *day, long *mails);

#endif
