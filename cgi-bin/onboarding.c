/*
 * onboarding: insurance onboarding (spec/api.md §4.6.14, §4.6.15, §4.11, §4.12,
 * §7.9; requirements FR-69..73, SR-21) with the rewrite's fixes:
 *   - the link token is 32 random bytes (256 bits) in hex, stored only as its
 *     SHA-256 in the session's "token" column; 72 h by default
 *     (ONBOARDING_LINK_TTL_HOURS); a restart replaces it;
 *   - a failed token lookup counts against the client address
 *     (common/ratelimit): 10 per 15 minutes, then 429 TOO_MANY_ATTEMPTS on
 *     every public endpoint;
 *   - the calendar is computed once, by the SQL function izzy_onboarding_slots
 *     (schema 0022) in Europe/Warsaw; verify returns it and contact-slot
 *     accepts only an offered day and slot, "HH:MM-HH:MM" (L20);
 *   - consents go through common/consent exactly like cgi-bin/forms:
 *     onboarding_insurance templates, required ones enforced, nothing implied,
 *     IP and user agent from nginx, the session id as the reference;
 *   - the lead becomes ONBOARDING_CONFIRMED once both the slot and the
 *     consents are in (FR-73), only from NEW or FIRST_CONTACT, under the lead
 *     row lock, with status history and an audit entry; the staff notice goes
 *     to ONBOARDING_NOTIFY_EMAILS through the outbox;
 *   - the staff routes check access to the lead (the reference did not).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/audit.h"
#include "common/cfg.h"
#include "common/consent.h"
#include "common/crypto.h"
#include "common/db.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/ratelimit.h"
#include "common/role.h"
#include "common/session.h"
#include "common/valid.h"

#include "onboarding.sql.h"

static int onb_start(struct req *);
static int onb_get(struct req *);
static int onb_verify(struct req *);
static int onb_slot(struct req *);
static int onb_consents(struct req *);
static int onb_templates(struct req *);
static int onb_template_put(struct req *);

/* 32 random bytes: 256 bits, 64 hex characters (SR-21). */
#define TOKEN_BYTES 32
#define TOKEN_HEX   (TOKEN_BYTES * 2 + 1)
/* 10 failed token lookups per 15 minutes per address. */
#define TOKEN_LIMIT    10
#define TOKEN_WINDOW_S (15 * 60)
#define CAPTURE_MAX    20
#define TIMEZONE       "Europe/Warsaw"
#define SMS_KEY        "sms_welcome_insurance"
#define EMAIL_KEY      "email_welcome_insurance"

#define MSG_INVALID    "Nieprawidłowy link lub link wygasł."
#define MSG_EXPIRED    "Link wygasł. Poproś o nowy link."
#define MSG_TOO_MANY   "Zbyt wiele nieudanych prób. Spróbuj ponownie później."
#define MSG_SLOT       "Wybrany termin jest niedostępny. Wybierz inny."

/* --- field tables ---------------------------------------------------------------- */

static bool
is_day(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	return true;
}

/* The one slot format, "HH:MM-HH:MM" (L20). */
static bool
is_slot(const char *s)
{
	static const char shape[] = "dd:dd-dd:dd";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	return true;
}

static const char *const timezones[] = { TIMEZONE, NULL };

enum verify_key { VER_TOKEN, VER__MAX };
static const struct field verify_fields[VER__MAX] = {
	[VER_TOKEN] = { "token", FT_STRING, F_REQUIRED | F_TRIM, 32, 128 },
};
static const struct field_table verify_q = FIELD_TABLE(verify_fields);

enum slot_key { SLOT_TOKEN, SLOT_DATE, SLOT_SLOT, SLOT_TZ, SLOT__MAX };
static const struct field slot_fields[SLOT__MAX] = {
	[SLOT_TOKEN] = { "token", FT_STRING, F_REQUIRED | F_TRIM, 32, 128 },
	[SLOT_DATE] = { "preferredDate", FT_STRING, F_REQUIRED, 10, 10, NULL, NULL, NULL, is_day,
	    "Expected a date YYYY-MM-DD" },
	[SLOT_SLOT] = { "preferredSlot", FT_STRING, F_REQUIRED, 11, 11, NULL, NULL, NULL, is_slot,
	    "Expected HH:MM-HH:MM" },
	[SLOT_TZ] = { "timezone", FT_ENUM, 0, 0, 0, timezones },
};
static const struct field_table slot_in = FIELD_TABLE(slot_fields);

