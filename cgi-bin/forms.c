/*
 * forms: the client's application form behind a server-side PIN
 * (spec/api.md §4.6.9, §4.8, §7.7, §7.8) with the rewrite's fixes
 * (SR-17, SR-18, SR-20, ARCHITECTURE.md §4):
 *   - the link carries only an opaque random token (192 bits), stored as its
 *     SHA-256 in "uniqueLink"; no form id, lead id or PIN in the URL;
 *   - the PIN defaults to the last 4 digits of the client's phone, and the
 *     message says so; an explicit code goes by the other channel; it is kept
 *     as a bcrypt hash (common/pass) in "accessCodeHash";
 *   - verify-access checks the PIN on the server, 5 attempts per 15 minutes
 *     per form and per client address (common/ratelimit), logs every attempt
 *     with IP and user agent in the form's unlockHistory; the third lockout
 *     (15 wrong PINs for one link) invalidates the link, revokes its sessions
 *     and alerts the assignee and the supervisors by e-mail; it opens a client
 *     session (table "ClientSession", schema 0016) carried by a cookie scoped
 *     to /api/application-forms: HttpOnly, SameSite=Strict, 30 minutes idle,
 *     2 hours at most;
 *   - every client endpoint requires that session: 401 without it, 403 for
 *     another form's session, 410 LINK_EXPIRED once the link has expired;
 *   - submit is one transaction: expiry, status, the required consents
 *     against the current template versions, then status; the
 *     application.ready_for_review event is queued once (Outbox, WEBHOOK);
 *   - regenerating the link and unlocking revoke the old token and sessions;
 *     an unlock requires the client to consent again.
 * The client's consent answers are captured at
 * POST /api/application-forms/{id}/consent-records (common/consent.h): the
 * session cookie is path-limited to /api/application-forms, so the client
 * path lives under it rather than at /api/consent-records.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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
#include "common/pass.h"
#include "common/ratelimit.h"
#include "common/role.h"
#include "common/session.h"
#include "common/valid.h"

#include "forms.sql.h"
#include "forms_steps.h"

static int forms_generate(struct req *);
static int forms_verify(struct req *);
static int forms_get(struct req *);
static int forms_heartbeat(struct req *);
static int forms_autosave(struct req *);
static int forms_submit(struct req *);
static int forms_consents(struct req *);
static int forms_unlock(struct req *);
static int forms_staff(struct req *);

/* The client session cookie (SR-17). */
#define FORM_COOKIE      "izzy_form"
#define FORM_COOKIE_PATH "/api/application-forms"
#define SESSION_IDLE_S   (30 * 60)
#define SESSION_MAX_S    (2 * 60 * 60)
/* 5 failed PIN attempts per 15 minutes per form and per address (SR-17). */
#define PIN_LIMIT    5
#define PIN_WINDOW_S (15 * 60)
/* The 3rd lockout of a link (15 wrong PINs) invalidates it and alerts staff. */
#define LOCKOUT_FAILURES (3 * PIN_LIMIT)
/* 24 random bytes: 192 bits, 48 hex characters. */
#define TOKEN_BYTES 24
#define TOKEN_HEX   (TOKEN_BYTES * 2 + 1)
/* formData as stored: at most 512 KiB of JSON (SR-19 total size cap). */
#define FORM_DATA_MAX (512 * 1024)
#define REASON_MAX    500
#define CAPTURE_MAX   20

#define MSG_NOT_FOUND "Application form not found"
#define MSG_LOCKED    "Form is locked and cannot be edited"
#define MSG_BAD_CODE  "Nieprawidłowy kod dostępu"
#define MSG_EXPIRED   "Link do formularza wygasł"
#define MSG_BLOCKED   "Formularz jest zablokowany"
#define MSG_TOO_MANY  "Zbyt wiele nieudanych prób. Spróbuj ponownie później."
#define MSG_NO_SESS   "Sesja formularza wygasła. Wpisz kod dostępu ponownie."
#define MSG_OTHER     "Ta sesja dotyczy innego formularza"
#define PIN_HINT      "Kod dostępu to 4 ostatnie cyfry Twojego numeru telefonu."
#define EVENT_READY   "application.ready_for_review"

/* --- field tables ---------------------------------------------------------------- */

enum gen_key { GEN_CODE, GEN_DAYS, GEN_EMAIL, GEN_SMS, GEN__MAX };
static const struct field gen_fields[GEN__MAX] = {
	[GEN_CODE] = { "accessCode", FT_STRING, F_TRIM, 4, 32 },
	[GEN_DAYS] = { "expiresInDays", FT_INT, F_NULLABLE, 1, 30 },
	[GEN_EMAIL] = { "sendEmail", FT_BOOL, F_NULLABLE, 0, 0 },
	[GEN_SMS] = { "sendSms", FT_BOOL, F_NULLABLE, 0, 0 },
};
static const struct field_table gen_in = FIELD_TABLE(gen_fields);

enum verify_key { VER_TOKEN, VER_CODE, VER__MAX };
static const struct field verify_fields[VER__MAX] = {
	[VER_TOKEN] = { "token", FT_STRING, F_REQUIRED | F_TRIM, 16, 128 },
	[VER_CODE] = { "code", FT_STRING, F_REQUIRED | F_TRIM, 1, 32 },
};
static const struct field_table verify_in = FIELD_TABLE(verify_fields);

enum save_key { SAVE_DATA, SAVE_STEP, SAVE_PERCENT, SAVE__MAX };
static const struct field save_fields[SAVE__MAX] = {
	[SAVE_DATA] = { "formData", FT_JSON, F_REQUIRED, 0, 0 },
	[SAVE_STEP] = { "currentStep", FT_INT, F_REQUIRED, 1, 6 },
	[SAVE_PERCENT] = { "completionPercent", FT_INT, F_REQUIRED, 0, 100 },
};
static const struct field_table save_in = FIELD_TABLE(save_fields);

