/*
 * cfg: configuration from the environment (spec/api.md §6 plus IZZY_*).
 * Programs never call getenv elsewhere.  With IZZY_ENV=production, loading
 * fails on a missing secret, one shorter than 32 bytes, or a known default
 * (SR-6), and the message names the variable.
 */
#ifndef IZZY_CFG_H
#define IZZY_CFG_H

#include <stdbool.h>
#include <stddef.h>

enum cfg_env { CFG_ENV_DEVELOPMENT, CFG_ENV_TEST, CFG_ENV_PRODUCTION };

struct cfg {
	enum cfg_env env;
	const char *database_url; /* DATABASE_URL */
	/* DATABASE_READ_URL: a streaming replica for read-only queries
	 * (analytics); NULL when unset, and then DATABASE_URL serves them. */
	const char *database_read_url;
	const char *app_timezone; /* APP_TIMEZONE, default Europe/Warsaw (spec §6.7) */
	/* IZZY_TEST_NOW: a fixed clock (seconds since the epoch) for the day
	 * arithmetic of analytics, so tests can stand on a DST change or New
	 * Year; 0 when unset.  Refused in production. */
	long long test_now;
	/* IZZY_ANALYTICS_CACHE_SECONDS: how long an analytics worker may answer
	 * from its last result for the same scope and parameters; default 30,
	 * 0 turns the cache off. */
	long analytics_cache_s;
	const char *jwt_secret;        /* JWT_SECRET */
	long jwt_expires_s;            /* JWT_EXPIRES_IN, default 1d */
	const char *app_base_url;      /* APP_BASE_URL, no trailing slash */
	const char *offer_link_secret; /* OFFER_LINK_SECRET (may be NULL outside production) */
	/* PESEL_HMAC_SECRET: key of the PESEL hash in "nationalIdHash" (SR-43);
	 * NULL when unset, and then JWT_SECRET keys it. */
	const char *pesel_hmac_secret;
	long session_idle_s;          /* IZZY_SESSION_IDLE_SECONDS, default 1800 (FR-6) */
	long session_max_s;           /* IZZY_SESSION_MAX_SECONDS, default 43200 (SR-9) */
	long reset_token_ttl_s;       /* IZZY_RESET_TOKEN_TTL_SECONDS, default 3600 (SR-10) */
	long invite_token_ttl_s;      /* IZZY_INVITE_TOKEN_TTL_SECONDS, default 72 h */
	long db_statement_timeout_ms; /* IZZY_DB_STATEMENT_TIMEOUT_MS, default 5000 */
	long login_max_per_account;   /* IZZY_LOGIN_MAX_PER_ACCOUNT, default 5 per window */
	long login_max_per_ip;        /* IZZY_LOGIN_MAX_PER_IP, default 30 per window */
	long login_window_s;          /* IZZY_LOGIN_WINDOW_SECONDS, default 900 */
	bool cookie_secure;           /* false only in development */
	/* ENFORCE_STATUS_TRANSITIONS, default true: the status transition table
	 * binds OPERATORs (managers' moves off it are audited overrides); false
	 * restores the reference: no table for anyone (spec §7.3). */
	bool enforce_status_transitions;
	/* izzyctl seed only (spec §6.6); NULL when unset. */
	const char *seed_admin_email, *seed_admin_password;
	const char *seed_operator_email, *seed_operator_password;
	const char *schema_dir; /* IZZY_SCHEMA_DIR; NULL when unset */
	/* Automatic retention (FR-39, SR-41; common/retention.c), read by every
	 * loader: RETENTION_MONTHS from creation (36), RETENTION_INACTIVE_MONTHS
	 * without activity (12), RETENTION_WITHDRAWN_DAYS after the last consent
	 * was withdrawn (30), RETENTION_NOTICE_DAYS of notice to the admins (30),
	 * RETENTION_NOTIFY_EMAILS (comma-separated; NULL: every ACTIVE ADMIN). */
	long retention_months, retention_inactive_months;
	long retention_withdrawn_days, retention_notice_days;
	const char *retention_notify_emails;
	/* Outbound e-mail (spec §6.3), read by cfg_load_worker only; NULL when unset. */
	const char *email_from, *smtp_host, *smtp_user, *smtp_password;
	long smtp_port;     /* SMTP_PORT, default 587 */
	bool smtp_secure;   /* SMTP_SECURE=true|1 */
	long worker_poll_s; /* IZZY_WORKER_POLL_SECONDS, default 5 */
	bool worker_once;   /* IZZY_WORKER_ONCE: one pass, then exit */
	/* SMS through SMSAPI.pl (spec §5.6, OR-17), read by cfg_load_worker
	 * only.  SMS are off (rows wait) when smsapi_token is NULL. */
	const char *smsapi_token;  /* SMSAPI_TOKEN */
	const char *smsapi_url;    /* SMSAPI_URL, default https://api.smsapi.pl/sms.do */
	const char *smsapi_sender; /* SMSAPI_SENDER_NAME (or SMSAPI_SENDER), <= 11 chars */
	bool smsapi_test;          /* SMSAPI_TEST=true|1: the provider's test mode */
	/* The outgoing CRM webhook (spec §5.7, SR-29); off when the URL is NULL.
	 * An http:// URL is refused with IZZY_ENV=production. */
	const char *crm_webhook_url;   /* CRM_WEBHOOK_URL */
	const char *crm_webhook_token; /* CRM_WEBHOOK_TOKEN */
	/* IZZY_WORKER_HTTP_TIMEOUT_SECONDS: whole-request time-out of an SMS or
	 * webhook call, default 10. */
	long worker_http_timeout_s;
	/* IZZY_WEBHOOK_PUBLIC_ONLY=true|false: partner webhooks reach public
	 * addresses only (common/netaddr.c); default true with IZZY_ENV=production. */
	bool webhook_public_only;
	/* IZZY_FEATURES: the optional features switched on ("board,inbound_mail")
	 * or off ("-analytics"); NULL when unset.  Read through feature_enabled(). */
	const char *features;
	/* Insurance onboarding (spec §6, FR-69, FR-70), cfg_load only. */
	long onboarding_ttl_h;         /* ONBOARDING_LINK_TTL_HOURS, default 72 */
	long onboarding_days;          /* ONBOARDING_CONTACT_DAYS_AHEAD, default 14 */
	const char *onboarding_notify; /* ONBOARDING_NOTIFY_EMAILS: comma-separated; NULL = none */
};