enum cons_key { CONS_TOKEN, CONS_CONSENTS, CONS__MAX };
static const struct field cons_fields[CONS__MAX] = {
	[CONS_TOKEN] = { "token", FT_STRING, F_REQUIRED | F_TRIM, 32, 128 },
	[CONS_CONSENTS] = { "consents", FT_ARRAY, F_REQUIRED, 1, CAPTURE_MAX, NULL, NULL,
	    &consent_answer_elem },
};
static const struct field_table cons_in = FIELD_TABLE(cons_fields);

enum tpl_key { TPL_BODY, TPL_SUBJECT, TPL_ACTIVE, TPL__MAX };
static const struct field tpl_fields[TPL__MAX] = {
	[TPL_BODY] = { "body", FT_STRING, F_REQUIRED | F_MULTILINE, 1, 10000 },
	[TPL_SUBJECT] = { "subject", FT_STRING, F_NULLABLE | F_TRIM, 0, 300 },
	[TPL_ACTIVE] = { "isActive", FT_BOOL, 0, 0, 0 },
};
static const struct field_table tpl_in = FIELD_TABLE(tpl_fields);

static const struct route onb_routes[] = {
	/* method      pattern                                              handler          roles           body         query */
	{ HTTP_POST, "/api/leads/:id/insurance-onboarding/start", onb_start, ROLES_STAFF, NULL,
	    NULL },
	{ HTTP_GET, "/api/leads/:id/insurance-onboarding", onb_get, ROLES_STAFF, NULL, NULL },
	{ HTTP_GET, "/api/insurance-onboarding/verify", onb_verify, ROLES_PUBLIC, NULL, &verify_q },
	{ HTTP_POST, "/api/insurance-onboarding/contact-slot", onb_slot, ROLES_PUBLIC, &slot_in,
	    NULL },
	{ HTTP_POST, "/api/insurance-onboarding/consents", onb_consents, ROLES_PUBLIC, &cons_in,
	    NULL },
	{ HTTP_GET, "/api/admin/message-templates", onb_templates, ROLES_MANAGERS, NULL, NULL },
	{ HTTP_PUT, "/api/admin/message-templates/:id", onb_template_put, ROLES_ADMIN, &tpl_in,
	    NULL },
};

/* --- helpers ------------------------------------------------------------------------ */

static const char *
addr(const struct req *r)
{
	return r->remote_addr != NULL && r->remote_addr[0] != '\0' ? r->remote_addr : NULL;
}

static const char *
agent(const struct req *r)
{
	return r->user_agent != NULL && r->user_agent[0] != '\0' ? r->user_agent : NULL;
}

/* The calendar's clock: IZZY_TEST_NOW (tests) or NULL = the database's now(). */
static const char *
clock_param(struct req *r)
{
	const struct cfg *c = cfg_get();

	return c != NULL && c->test_now > 0 ? arena_printf(r->mem, "%lld", c->test_now) : NULL;
}

static const char *
days_param(struct req *r)
{
	return arena_printf(r->mem, "%ld", cfg_get()->onboarding_days);
}

/* A message template filled in, or NULL (no active one); *err on a database error. */
static const char *
message(struct req *r, const char *key, const char *first, const char *link, const char **subject,
    bool *err)
{
	const char *p[3] = { key, first, link };
	PGresult *res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_MESSAGE], 3, p);

	*err = res == NULL;
	if (res == NULL || PQntuples(res) != 1)
		return NULL;
	if (subject != NULL && !PQgetisnull(res, 0, 0) && PQgetvalue(res, 0, 0)[0] != '\0')
		*subject = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	return arena_strdup(r->mem, PQgetvalue(res, 0, 1));
}

/* --- staff ------------------------------------------------------------------------ */

/*
 * POST /api/leads/{id}/insurance-onboarding/start — OPERATOR, SUPERVISOR,
 * ADMIN with access to the lead (common/leadaccess).  No body.
 * 200 {sessionId, status, smsSent, emailSent, expiresAt}; 404/403/409 from
 * lead_begin; 422 MISSING_PHONE / MISSING_EMAIL.  A new 256-bit token (the
 * old link stops working), progress cleared, the SMS and the e-mail queued in
 * the outbox (smsSent/emailSent = queued), audit INSURANCE_ONBOARDING_STARTED.
 */
