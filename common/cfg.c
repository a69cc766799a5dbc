#include "config.h"
#include "cfg.h"

#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct cfg current;
static bool current_set;

/* Defaults that have shipped in templates, seeds or docs (SR-6). */
static const char *const known_defaults[] = {
	"change-me-dev-secret",
	"changeme",
	"change-me",
	"secret",
	"izzy",
	"password",
	"jwt-secret",
	"supersecret",
};
/* Markers of our own development/test values. */
static const char *const weak_markers[] = { "dev-only", "change-me", "changeme", "insecure" };

const struct cfg *
cfg_get(void)
{
	return current_set ? &current : NULL;
}

void
cfg_set(const struct cfg *c)
{
	current = *c;
	current_set = true;
}

bool
cfg_weak_secret(const char *s)
{
	if (s == NULL || strlen(s) < 32)
		return true;
	for (size_t i = 0; i < sizeof(known_defaults) / sizeof(known_defaults[0]); i++)
		if (strcasecmp(s, known_defaults[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof(weak_markers) / sizeof(weak_markers[0]); i++)
		if (strcasestr(s, weak_markers[i]) != NULL)
			return true;
	return false;
}

long
cfg_parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		double secs;
	} units[] = {
		{ "ms", 0.001 },
		{ "msec", 0.001 },
		{ "msecs", 0.001 },
		{ "millisecond", 0.001 },
		{ "milliseconds", 0.001 },
		{ "", 1 },
		{ "s", 1 },
		{ "sec", 1 },
		{ "secs", 1 },
		{ "second", 1 },
		{ "seconds", 1 },
		{ "m", 60 },
		{ "min", 60 },
		{ "mins", 60 },
		{ "minute", 60 },
		{ "minutes", 60 },
		{ "h", 3600 },
		{ "hr", 3600 },
		{ "hrs", 3600 },
		{ "hour", 3600 },
		{ "hours", 3600 },
		{ "d", 86400 },
		{ "day", 86400 },
		{ "days", 86400 },
		{ "w", 604800 },
		{ "week", 604800 },
		{ "weeks", 604800 },
		{ "y", 31557600 },
		{ "yr", 31557600 },
		{ "yrs", 31557600 },
		{ "year", 31557600 },
		{ "years", 31557600 },
	};
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || isnan(v) || v < 0 || v > 1e9)
		return -1;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcasecmp(end, units[i].unit) == 0) {
			double secs = v * units[i].secs;
			return secs > (double)LONG_MAX ? -1 : (long)secs;
		}
	return -1;
}