enum submit_key { SUB_DATA, SUB__MAX };
static const struct field submit_fields[SUB__MAX] = {
	[SUB_DATA] = { "formData", FT_JSON, 0, 0, 0 },
};
static const struct field_table submit_in = FIELD_TABLE(submit_fields);

enum capture_key { CAP_CONSENTS, CAP__MAX };
static const struct field capture_fields[CAP__MAX] = {
	[CAP_CONSENTS] = { "consents", FT_ARRAY, F_REQUIRED, 1, CAPTURE_MAX, NULL, NULL,
	    &consent_answer_elem },
};
static const struct field_table capture_in = FIELD_TABLE(capture_fields);

enum unlock_key { UNL_REASON, UNL__MAX };
static const struct field unlock_fields[UNL__MAX] = {
	[UNL_REASON] = { "reason", FT_STRING, F_TRIM | F_NULLABLE | F_MULTILINE, 0, REASON_MAX },
};
static const struct field_table unlock_in = FIELD_TABLE(unlock_fields);

static const struct route forms_routes[] = {
	/* method      pattern                                              handler          roles           body         query */
	{ HTTP_POST, "/api/leads/:id/application-form", forms_generate, ROLES_STAFF, &gen_in,
	    NULL },
	{ HTTP_POST, "/api/application-forms/verify-access", forms_verify, ROLES_PUBLIC, &verify_in,
	    NULL },
	{ HTTP_GET, "/api/application-forms/:id(cuid)", forms_get, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_PATCH, "/api/application-forms/:id(cuid)", forms_autosave, ROLES_PUBLIC, &save_in,
	    NULL },
	{ HTTP_POST, "/api/application-forms/:id(cuid)/heartbeat", forms_heartbeat, ROLES_PUBLIC,
	    NULL, NULL },
	{ HTTP_POST, "/api/application-forms/:id(cuid)/submit", forms_submit, ROLES_PUBLIC,
	    &submit_in, NULL },
	{ HTTP_POST, "/api/application-forms/:id(cuid)/consent-records", forms_consents,
	    ROLES_PUBLIC, &capture_in, NULL },
	{ HTTP_POST, "/api/application-forms/:id/unlock", forms_unlock, ROLES_MANAGERS, &unlock_in,
	    NULL },
	{ HTTP_GET, "/api/leads/:id/application-form", forms_staff, ROLES_STAFF, NULL, NULL },
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

/* The last 4 digits of a phone number into out[5]; -1 when it has fewer. */
static int
phone_last4(const char *phone, char out[5])
{
	size_t n = 0;

	if (phone == NULL)
		return -1;
	for (const char *p = phone; *p != '\0'; p++)
		if (*p >= '0' && *p <= '9')
			n++;
	if (n < 4)
		return -1;
	out[4] = '\0';
	for (size_t i = strlen(phone), k = 4; i > 0 && k > 0; i--)
		if (phone[i - 1] >= '0' && phone[i - 1] <= '9')
			out[--k] = phone[i - 1];
	return 0;
}

/* A new link token (hex) and its stored SHA-256; -1 logged. */
static int
new_token(char token[TOKEN_HEX], char hash[CRYPTO_SHA256_HEX])
{
	if (crypto_token_hex(token, TOKEN_BYTES) == -1)
		return -1;
	crypto_sha256_hex(hash, token, strlen(token));
	return 0;
}

/* The client's link: the token only, in the fragment, so it reaches neither
 * server logs nor a Referer header. */
static const char *
link_of(struct req *r, const char *token)
{
	return arena_printf(r->mem, "%s/client-form#%s", cfg_get()->app_base_url, token);
}

static int
add_note(struct req *r, const char *lead_id, const char *text, char note_id[ID_SIZE])
{
	const char *p[4] = { note_id, lead_id, r->user->id, text };

	if (id_new(note_id) == -1)
		return -1;
	return db_query(r->db, r->mem, &forms_sql[SQL_FORMS_NOTE], 4, p) != NULL ? 0 : -1;
}

static int
email_log(struct req *r, const char *form_id, const char *lead_id, const char *type,
    const char *sent_to, const char *payload, const char *note_id)
{
	char id[ID_SIZE];
	const char *p[8] = { id, form_id, lead_id, type, sent_to, payload,
		note_id != NULL ? "true" : "false", note_id };

	if (id_new(id) == -1)
		return -1;
	return db_query(r->db, r->mem, &forms_sql[SQL_FORMS_EMAIL_LOG], 8, p) != NULL ? 0 : -1;
}

static int
queue_sms(struct req *r, const char *lead_id, const char *phone, const char *text,
    const char *template, const char *dedupe)
{
	char id[ID_SIZE];
	const char *p[6] = { id, phone, text, template, lead_id, dedupe };

	if (id_new(id) == -1)
		return -1;
	return db_query(r->db, r->mem, &forms_sql[SQL_FORMS_OUTBOX_SMS], 6, p) != NULL ? 0 : -1;
}

/* The client's e-mail and phone ("" when unknown); -1 on a database error. */
static int
contact(struct req *r, const char *lead_id, const char **email, const char **phone)
{
	const char *p[1] = { lead_id };
	PGresult *res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_CONTACT], 1, p);

	if (res == NULL)
		return -1;
	*email = PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "";
	*phone = PQntuples(res) > 0 && !PQgetisnull(res, 0, 1) ? PQgetvalue(res, 0, 1) : "";
	return 0;
}

/* The channels of the link with the default PIN (staff's choice). */
#define CH_EMAIL 1
#define CH_SMS   2