static int
onb_start(struct req *r)
{
	char sess_id[ID_SIZE], token[TOKEN_HEX], hash[CRYPTO_SHA256_HEX];
	const char *p[5], *first = "", *email = "", *phone = "", *sid, *expires, *link, *sms, *mail;
	const char *subject = "Pomożemy Ci znaleźć nowe auto – wybierz termin kontaktu", *meta;
	struct lead_ref ref;
	PGresult *res;
	bool err = false;
	cJSON *out;

	if (lead_begin(r, LEAD_WRITE, &ref) == -1)
		return 0;
	p[0] = ref.id;
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_CONTACT], 1, p)) == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) == 1) {
		first = PQgetisnull(res, 0, 0) ? "" : PQgetvalue(res, 0, 0);
		email = PQgetisnull(res, 0, 1) ? "" : PQgetvalue(res, 0, 1);
		phone = PQgetisnull(res, 0, 2) ? "" : PQgetvalue(res, 0, 2);
	}
	if (phone[0] == '\0') {
		db_rollback(r->db);
		return http_fail(
		    r, 422, "MISSING_PHONE", "Lead nie ma uzupełnionego numeru telefonu.");
	}
	if (email[0] == '\0') {
		db_rollback(r->db);
		return http_fail(
		    r, 422, "MISSING_EMAIL", "Lead nie ma uzupełnionego adresu email.");
	}
	if (id_new(sess_id) == -1 || crypto_token_hex(token, TOKEN_BYTES) == -1)
		return tx_fail(r, 500, "Internal server error");
	crypto_sha256_hex(hash, token, strlen(token));
	p[0] = sess_id;
	p[1] = ref.id;
	p[2] = hash;
	p[3] = arena_printf(r->mem, "%ld", cfg_get()->onboarding_ttl_h);
	p[4] = r->user->id;
	if (p[3] == NULL)
		return tx_fail(r, 500, "Internal server error");
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_START], 5, p)) == NULL)
		return tx_fail_db(r);
	sid = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	expires = arena_strdup(r->mem, PQgetvalue(res, 0, 1));
	link = arena_printf(r->mem, "%s/onboarding?token=%s", cfg_get()->app_base_url, token);
	if (sid == NULL || expires == NULL || link == NULL)
		return tx_fail(r, 500, "Internal server error");
	sms = message(r, SMS_KEY, first, link, NULL, &err);
	if (err)
		return tx_fail_db(r);
	if (sms == NULL)
		sms = arena_printf(r->mem,
		    "Witaj%s%s, chetnie pomozemy Ci znalezc nowe auto. Sprawdz e-mail i wybierz "
		    "termin rozmowy. Twoje dane otrzymalismy od Link4. Zadzwonimy z numeru "
		    "22 688 77 57. %s",
		    first[0] != '\0' ? " " : "", first, link);
	mail = message(r, EMAIL_KEY, first, link, &subject, &err);
	if (err)
		return tx_fail_db(r);
	if (mail == NULL)
		mail = arena_printf(r->mem,
		    "Cześć %s,\n\nPomożemy Ci znaleźć nowe auto. Kliknij w link i daj nam znać, "
		    "kiedy możemy się z Tobą skontaktować:\n%s\n\nZespół Carsalon\n",
		    first, link);
	meta = arena_printf(r->mem,
	    "{\"sessionId\":\"%s\",\"smsSent\":true,\"emailSent\":true,\"expiresAt\":\"%s\"}", sid,
	    expires);
	if (sms == NULL || mail == NULL || meta == NULL)
		return tx_fail(r, 500, "Internal server error");
	if (outbox_sms(r->db, r->mem, ref.id, phone, sms, SMS_KEY) == -1 ||
	    outbox_mail(r->db, r->mem,
		&(struct outbox_mail){ .to = email,
		    .subject = subject,
		    .text = mail,
		    .template = EMAIL_KEY,
		    .lead_id = ref.id,
		    .dedupe_key = arena_printf(r->mem, "onboarding:%s:%.16s", sid, hash) },
		NULL) == -1 ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){ ref.id, r->user->id, "INSURANCE_ONBOARDING_STARTED", NULL,
		    NULL, NULL, meta }) == -1)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	explicit_bzero(token, sizeof(token));
	log_info("onboarding", "lead %s: onboarding %s started by %s", ref.id, sid, r->user->id);
	if ((out = cJSON_CreateObject()) == NULL || json_add_str_null(out, "sessionId", sid) ||
	    json_add_str_null(out, "status", "ONBOARDING_SENT") ||
	    cJSON_AddTrueToObject(out, "smsSent") == NULL ||
	    cJSON_AddTrueToObject(out, "emailSent") == NULL ||
	    json_add_str_null(out, "expiresAt", expires)) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return http_ok(r, out);
}

