-- 0028: round-robin auto-assignment of new leads (issue 13).
--   "Partner"."roundRobinEnabled"   the per-partner toggle (off by default)
--   "User"."roundRobinWeight"       an operator's capacity in the rotation
--                                   (0 = left out; default 1)
--   "User"."absentFrom/absentUntil" absence dates (inclusive, Europe/Warsaw
--                                   days; an open end = absent from/until then)
--   "RoundRobinState"               one row per partner: the row lock that
--                                   serialises the choice, and the lead last
--                                   assigned (for the audit trigger)
--   "RoundRobinMember"              the smooth weighted round robin's current
--                                   weight per operator
-- The team of a partner = its ACTIVE OPERATOR users ("User"."partnerId", the
-- scope izzy_lead_visible gives an operator) with a weight > 0 who are not
-- absent today.  izzy_round_robin_next(partner) picks the next one inside the
-- caller's transaction; the BEFORE INSERT trigger on "Lead" calls it for every
-- new lead of the partner that comes without an assignee (every creation
-- path: POST /api/leads, inbound mail, imports), and the AFTER INSERT trigger
-- writes the lead's LEAD_AUTO_ASSIGNED audit entry.

SET LOCAL client_min_messages = warning;

ALTER TABLE "Partner" ADD COLUMN IF NOT EXISTS "roundRobinEnabled" boolean NOT NULL DEFAULT false;
ALTER TABLE "User"
	ADD COLUMN IF NOT EXISTS "roundRobinWeight" integer NOT NULL DEFAULT 1,
	ADD COLUMN IF NOT EXISTS "absentFrom"       date,
	ADD COLUMN IF NOT EXISTS "absentUntil"      date;
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'User_roundRobinWeight_check') THEN
		ALTER TABLE "User" ADD CONSTRAINT "User_roundRobinWeight_check"
			CHECK ("roundRobinWeight" BETWEEN 0 AND 100);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'User_absence_check') THEN
		ALTER TABLE "User" ADD CONSTRAINT "User_absence_check"
			CHECK ("absentFrom" IS NULL OR "absentUntil" IS NULL OR "absentFrom" <= "absentUntil");
	END IF;
END
$$;

CREATE TABLE IF NOT EXISTS "RoundRobinState" (
	"partnerId"  text NOT NULL,
	"lastUserId" text,
	"lastLeadId" text,
	"turns"      bigint NOT NULL DEFAULT 0,
	"lastAssignedAt" timestamptz(3),
	CONSTRAINT "RoundRobinState_pkey" PRIMARY KEY ("partnerId"),
	CONSTRAINT "RoundRobinState_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner" ("id")
		ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE IF NOT EXISTS "RoundRobinMember" (
	"partnerId" text NOT NULL,
	"userId"    text NOT NULL,
	"current"   bigint NOT NULL DEFAULT 0,
	CONSTRAINT "RoundRobinMember_pkey" PRIMARY KEY ("partnerId", "userId"),
	CONSTRAINT "RoundRobinMember_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner" ("id")
		ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT "RoundRobinMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id")
		ON DELETE CASCADE ON UPDATE CASCADE
);