/*
 * Queues the link messages (SR-18): with the default PIN, the link and the
 * hint on the channels chosen (ch: CH_EMAIL, CH_SMS; the SMS also when the
 * client has no e-mail); with an explicit code, the link by e-mail and the
 * code alone by SMS (or, with no phone, through the adviser).  -1 on error.
 */
static int
send_link(struct req *r, const char *lead_id, const char *form_id, const char *link,
    const char *expires, const char *code, const char *kind, int ch)
{
	const char *email, *phone, *hint, *text, *tag;
	bool unlock = strcmp(kind, "unlock") == 0;

	if (contact(r, lead_id, &email, &phone) == -1)
		return -1;
	if (code == NULL)
		hint = PIN_HINT;
	else if (phone[0] != '\0')
		hint = "Kod dostępu wyślemy w osobnej wiadomości SMS.";
	else
		hint = "Kod dostępu przekaże Ci Twój doradca.";
	text = arena_printf(r->mem, "Dzień dobry,\n\n%s\n\n%s\n\n%s\nLink jest ważny do %s.\n",
	    unlock ? "Twój formularz wniosku został odblokowany. Możesz go uzupełnić i wysłać "
		     "ponownie."
		   : "Prosimy o wypełnienie formularza wniosku pod adresem:",
	    link, hint, expires);
	tag = arena_printf(r->mem, "%s:%s:%s", kind, form_id, expires);
	if (text == NULL || tag == NULL)
		return -1;
	if (code == NULL && !(ch & CH_EMAIL))
		email = ""; /* SMS only */
	if (email[0] != '\0' &&
	    outbox_mail(r->db, r->mem,
		&(struct outbox_mail){ .to = email,
		    .subject = unlock ? "Formularz wniosku odblokowany" : "Formularz wniosku",
		    .text = text,
		    .template = unlock ? "form_unlocked" : "form_link",
		    .lead_id = lead_id,
		    .dedupe_key = arena_printf(r->mem, "mail:%s", tag) },
		NULL) == -1)
		return -1;
	if (phone[0] == '\0')
		return 0;
	if (code != NULL) {
		const char *sms =
		    arena_printf(r->mem, "Kod dostępu do formularza wniosku: %s", code);
		return sms != NULL ? queue_sms(r, lead_id, phone, sms, "form_code",
					 arena_printf(r->mem, "sms-code:%s", tag))
				   : -1;
	}
	if (email[0] != '\0' && !unlock && !(ch & CH_SMS))
		return 0; /* the e-mail carries the link; no second copy */
	text =
	    arena_printf(r->mem, "Formularz wniosku: %s %s Ważny do %s.", link, PIN_HINT, expires);
	return text != NULL
	    ? queue_sms(r, lead_id, phone, text, unlock ? "form_unlocked" : "form_link",
		  arena_printf(r->mem, "sms:%s", tag))
	    : -1;
}

/* --- staff: link generation --------------------------------------------------------- */

/*
 * POST /api/leads/{id}/application-form — OPERATOR, SUPERVISOR, ADMIN with
 * access to the lead (common/leadaccess; the reference did not scope it).
 * Body: accessCode? (4–32; default: the last 4 digits of the client's
 * phone, SR-18), expiresInDays? (1–30, default 7), sendEmail? (default
 * true), sendSms? (default false: by SMS only when there is no e-mail) — the
 * channels of the default PIN's link (400 NO_CHANNEL when neither); an
 * explicit code always sends the link by e-mail and the code by SMS.
 * 201 {applicationFormId, link, expiresAt, accessCode (null for the default)};
 * 400 validation; 404/403/409 from lead_begin; 422 MISSING_PHONE when no code
 * is given and the client has no phone number.  Revokes the old link and its
 * client sessions; queues the messages; note, EmailLog and audit entry.
 */
