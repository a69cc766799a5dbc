/*
 * check_cfg: configuration from the environment (common/cfg.c, SR-6).
 * Each row starts from an empty environment (clearenv in the forked test),
 * sets its variables and checks the result and that the error message
 * names the offending variable.
 */
#include "config.h"
#include "common/cfg.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#define NELEM(a)    (sizeof(a) / sizeof((a)[0]))

#define DB          "DATABASE_URL=postgresql://app:s3cret@db/izzy"
#define DEV_SECRET  "JWT_SECRET=0123456789"
#define GOOD_SECRET "JWT_SECRET=Kq8vN2xR7tLm4pWz9sYb3cHf6jGd1aEu5oIk"
#define GOOD_OFFER  "OFFER_LINK_SECRET=Zt5rYw8qPn2mLk7jHg4fDs1aXc9vBn6eRu3i"
#define PROD        "IZZY_ENV=production"

/* Puts "NAME=VALUE" strings into an emptied environment. */
static void
env_apply(const char *const *vars, size_t n)
{
	ck_assert_int_eq(clearenv(), 0);
	for (size_t i = 0; i < n && vars[i] != NULL; i++) {
		const char *eq = strchr(vars[i], '=');
		char name[128];
		ck_assert_ptr_nonnull(eq);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - vars[i]), vars[i]);
		ck_assert_int_eq(setenv(name, eq + 1, 1), 0);
	}
}