/*
 * GET /api/leads/{id}/insurance-onboarding — OPERATOR, SUPERVISOR, ADMIN
 * with access to the lead.  200 {"data": session or null} (spec 4.6.15; the
 * communication log is the onboarding messages' outbox rows); 404/403.
 */
static int
onb_get(struct req *r)
{
	struct lead_ref ref;
	const char *p[1];
	PGresult *res;

	if (lead_access(r, r->id, LEAD_READ, &ref) == -1)
		return 0;
	p[0] = ref.id;
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_GET], 1, p)) == NULL)
		return http_fail_db(r);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/* --- client: the token --------------------------------------------------------------- */

struct client {
	char id[ID_SIZE + 8];
	char lead_id[64];
	char status[32];
	const char *first_name; /* NULL when unknown */
	const char *hash;       /* the token's SHA-256 */
	const char *key;        /* the address's rate-limit key */
};

/*
 * Finds the session of a token, counting a failure against the address.
 * 0 and *c; else -1 with the response set: 429 TOO_MANY_ATTEMPTS (with
 * Retry-After), 401 INVALID_TOKEN, 401 TOKEN_EXPIRED (spec 4.11).
 */
static int
client_find(struct req *r, const char *token, const char *expired_msg, struct client *c)
{
	char hash[CRYPTO_SHA256_HEX];
	long count = 0, after = 0;
	const char *p[1];
	PGresult *res;

	memset(c, 0, sizeof(*c));
	if ((c->key = ratelimit_key(r->mem, "onboarding-ip", addr(r) != NULL ? addr(r) : "-")) ==
		NULL ||
	    ratelimit_take(r->db, r->mem, c->key, TOKEN_WINDOW_S, &count, &after) == -1) {
		http_fail_db(r);
		return -1;
	}
	if (count > TOKEN_LIMIT) {
		char ra[32];

		(void)snprintf(ra, sizeof(ra), "%ld", after > 0 ? after : 1);
		if (http_header(r, "Retry-After", ra) == -1)
			http_fail(r, 500, NULL, "Internal server error");
		else
			http_fail(r, 429, "TOO_MANY_ATTEMPTS", MSG_TOO_MANY);
		log_info("onboarding", "token attempts over the limit");
		return -1;
	}
	crypto_sha256_hex(hash, token, strlen(token));
	c->hash = arena_strdup(r->mem, hash);
	p[0] = hash;
	if (c->hash == NULL ||
	    (res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_BY_TOKEN], 1, p)) ==
		NULL) {
		http_fail_db(r);
		return -1;
	}
	if (PQntuples(res) != 1) {
		http_fail(r, 401, "INVALID_TOKEN", MSG_INVALID);
		return -1;
	}
	/* A real link, expired or not: the attempt does not count. */
	if (ratelimit_give_back(r->db, r->mem, c->key) == -1) {
		http_fail_db(r);
		return -1;
	}
	if (PQgetvalue(res, 0, 3)[0] == 't') {
		http_fail(r, 401, "TOKEN_EXPIRED", expired_msg);
		return -1;
	}
	(void)snprintf(c->id, sizeof(c->id), "%s", PQgetvalue(res, 0, 0));
	(void)snprintf(c->lead_id, sizeof(c->lead_id), "%s", PQgetvalue(res, 0, 1));
	(void)snprintf(c->status, sizeof(c->status), "%s", PQgetvalue(res, 0, 2));
	c->first_name = PQgetisnull(res, 0, 4) ? NULL : arena_strdup(r->mem, PQgetvalue(res, 0, 4));
	return 0;
}

/*
 * Every client write: client_find, then the transaction with the lead row
 * locked first and the session second, re-checked under the locks.  0 with
 * the transaction open and *lead_status set; else -1 with the response set.
 */