static int
forms_generate(struct req *r)
{
	const struct value *v = r->in->v;
	const char *code = json_in_nonempty(&v[GEN_CODE]), *pin = code, *email, *phone;
	char form_id[ID_SIZE], token[TOKEN_HEX], hash[CRYPTO_SHA256_HEX], pin_hash[PASS_HASH_SIZE];
	char last4[5], note_id[ID_SIZE];
	const char *days = v[GEN_DAYS].present && !v[GEN_DAYS].null
	    ? arena_printf(r->mem, "%lld", v[GEN_DAYS].i)
	    : "7";
	const char *p[6], *fid, *expires, *link, *payload, *meta;
	int ch = (v[GEN_EMAIL].present && !v[GEN_EMAIL].null && !v[GEN_EMAIL].b ? 0 : CH_EMAIL) |
	    (v[GEN_SMS].present && !v[GEN_SMS].null && v[GEN_SMS].b ? CH_SMS : 0);
	struct lead_ref ref;
	PGresult *res;
	cJSON *out;

	if (ch == 0)
		return http_fail(r, 400, "NO_CHANNEL", "Wybierz kanał wysyłki: e-mail lub SMS");
	if (lead_begin(r, LEAD_WRITE, &ref) == -1)
		return 0;
	if (contact(r, ref.id, &email, &phone) == -1)
		return tx_fail_db(r);
	if (pin == NULL) {
		if (phone_last4(phone, last4) == -1) {
			db_rollback(r->db);
			return http_fail(r, 422, "MISSING_PHONE",
			    "Klient nie ma numeru telefonu: podaj kod dostępu");
		}
		pin = last4;
	}
	if (days == NULL || id_new(form_id) == -1 || new_token(token, hash) == -1 ||
	    pass_hash(pin_hash, pin) == -1)
		return tx_fail(r, 500, "Internal server error");
	p[0] = form_id;
	p[1] = ref.id;
	p[2] = r->user->id;
	p[3] = hash;
	p[4] = pin_hash;
	p[5] = days;
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_UPSERT], 6, p)) == NULL)
		return tx_fail_db(r);
	fid = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	expires = arena_strdup(r->mem, PQgetvalue(res, 0, 1));
	link = fid != NULL && expires != NULL ? link_of(r, token) : NULL;
	payload = expires != NULL ? arena_printf(r->mem, "{\"expiresAt\":\"%s\",\"defaultPin\":%s}",
					expires, code == NULL ? "true" : "false")
				  : NULL;
	meta = fid != NULL && expires != NULL
	    ? arena_printf(
		  r->mem, "{\"applicationFormId\":\"%s\",\"expiresAt\":\"%s\"}", fid, expires)
	    : NULL;
	if (link == NULL || payload == NULL || meta == NULL)
		return tx_fail(r, 500, "Internal server error");
	p[0] = fid;
	if (db_query(r->db, r->mem, &forms_sql[SQL_FORMS_SESSIONS_REVOKE], 1, p) == NULL ||
	    add_note(r, ref.id,
		arena_printf(r->mem, "Wygenerowano link do formularza\nWażny do: %s", expires),
		note_id) == -1 ||
	    email_log(r, fid, ref.id, "LINK_SENT", email[0] != '\0' ? email : NULL, payload,
		NULL) == -1 ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){ ref.id, r->user->id, "APPLICATION_FORM_CREATED", NULL, NULL,
		    NULL, meta }) == -1 ||
	    send_link(r, ref.id, fid, link, expires, code, "link", ch) == -1)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	explicit_bzero(token, sizeof(token));
	log_info("forms", "lead %s: form %s link generated by %s", ref.id, fid, r->user->id);
	if ((out = cJSON_CreateObject()) == NULL ||
	    json_add_str_null(out, "applicationFormId", fid) ||
	    json_add_str_null(out, "link", link) || json_add_str_null(out, "expiresAt", expires) ||
	    json_add_str_null(out, "accessCode", code)) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return http_created(r, out);
}

/* --- client: PIN gate ------------------------------------------------------------------ */

static int
log_attempt(struct req *r, const char *form_id, bool success, const char *outcome)
{
	const char *p[5] = { form_id, success ? "true" : "false", outcome, addr(r), agent(r) };

	if (db_query(r->db, r->mem, &forms_sql[SQL_FORMS_ATTEMPT_LOG], 5, p) == NULL)
		return -1;
	log_info("forms", "form %s: PIN attempt %s", form_id, outcome);
	return 0;
}

/* Counts one attempt on key; sets *over and raises *retry when over the limit. */
static int
take(struct req *r, const char *kind, const char *value, bool *over, long *retry, const char **key)
{
	long count = 0, after = 0;

	if ((*key = ratelimit_key(r->mem, kind, value)) == NULL ||
	    ratelimit_take(r->db, r->mem, *key, PIN_WINDOW_S, &count, &after) == -1)
		return -1;
	if (count > PIN_LIMIT) {
		*over = true;
		if (after > *retry)
			*retry = after;
	}
	return 0;
}

static int
give_back(struct req *r, const char *kf, const char *ki)
{
	if (kf != NULL && ratelimit_give_back(r->db, r->mem, kf) == -1)
		return -1;
	return ki != NULL ? ratelimit_give_back(r->db, r->mem, ki) : 0;
}

static int
set_cookie(struct req *r, const char *token)
{
	const char *v = arena_printf(r->mem,
	    "%s=%s; Path=%s; Max-Age=%d; HttpOnly; SameSite=Strict%s", FORM_COOKIE, token,
	    FORM_COOKIE_PATH, SESSION_MAX_S, cfg_get()->cookie_secure ? "; Secure" : "");

	return v != NULL ? http_header(r, "Set-Cookie", v) : -1;
}

/*
 * After a wrong PIN, inside the caller's transaction: when it is the one that
 * makes the link's third lockout, the link is expired (forms_lockout), its
 * sessions revoked, and an alert queued to the lead's assignee and every
 * active supervisor (once per link).  0, also when nothing happened; -1 on a
 * database error.
 */
static int
lockout(struct req *r, const char *form_id)
{
	char n[16];
	const char *p[2] = { form_id, n }, *lead_id, *generated, *text;
	PGresult *res, *sup;

	(void)snprintf(n, sizeof(n), "%d", LOCKOUT_FAILURES);
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_LOCKOUT], 2, p)) == NULL)
		return -1;
	if (PQntuples(res) != 1)
		return 0;
	lead_id = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	generated = arena_strdup(r->mem, PQgetvalue(res, 0, 1));
	text = arena_printf(r->mem,
	    "Dzień dobry,\n\nlink do formularza wniosku klienta (lead %s) został unieważniony po "
	    "%d nieudanych próbach podania kodu dostępu (trzy blokady).\n\nJeśli klient nadal "
	    "chce wypełnić formularz, wygeneruj nowy link w szczegółach leada.\n",
	    lead_id != NULL ? lead_id : "", LOCKOUT_FAILURES);
	if (lead_id == NULL || generated == NULL || text == NULL ||
	    db_query(r->db, r->mem, &forms_sql[SQL_FORMS_SESSIONS_REVOKE], 1, p) == NULL ||
	    (sup = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_SUPERVISORS], 0, NULL)) == NULL)
		return -1;
	for (int i = -1; i < PQntuples(sup); i++) {
		const char *to;

		if (i == -1 && PQgetisnull(res, 0, 2))
			continue;
		to = i == -1 ? PQgetvalue(res, 0, 2) : PQgetvalue(sup, i, 0);
		if (outbox_mail(r->db, r->mem,
			&(struct outbox_mail){ .to = to,
			    .subject = "Link do formularza unieważniony po blokadach",
			    .text = text,
			    .template = "form_lockout_alert",
			    .lead_id = lead_id,
			    .dedupe_key = arena_printf(
				r->mem, "form-lockout:%s:%s:%s", form_id, generated, to) },
			NULL) == -1)
			return -1;
	}
	log_warn(
	    "forms", "form %s: link invalidated after %d wrong PINs", form_id, LOCKOUT_FAILURES);
	return 0;
}