START_TEST(test_load_table)
{
	static const struct {
		const char *vars[8];
		int rc;
		const char *names; /* substring of the error; NULL on success */
	} rows[] = {
		{ { NULL }, -1, "DATABASE_URL" },
		{ { "DATABASE_URL=" }, -1, "DATABASE_URL" },
		{ { DB }, -1, "JWT_SECRET" },
		{ { DB, "JWT_SECRET=" }, -1, "JWT_SECRET" },
		{ { DB, "JWT_SECRET=123456789" }, -1, "JWT_SECRET" },
		{ { DB, DEV_SECRET }, 0, NULL },
		{ { DB, DEV_SECRET, "IZZY_ENV=development" }, 0, NULL },
		{ { DB, DEV_SECRET, "IZZY_ENV=test" }, 0, NULL },
		/* Development accepts the shipped default. */
		{ { DB, "JWT_SECRET=change-me-dev-secret" }, 0, NULL },
		{ { DB, DEV_SECRET, "IZZY_ENV=staging" }, -1, "IZZY_ENV" },
		{ { DB, DEV_SECRET, "IZZY_ENV=Production" }, -1, "IZZY_ENV" },
		/* The analytics settings (issue 11). */
		{ { DB, DEV_SECRET, "IZZY_ENV=test", "IZZY_TEST_NOW=1775124000" }, 0, NULL },
		{ { DB, DEV_SECRET, "IZZY_TEST_NOW=yesterday" }, -1, "IZZY_TEST_NOW" },
		{ { DB, DEV_SECRET, "IZZY_TEST_NOW=-5" }, -1, "IZZY_TEST_NOW" },
		{ { DB, PROD, GOOD_SECRET, GOOD_OFFER, "IZZY_TEST_NOW=1775124000" }, -1,
		    "IZZY_TEST_NOW" },
		{ { DB, DEV_SECRET, "IZZY_ANALYTICS_CACHE_SECONDS=0" }, 0, NULL },
		{ { DB, DEV_SECRET, "IZZY_ANALYTICS_CACHE_SECONDS=-1" }, -1,
		    "IZZY_ANALYTICS_CACHE_SECONDS" },
		{ { DB, DEV_SECRET, "IZZY_ANALYTICS_CACHE_SECONDS=3601" }, -1,
		    "IZZY_ANALYTICS_CACHE_SECONDS" },
		/* Production (SR-6). */
		{ { DB, PROD, GOOD_SECRET, GOOD_OFFER }, 0, NULL },
		{ { DB, PROD, "JWT_SECRET=short-but-over-ten", GOOD_OFFER }, -1, "JWT_SECRET" },
		{ { DB, PROD, "JWT_SECRET=change-me-dev-secret", GOOD_OFFER }, -1, "JWT_SECRET" },
		{ { DB, PROD, "JWT_SECRET=this-is-a-dev-only-secret-of-40-bytes-xx", GOOD_OFFER },
		    -1, "JWT_SECRET" },
		{ { DB, PROD, "JWT_SECRET=CHANGEME-please-0123456789abcdefghijkl", GOOD_OFFER }, -1,
		    "JWT_SECRET" },
		{ { DB, PROD, GOOD_SECRET }, -1, "OFFER_LINK_SECRET" },
		{ { DB, PROD, GOOD_SECRET, "OFFER_LINK_SECRET=" }, -1, "OFFER_LINK_SECRET" },
		{ { DB, PROD, GOOD_SECRET, "OFFER_LINK_SECRET=tooshort" }, -1,
		    "OFFER_LINK_SECRET" },
		{ { DB, PROD, GOOD_SECRET,
		      "OFFER_LINK_SECRET=insecure-offer-secret-0123456789abcdef" },
		    -1, "OFFER_LINK_SECRET" },
		{ { "DATABASE_URL=postgresql://izzy:izzy@db:5432/izzy", PROD, GOOD_SECRET,
		      GOOD_OFFER },
		    -1, "DATABASE_URL" },
		/* The same URL is fine outside production. */
		{ { "DATABASE_URL=postgresql://izzy:izzy@db:5432/izzy", DEV_SECRET }, 0, NULL },
		/* NODE_ENV is the fallback; IZZY_ENV wins when both are set. */
		{ { DB, "NODE_ENV=production", DEV_SECRET }, -1, "JWT_SECRET" },
		{ { DB, "NODE_ENV=production", "IZZY_ENV=development", DEV_SECRET }, 0, NULL },
		/* Durations, URLs and integer knobs. */
		{ { DB, DEV_SECRET, "JWT_EXPIRES_IN=abc" }, -1, "JWT_EXPIRES_IN" },
		{ { DB, DEV_SECRET, "JWT_EXPIRES_IN=0" }, -1, "JWT_EXPIRES_IN" },
		{ { DB, DEV_SECRET, "JWT_EXPIRES_IN=12h" }, 0, NULL },
		{ { DB, DEV_SECRET, "APP_BASE_URL=ftp://files.example.com" }, -1, "APP_BASE_URL" },
		{ { DB, DEV_SECRET, "APP_BASE_URL=javascript:alert(1)" }, -1, "APP_BASE_URL" },
		{ { DB, DEV_SECRET, "IZZY_SESSION_IDLE_SECONDS=5" }, -1,
		    "IZZY_SESSION_IDLE_SECONDS" },
		{ { DB, DEV_SECRET, "IZZY_SESSION_IDLE_SECONDS=12x" }, -1,
		    "IZZY_SESSION_IDLE_SECONDS" },
		{ { DB, DEV_SECRET, "IZZY_SESSION_MAX_SECONDS=99999999" }, -1,
		    "IZZY_SESSION_MAX_SECONDS" },
		{ { DB, DEV_SECRET, "IZZY_RESET_TOKEN_TTL_SECONDS=7200" }, -1,
		    "IZZY_RESET_TOKEN_TTL_SECONDS" },
		{ { DB, DEV_SECRET, "IZZY_DB_STATEMENT_TIMEOUT_MS=abc" }, -1,
		    "IZZY_DB_STATEMENT_TIMEOUT_MS" },
		{ { DB, DEV_SECRET, "IZZY_LOGIN_MAX_PER_IP=-1" }, -1, "IZZY_LOGIN_MAX_PER_IP" },
		{ { DB, DEV_SECRET, "IZZY_LOGIN_WINDOW_SECONDS=600" }, 0, NULL },
		{ { DB, DEV_SECRET, "ENFORCE_STATUS_TRANSITIONS=maybe" }, -1,
		    "ENFORCE_STATUS_TRANSITIONS" },
		{ { DB, DEV_SECRET, "ENFORCE_STATUS_TRANSITIONS=FALSE" }, 0, NULL },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		struct cfg c;
		char err[256] = "";
		int rc;

		env_apply(rows[i].vars, NELEM(rows[i].vars));
		rc = cfg_load(&c, err, sizeof(err));
		ck_assert_msg(rc == rows[i].rc, "row %zu (%s...): rc %d, err \"%s\"", i,
		    rows[i].vars[0] != NULL ? rows[i].vars[0] : "empty", rc, err);
		if (rows[i].names != NULL)
			ck_assert_msg(strstr(err, rows[i].names) != NULL,
			    "row %zu: \"%s\" does not name %s", i, err, rows[i].names);
		/* Never echo a secret back into a log line. */
		ck_assert_msg(
		    strstr(err, "Kq8vN2xR7tLm") == NULL && strstr(err, "change-me-dev") == NULL,
		    "row %zu: error message echoes the secret: %s", i, err);
	}
}
END_TEST