/*
 * Reads the environment into *out.  On error returns -1 and writes a
 * message naming the variable into err.  Strings point into the environment.
 */
int cfg_load(struct cfg *out, char *err, size_t errlen);
/* For bin/izzyctl: only DATABASE_URL is required; no secret checks. */
int cfg_load_tool(struct cfg *out, char *err, size_t errlen);
/* For bin/izzy-worker: DATABASE_URL plus the SMTP and IZZY_WORKER_* settings. */
int cfg_load_worker(struct cfg *out, char *err, size_t errlen);
/* The configuration loaded by http_serve()/programs; NULL before cfg_set(). */
const struct cfg *cfg_get(void);
void cfg_set(const struct cfg *);

/*
 * Feature flags.  feature_enabled(name): whether the optional feature name is
 * on — named in IZZY_FEATURES ("name" on, "-name" off; the last mention wins),
 * else its default (a new feature ships off, one that existed before its flag
 * on).  An unknown name is off.  cfg_load refuses an IZZY_FEATURES entry that
 * names no feature.  feature_name(i): the i-th known feature, NULL past the end.
 */
bool feature_enabled(const char *name);
const char *feature_name(size_t i);

/* Upload storage (spec/api.md §6.2); strings point into the environment. */
struct cfg_upload {
	bool s3;             /* UPLOAD_DRIVER=s3 (default disk) */
	const char *dir;     /* UPLOAD_DIR, default storage/uploads */
	long long max_bytes; /* UPLOAD_MAX_BYTES, default 52428800 */
	const char *s3_bucket, *s3_region, *s3_endpoint;
	const char *s3_access_key_id, *s3_secret_access_key, *s3_public_url;
	bool s3_force_path_style; /* S3_FORCE_PATH_STYLE=true|1 */
};

/* For cgi-bin/documents: -1 with err naming the variable (bad driver, s3 incomplete). */
int cfg_load_upload(struct cfg_upload *out, char *err, size_t errlen);

/* "1d", "12h", "30 minutes", "90s", "1500ms" -> seconds; -1 if unparseable.
 * A bare number means seconds (the reference's milliseconds were a QUIRK). */
long cfg_parse_duration(const char *);
/* True if s is a secret we refuse in production (too short or a default). */
bool cfg_weak_secret(const char *s);

/*
 * The lead inbox and the inbound webhook (spec/api.md §5.2, §5.3, §6.4;
 * SR-28); strings point into the environment, NULL when unset.
 * IMAP is on when host, user and password resolve (imap_host != NULL).
 */
struct cfg_inbound {
	const char *imap_host;      /* LEAD_IMAP_HOST ?? LEAD_EMAIL_HOST ?? SMTP_HOST */
	long imap_port;             /* LEAD_IMAP_PORT, default 993 */
	bool imap_secure;           /* LEAD_IMAP_SECURE, default true (implicit TLS) */
	const char *imap_user;      /* LEAD_EMAIL_USER ?? SMTP_USER */
	const char *imap_password;  /* LEAD_EMAIL_PASSWORD ?? SMTP_PASSWORD */
	const char *imap_mailbox;   /* LEAD_IMAP_MAILBOX, default INBOX */
	long poll_s;                /* IMAP_POLL_SECONDS, default 60 */
	long timeout_s;             /* IMAP_TIMEOUT_SECONDS, default 30 */
	const char *partner_id;     /* LEAD_INBOX_PARTNER_ID; NULL: no auto-created leads */
	long long max_bytes;        /* INBOUND_MAX_BYTES, default 10485760 (10 MB) */
	long max_per_sender_hour;   /* INBOUND_MAX_LEADS_PER_SENDER_HOUR, default 10 */
	long max_per_hour;          /* INBOUND_MAX_LEADS_PER_HOUR, default 100 */
	const char *webhook_secret; /* INBOUND_WEBHOOK_SECRET; NULL: every call is 401 */
	long webhook_max_age_s;     /* INBOUND_WEBHOOK_MAX_AGE_SECONDS, default 300 */
};

/* For bin/izzy-worker and cgi-bin/webhooks: -1 with err naming the variable. */
int cfg_load_inbound(struct cfg_inbound *out, char *err, size_t errlen);

#endif