/*
 * POST /api/application-forms/verify-access — public.  Body {token, code}.
 * 200 {"ok":true,"applicationFormId"} and the client session cookie;
 * 400 validation; 401 INVALID_CODE for an unknown link, a wrong code, or a
 * SUBMITTED/LOCKED form ("Formularz jest zablokowany"); 410 LINK_EXPIRED;
 * 429 TOO_MANY_ATTEMPTS with Retry-After after 5 attempts within 15 minutes
 * for the form or from the address (a success gives its attempt back); the
 * 15th wrong PIN since the link was generated expires it (then 410) and
 * alerts staff.  Every attempt on a known form is logged in its
 * unlockHistory with IP and user agent.
 */
static int
forms_verify(struct req *r)
{
	const struct value *v = r->in->v;
	char hash[CRYPTO_SHA256_HEX], sess_tok[TOKEN_HEX], sess_hash[CRYPTO_SHA256_HEX];
	char sess_id[ID_SIZE];
	const char *kf = NULL, *ki = NULL, *p[6], *form_id = NULL, *status, *pin_hash;
	bool over = false, expired;
	long retry = 0;
	PGresult *res;
	cJSON *out;

	crypto_sha256_hex(hash, v[VER_TOKEN].s, strlen(v[VER_TOKEN].s));
	p[0] = hash;
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_BY_TOKEN], 1, p)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) == 1)
		form_id = PQgetvalue(res, 0, 0);
	if (take(r, "form-pin-ip", addr(r) != NULL ? addr(r) : "-", &over, &retry, &ki) == -1 ||
	    (form_id != NULL && take(r, "form-pin", form_id, &over, &retry, &kf) == -1))
		return http_fail_db(r);
	if (over) {
		char ra[32];

		if (form_id != NULL && log_attempt(r, form_id, false, "TOO_MANY_ATTEMPTS") == -1)
			return http_fail_db(r);
		(void)snprintf(ra, sizeof(ra), "%ld", retry > 0 ? retry : 1);
		if (http_header(r, "Retry-After", ra) == -1)
			return http_fail(r, 500, NULL, "Internal server error");
		return http_fail(r, 429, "TOO_MANY_ATTEMPTS", MSG_TOO_MANY);
	}
	if (form_id == NULL) {
		pass_dummy_verify(v[VER_CODE].s);
		return http_fail(r, 401, "INVALID_CODE", MSG_BAD_CODE);
	}
	status = PQgetvalue(res, 0, 2);
	pin_hash = PQgetvalue(res, 0, 3);
	expired = PQgetvalue(res, 0, 4)[0] == 't';
	if (expired) {
		if (log_attempt(r, form_id, false, "LINK_EXPIRED") == -1 ||
		    give_back(r, kf, ki) == -1)
			return http_fail_db(r);
		return http_fail(r, 410, "LINK_EXPIRED", MSG_EXPIRED);
	}
	if (strcmp(status, "SUBMITTED") == 0 || strcmp(status, "LOCKED") == 0) {
		if (log_attempt(r, form_id, false, "FORM_LOCKED") == -1 ||
		    give_back(r, kf, ki) == -1)
			return http_fail_db(r);
		return http_fail(r, 401, "INVALID_CODE", MSG_BLOCKED);
	}
	if (!pass_verify(v[VER_CODE].s, pin_hash)) {
		if (db_begin(r->db) == -1)
			return http_fail_db(r);
		if (log_attempt(r, form_id, false, "INVALID_CODE") == -1 ||
		    lockout(r, form_id) == -1 || db_commit(r->db) == -1)
			return tx_fail_db(r);
		return http_fail(r, 401, "INVALID_CODE", MSG_BAD_CODE);
	}
	if (id_new(sess_id) == -1 || crypto_token_hex(sess_tok, TOKEN_BYTES) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	crypto_sha256_hex(sess_hash, sess_tok, strlen(sess_tok));
	p[0] = sess_id;
	p[1] = form_id;
	p[2] = sess_hash;
	p[3] = addr(r);
	p[4] = agent(r);
	p[5] = arena_printf(r->mem, "%d", SESSION_MAX_S);
	if (give_back(r, kf, ki) == -1 || db_begin(r->db) == -1)
		return http_fail_db(r);
	if (p[5] == NULL)
		return tx_fail(r, 500, "Internal server error");
	if (db_query(r->db, r->mem, &forms_sql[SQL_FORMS_SESSION_CREATE], 6, p) == NULL ||
	    db_query(r->db, r->mem, &forms_sql[SQL_FORMS_TOUCH], 1, &p[1]) == NULL ||
	    log_attempt(r, form_id, true, "OK") == -1)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	if (set_cookie(r, sess_tok) == -1)
		return http_fail(r, 500, NULL, "Internal server error");
	explicit_bzero(sess_tok, sizeof(sess_tok));
	if ((out = cJSON_CreateObject()) == NULL || cJSON_AddTrueToObject(out, "ok") == NULL ||
	    json_add_str_null(out, "applicationFormId", form_id)) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return http_ok(r, out);
}

/* --- client: the session ---------------------------------------------------------------- */

struct client {
	char session_id[ID_SIZE + 8];
	char lead_id[64];
	char status[32];
};