static int
client_begin(struct req *r, const char *token, struct client *c, char lead_status[32])
{
	const char *p[2];
	PGresult *res;

	if (client_find(r, token, "Link wygasł.", c) == -1)
		return -1;
	if (db_begin(r->db) == -1) {
		http_fail_db(r);
		return -1;
	}
	p[0] = c->lead_id;
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_LEAD_LOCK], 1, p)) ==
	    NULL) {
		tx_fail_db(r);
		return -1;
	}
	if (PQntuples(res) != 1 || PQgetvalue(res, 0, 1)[0] == 't') {
		db_rollback(r->db);
		http_fail(r, 401, "INVALID_TOKEN", "Nieprawidłowy link.");
		return -1;
	}
	(void)snprintf(lead_status, 32, "%s", PQgetvalue(res, 0, 0));
	p[0] = c->id;
	p[1] = c->hash;
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_LOCK], 2, p)) == NULL) {
		tx_fail_db(r);
		return -1;
	}
	if (PQntuples(res) != 1) {
		db_rollback(r->db);
		http_fail(r, 401, "INVALID_TOKEN", "Nieprawidłowy link.");
		return -1;
	}
	if (PQgetvalue(res, 0, 1)[0] == 't') {
		db_rollback(r->db);
		http_fail(r, 401, "TOKEN_EXPIRED", "Link wygasł.");
		return -1;
	}
	return 0;
}

/*
 * GET /api/insurance-onboarding/verify?token= — public.  200 {sessionId,
 * leadId, status (before this call), firstName (only the first name, SR-21),
 * daysAhead, timezone, days: [{date "YYYY-MM-DD", slots ["09:00-10:00", …]}]}:
 * the calendar the client may choose from.  400 validation; 401
 * INVALID_TOKEN / TOKEN_EXPIRED; 429 TOO_MANY_ATTEMPTS.  The first verify
 * sets openedAt and LINK_OPENED.
 */
static int
onb_verify(struct req *r)
{
	struct client c;
	const char *p[3];
	PGresult *res;
	cJSON *out, *days;

	if (client_find(r, r->q->v[VER_TOKEN].s, MSG_EXPIRED, &c) == -1)
		return 0;
	p[0] = c.id;
	if (db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_OPEN], 1, p) == NULL)
		return http_fail_db(r);
	p[0] = clock_param(r);
	p[1] = days_param(r);
	p[2] = TIMEZONE;
	if (p[1] == NULL)
		return http_fail(r, 500, NULL, "Internal server error");
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_SLOTS], 3, p)) == NULL)
		return http_fail_db(r);
	if ((out = cJSON_CreateObject()) == NULL || json_add_str_null(out, "sessionId", c.id) ||
	    json_add_str_null(out, "leadId", c.lead_id) ||
	    json_add_str_null(out, "status", c.status) ||
	    json_add_str_null(out, "firstName", c.first_name) ||
	    cJSON_AddNumberToObject(out, "daysAhead", (double)cfg_get()->onboarding_days) == NULL ||
	    json_add_str_null(out, "timezone", TIMEZONE) ||
	    (days = cJSON_Parse(PQgetvalue(res, 0, 0))) == NULL ||
	    !cJSON_AddItemToObject(out, "days", days)) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return http_ok(r, out);
}

/*
 * Once the slot and the consents are both in: the lead moves to
 * ONBOARDING_CONFIRMED from NEW or FIRST_CONTACT (history, audit
 * status_change by the system), and every ONBOARDING_NOTIFY_EMAILS address
 * gets the notice through the outbox (once per session and slot).  Inside
 * the caller's transaction; -1 on a database error.
 */
