-- seed-prod.sql: the first administrator of a production database.
--
-- Run by `izzyctl seed` in production, after seed-templates.sql (which creates
-- the consent and message templates). Before this file the tool sets, with
-- set_config(..., false) in the same session, izzy.admin_email and
-- izzy.admin_hash (bcrypt, $2b$12$...). Unlike seed-dev.sql there is no seed
-- partner, no operator, and an existing user with that e-mail is never changed,
-- whatever izzy.reset_passwords says: production passwords belong to their owners.
-- Safe to rerun.

DO $$
BEGIN
	IF current_setting('izzy.admin_email') = '' THEN
		RAISE EXCEPTION 'izzy.admin_email is empty';
	END IF;
	IF current_setting('izzy.admin_hash') !~ '^\$2[aby]\$[0-9]{2}\$.{53}$' THEN
		RAISE EXCEPTION 'izzy.admin_hash is not a bcrypt hash';
	END IF;
END
$$;

-- Stored lower-cased (spec/api.md §9 item 26); an existing address in any
-- case counts as existing.
INSERT INTO "User" ("id", "email", "hashedPassword", "role", "fullName", "phone", "status", "partnerId")
SELECT 'c' || substr(md5(random()::text || clock_timestamp()::text), 1, 24),
       lower(current_setting('izzy.admin_email')), current_setting('izzy.admin_hash'),
       'ADMIN', 'Seed Admin', NULL, 'ACTIVE', NULL
 WHERE NOT EXISTS (SELECT 1 FROM "User" WHERE lower("email") = lower(current_setting('izzy.admin_email')))
ON CONFLICT ("email") DO NOTHING;