/*
 * Every client call: opens the transaction, checks the session cookie and
 * locks the form.  0 with the transaction open; else -1 with the response
 * set and nothing written: 401 no or dead session, 403 another form's
 * session, 404 form gone, 410 LINK_EXPIRED.
 */
static int
client_begin(struct req *r, struct client *c)
{
	const char *tok = http_cookie(r, FORM_COOKIE), *p[2];
	char hash[CRYPTO_SHA256_HEX], idle[16];
	PGresult *res;

	if (tok == NULL || tok[0] == '\0') {
		http_fail(r, 401, "SESSION_REQUIRED", MSG_NO_SESS);
		return -1;
	}
	crypto_sha256_hex(hash, tok, strlen(tok));
	(void)snprintf(idle, sizeof(idle), "%d", SESSION_IDLE_S);
	p[0] = hash;
	p[1] = idle;
	if (db_begin(r->db) == -1) {
		http_fail_db(r);
		return -1;
	}
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_SESSION], 2, p)) == NULL) {
		tx_fail_db(r);
		return -1;
	}
	if (PQntuples(res) != 1) {
		tx_fail(r, 401, MSG_NO_SESS);
		return -1;
	}
	if (strcmp(PQgetvalue(res, 0, 1), r->id) != 0) {
		tx_fail(r, 403, MSG_OTHER);
		return -1;
	}
	(void)snprintf(c->session_id, sizeof(c->session_id), "%s", PQgetvalue(res, 0, 0));
	p[0] = r->id;
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_LOCK], 1, p)) == NULL) {
		tx_fail_db(r);
		return -1;
	}
	if (PQntuples(res) != 1) {
		tx_fail(r, 404, MSG_NOT_FOUND);
		return -1;
	}
	if (PQgetvalue(res, 0, 3)[0] == 't') {
		db_rollback(r->db);
		http_fail(r, 410, "LINK_EXPIRED", MSG_EXPIRED);
		return -1;
	}
	(void)snprintf(c->lead_id, sizeof(c->lead_id), "%s", PQgetvalue(res, 0, 1));
	(void)snprintf(c->status, sizeof(c->status), "%s", PQgetvalue(res, 0, 2));
	p[0] = c->session_id;
	if (db_query(r->db, r->mem, &forms_sql[SQL_FORMS_SESSION_SEEN], 1, p) == NULL) {
		tx_fail_db(r);
		return -1;
	}
	return 0;
}

static bool
closed(const struct client *c)
{
	return strcmp(c->status, "SUBMITTED") == 0 || strcmp(c->status, "LOCKED") == 0;
}

/* The form as GET answers it, after commit. */
static int
answer_form(struct req *r, int (*ok)(struct req *, const char *))
{
	const char *p[1] = { r->id };
	PGresult *res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_GET], 1, p);

	if (res == NULL || PQntuples(res) != 1)
		return http_fail_db(r);
	return ok(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * GET /api/application-forms/{id} — the client session of this form.
 * 200 {id, status, submittedAt, formData, currentStep, completionPercent,
 * isClientActive, lastClientActivity, lastAutoSave, linkExpiresAt};
 * 400 Invalid cuid; 401; 403; 410 LINK_EXPIRED.
 */
static int
forms_get(struct req *r)
{
	struct client c;

	if (client_begin(r, &c) == -1)
		return 0;
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	return answer_form(r, http_ok_raw);
}

/*
 * POST /api/application-forms/{id}/heartbeat — the client session.  Marks
 * the client active (the staff guard of common/leadaccess reads it), except
 * after submit.  200 {"ok":true,"active":bool}; 401; 403; 410.
 */
static int
forms_heartbeat(struct req *r)
{
	struct client c;
	const char *p[1] = { r->id };
	bool active;
	cJSON *out;

	if (client_begin(r, &c) == -1)
		return 0;
	active = !closed(&c);
	if (active && db_query(r->db, r->mem, &forms_sql[SQL_FORMS_TOUCH], 1, p) == NULL)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	if ((out = cJSON_CreateObject()) == NULL || cJSON_AddTrueToObject(out, "ok") == NULL ||
	    cJSON_AddBoolToObject(out, "active", active) == NULL) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return http_ok(r, out);
}

/* formData as stored text: a JSON object within FORM_DATA_MAX; NULL with the 400 set. */
static const char *
form_data(struct req *r, const struct value *v)
{
	const char *text;

	if (!cJSON_IsObject(v->json)) {
		text = "Expected object";
	} else if ((text = json_print(r->mem, v->json)) == NULL) {
		http_fail(r, 500, NULL, "Internal server error");
		return NULL;
	} else if (strlen(text) <= FORM_DATA_MAX) {
		return text;
	} else {
		text = "Form data too large";
	}
	http_fail_field(r, "formData", text);
	return NULL;
}

/*
 * The six steps' rules (cgi-bin/forms_steps) on data, within the client's
 * transaction: 0 when valid; else -1, rolled back, with the 400 and its
 * Polish issues set.  complete: every required field (submit).
 */
static int
check_steps(struct req *r, const cJSON *data, bool complete)
{
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	cJSON *issues;

	if (gmtime_r(&now, &tm) == NULL || strftime(today, sizeof(today), "%Y-%m-%d", &tm) == 0 ||
	    (issues = cJSON_CreateArray()) == NULL) {
		tx_fail(r, 500, "Internal server error");
		return -1;
	}
	if (forms_steps_check(data, complete, today, issues) == 0) {
		cJSON_Delete(issues);
		return 0;
	}
	db_rollback(r->db);
	if (cJSON_GetArraySize(issues) == 0) {
		cJSON_Delete(issues);
		http_fail(r, 500, NULL, "Internal server error");
		return -1;
	}
	http_fail_issues(r, issues);
	return -1;
}

/*
 * PATCH /api/application-forms/{id} — autosave; the client session.
 * Body {formData (object, ≤ 512 KiB), currentStep (1–6), completionPercent
 * (0–100)}.  200 {id, lastAutoSave}; 400 validation (the six steps' rules
 * on what is present, SR-19: issues on ["formData", key]); 401; 403; 409
 * for a SUBMITTED or LOCKED form; 410.
 */
static int
forms_autosave(struct req *r)
{
	const struct value *v = r->in->v;
	struct client c;
	const char *p[4], *data = form_data(r, &v[SAVE_DATA]);
	PGresult *res;

	if (data == NULL)
		return 0;
	if (client_begin(r, &c) == -1)
		return 0;
	if (closed(&c))
		return tx_fail(r, 409, MSG_LOCKED);
	if (check_steps(r, v[SAVE_DATA].json, false) == -1)
		return 0;
	p[0] = r->id;
	p[1] = data;
	p[2] = arena_printf(r->mem, "%lld", v[SAVE_STEP].i);
	p[3] = arena_printf(r->mem, "%lld", v[SAVE_PERCENT].i);
	if (p[2] == NULL || p[3] == NULL)
		return tx_fail(r, 500, "Internal server error");
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_AUTOSAVE], 4, p)) == NULL ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * POST /api/application-forms/{id}/submit — the client session; one
 * transaction (SR-20).  Body {formData?} (replaces the stored data).
 * 200 {id, status:"SUBMITTED", submittedAt}, also for a second submit
 * (nothing changes); 400 validation: the given or else the stored data must
 * pass every rule of the six steps with every required field (SR-19); 401; 403; 409 LOCKED form; 410 LINK_EXPIRED;
 * 422 REQUIRED_CONSENT_MISSING when a current required consent of
 * financing_application was not accepted for this form (since its unlock).
 * Queues the application.ready_for_review event once (Outbox WEBHOOK row).
 */