static int
confirm(struct req *r, const struct client *c, const char *lead_status)
{
	char hist_id[ID_SIZE];
	const char *p[3], *name, *slot, *day, *iso, *text, *list = cfg_get()->onboarding_notify;
	PGresult *res;

	if (id_new(hist_id) == -1)
		return -1;
	p[0] = hist_id;
	p[1] = c->lead_id;
	p[2] = lead_status;
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_LEAD_CONFIRM], 3, p)) ==
	    NULL)
		return -1;
	if (PQntuples(res) == 1) {
		const char *old_json = arena_printf(r->mem, "\"%s\"", lead_status);
		const char *meta = arena_printf(
		    r->mem, "{\"source\":\"insurance_onboarding\",\"sessionId\":\"%s\"}", c->id);

		if (old_json == NULL || meta == NULL ||
		    audit_log(r->db, r->mem,
			&(struct audit_entry){ c->lead_id, NULL, "status_change", "status",
			    old_json, "\"ONBOARDING_CONFIRMED\"", meta }) == -1)
			return -1;
		log_info("onboarding", "lead %s status %s -> ONBOARDING_CONFIRMED (session %s)",
		    c->lead_id, lead_status, c->id);
	}
	if (list == NULL)
		return 0;
	p[0] = c->id;
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_NOTICE], 1, p)) == NULL)
		return -1;
	if (PQntuples(res) != 1)
		return 0;
	name = PQgetvalue(res, 0, 0)[0] != '\0' ? PQgetvalue(res, 0, 0) : "Klient";
	slot = PQgetvalue(res, 0, 1);
	day = PQgetvalue(res, 0, 2);
	iso = PQgetvalue(res, 0, 3);
	text =
	    arena_printf(r->mem, "%s potwierdził termin kontaktu: %s, %s.\n\nLead: %s/leads/%s\n",
		name, slot, day, cfg_get()->app_base_url, c->lead_id);
	if (text == NULL)
		return -1;
	for (const char *s = list; *s != '\0';) {
		size_t n = strcspn(s, ",");
		char *to = arena_strndup(r->mem, s, n), *e;

		if (to == NULL)
			return -1;
		while (*to == ' ')
			to++;
		for (e = to + strlen(to); e > to && e[-1] == ' ';)
			*--e = '\0';
		if (to[0] != '\0' && valid_email(to) &&
		    outbox_mail(r->db, r->mem,
			&(struct outbox_mail){ .to = to,
			    .subject = "Klient potwierdził termin onboardingu",
			    .text = text,
			    .template = "onboarding_confirmed",
			    .lead_id = c->lead_id,
			    .dedupe_key = arena_printf(
				r->mem, "onboarding-confirmed:%s:%s:%s:%s", c->id, iso, slot, to) },
			NULL) == -1)
			return -1;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

/*
 * POST /api/insurance-onboarding/contact-slot — public.  Body {token,
 * preferredDate "YYYY-MM-DD", preferredSlot "HH:MM-HH:MM", timezone?
 * ("Europe/Warsaw")}.  200 {scheduleId, preferredDate, preferredSlot};
 * 400 validation, or a day/slot the calendar does not offer now (weekday,
 * within the window, in the future); 401 INVALID_TOKEN / TOKEN_EXPIRED;
 * 429.  Upserts the contact schedule; session SLOT_SELECTED, or
 * ONBOARDING_CONFIRMED when the consents are in already (then confirm()).
 */
static int
onb_slot(struct req *r)
{
	const struct value *v = r->in->v;
	struct client c;
	char lead_status[32], sched_id[ID_SIZE];
	const char *p[6], *body, *status;
	PGresult *res;

	if (client_begin(r, v[SLOT_TOKEN].s, &c, lead_status) == -1)
		return 0;
	p[0] = clock_param(r);
	p[1] = days_param(r);
	p[2] = TIMEZONE;
	p[3] = v[SLOT_DATE].s;
	p[4] = v[SLOT_SLOT].s;
	if (p[1] == NULL)
		return tx_fail(r, 500, "Internal server error");
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_SLOT_OFFERED], 5, p)) ==
	    NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 1) {
		db_rollback(r->db);
		return http_fail_field(r, "preferredSlot", MSG_SLOT);
	}
	if (id_new(sched_id) == -1)
		return tx_fail(r, 500, "Internal server error");
	p[0] = sched_id;
	p[1] = c.id;
	p[2] = c.lead_id;
	p[3] = v[SLOT_DATE].s;
	p[4] = v[SLOT_SLOT].s;
	p[5] = TIMEZONE;
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_SCHEDULE], 6, p)) == NULL)
		return tx_fail_db(r);
	body = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	p[0] = c.id;
	if (body == NULL ||
	    (res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_SLOT_MARK], 1, p)) ==
		NULL)
		return tx_fail_db(r);
	status = PQgetvalue(res, 0, 0);
	if (strcmp(status, "ONBOARDING_CONFIRMED") == 0 && confirm(r, &c, lead_status) == -1)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	log_info("onboarding", "session %s: contact slot chosen", c.id);
	return http_ok_raw(r, body);
}

