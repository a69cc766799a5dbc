-- 0009_admin_audit: the audit trail of user administration (requirements FR-80,
-- SR-13) and the indexes of the user and partner admin lists.
--
--   "UserAuditLog"  one row per user-admin action (USER_CREATED, USER_UPDATED,
--                   USER_ROLE_CHANGED, USER_STATUS_CHANGED, USER_INVITED,
--                   USER_PASSWORD_RESET_LINK, USER_PASSWORD_SET), written by
--                   cgi-bin/users in the transaction of the change. "AuditLog"
--                   cannot hold these: its "leadId" is required.
--                   "oldValue"/"newValue" hold the changed fields only, never a
--                   password or a hash. The actor may be deleted later (SET NULL);
--                   the target may not (RESTRICT), so the record of who was given
--                   which rights stays complete.
--
-- GET /api/users and GET /api/partners sort by "createdAt" (newest first);
-- /api/users filters by "partnerId", which also serves the foreign key.

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS "UserAuditLog" (
	"id"           text NOT NULL,
	"actorId"      text,
	"targetUserId" text NOT NULL,
	"action"       text NOT NULL,
	"oldValue"     jsonb,
	"newValue"     jsonb,
	"createdAt"    timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "UserAuditLog_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "UserAuditLog_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User" ("id")
		ON DELETE SET NULL ON UPDATE CASCADE,
	CONSTRAINT "UserAuditLog_targetUserId_fkey" FOREIGN KEY ("targetUserId") REFERENCES "User" ("id")
		ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "UserAuditLog_targetUserId_idx" ON "UserAuditLog" ("targetUserId");

CREATE INDEX IF NOT EXISTS "User_createdAt_idx" ON "User" ("createdAt");
CREATE INDEX IF NOT EXISTS "User_partnerId_idx" ON "User" ("partnerId");
CREATE INDEX IF NOT EXISTS "Partner_createdAt_idx" ON "Partner" ("createdAt");