static int
forms_submit(struct req *r)
{
	const struct value *v = r->in->v;
	struct client c;
	const char *p[5], *data = NULL;
	char id[ID_SIZE];
	PGresult *res;

	if (v[SUB_DATA].present && (data = form_data(r, &v[SUB_DATA])) == NULL)
		return 0;
	if (client_begin(r, &c) == -1)
		return 0;
	if (strcmp(c.status, "SUBMITTED") == 0) {
		if (db_commit(r->db) == -1)
			return http_fail_db(r);
		p[0] = r->id;
		if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_SUBMITTED], 1, p)) == NULL)
			return http_fail_db(r);
		return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
	}
	if (strcmp(c.status, "LOCKED") == 0)
		return tx_fail(r, 409, MSG_LOCKED);
	p[0] = r->id;
	if (data != NULL) {
		if (check_steps(r, v[SUB_DATA].json, true) == -1)
			return 0;
	} else {
		cJSON *stored;
		int rc;

		if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_DATA], 1, p)) == NULL)
			return tx_fail_db(r);
		if ((stored = cJSON_Parse(PQgetvalue(res, 0, 0))) == NULL)
			return tx_fail(r, 500, "Internal server error");
		rc = check_steps(r, stored, true);
		cJSON_Delete(stored);
		if (rc == -1)
			return 0;
	}
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_MISSING_CONSENT], 1, p)) == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) > 0) {
		const char *msg = arena_printf(
		    r->mem, "Required consent %s must be accepted", PQgetvalue(res, 0, 0));
		db_rollback(r->db);
		return http_fail(r, 422, "REQUIRED_CONSENT_MISSING",
		    msg != NULL ? msg : "Required consent missing");
	}
	p[1] = data;
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_SUBMIT], 2, p)) == NULL ||
	    id_new(id) == -1)
		return tx_fail_db(r);
	p[0] = id;
	p[1] = EVENT_READY;
	p[2] = PQgetvalue(res, 0, 1);
	p[3] = c.lead_id;
	p[4] = PQgetvalue(res, 0, 2);
	if (db_query(r->db, r->mem, &forms_sql[SQL_FORMS_OUTBOX_EVENT], 5, p) == NULL ||
	    db_commit(r->db) == -1)
		return tx_fail_db(r);
	log_info("forms", "form %s of lead %s submitted", r->id, c.lead_id);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/*
 * POST /api/application-forms/{id}/consent-records — the client session.
 * Body {consents:[{consentTemplateId, version, consentGiven}]} for the
 * financing_application templates as shown.  Captured through
 * common/consent (ONLINE_FORM, IP and user agent of the request, the
 * session id, required ones enforced).  201 {"records":[ids]}; 400; 401;
 * 403; 409 SUBMITTED/LOCKED form; 409 TEMPLATE_OUTDATED; 410; 422.
 */
static int
forms_consents(struct req *r)
{
	struct client c;
	struct consent_capture cc = { 0 };
	const char *ids;
	cJSON *out, *recs;

	if (client_begin(r, &c) == -1)
		return 0;
	if (closed(&c))
		return tx_fail(r, 409, MSG_LOCKED);
	cc.lead_id = c.lead_id;
	cc.form_id = r->id;
	cc.form_type = "financing_application";
	cc.items = consent_answers_json(r->mem, &r->in->v[CAP_CONSENTS]);
	cc.method = "ONLINE_FORM";
	cc.client_session = c.session_id;
	cc.enforce_required = true;
	if (cc.items == NULL)
		return tx_fail(r, 500, "Internal server error");
	if (consent_capture(r, &cc, &ids) == -1) {
		db_rollback(r->db);
		return 0;
	}
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	if ((out = cJSON_CreateObject()) == NULL || (recs = cJSON_Parse(ids)) == NULL ||
	    !cJSON_AddItemToObject(out, "records", recs)) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return http_created(r, out);
}