START_TEST(test_load_values)
{
	static const char *const base[] = { DB, DEV_SECRET,
		"APP_BASE_URL=https://crm.example.com///" };
	static const char *const prod[] = { DB, PROD, GOOD_SECRET, GOOD_OFFER, "JWT_EXPIRES_IN=12h",
		"IZZY_SESSION_IDLE_SECONDS=600", "APP_BASE_URL=https://crm.example.com/app/",
		"DATABASE_READ_URL=postgresql://app:s3cret@replica/izzy", "APP_TIMEZONE=UTC" };
	struct cfg c;
	char err[256];

	env_apply(base, NELEM(base));
	ck_assert_int_eq(cfg_load(&c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.env, CFG_ENV_DEVELOPMENT);
	ck_assert_str_eq(c.database_url, "postgresql://app:s3cret@db/izzy");
	ck_assert_str_eq(c.jwt_secret, "0123456789");
	ck_assert_str_eq(c.app_base_url, "https://crm.example.com");
	ck_assert_ptr_null(c.offer_link_secret);
	ck_assert_int_eq(c.jwt_expires_s, 86400);
	ck_assert_int_eq(c.session_idle_s, 1800);
	ck_assert_int_eq(c.session_max_s, 43200);
	ck_assert_int_eq(c.reset_token_ttl_s, 3600);
	ck_assert_int_eq(c.invite_token_ttl_s, 72 * 3600);
	ck_assert_int_eq(c.db_statement_timeout_ms, 5000);
	ck_assert_int_eq(c.login_max_per_account, 5);
	ck_assert_int_eq(c.login_max_per_ip, 30);
	ck_assert_int_eq(c.login_window_s, 900);
	ck_assert(!c.cookie_secure);
	ck_assert(c.enforce_status_transitions); /* on unless switched off (spec §7.3) */
	ck_assert_ptr_null(c.seed_admin_email);
	ck_assert_ptr_null(c.schema_dir);
	ck_assert_ptr_null(c.database_read_url);
	ck_assert_str_eq(c.app_timezone, "Europe/Warsaw");
	ck_assert_int_eq(c.test_now, 0);
	ck_assert_int_eq(c.analytics_cache_s, 30);

	env_apply(prod, NELEM(prod));
	ck_assert_int_eq(cfg_load(&c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.env, CFG_ENV_PRODUCTION);
	ck_assert(c.cookie_secure);
	ck_assert(c.enforce_status_transitions);
	ck_assert_int_eq(c.jwt_expires_s, 43200);
	ck_assert_int_eq(setenv("ENFORCE_STATUS_TRANSITIONS", "false", 1), 0);
	ck_assert_int_eq(cfg_load(&c, err, sizeof(err)), 0);
	ck_assert(!c.enforce_status_transitions);
	ck_assert_int_eq(unsetenv("ENFORCE_STATUS_TRANSITIONS"), 0);
	ck_assert_int_eq(cfg_load(&c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.session_idle_s, 600);
	ck_assert_str_eq(c.app_base_url, "https://crm.example.com/app");
	ck_assert_str_eq(c.offer_link_secret, "Zt5rYw8qPn2mLk7jHg4fDs1aXc9vBn6eRu3i");
	ck_assert_str_eq(c.database_read_url, "postgresql://app:s3cret@replica/izzy");
	ck_assert_str_eq(c.app_timezone, "UTC");

	/* Without APP_BASE_URL the dev front end's address is used. */
	env_apply(base, 2);
	ck_assert_int_eq(cfg_load(&c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.app_base_url, "http://localhost:5173");
}
END_TEST

/* izzyctl needs only DATABASE_URL: no secret checks even in production. */
START_TEST(test_load_tool)
{
	static const struct {
		const char *vars[4];
		int rc;
		const char *names;
	} rows[] = {
		{ { NULL }, -1, "DATABASE_URL" },
		{ { DB }, 0, NULL },
		{ { DB, PROD }, 0, NULL },
		{ { DB, "IZZY_ENV=qa" }, -1, "IZZY_ENV" },
		{ { DB, "SEED_ADMIN_EMAIL=admin@example.com", "IZZY_SCHEMA_DIR=/usr/share/izzy" },
		    0, NULL },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		struct cfg c;
		char err[256] = "";

		env_apply(rows[i].vars, NELEM(rows[i].vars));
		ck_assert_msg(
		    cfg_load_tool(&c, err, sizeof(err)) == rows[i].rc, "row %zu: %s", i, err);
		if (rows[i].names != NULL)
			ck_assert_msg(
			    strstr(err, rows[i].names) != NULL, "row %zu: \"%s\"", i, err);
	}
	ck_assert_str_eq(getenv("SEED_ADMIN_EMAIL"), "admin@example.com");
	{
		struct cfg c;
		char err[256];
		ck_assert_int_eq(cfg_load_tool(&c, err, sizeof(err)), 0);
		ck_assert_str_eq(c.seed_admin_email, "admin@example.com");
		ck_assert_str_eq(c.schema_dir, "/usr/share/izzy");
		ck_assert_ptr_null(c.seed_admin_password);
	}
}
END_TEST

/* The retention settings (FR-39): defaults, values, and refusals naming the variable. */
START_TEST(test_retention)
{
	static const struct {
		const char *vars[4];
		int rc;
		const char *names;
	} rows[] = {
		{ { DB, "RETENTION_MONTHS=0" }, -1, "RETENTION_MONTHS" },
		{ { DB, "RETENTION_MONTHS=36x" }, -1, "RETENTION_MONTHS" },
		{ { DB, "RETENTION_INACTIVE_MONTHS=-1" }, -1, "RETENTION_INACTIVE_MONTHS" },
		{ { DB, "RETENTION_WITHDRAWN_DAYS=99999" }, -1, "RETENTION_WITHDRAWN_DAYS" },
		{ { DB, "RETENTION_NOTICE_DAYS=366" }, -1, "RETENTION_NOTICE_DAYS" },
	};
	struct cfg c;
	char err[256] = "";

	for (size_t i = 0; i < NELEM(rows); i++) {
		env_apply(rows[i].vars, NELEM(rows[i].vars));
		ck_assert_msg(
		    cfg_load_tool(&c, err, sizeof(err)) == rows[i].rc, "row %zu: %s", i, err);
		ck_assert_msg(strstr(err, rows[i].names) != NULL, "row %zu: \"%s\"", i, err);
	}
	env_apply((const char *const[]){ DB, NULL }, 2);
	ck_assert_int_eq(cfg_load_tool(&c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.retention_months, 36);
	ck_assert_int_eq(c.retention_inactive_months, 12);
	ck_assert_int_eq(c.retention_withdrawn_days, 30);
	ck_assert_int_eq(c.retention_notice_days, 30);
	ck_assert_ptr_null(c.retention_notify_emails);
	env_apply((const char *const[]){ DB, "RETENTION_MONTHS=24", "RETENTION_NOTICE_DAYS=0",
		      "RETENTION_NOTIFY_EMAILS=dpo@example.com" },
	    4);
	ck_assert_int_eq(cfg_load_tool(&c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.retention_months, 24);
	ck_assert_int_eq(c.retention_notice_days, 0);
	ck_assert_str_eq(c.retention_notify_emails, "dpo@example.com");
}
END_TEST

START_TEST(test_duration)
{
	static const struct {
		const char *in;
		long want;
	} rows[] = {
		{ "1d", 86400 },
		{ "2 days", 172800 },
		{ "1D", 86400 },
		{ "12h", 43200 },
		{ "1.5h", 5400 },
		{ "30 minutes", 1800 },
		{ "30m", 1800 },
		{ "1w", 604800 },
		{ "90s", 90 },
		{ "90 seconds", 90 },
		{ "1500ms", 1 },
		{ "999ms", 0 },
		{ "3600", 3600 },
		{ "0", 0 },
		{ "1y", 31557600 },
		{ "abc", -1 },
		{ "", -1 },
		{ "1x", -1 },
		{ "d", -1 },
		{ "-1d", -1 },
		{ "1d1h", -1 },
		{ "inf", -1 },
		{ "1e10", -1 },
		/* strtod accepts "nan"; the parser must refuse it, not convert it. */
		{ "nan", -1 },
	};

	for (size_t i = 0; i < NELEM(rows); i++) {
		long got = cfg_parse_duration(rows[i].in);
		ck_assert_msg(got == rows[i].want, "\"%s\": got %ld, want %ld", rows[i].in, got,
		    rows[i].want);
	}
	ck_assert_int_eq(cfg_parse_duration(NULL), -1);
}
END_TEST

START_TEST(test_weak_secret)
{
	static const struct {
		const char *in;
		bool weak;
	} rows[] = {
		{ NULL, true },
		{ "", true },
		{ "change-me-dev-secret", true },
		{ "0123456789012345678901234567890", true },   /* 31 bytes */
		{ "01234567890123456789012345678901", false }, /* 32 bytes */
		{ "xxxxxxxxxxxxxxxxxxxxxxdev-onlyxxxxxxxxx", true },
		{ "xxxxxxxxxxxxxxxxxxxxxxDEV-ONLYxxxxxxxxx", true },
		{ "please-change-me-0123456789abcdefghij", true },
		{ "Kq8vN2xR7tLm4pWz9sYb3cHf6jGd1aEu5oIk", false },
	};

	for (size_t i = 0; i < NELEM(rows); i++)
		ck_assert_msg(cfg_weak_secret(rows[i].in) == rows[i].weak, "row %zu (%s)", i,
		    rows[i].in != NULL ? rows[i].in : "NULL");
}
END_TEST

START_TEST(test_get_set)
{
	struct cfg c;

	ck_assert_ptr_null(cfg_get());
	memset(&c, 0, sizeof(c));
	c.jwt_secret = "0123456789";
	c.session_idle_s = 77;
	cfg_set(&c);
	/* A copy: later changes to the caller's struct do not leak in. */
	c.session_idle_s = 1;
	ck_assert_ptr_nonnull(cfg_get());
	ck_assert_ptr_ne(cfg_get(), &c);
	ck_assert_int_eq(cfg_get()->session_idle_s, 77);
	ck_assert_str_eq(cfg_get()->jwt_secret, "0123456789");
}
END_TEST

static Suite *
cfg_suite(void)
{
	Suite *s = suite_create("cfg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_load_table);
	tcase_add_test(tc, test_load_values);
	tcase_add_test(tc, test_load_tool);
	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_weak_secret);
	tcase_add_test(tc, test_get_set);
	tcase_add_test(tc, test_retention);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cfg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