-- Changes of a partner's rotation settings (toggle, weights): who, when, what.
CREATE TABLE IF NOT EXISTS "RoundRobinAuditLog" (
	"id"        text NOT NULL,
	"actorId"   text,
	"partnerId" text NOT NULL,
	"action"    text NOT NULL,
	"oldValue"  jsonb,
	"newValue"  jsonb,
	"createdAt" timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT "RoundRobinAuditLog_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "RoundRobinAuditLog_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User" ("id")
		ON DELETE SET NULL ON UPDATE CASCADE,
	CONSTRAINT "RoundRobinAuditLog_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner" ("id")
		ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS "RoundRobinAuditLog_partnerId_idx" ON "RoundRobinAuditLog" ("partnerId");

-- Is the user absent on the given day (Europe/Warsaw)?
CREATE OR REPLACE FUNCTION izzy_user_absent(absent_from date, absent_until date, day date)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT (absent_from IS NOT NULL OR absent_until IS NOT NULL)
	   AND (absent_from IS NULL OR absent_from <= day)
	   AND (absent_until IS NULL OR day <= absent_until)
$$;

-- Is round robin switched on for the partner?
CREATE OR REPLACE FUNCTION izzy_round_robin_on(partner text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
	SELECT coalesce((SELECT "roundRobinEnabled" FROM "Partner" WHERE id = partner), false)
$$;

-- The next operator of the partner's rotation, or NULL (toggle off, nobody
-- available).  Smooth weighted round robin: every available member's current
-- weight grows by its weight, the largest (ties: lowest id) is chosen and
-- loses the total, so any window of the sequence matches the weights within
-- one.  The upsert on "RoundRobinState" takes the partner's row lock until the
-- caller's transaction ends: concurrent creations queue there, and a rolled
-- back creation leaves the rotation as it was.
CREATE OR REPLACE FUNCTION izzy_round_robin_next(partner text)
RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	today  date := (now() AT TIME ZONE 'Europe/Warsaw')::date;
	total  bigint;
	chosen text;
BEGIN
	IF partner IS NULL OR NOT izzy_round_robin_on(partner) THEN
		RETURN NULL;
	END IF;
	INSERT INTO "RoundRobinState" AS s ("partnerId", turns) VALUES (partner, 0)
	ON CONFLICT ("partnerId") DO UPDATE SET turns = s.turns;
	-- Members who left the team (absent, inactive, weight 0, moved) start afresh on return.
	DELETE FROM "RoundRobinMember" m
	 WHERE m."partnerId" = partner
	   AND NOT EXISTS (SELECT 1 FROM "User" u
	                    WHERE u.id = m."userId" AND u."partnerId" = partner AND u.role = 'OPERATOR'
	                      AND u.status = 'ACTIVE' AND u."roundRobinWeight" > 0
	                      AND NOT izzy_user_absent(u."absentFrom", u."absentUntil", today));
	INSERT INTO "RoundRobinMember" ("partnerId", "userId", "current")
	SELECT partner, u.id, 0 FROM "User" u
	 WHERE u."partnerId" = partner AND u.role = 'OPERATOR' AND u.status = 'ACTIVE'
	   AND u."roundRobinWeight" > 0 AND NOT izzy_user_absent(u."absentFrom", u."absentUntil", today)
	ON CONFLICT DO NOTHING;
	UPDATE "RoundRobinMember" m SET "current" = m."current" + u."roundRobinWeight"
	  FROM "User" u WHERE m."partnerId" = partner AND u.id = m."userId";
	SELECT sum(u."roundRobinWeight") INTO total
	  FROM "RoundRobinMember" m JOIN "User" u ON u.id = m."userId" WHERE m."partnerId" = partner;
	IF total IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT m."userId" INTO chosen FROM "RoundRobinMember" m
	 WHERE m."partnerId" = partner ORDER BY m."current" DESC, m."userId" LIMIT 1;
	UPDATE "RoundRobinMember" SET "current" = "current" - total
	 WHERE "partnerId" = partner AND "userId" = chosen;
	UPDATE "RoundRobinState" SET "lastUserId" = chosen, turns = turns + 1, "lastAssignedAt" = now()
	 WHERE "partnerId" = partner;
	RETURN chosen;
END
$$;

-- BEFORE INSERT on "Lead": a new lead without an assignee goes to the rotation.
CREATE OR REPLACE FUNCTION izzy_round_robin_assign_trigger()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	IF NEW."assignedUserId" IS NULL AND NEW."partnerId" IS NOT NULL THEN
		NEW."assignedUserId" := izzy_round_robin_next(NEW."partnerId");
		IF NEW."assignedUserId" IS NOT NULL THEN
			UPDATE "RoundRobinState" SET "lastLeadId" = NEW.id WHERE "partnerId" = NEW."partnerId";
		END IF;
	END IF;
	RETURN NEW;
END
$$;

-- AFTER INSERT on "Lead": the audit entry of an automatic assignment (the
-- state row is still locked by this transaction, so "lastLeadId" is ours).
CREATE OR REPLACE FUNCTION izzy_round_robin_audit_trigger()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	IF NEW."assignedUserId" IS NOT NULL AND EXISTS (
		SELECT 1 FROM "RoundRobinState"
		 WHERE "partnerId" = NEW."partnerId" AND "lastLeadId" = NEW.id) THEN
		INSERT INTO "AuditLog" (id, "leadId", "userId", action, field, "oldValue", "newValue", metadata)
		VALUES ('c' || replace(gen_random_uuid()::text, '-', ''), NEW.id, NULL, 'LEAD_AUTO_ASSIGNED',
			'assignedUserId', NULL, to_jsonb(NEW."assignedUserId"),
			jsonb_build_object('rule', 'round_robin', 'partnerId', NEW."partnerId"));
	END IF;
	RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS "Lead_round_robin_assign" ON "Lead";
CREATE TRIGGER "Lead_round_robin_assign" BEFORE INSERT ON "Lead"
	FOR EACH ROW EXECUTE FUNCTION izzy_round_robin_assign_trigger();
DROP TRIGGER IF EXISTS "Lead_round_robin_audit" ON "Lead";
CREATE TRIGGER "Lead_round_robin_audit" AFTER INSERT ON "Lead"
	FOR EACH ROW EXECUTE FUNCTION izzy_round_robin_audit_trigger();
