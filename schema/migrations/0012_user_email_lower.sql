-- 0012_user_email_lower: user e-mail addresses are stored and compared
-- lower-cased (spec/api.md §9 item 26, issue 7).  The reference compared them
-- case-sensitively, so an upgraded reference database may hold two accounts
-- whose addresses differ only in case: they are separate people or separate
-- accounts with their own passwords, sessions and history, so they are
-- reported, never merged.
--
--   "UserEmailCaseDuplicate"    view: one row per user whose address has a
--                               case-variant ("userId", email, "emailLower")
--   izzy_user_email_lower()     lower-cases every address without a
--                               case-variant; when no case-variants are left,
--                               creates the unique index "User_email_lower_key"
--                               on lower(email); otherwise raises a WARNING
--                               with the count and leaves the index out.
--                               Returns the number of users still listed in
--                               the view.  This migration runs it; after the
--                               duplicates are resolved (one address changed
--                               by an admin), run it again:
--                                 SELECT izzy_user_email_lower();
--
-- Until then the programs still compare lower-cased; among case-variants
-- only the exact spelling logs in or gets a reset link (cgi-bin/auth.sql),
-- no new case-variant can be created (users, izzyctl, seeds check first), and
-- tests/schema/check-schema.sh reports the missing index.

SET LOCAL client_min_messages = warning;

CREATE OR REPLACE VIEW "UserEmailCaseDuplicate" AS
SELECT u.id AS "userId", u.email, lower(u.email) AS "emailLower"
  FROM "User" u
 WHERE EXISTS (SELECT 1 FROM "User" o WHERE o.id <> u.id AND lower(o.email) = lower(u.email));

CREATE OR REPLACE FUNCTION izzy_user_email_lower() RETURNS integer
	LANGUAGE plpgsql AS $$
DECLARE
	dups integer;
	addrs integer;
BEGIN
	UPDATE "User" u SET email = lower(u.email)
	 WHERE u.email <> lower(u.email)
	   AND NOT EXISTS (SELECT 1 FROM "User" o
	                    WHERE o.id <> u.id AND lower(o.email) = lower(u.email));
	SELECT count(*), count(DISTINCT "emailLower") INTO dups, addrs FROM "UserEmailCaseDuplicate";
	IF dups > 0 THEN
		RAISE WARNING '% users share % e-mail address(es) that differ only in case; they are listed in "UserEmailCaseDuplicate". Change all but one of each, then run SELECT izzy_user_email_lower(); to add the unique index "User_email_lower_key".',
			dups, addrs;
		RETURN dups;
	END IF;
	CREATE UNIQUE INDEX IF NOT EXISTS "User_email_lower_key" ON "User" (lower(email));
	RETURN 0;
END
$$;

SELECT izzy_user_email_lower();