/* --- staff: unlock ------------------------------------------------------------------ */

/*
 * POST /api/application-forms/{id}/unlock — SUPERVISOR, ADMIN.  Body
 * {reason?} (≤ 500).  A new link token (the old link and client sessions
 * stop working), status UNLOCKED, expiry now + 7 days, the client must
 * consent again, a history entry, a note, EmailLog, audit, the message
 * through the outbox.  200 {id, leadId, status, link, linkExpiresAt};
 * 400; 404 Application form not found; 409 Lead is anonymized.
 */
static int
forms_unlock(struct req *r)
{
	const char *reason = json_in_nonempty(&r->in->v[UNL_REASON]);
	char token[TOKEN_HEX], hash[CRYPTO_SHA256_HEX], note_id[ID_SIZE];
	const char *p[4], *lead_id, *expires, *link, *note, *meta, *payload, *email, *phone;
	PGresult *res;
	cJSON *out;

	p[0] = r->id;
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_LOCK], 1, p)) == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 1)
		return tx_fail(r, 404, MSG_NOT_FOUND);
	if (PQgetvalue(res, 0, 4)[0] == 't')
		return tx_fail(r, 409, "Lead is anonymized");
	lead_id = arena_strdup(r->mem, PQgetvalue(res, 0, 1));
	if (lead_id == NULL || new_token(token, hash) == -1)
		return tx_fail(r, 500, "Internal server error");
	p[1] = hash;
	p[2] = r->user->id;
	p[3] = reason;
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_UNLOCK], 4, p)) == NULL)
		return tx_fail_db(r);
	expires = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	link = link_of(r, token);
	note = reason != NULL
	    ? arena_printf(
		  r->mem, "Formularz odblokowany\nPowód: %s\nWażny do: %s", reason, expires)
	    : arena_printf(r->mem, "Formularz odblokowany\nWażny do: %s", expires);
	{
		cJSON *m = cJSON_CreateObject();

		if (m == NULL || json_add_str_null(m, "unlockedBy", r->user->id) ||
		    json_add_str_null(m, "expiresAt", expires) ||
		    json_add_str_null(m, "reason", reason)) {
			cJSON_Delete(m);
			return tx_fail(r, 500, "Internal server error");
		}
		meta = json_print_take(r->mem, m);
	}
	payload = meta;
	if (expires == NULL || link == NULL || note == NULL || meta == NULL)
		return tx_fail(r, 500, "Internal server error");
	if (db_query(r->db, r->mem, &forms_sql[SQL_FORMS_SESSIONS_REVOKE], 1, p) == NULL ||
	    add_note(r, lead_id, note, note_id) == -1 ||
	    contact(r, lead_id, &email, &phone) == -1 ||
	    email_log(r, r->id, lead_id, "UNLOCKED", email[0] != '\0' ? email : NULL, payload,
		note_id) == -1 ||
	    audit_log(r->db, r->mem,
		&(struct audit_entry){ lead_id, r->user->id, "APPLICATION_FORM_UNLOCK", NULL, NULL,
		    NULL, meta }) == -1 ||
	    send_link(r, lead_id, r->id, link, expires, NULL, "unlock", CH_EMAIL | CH_SMS) == -1)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	explicit_bzero(token, sizeof(token));
	log_info("forms", "form %s unlocked by %s", r->id, r->user->id);
	if ((out = cJSON_CreateObject()) == NULL || json_add_str_null(out, "id", r->id) ||
	    json_add_str_null(out, "leadId", lead_id) ||
	    json_add_str_null(out, "status", "UNLOCKED") || json_add_str_null(out, "link", link) ||
	    json_add_str_null(out, "linkExpiresAt", expires)) {
		cJSON_Delete(out);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return http_ok(r, out);
}

/* --- staff: the form in the lead detail ------------------------------------------------ */

/*
 * GET /api/leads/{id}/application-form — OPERATOR, SUPERVISOR, ADMIN with
 * access to the lead.  200 {id, leadId, status, currentStep,
 * completionPercent, lastAutoSave, lastClientActivity, isClientActive,
 * submittedAt, linkGeneratedAt, linkExpiresAt, linkExpired, attempts:
 * {failedSinceLink, failedRecent, lockouts, lockedOut, lastAttemptAt},
 * history: [unlockHistory entries, newest first]}; 404/403 from
 * lead_access; 404 Application form not found.  Never formData or a token.
 */
static int
forms_staff(struct req *r)
{
	char window[16], limit[16];
	const char *p[3] = { r->id, window, limit };
	PGresult *res;

	if (lead_access(r, r->id, LEAD_READ, NULL) == -1)
		return 0;
	(void)snprintf(window, sizeof(window), "%d", PIN_WINDOW_S);
	(void)snprintf(limit, sizeof(limit), "%d", PIN_LIMIT);
	if ((res = db_query(r->db, r->mem, &forms_sql[SQL_FORMS_STAFF], 3, p)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

static int
forms_init(struct db *db)
{
	/* leadaccess_init() registers the audit statements too. */
	if (db_register(db, forms_sql, FORMS_SQL__MAX) == -1 || consent_init(db) == -1 ||
	    leadaccess_init(db) == -1 || ratelimit_init(db) == -1)
		return -1;
	return 0;
}

extern const struct http_app forms_app;
static const http_init_fn forms_inits[] = { session_init, outbox_init, forms_init, NULL };
const struct http_app forms_app = {
	"forms",
	forms_routes,
	sizeof(forms_routes) / sizeof(forms_routes[0]),
	forms_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&forms_app);
}
#endif