/* Reads a positive integer variable; -1 with err set if present but bad. */
static int
env_long(const char *name, long def, long min, long max, long *out, char *err, size_t errlen)
{
	const char *s = getenv(name);
	char *end;
	long v;

	*out = def;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max) {
		snprintf(err, errlen, "%s must be an integer between %ld and %ld", name, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static const char *
env_opt(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* The optional features and whether each is on when IZZY_FEATURES does not
 * name it (docs/operations.md, "Feature flags"). */
static const struct {
	const char *name;
	bool on_by_default;
} known_features[] = {
	{ "analytics", true },
};
#define NFEATURES (sizeof(known_features) / sizeof(known_features[0]))

/* The next comma-separated item of *p, blanks trimmed, "-" prefix taken off
 * into *off; 0 at the end of the list. */
static int
feature_item(const char **p, const char **s, size_t *len, bool *off)
{
	while (**p != '\0') {
		const char *start = *p, *end = strchr(start, ',');
		size_t l = end != NULL ? (size_t)(end - start) : strlen(start);

		*p = end != NULL ? end + 1 : start + l;
		while (l > 0 && isspace((unsigned char)*start)) {
			start++;
			l--;
		}
		while (l > 0 && isspace((unsigned char)start[l - 1]))
			l--;
		if (l == 0)
			continue;
		*off = *start == '-';
		*s = *off ? start + 1 : start;
		*len = *off ? l - 1 : l;
		return 1;
	}
	return 0;
}

static int
feature_index(const char *s, size_t len)
{
	for (size_t i = 0; i < NFEATURES; i++)
		if (strlen(known_features[i].name) == len &&
		    memcmp(known_features[i].name, s, len) == 0)
			return (int)i;
	return -1;
}

bool
feature_enabled(const char *name)
{
	const struct cfg *c = cfg_get();
	const char *p = c != NULL && c->features != NULL ? c->features : "", *s;
	size_t len;
	bool off, on;
	int i = feature_index(name, strlen(name));

	if (i < 0)
		return false;
	on = known_features[i].on_by_default;
	while (feature_item(&p, &s, &len, &off))
		if (feature_index(s, len) == i)
			on = !off;
	return on;
}

const char *
feature_name(size_t i)
{
	return i < NFEATURES ? known_features[i].name : NULL;
}

/* IZZY_FEATURES names only known features. */
static int
features_check(const char *list, char *err, size_t errlen)
{
	const char *p = list != NULL ? list : "", *s;
	size_t len;
	bool off;

	while (feature_item(&p, &s, &len, &off))
		if (feature_index(s, len) < 0) {
			snprintf(err, errlen, "IZZY_FEATURES: unknown feature \"%.*s\"",
			    len > 40 ? 40 : (int)len, s);
			return -1;
		}
	return 0;
}

static int
cfg_load_env(struct cfg *c, char *err, size_t errlen)
{
	const char *env = getenv("IZZY_ENV");

	memset(c, 0, sizeof(*c));
	if (env == NULL || *env == '\0')
		env = getenv("NODE_ENV");
	if (env == NULL || *env == '\0' || strcmp(env, "development") == 0)
		c->env = CFG_ENV_DEVELOPMENT;
	else if (strcmp(env, "test") == 0)
		c->env = CFG_ENV_TEST;
	else if (strcmp(env, "production") == 0)
		c->env = CFG_ENV_PRODUCTION;
	else {
		snprintf(err, errlen, "IZZY_ENV must be development, test or production");
		return -1;
	}
	c->cookie_secure = c->env != CFG_ENV_DEVELOPMENT;

	c->database_url = getenv("DATABASE_URL");
	if (c->database_url == NULL || *c->database_url == '\0') {
		snprintf(err, errlen, "DATABASE_URL is required");
		return -1;
	}
	c->seed_admin_email = env_opt("SEED_ADMIN_EMAIL");
	c->seed_admin_password = env_opt("SEED_ADMIN_PASSWORD");
	c->seed_operator_email = env_opt("SEED_OPERATOR_EMAIL");
	c->seed_operator_password = env_opt("SEED_OPERATOR_PASSWORD");
	c->schema_dir = env_opt("IZZY_SCHEMA_DIR");
	c->features = env_opt("IZZY_FEATURES");
	if (features_check(c->features, err, errlen) == -1)
		return -1;
	c->database_read_url = env_opt("DATABASE_READ_URL");
	c->app_timezone = env_opt("APP_TIMEZONE");
	if (c->app_timezone == NULL)
		c->app_timezone = "Europe/Warsaw";
	if (env_opt("IZZY_TEST_NOW") != NULL) {
		char *end;
		const char *s = env_opt("IZZY_TEST_NOW");
		if (c->env == CFG_ENV_PRODUCTION) {
			snprintf(err, errlen, "IZZY_TEST_NOW is not allowed in production");
			return -1;
		}
		errno = 0;
		c->test_now = strtoll(s, &end, 10);
		if (errno != 0 || *end != '\0' || c->test_now <= 0) {
			snprintf(err, errlen, "IZZY_TEST_NOW must be seconds since the epoch");
			return -1;
		}
	}
	c->retention_notify_emails = env_opt("RETENTION_NOTIFY_EMAILS");
	if (env_long("RETENTION_MONTHS", 36, 1, 1200, &c->retention_months, err, errlen) == -1 ||
	    env_long("RETENTION_INACTIVE_MONTHS", 12, 0, 1200, &c->retention_inactive_months, err,
		errlen) == -1 ||
	    env_long("RETENTION_WITHDRAWN_DAYS", 30, 0, 3650, &c->retention_withdrawn_days, err,
		errlen) == -1 ||
	    env_long("RETENTION_NOTICE_DAYS", 30, 0, 365, &c->retention_notice_days, err, errlen) ==
		-1)
		return -1;
	return env_long("IZZY_DB_STATEMENT_TIMEOUT_MS", 5000, 100, 3600000,
		   &c->db_statement_timeout_ms, err, errlen) ||
		env_long(
		    "IZZY_ANALYTICS_CACHE_SECONDS", 30, 0, 3600, &c->analytics_cache_s, err, errlen)
	    ? -1
	    : 0;
}

int
cfg_load_tool(struct cfg *c, char *err, size_t errlen)
{
	return cfg_load_env(c, err, errlen);
}

static bool
env_true(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

int
cfg_load_worker(struct cfg *c, char *err, size_t errlen)
{
	if (cfg_load_env(c, err, errlen) == -1)
		return -1;
	c->email_from = env_opt("EMAIL_FROM");
	c->smtp_host = env_opt("SMTP_HOST");
	c->smtp_user = env_opt("SMTP_USER");
	c->smtp_password = env_opt("SMTP_PASSWORD");
	c->smtp_secure = env_true("SMTP_SECURE");
	c->worker_once = env_true("IZZY_WORKER_ONCE");
	c->webhook_public_only = getenv("IZZY_WEBHOOK_PUBLIC_ONLY") != NULL
	    ? env_true("IZZY_WEBHOOK_PUBLIC_ONLY")
	    : c->env == CFG_ENV_PRODUCTION;
	c->smsapi_token = env_opt("SMSAPI_TOKEN");
	c->smsapi_url = env_opt("SMSAPI_URL");
	if (c->smsapi_url == NULL)
		c->smsapi_url = "https://api.smsapi.pl/sms.do";
	c->smsapi_sender = env_opt("SMSAPI_SENDER_NAME");
	if (c->smsapi_sender == NULL)
		c->smsapi_sender = env_opt("SMSAPI_SENDER");
	if (c->smsapi_sender == NULL)
		c->smsapi_sender = "Test";
	if (strlen(c->smsapi_sender) > 11) {
		snprintf(err, errlen, "SMSAPI_SENDER_NAME must be at most 11 characters");
		return -1;
	}
	c->smsapi_test = env_true("SMSAPI_TEST");
	c->crm_webhook_url = env_opt("CRM_WEBHOOK_URL");
	c->crm_webhook_token = env_opt("CRM_WEBHOOK_TOKEN");
	if (c->crm_webhook_url != NULL) {
		bool https = strncmp(c->crm_webhook_url, "https://", 8) == 0;

		if (!https && strncmp(c->crm_webhook_url, "http://", 7) != 0) {
			snprintf(err, errlen, "CRM_WEBHOOK_URL must be an absolute http(s) URL");
			return -1;
		}
		if (!https && c->env == CFG_ENV_PRODUCTION) {
			snprintf(err, errlen, "CRM_WEBHOOK_URL must be https:// in production");
			return -1;
		}
	}
	if (c->smsapi_url != NULL && c->env == CFG_ENV_PRODUCTION &&
	    strncmp(c->smsapi_url, "https://", 8) != 0) {
		snprintf(err, errlen, "SMSAPI_URL must be https:// in production");
		return -1;
	}
	return env_long("SMTP_PORT", 587, 1, 65535, &c->smtp_port, err, errlen) ||
		env_long("IZZY_WORKER_POLL_SECONDS", 5, 1, 3600, &c->worker_poll_s, err, errlen) ||
		env_long("IZZY_WORKER_HTTP_TIMEOUT_SECONDS", 10, 1, 300, &c->worker_http_timeout_s,
		    err, errlen)
	    ? -1
	    : 0;
}

int
cfg_load(struct cfg *c, char *err, size_t errlen)
{
	const char *exp;
	static char base_url[512];
	size_t n;

	if (cfg_load_env(c, err, errlen) == -1)
		return -1;
	c->jwt_secret = getenv("JWT_SECRET");
	if (c->jwt_secret == NULL || strlen(c->jwt_secret) < 10) {
		snprintf(err, errlen, "JWT_SECRET is required (at least 10 characters)");
		return -1;
	}
	c->offer_link_secret = getenv("OFFER_LINK_SECRET");
	if (c->offer_link_secret != NULL && *c->offer_link_secret == '\0')
		c->offer_link_secret = NULL;
	c->pesel_hmac_secret = getenv("PESEL_HMAC_SECRET");
	if (c->pesel_hmac_secret != NULL && *c->pesel_hmac_secret == '\0')
		c->pesel_hmac_secret = NULL;
	if (c->env == CFG_ENV_PRODUCTION) {
		if (cfg_weak_secret(c->jwt_secret)) {
			snprintf(err, errlen,
			    "JWT_SECRET must be at least 32 bytes and not a known default in "
			    "production");
			return -1;
		}
		if (c->pesel_hmac_secret != NULL && cfg_weak_secret(c->pesel_hmac_secret)) {
			snprintf(err, errlen,
			    "PESEL_HMAC_SECRET must be at least 32 bytes and not a known default "
			    "in production");
			return -1;
		}
		if (cfg_weak_secret(c->offer_link_secret)) {
			snprintf(err, errlen,
			    "OFFER_LINK_SECRET must be set, at least 32 bytes and not a known "
			    "default in production");
			return -1;
		}
		/* The reference's compose file shipped izzy/izzy database credentials. */
		if (strstr(c->database_url, "izzy:izzy@") != NULL) {
			snprintf(err, errlen,
			    "DATABASE_URL uses the known default password in production");
			return -1;
		}
	}

	exp = getenv("JWT_EXPIRES_IN");
	if (exp == NULL || *exp == '\0')
		c->jwt_expires_s = 86400;
	else if ((c->jwt_expires_s = cfg_parse_duration(exp)) <= 0) {
		snprintf(err, errlen, "JWT_EXPIRES_IN is not a duration (e.g. 1d, 12h, 3600s)");
		return -1;
	}

	exp = getenv("ENFORCE_STATUS_TRANSITIONS");
	if (exp == NULL || *exp == '\0' || strcasecmp(exp, "true") == 0 || strcmp(exp, "1") == 0)
		c->enforce_status_transitions = true;
	else if (strcasecmp(exp, "false") == 0 || strcmp(exp, "0") == 0)
		c->enforce_status_transitions = false;
	else {
		snprintf(err, errlen, "ENFORCE_STATUS_TRANSITIONS must be true or false");
		return -1;
	}

	c->app_base_url = getenv("APP_BASE_URL");
	if (c->app_base_url == NULL || *c->app_base_url == '\0')
		c->app_base_url = "http://localhost:5173";
	if (strncmp(c->app_base_url, "http://", 7) != 0 &&
	    strncmp(c->app_base_url, "https://", 8) != 0) {
		snprintf(err, errlen, "APP_BASE_URL must be an http(s) URL");
		return -1;
	}
	n = strlen(c->app_base_url);
	if (n >= sizeof(base_url)) {
		snprintf(err, errlen, "APP_BASE_URL is too long");
		return -1;
	}
	memcpy(base_url, c->app_base_url, n + 1);
	while (n > 0 && base_url[n - 1] == '/')
		base_url[--n] = '\0';
	c->app_base_url = base_url;

	if (env_long(
		"IZZY_SESSION_IDLE_SECONDS", 1800, 60, 86400, &c->session_idle_s, err, errlen) ||
	    env_long(
		"IZZY_SESSION_MAX_SECONDS", 43200, 300, 604800, &c->session_max_s, err, errlen) ||
	    env_long("IZZY_RESET_TOKEN_TTL_SECONDS", 3600, 60, 3600, &c->reset_token_ttl_s, err,
		errlen) ||
	    env_long("IZZY_INVITE_TOKEN_TTL_SECONDS", 259200, 3600, 1209600, &c->invite_token_ttl_s,
		err, errlen) ||
	    env_long(
		"IZZY_LOGIN_MAX_PER_ACCOUNT", 5, 1, 1000, &c->login_max_per_account, err, errlen) ||
	    env_long("IZZY_LOGIN_MAX_PER_IP", 30, 1, 100000, &c->login_max_per_ip, err, errlen) ||
	    env_long("IZZY_LOGIN_WINDOW_SECONDS", 900, 1, 86400, &c->login_window_s, err, errlen))
		return -1;
	c->onboarding_notify = env_opt("ONBOARDING_NOTIFY_EMAILS");
	if (env_long("ONBOARDING_LINK_TTL_HOURS", 72, 1, 720, &c->onboarding_ttl_h, err, errlen) ||
	    env_long("ONBOARDING_CONTACT_DAYS_AHEAD", 14, 1, 60, &c->onboarding_days, err, errlen))
		return -1;
	return 0;
}

/* Upload storage (spec/api.md §6.2, §5.10), for cgi-bin/documents. */
int
cfg_load_upload(struct cfg_upload *u, char *err, size_t errlen)
{
	const char *driver = env_opt("UPLOAD_DRIVER");
	const char *max = getenv("UPLOAD_MAX_BYTES");
	char *end;
	long long v;

	memset(u, 0, sizeof(*u));
	if (driver == NULL || strcmp(driver, "disk") == 0)
		u->s3 = false;
	else if (strcmp(driver, "s3") == 0)
		u->s3 = true;
	else {
		snprintf(err, errlen, "UPLOAD_DRIVER must be disk or s3");
		return -1;
	}
	u->dir = env_opt("UPLOAD_DIR");
	if (u->dir == NULL)
		u->dir = "storage/uploads";
	/* Non-numeric means the default (spec §6.2), as in the reference. */
	u->max_bytes = 52428800;
	if (max != NULL && *max != '\0') {
		errno = 0;
		v = strtoll(max, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0)
			u->max_bytes = v;
	}
	u->s3_bucket = env_opt("S3_BUCKET");
	u->s3_region = env_opt("S3_REGION");
	u->s3_endpoint = env_opt("S3_ENDPOINT");
	u->s3_access_key_id = env_opt("S3_ACCESS_KEY_ID");
	u->s3_secret_access_key = env_opt("S3_SECRET_ACCESS_KEY");
	u->s3_public_url = env_opt("S3_PUBLIC_URL");
	u->s3_force_path_style = env_true("S3_FORCE_PATH_STYLE");
	if (u->s3 &&
	    (u->s3_bucket == NULL || u->s3_region == NULL || u->s3_access_key_id == NULL ||
		u->s3_secret_access_key == NULL)) {
		snprintf(err, errlen,
		    "UPLOAD_DRIVER=s3 needs S3_BUCKET, S3_REGION, S3_ACCESS_KEY_ID and "
		    "S3_SECRET_ACCESS_KEY");
		return -1;
	}
	return 0;
}

/* The first of the variables that is set and not empty, or NULL. */
static const char *
env_first(const char *a, const char *b, const char *c)
{
	const char *v = env_opt(a);

	if (v == NULL && b != NULL)
		v = env_opt(b);
	if (v == NULL && c != NULL)
		v = env_opt(c);
	return v;
}

/* The lead inbox and the inbound webhook (spec/api.md §6.4, SR-28). */
int
cfg_load_inbound(struct cfg_inbound *c, char *err, size_t errlen)
{
	const char *sec = getenv("LEAD_IMAP_SECURE"), *env = getenv("IZZY_ENV");
	long max_mb = 0;

	memset(c, 0, sizeof(*c));
	c->imap_host = env_first("LEAD_IMAP_HOST", "LEAD_EMAIL_HOST", "SMTP_HOST");
	c->imap_user = env_first("LEAD_EMAIL_USER", "SMTP_USER", NULL);
	c->imap_password = env_first("LEAD_EMAIL_PASSWORD", "SMTP_PASSWORD", NULL);
	if (c->imap_host == NULL || c->imap_user == NULL || c->imap_password == NULL)
		c->imap_host = NULL;
	c->imap_secure = sec == NULL || *sec == '\0' || env_true("LEAD_IMAP_SECURE");
	c->imap_mailbox = env_opt("LEAD_IMAP_MAILBOX");
	if (c->imap_mailbox == NULL)
		c->imap_mailbox = "INBOX";
	if (strpbrk(c->imap_mailbox, "/?#%\"\\ \r\n") != NULL) {
		snprintf(err, errlen, "LEAD_IMAP_MAILBOX must be a plain mailbox name");
		return -1;
	}
	c->partner_id = env_opt("LEAD_INBOX_PARTNER_ID");
	c->webhook_secret = env_opt("INBOUND_WEBHOOK_SECRET");
	if (c->webhook_secret != NULL && cfg_weak_secret(c->webhook_secret) && env != NULL &&
	    strcmp(env, "production") == 0) {
		snprintf(err, errlen, "INBOUND_WEBHOOK_SECRET is too weak for production");
		return -1;
	}
	if (env_long("LEAD_IMAP_PORT", 993, 1, 65535, &c->imap_port, err, errlen) ||
	    env_long("IMAP_POLL_SECONDS", 60, 1, 86400, &c->poll_s, err, errlen) ||
	    env_long("IMAP_TIMEOUT_SECONDS", 30, 1, 600, &c->timeout_s, err, errlen) ||
	    env_long("INBOUND_MAX_BYTES", 10485760, 1024, 104857600, &max_mb, err, errlen) ||
	    env_long("INBOUND_MAX_LEADS_PER_SENDER_HOUR", 10, 0, 100000, &c->max_per_sender_hour,
		err, errlen) ||
	    env_long(
		"INBOUND_MAX_LEADS_PER_HOUR", 100, 0, 1000000, &c->max_per_hour, err, errlen) ||
	    env_long("INBOUND_WEBHOOK_MAX_AGE_SECONDS", 300, 10, 3600, &c->webhook_max_age_s, err,
		errlen))
		return -1;
	c->max_bytes = max_mb;
	return 0;
}
