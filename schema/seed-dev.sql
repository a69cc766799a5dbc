-- seed-dev.sql: development users and partner (spec/data-model.md §5.1).
--
-- Run by `izzyctl seed` in development, after seed-templates.sql. Before this
-- file the tool sets, with set_config(..., false) in the same session:
--   izzy.admin_email, izzy.admin_hash          the admin (bcrypt hash, $2b$12$...)
--   izzy.operator_email, izzy.operator_hash    the operator; an empty e-mail skips it
--   izzy.reset_passwords                       'on': refresh the hash of existing seed
--                                              users (§5.1); anything else: never touch
--                                              an existing password
-- Safe to rerun. Order as in §5.1: admin, partner, operator. Addresses are
-- stored lower-cased (spec/api.md §9 item 26).

DO $$
BEGIN
	IF current_setting('izzy.admin_email') = '' THEN
		RAISE EXCEPTION 'izzy.admin_email is empty';
	END IF;
	IF current_setting('izzy.admin_hash') !~ '^\$2[aby]\$[0-9]{2}\$.{53}$' THEN
		RAISE EXCEPTION 'izzy.admin_hash is not a bcrypt hash';
	END IF;
	IF coalesce(current_setting('izzy.operator_email', true), '') <> ''
	   AND coalesce(current_setting('izzy.operator_hash', true), '') !~ '^\$2[aby]\$[0-9]{2}\$.{53}$' THEN
		RAISE EXCEPTION 'izzy.operator_hash is not a bcrypt hash';
	END IF;
END
$$;

-- Admin: matched by e-mail; if it exists only its password hash is refreshed.
INSERT INTO "User" ("id", "email", "hashedPassword", "role", "fullName", "phone", "status", "partnerId")
VALUES ('c' || substr(md5(random()::text || clock_timestamp()::text), 1, 24),
        lower(current_setting('izzy.admin_email')), current_setting('izzy.admin_hash'),
        'ADMIN', 'Seed Admin', NULL, 'ACTIVE', NULL)
ON CONFLICT ("email") DO UPDATE
	SET "hashedPassword" = EXCLUDED."hashedPassword"
	WHERE coalesce(current_setting('izzy.reset_passwords', true), 'off') = 'on'
	  AND "User"."hashedPassword" IS DISTINCT FROM EXCLUDED."hashedPassword";

-- Partner: matched by id; if it exists its name is reset.
INSERT INTO "Partner" ("id", "name", "status", "contact", "slaRules", "notes")
VALUES ('seed-partner', 'Seed Partner', 'ACTIVE', NULL, NULL, NULL)
ON CONFLICT ("id") DO UPDATE
	SET "name" = EXCLUDED."name"
	WHERE "Partner"."name" IS DISTINCT FROM EXCLUDED."name";

-- Operator: matched by e-mail; if it exists its partner and status are reset
-- and, with izzy.reset_passwords = 'on', its password hash.
INSERT INTO "User" ("id", "email", "hashedPassword", "role", "fullName", "phone", "status", "partnerId")
SELECT 'c' || substr(md5(random()::text || clock_timestamp()::text), 1, 24),
       lower(current_setting('izzy.operator_email')), current_setting('izzy.operator_hash'),
       'OPERATOR', 'Seed Operator', NULL, 'ACTIVE', 'seed-partner'
 WHERE coalesce(current_setting('izzy.operator_email', true), '') <> ''
ON CONFLICT ("email") DO UPDATE
	SET "hashedPassword" = CASE WHEN coalesce(current_setting('izzy.reset_passwords', true), 'off') = 'on'
	                            THEN EXCLUDED."hashedPassword" ELSE "User"."hashedPassword" END,
	    "partnerId" = EXCLUDED."partnerId",
	    "status" = EXCLUDED."status"
	WHERE ("User"."partnerId", "User"."status") IS DISTINCT FROM (EXCLUDED."partnerId", EXCLUDED."status")
	   OR (coalesce(current_setting('izzy.reset_passwords', true), 'off') = 'on'
	       AND "User"."hashedPassword" IS DISTINCT FROM EXCLUDED."hashedPassword");
