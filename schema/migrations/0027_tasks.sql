-- 0027_tasks: tasks and reminders on the existing "Reminder" table (issue 13).
--
-- The notification list and the daily digest read the open tasks per assignee by due
-- time; the lead's "nextActionAt" is the earliest open task of the lead.  Both are
-- partial indexes on the open tasks only, so completed history does not weigh on them.

CREATE INDEX IF NOT EXISTS "Reminder_open_assignee_due_idx"
	ON "Reminder" ("assignedUserId", "dueAt") WHERE status = 'OPEN';
CREATE INDEX IF NOT EXISTS "Reminder_open_lead_due_idx"
	ON "Reminder" ("leadId", "dueAt") WHERE status = 'OPEN';