/*
 * POST /api/insurance-onboarding/consents — public.  Body {token, consents:
 * [{consentTemplateId, version, consentGiven}]} as shown
 * (onboarding_insurance templates).  Captured by common/consent: text from the
 * template, IP and user agent of the request, the session id as reference,
 * every required one must be given, nothing implied.  201 {"captured": n,
 * "records": [ids], "status"}; 400; 401; 409 TEMPLATE_OUTDATED; 422
 * REQUIRED_CONSENT_MISSING; 429.  Session CONSENTS_CAPTURED, or
 * ONBOARDING_CONFIRMED when the slot is chosen already (then confirm()).
 */
static int
onb_consents(struct req *r)
{
	const struct value *v = r->in->v;
	struct client c;
	struct consent_capture cc = { 0 };
	char lead_status[32];
	const char *ids, *p[3], *status;
	PGresult *res;
	cJSON *out, *recs;
	int n;

	if (client_begin(r, v[CONS_TOKEN].s, &c, lead_status) == -1)
		return 0;
	cc.lead_id = c.lead_id;
	cc.form_type = "onboarding_insurance";
	cc.items = consent_answers_json(r->mem, &v[CONS_CONSENTS]);
	cc.method = "ONLINE_FORM";
	cc.client_session = c.id;
	cc.enforce_required = true;
	if (cc.items == NULL)
		return tx_fail(r, 500, "Internal server error");
	if ((n = consent_capture(r, &cc, &ids)) == -1) {
		db_rollback(r->db);
		return 0;
	}
	p[0] = c.id;
	p[1] = addr(r);
	p[2] = agent(r);
	if ((res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_CONSENTS_MARK], 3, p)) ==
	    NULL)
		return tx_fail_db(r);
	status = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	if (status == NULL)
		return tx_fail(r, 500, "Internal server error");
	if (strcmp(status, "ONBOARDING_CONFIRMED") == 0 && confirm(r, &c, lead_status) == -1)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	log_info("onboarding", "session %s: %d consent records", c.id, n);
	if ((out = cJSON_CreateObject()) == NULL ||
	    cJSON_AddNumberToObject(out, "captured", (double)n) == NULL ||
	    (recs = cJSON_Parse(ids)) == NULL || !cJSON_AddItemToObject(out, "records", recs) ||
	    json_add_str_null(out, "status", status)) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return http_created(r, out);
}

/* --- admin: message templates --------------------------------------------------------- */

/* GET /api/admin/message-templates — SUPERVISOR, ADMIN.  200 {"data":[…]} by key. */
static int
onb_templates(struct req *r)
{
	PGresult *res = db_query(r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_TEMPLATES], 0, NULL);

	if (res == NULL)
		return http_fail_db(r);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * PUT /api/admin/message-templates/{id} — ADMIN.  Body {body (≥ 1),
 * subject?, isActive?}.  200 the template with version + 1 and updatedBy;
 * 400 validation; 404 {"message":"Message template not found"}.
 */
static int
onb_template_put(struct req *r)
{
	const struct value *v = r->in->v;
	const char *p[6];
	PGresult *res;

	p[0] = r->id;
	p[1] = v[TPL_BODY].s;
	p[2] = v[TPL_SUBJECT].present ? "true" : "false";
	p[3] = v[TPL_SUBJECT].present && !v[TPL_SUBJECT].null ? v[TPL_SUBJECT].s : NULL;
	p[4] = v[TPL_ACTIVE].present ? (v[TPL_ACTIVE].b ? "true" : "false") : NULL;
	p[5] = r->user->id;
	if ((res = db_query(
		 r->db, r->mem, &onboarding_sql[SQL_ONBOARDING_TEMPLATE_UPDATE], 6, p)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, "Message template not found");
	log_info("onboarding", "message template %s updated by %s", r->id, r->user->id);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

static int
onb_init(struct db *db)
{
	/* leadaccess_init() registers the audit statements too. */
	if (db_register(db, onboarding_sql, ONBOARDING_SQL__MAX) == -1 || consent_init(db) == -1 ||
	    leadaccess_init(db) == -1 || ratelimit_init(db) == -1)
		return -1;
	return 0;
}

extern const struct http_app onboarding_app;
static const http_init_fn onb_inits[] = { session_init, outbox_init, onb_init, NULL };
const struct http_app onboarding_app = {
	"onboarding",
	onb_routes,
	sizeof(onb_routes) / sizeof(onb_routes[0]),
	onb_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&onboarding_app);
}
#endif
