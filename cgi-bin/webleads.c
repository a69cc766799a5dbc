/*
 * webleads: the embeddable web-to-lead form of a partner (issue 14).
 *
 * Public (no session), keyed by the form's random key, never the partner id:
 *   GET  /api/web-leads/:key/form   what the hosted form (/formularz/<key>,
 *                                   www/js/webform/) shows, with a signed,
 *                                   time-stamped form token
 *   POST /api/web-leads/:key        a submission, multipart/form-data, from the
 *                                   hosted form or the partner's plain HTML
 *                                   snippet: an INBOUND lead with source
 *                                   web_form and a double opt-in e-mail
 *   POST /api/web-leads/confirm     {"token"}: the link of that e-mail; the
 *                                   consents are recorded now (pending until)
 * Settings (the partner's own manager, or an admin):
 *   GET/PUT /api/partners/:id/web-form
 *
 * Abuse controls of a submission, in this order: the form must exist and be
 * enabled (404); Origin, or Referer when there is no Origin, must be our own
 * origin or one of the form's allowed origins, compared exactly after
 * normalisation (403); per-address and per-partner rate limits (429 with
 * Retry-After); the body is capped (WEBLEADS_BODY_MAX, 413); the honeypot
 * field must be empty and the form token must be ours, untampered, and
 * between WEBLEADS_MIN_FILL_S and WEBLEADS_MAX_FILL_S old (400); the fields
 * follow the lead-create rules (400 issues).
 *
 * Pending consents (documented in schema 0034): the ticked purposes are kept
 * with the submission, with the submitting address and user agent; the
 * confirmation writes the "ConsentRecord" rows through the capture core
 * (common/consent.c) with that address and user agent, so an unconfirmed
 * consent is never read as given.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/consent.h"
#include "common/crypto.h"
#include "common/db.h"
#include "common/http.h"
#include "common/id.h"
#include "common/json.h"
#include "common/log.h"
#include "common/multipart.h"
#include "common/outbox.h"
#include "common/ratelimit.h"
#include "common/role.h"
#include "common/session.h"
#include "common/valid.h"

#include "webleads.sql.h"

static int webleads_form(struct req *);
static int webleads_submit(struct req *);
static int webleads_confirm(struct req *);
static int webleads_settings_get(struct req *);
static int webleads_settings_put(struct req *);

static const struct field_table confirm_in;
static const struct field_table settings_in;

/* The partner's own manager, or an admin (as the partner's API keys). */
#define ROLES_WEBFORM (ROLE_BIT(ROLE_PARTNER_MANAGER) | ROLES_ADMIN)

static const struct route webleads_routes[] = {
	/* method    pattern                          handler                roles          body            query */
	{ HTTP_POST, "/api/web-leads/confirm", webleads_confirm, ROLES_PUBLIC, &confirm_in, NULL },
	{ HTTP_GET, "/api/web-leads/:key/form", webleads_form, ROLES_PUBLIC, NULL, NULL },
	{ HTTP_POST, "/api/web-leads/:key", webleads_submit, ROLES_PUBLIC, &http_body_stream,
	    NULL },
	{ HTTP_GET, "/api/partners/:id/web-form", webleads_settings_get, ROLES_WEBFORM, NULL,
	    NULL },
	{ HTTP_PUT, "/api/partners/:id/web-form", webleads_settings_put, ROLES_WEBFORM,
	    &settings_in, NULL },
};

/* A form of a few short fields: 16 KiB is far more than any honest one needs. */
#define WEBLEADS_BODY_MAX 16384
/* Parts and bytes per part of a submission (a purpose per part at most). */
#define WEBLEADS_PARTS_MAX 40
#define WEBLEADS_VALUE_MAX 4000
/* Time to fill: a person needs seconds; a token older than a day is stale. */
#define WEBLEADS_MIN_FILL_S 3
#define WEBLEADS_MAX_FILL_S 86400
/* Clock skew tolerated on a token "from the future". */
#define WEBLEADS_SKEW_S 60
/* Per client address: 5 submissions per 10 minutes (the partner's own limit is per hour). */
#define WEBLEADS_IP_LIMIT         5
#define WEBLEADS_IP_WINDOW_S      600
#define WEBLEADS_PARTNER_WINDOW_S 3600
/* The double opt-in link is valid for 7 days. */
#define WEBLEADS_CONFIRM_DAYS "7"
/* Random bytes of a form key and of a confirmation token. */
#define WEBLEADS_KEY_BYTES   24
#define WEBLEADS_TOKEN_BYTES 32
/* Origins and purposes a partner may list. */
#define WEBLEADS_ORIGINS_MAX  20
#define WEBLEADS_PURPOSES_MAX 20
#define WEBLEADS_ORIGIN_MAX   200
#define WEBLEADS_RATE_MAX     10000

#define NAME_MAX_CHARS        100 /* the lead-create rules (cgi-bin/leads_create.c) */
#define MSG_NOT_FOUND         "Form not found"
#define MSG_INTERNAL          "Internal server error"

/* --- origins ------------------------------------------------------------------- */

/*
 * The origin of an absolute http(s) URL, normalised: "scheme://host[:port]"
 * in lower case without the scheme's default port; NULL when it is not one
 * (userinfo, an empty or odd host, a bad port).  With exact, anything after
 * the authority other than a lone "/" makes it NULL too (a configured
 * origin); without, the path, query and fragment are dropped (a Referer).
 */
static const char *
origin_norm(struct arena *mem, const char *url, bool exact)
{
	const char *p, *host, *end;
	char *out, *o;
	bool https;
	size_t hlen;
	long port = -1;

	if (url == NULL)
		return NULL;
	if (strncasecmp(url, "https://", 8) == 0)
		https = true, p = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		https = false, p = url + 7;
	else
		return NULL;
	host = p;
	end = p + strcspn(p, "/?#");
	for (p = host; p < end && *p != ':'; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return NULL;
	hlen = (size_t)(p - host);
	if (hlen == 0 || hlen > WEBLEADS_ORIGIN_MAX || host[0] == '.' || host[0] == '-')
		return NULL;
	if (p < end) {
		char *e;

		if (p + 1 == end || !isdigit((unsigned char)p[1]))
			return NULL;
		errno = 0;
		port = strtol(p + 1, &e, 10);
		if (errno != 0 || e != end || port < 1 || port > 65535)
			return NULL;
		if (port == (https ? 443 : 80))
			port = -1;
	}
	if (exact && *end != '\0' && strcmp(end, "/") != 0)
		return NULL;
	if ((out = arena_alloc(mem, hlen + 16)) == NULL)
		return NULL;
	o = out + sprintf(out, "%s", https ? "https://" : "http://");
	for (size_t i = 0; i < hlen; i++)
		*o++ = (char)tolower((unsigned char)host[i]);
	*o = '\0';
	if (port != -1)
		(void)sprintf(o, ":%ld", port);
	return out;
}

/* The origin the request came from: Origin, else Referer's; NULL when neither. */
static const char *
request_origin(struct req *r)
{
	const char *o = http_param(r, "HTTP_ORIGIN");

	if (o != NULL && o[0] != '\0')
		return origin_norm(r->mem, o, true);
	return origin_norm(r->mem, http_param(r, "HTTP_REFERER"), false);
}

static bool
is_our_origin(struct req *r, const char *origin)
{
	const char *ours = origin_norm(r->mem, cfg_get()->app_base_url, false);

	return origin != NULL && ours != NULL && strcmp(origin, ours) == 0;
}

/* --- the form token -------------------------------------------------------------- */

/* HMAC-SHA256 (JWT_SECRET) over "webform:<key>:<issued>" in hex; -1 on failure. */
static int
token_mac(const char *key, long long issued, char out[CRYPTO_SHA256_HEX])
{
	const char *secret = cfg_get()->jwt_secret;
	unsigned char mac[CRYPTO_SHA256_LEN];
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "webform:%s:%lld", key, issued);

	if (n < 0 || (size_t)n >= sizeof(msg) ||
	    crypto_hmac_sha256(mac, secret, strlen(secret), msg, (size_t)n) == -1)
		return -1;
	crypto_hex(out, mac, sizeof(mac));
	return 0;
}

/* "<issued>.<mac>" for the form of key, issued now; NULL on failure. */
static const char *
token_issue(struct req *r, const char *key)
{
	char mac[CRYPTO_SHA256_HEX];

	if (token_mac(key, (long long)r->now, mac) == -1)
		return NULL;
	return arena_printf(r->mem, "%lld.%s", (long long)r->now, mac);
}

/* 0 for a good token of key; else -1 with the 400 set. */
static int
token_check(struct req *r, const char *key, const char *token)
{
	char mac[CRYPTO_SHA256_HEX], *end;
	const char *dot;
	long long issued;

	if (token == NULL || (dot = strchr(token, '.')) == NULL)
		return http_fail(r, 400, "FORM_TOKEN_INVALID", "Invalid form token"), -1;
	errno = 0;
	issued = strtoll(token, &end, 10);
	if (errno != 0 || end != dot || end == token || issued < 0 ||
	    token_mac(key, issued, mac) == -1 || strlen(dot + 1) != CRYPTO_SHA256_HEX - 1 ||
	    !crypto_equal(dot + 1, mac, CRYPTO_SHA256_HEX - 1) ||
	    issued > (long long)r->now + WEBLEADS_SKEW_S) {
		log_info("webleads", "form %s: tampered or foreign form token", key);
		return http_fail(r, 400, "FORM_TOKEN_INVALID", "Invalid form token"), -1;
	}
	if ((long long)r->now - issued < WEBLEADS_MIN_FILL_S) {
		log_info("webleads", "form %s: submitted too fast", key);
		return http_fail(r, 400, "TOO_FAST", "Form submitted too quickly"), -1;
	}
	if ((long long)r->now - issued > WEBLEADS_MAX_FILL_S)
		return http_fail(r, 400, "FORM_EXPIRED", "Form expired, reload the page"), -1;
	return 0;
}

/* --- helpers ---------------------------------------------------------------------- */

/* items as a PostgreSQL text[] literal, every element quoted; NULL on failure. */
static const char *
text_array(struct arena *mem, const char *const *items, size_t n)
{
	size_t len = 3;
	char *out, *o;

	for (size_t i = 0; i < n; i++)
		len += 2 * strlen(items[i]) + 3;
	if ((out = arena_alloc(mem, len)) == NULL)
		return NULL;
	o = out;
	*o++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			*o++ = ',';
		*o++ = '"';
		for (const char *s = items[i]; *s != '\0'; s++) {
			if (*s == '"' || *s == '\\')
				*o++ = '\\';
			*o++ = *s;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

/* 429 {"message":"Too many requests"} with Retry-After; returns 0. */
static int
too_many(struct req *r, long retry_after)
{
	char ra[32];

	(void)snprintf(ra, sizeof(ra), "%ld", retry_after);
	http_fail(r, 429, NULL, "Too many requests");
	if (http_header(r, "Retry-After", ra) == -1)
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	return 0;
}

/* Counts one attempt of kind/value; 1 over limit (429 set), 0 fine, -1 (500 set). */
static int
limited(struct req *r, const char *kind, const char *value, long window_s, long limit)
{
	const char *key = ratelimit_key(r->mem, kind, value);
	long count, retry;

	if (key == NULL || ratelimit_take(r->db, r->mem, key, window_s, &count, &retry) == -1) {
		http_fail(r, 500, NULL, MSG_INTERNAL);
		return -1;
	}
	if (count <= limit)
		return 0;
	log_info("webleads", "form of partner rate-limited (%s)", kind);
	too_many(r, retry);
	return 1;
}

/* --- GET /api/web-leads/:key/form ------------------------------------------------ */

/*
 * GET /api/web-leads/:key/form, public.
 * 200 {partnerName, formToken, purposes:[{consentTemplateId, version,
 *     consentType, title, content, helpText, isRequired}]}: the current version
 *     of each purpose, in the partner's order; with
 *     Access-Control-Allow-Origin when Origin is an allowed origin (the plain
 *     HTML snippet fetches its token so).
 * 404 {"message":"Form not found"}: unknown key or the form is disabled.
 */
static int
webleads_form(struct req *r)
{
	const char *origin = request_origin(r), *token, *p[2];
	PGresult *res;

	p[0] = r->id;
	p[1] = origin;
	if ((res = db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_FORM], 2, p)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), "t") != 0)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	if (origin != NULL && strcmp(PQgetvalue(res, 0, 2), "t") == 0 &&
	    (http_header(r, "Access-Control-Allow-Origin", origin) == -1 ||
		http_header(r, "Vary", "Origin") == -1))
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	p[0] = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	if (p[0] == NULL || (token = token_issue(r, r->id)) == NULL)
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	p[1] = token;
	if ((res = db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_FORM_JSON], 2, p)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	return http_ok_raw(r, arena_strdup(r->mem, PQgetvalue(res, 0, 0)));
}

/* --- POST /api/web-leads/:key ------------------------------------------------------ */

/* The fields of a submission, validated with the lead-create rules. */
enum sub_key { SUB_FIRST, SUB_LAST, SUB_EMAIL, SUB_PHONE, SUB_MESSAGE, SUB__MAX };
static const struct field sub_fields[SUB__MAX] = {
	[SUB_FIRST] = { "firstName", FT_STRING, F_REQUIRED | F_TRIM, 1, NAME_MAX_CHARS },
	[SUB_LAST] = { "lastName", FT_STRING, F_REQUIRED | F_TRIM, 1, NAME_MAX_CHARS },
	/* Required here: the double opt-in goes to it. */
	[SUB_EMAIL] = { "email", FT_EMAIL, F_REQUIRED | F_LOWER, 0, 0 },
	[SUB_PHONE] = { "phone", FT_STRING, F_TRIM, 0, 40 },
	[SUB_MESSAGE] = { "message", FT_STRING, F_TRIM | F_MULTILINE, 0, 2000 },
};
static const struct field_table sub_table = FIELD_TABLE(sub_fields);

/* Parts that are not fields of the table. */
#define PART_HONEYPOT "website"
#define PART_TOKEN    "formToken"
#define PART_CONSENT  "consent"

struct part {
	char name[MULTIPART_NAME_MAX + 1];
	char *value;
	size_t len;
};

struct parts {
	struct arena *mem;
	struct part p[WEBLEADS_PARTS_MAX];
	size_t n;
	const char *problem; /* why the body is refused, or NULL */
};

static int
on_begin(void *ctx, const struct multipart_part *mp)
{
	struct parts *ps = ctx;
	struct part *p;

	if (mp->has_filename) {
		ps->problem = "Files are not accepted";
		return -1;
	}
	if (ps->n == WEBLEADS_PARTS_MAX) {
		ps->problem = "Too many fields";
		return -1;
	}
	p = &ps->p[ps->n++];
	(void)snprintf(p->name, sizeof(p->name), "%s", mp->name);
	if ((p->value = arena_alloc(ps->mem, WEBLEADS_VALUE_MAX + 1)) == NULL)
		return -1;
	p->len = 0;
	p->value[0] = '\0';
	return 0;
}

static int
on_data(void *ctx, const char *buf, size_t n)
{
	struct parts *ps = ctx;
	struct part *p = &ps->p[ps->n - 1];

	if (n > WEBLEADS_VALUE_MAX - p->len) {
		ps->problem = "Field too long";
		return -1;
	}
	memcpy(p->value + p->len, buf, n);
	p->len += n;
	p->value[p->len] = '\0';
	return 0;
}

static int
on_end(void *ctx)
{
	(void)ctx;
	return 0;
}

/* Reads and parses the body into ps; -1 with the response set. */
static int
read_parts(struct req *r, struct parts *ps)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1], buf[4096];
	struct multipart_cb cb = { on_begin, on_data, on_end, ps };
	struct multipart *m;
	size_t n;

	if (multipart_boundary(r->content_type, boundary, sizeof(boundary)) == -1)
		return http_fail(r, 400, NULL, "Malformed multipart body"), -1;
	if ((m = multipart_new(r->mem, boundary, &cb)) == NULL)
		return http_fail(r, 500, NULL, MSG_INTERNAL), -1;
	while ((n = http_body_read(r, buf, sizeof(buf))) > 0)
		if (multipart_feed(m, buf, n) == -1)
			break;
	if (ps->problem != NULL)
		return http_fail(r, 400, NULL, ps->problem), -1;
	if (multipart_error(m) != MULTIPART_OK || r->body_left > 0 || multipart_finish(m) == -1)
		return http_fail(r, 400, NULL, "Malformed multipart body"), -1;
	for (size_t i = 0; i < ps->n; i++)
		if (!valid_utf8(ps->p[i].value, ps->p[i].len) ||
		    strlen(ps->p[i].value) != ps->p[i].len)
			return http_fail_field(r, ps->p[i].name, "Invalid text"), -1;
	return 0;
}

/* The value of the one part called name, or NULL; -1 when it came twice (400 set). */
static int
part_one(struct req *r, const struct parts *ps, const char *name, const char **out)
{
	*out = NULL;
	for (size_t i = 0; i < ps->n; i++) {
		if (strcmp(ps->p[i].name, name) != 0)
			continue;
		if (*out != NULL)
			return http_fail_field(r, name, "Duplicate key"), -1;
		*out = ps->p[i].value;
	}
	return 0;
}

/*
 * The named fields through the field table, as if they were a JSON body; the
 * ticked purposes into *consents (a text[] literal).  -1 with the response set.
 */
static int
check_parts(struct req *r, const struct parts *ps, struct valid_out **out, const char **consents)
{
	const char *ids[WEBLEADS_PARTS_MAX];
	size_t nids = 0;
	cJSON *o = cJSON_CreateObject(), *issues = cJSON_CreateArray();
	int rc = -1;

	if (o == NULL || issues == NULL)
		goto oom;
	for (size_t i = 0; i < ps->n; i++) {
		const struct part *p = &ps->p[i];
		size_t k;

		if (strcmp(p->name, PART_HONEYPOT) == 0 || strcmp(p->name, PART_TOKEN) == 0)
			continue;
		if (strcmp(p->name, PART_CONSENT) == 0) {
			for (k = 0; k < nids; k++)
				if (strcmp(ids[k], p->value) == 0)
					break;
			if (k == nids)
				ids[nids++] = p->value;
			continue;
		}
		/* A field left empty in the form is a field not given. */
		if (p->len == 0)
			continue;
		for (k = 0; k < SUB__MAX && strcmp(sub_fields[k].name, p->name) != 0; k++)
			;
		if (k == SUB__MAX) {
			cJSON_Delete(o);
			cJSON_Delete(issues);
			return http_fail_field(r, p->name, "Unrecognized key"), -1;
		}
		if (cJSON_GetObjectItemCaseSensitive(o, p->name) != NULL) {
			cJSON_Delete(o);
			cJSON_Delete(issues);
			return http_fail_field(r, p->name, "Duplicate key"), -1;
		}
		if (cJSON_AddStringToObject(o, p->name, p->value) == NULL)
			goto oom;
	}
	if ((*consents = text_array(r->mem, ids, nids)) == NULL)
		goto oom;
	if (valid_json(r->mem, &sub_table, o, out, issues) == 0)
		rc = 0;
	else if (cJSON_GetArraySize(issues) > 0) {
		http_fail_issues(r, issues);
		issues = NULL;
	} else
		goto oom;
	cJSON_Delete(o);
	cJSON_Delete(issues);
	return rc;
oom:
	cJSON_Delete(o);
	cJSON_Delete(issues);
	http_fail(r, 500, NULL, MSG_INTERNAL);
	return -1;
}

/* True when the client asked for a page (the plain HTML form), not JSON. */
static bool
wants_html(struct req *r)
{
	const char *accept = http_param(r, "HTTP_ACCEPT");

	return accept != NULL && strstr(accept, "text/html") != NULL &&
	    strstr(accept, "application/json") == NULL;
}

#define THANKS_TEXT                                                                                \
	"Dziękujemy! Wysłaliśmy wiadomość e-mail z linkiem potwierdzającym zgłoszenie i zgody."
static const char thanks_page[] =
    "<!doctype html><html lang=\"pl\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>Dziękujemy</title></head><body><main><h1>Dziękujemy!</h1><p>" THANKS_TEXT
    "</p></main></body></html>\n";

/* Queues the double opt-in e-mail; -1 on failure. */
static int
confirm_mail(struct req *r, const char *to, const char *lead_id, const char *sub_id,
    const char *token, const char *partner_name)
{
	const char *link = arena_printf(r->mem, "%s/potwierdz#%s", cfg_get()->app_base_url, token);
	const char *text;

	if (link == NULL)
		return -1;
	text = arena_printf(r->mem,
	    "Dzień dobry,\n\notrzymaliśmy zgłoszenie z formularza %s. Aby potwierdzić adres "
	    "e-mail i wyrażone zgody, otwórz poniższy link i naciśnij „Potwierdzam”:\n\n%s\n\n"
	    "Link jest ważny przez 7 dni. Jeśli to nie Ty wysłałeś zgłoszenie, zignoruj tę "
	    "wiadomość — bez potwierdzenia zgody nie zostaną zapisane.\n",
	    partner_name, link);
	if (text == NULL)
		return -1;
	return outbox_mail(r->db, r->mem,
	    &(struct outbox_mail){ .to = to,
		.subject = "Potwierdź swoje zgłoszenie",
		.text = text,
		.template = "web_lead_confirm",
		.lead_id = lead_id,
		.dedupe_key = sub_id },
	    NULL);
}

/*
 * POST /api/web-leads/:key, public; multipart/form-data with firstName,
 * lastName, email, phone?, message?, consent (one part per ticked purpose:
 * its consentTemplateId), formToken, and the honeypot "website" (empty).
 * 201 {"message", "status":"PENDING_CONFIRMATION"}, or 200 a small Polish
 *     page when the client accepts text/html and not JSON (the plain form);
 * 400 malformed body, an unknown or repeated field, the honeypot filled
 *     (code SPAM_SUSPECTED), the form token missing or tampered
 *     (FORM_TOKEN_INVALID), too fast (TOO_FAST) or stale (FORM_EXPIRED),
 *     a purpose not on the form (code UNKNOWN_PURPOSE), "Validation failed";
 * 403 {"message":"Forbidden","code":"ORIGIN_NOT_ALLOWED"};
 * 404 {"message":"Form not found"} unknown key or disabled;
 * 411/413/415 by the dispatcher (no length, over 16 KiB, not multipart);
 * 422 REQUIRED_CONSENT_MISSING a required purpose left unticked;
 * 429 {"message":"Too many requests"} with Retry-After (per address, per partner).
 */
static int
submit_form(struct req *r)
{
	struct parts *ps;
	struct valid_out *in;
	const char *origin = request_origin(r), *p[16], *honey, *token, *consents, *answers;
	const char *partner, *partner_name, *meta;
	char lead_id[ID_SIZE], prof_id[ID_SIZE], sub_id[ID_SIZE];
	char tok[2 * WEBLEADS_TOKEN_BYTES + 1], tok_hash[CRYPTO_SHA256_HEX];
	PGresult *res;
	long rate;

	p[0] = r->id;
	p[1] = origin;
	if ((res = db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_FORM], 2, p)) == NULL)
		return http_fail_db(r);
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), "t") != 0)
		return http_fail(r, 404, NULL, MSG_NOT_FOUND);
	if (!is_our_origin(r, origin) && strcmp(PQgetvalue(res, 0, 2), "t") != 0) {
		log_info("webleads", "form %s: posted from an origin not allowed", r->id);
		return http_fail(r, 403, "ORIGIN_NOT_ALLOWED", "Forbidden");
	}
	partner = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	rate = strtol(PQgetvalue(res, 0, 3), NULL, 10);
	if (partner == NULL)
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	if (limited(r, "webform-ip", r->remote_addr, WEBLEADS_IP_WINDOW_S, WEBLEADS_IP_LIMIT) !=
		0 ||
	    limited(r, "webform-partner", partner, WEBLEADS_PARTNER_WINDOW_S, rate) != 0)
		return 0;

	if ((ps = arena_alloc(r->mem, sizeof(*ps))) == NULL)
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	memset(ps, 0, sizeof(*ps));
	ps->mem = r->mem;
	if (read_parts(r, ps) == -1 || part_one(r, ps, PART_HONEYPOT, &honey) == -1 ||
	    part_one(r, ps, PART_TOKEN, &token) == -1)
		return 0;
	if (honey != NULL && honey[0] != '\0') {
		log_info("webleads", "form %s: honeypot filled, refused", r->id);
		return http_fail(r, 400, "SPAM_SUSPECTED", "Submission refused");
	}
	if (token_check(r, r->id, token) == -1 || check_parts(r, ps, &in, &consents) == -1)
		return 0;

	p[0] = partner;
	p[1] = consents;
	if ((res = db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_ANSWERS], 2, p)) == NULL)
		return http_fail_db(r);
	if (!PQgetisnull(res, 0, 1)) {
		const char *msg =
		    arena_printf(r->mem, "Purpose %s is not on this form", PQgetvalue(res, 0, 1));
		return http_fail(r, 400, "UNKNOWN_PURPOSE", msg != NULL ? msg : "Unknown purpose");
	}
	if (!PQgetisnull(res, 0, 2)) {
		const char *msg = arena_printf(
		    r->mem, "Required consent %s must be accepted", PQgetvalue(res, 0, 2));
		return http_fail(r, 422, "REQUIRED_CONSENT_MISSING",
		    msg != NULL ? msg : "Required consent missing");
	}
	answers = arena_strdup(r->mem, PQgetvalue(res, 0, 0));

	{
		cJSON *m = cJSON_CreateObject();

		if (m == NULL || cJSON_AddStringToObject(m, "source", "web_form") == NULL ||
		    json_add_str_null(m, "origin", origin) == -1 ||
		    cJSON_AddStringToObject(m, "formKey", r->id) == NULL) {
			cJSON_Delete(m);
			return http_fail(r, 500, NULL, MSG_INTERNAL);
		}
		meta = json_print_take(r->mem, m);
	}
	if (answers == NULL || meta == NULL || id_new(lead_id) == -1 || id_new(prof_id) == -1 ||
	    id_new(sub_id) == -1 || crypto_token_hex(tok, WEBLEADS_TOKEN_BYTES) == -1)
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	crypto_sha256_hex(tok_hash, tok, strlen(tok));

	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	p[0] = lead_id;
	p[1] = partner;
	p[2] = meta;
	p[3] = json_in_nonempty(&in->v[SUB_MESSAGE]);
	p[4] = prof_id;
	p[5] = in->v[SUB_FIRST].s;
	p[6] = in->v[SUB_LAST].s;
	p[7] = in->v[SUB_EMAIL].s;
	p[8] = json_in_nonempty(&in->v[SUB_PHONE]);
	p[9] = sub_id;
	p[10] = answers;
	p[11] = r->remote_addr[0] != '\0' ? r->remote_addr : NULL;
	p[12] = r->user_agent[0] != '\0' ? r->user_agent : NULL;
	p[13] = origin;
	p[14] = tok_hash;
	p[15] = WEBLEADS_CONFIRM_DAYS;
	if (db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_CREATE], 16, p) == NULL)
		return tx_fail_db(r);
	p[0] = partner;
	p[1] = "";
	if ((res = db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_FORM_JSON], 2, p)) == NULL ||
	    PQntuples(res) != 1)
		return tx_fail_db(r);
	{
		cJSON *f = cJSON_Parse(PQgetvalue(res, 0, 0));
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(f, "partnerName");

		partner_name =
		    arena_strdup(r->mem, nm != NULL && cJSON_IsString(nm) ? nm->valuestring : "");
		cJSON_Delete(f);
	}
	if (partner_name == NULL ||
	    confirm_mail(r, in->v[SUB_EMAIL].s, lead_id, sub_id, tok, partner_name) == -1)
		return tx_fail(r, 500, MSG_INTERNAL);
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	log_info("webleads", "form %s: lead %s created (submission %s), awaiting confirmation",
	    r->id, lead_id, sub_id);
	if (wants_html(r))
		return http_ok_text(r, "text/html; charset=utf-8", thanks_page);
	{
		cJSON *o = cJSON_CreateObject();

		if (o == NULL || cJSON_AddStringToObject(o, "message", THANKS_TEXT) == NULL ||
		    cJSON_AddStringToObject(o, "status", "PENDING_CONFIRMATION") == NULL) {
			cJSON_Delete(o);
			return http_fail(r, 500, NULL, MSG_INTERNAL);
		}
		return http_created(r, o);
	}
}

/* The Polish page of a refusal, for the plain HTML form (by status and code). */
static const char *
refusal_text(int status, const char *code)
{
	static const struct {
		const char *code;
		const char *text;
	} by_code[] = {
		{ "TOO_FAST",
		    "Formularz został wysłany zbyt szybko. Wróć, sprawdź dane i wyślij go "
		    "ponownie." },
		{ "FORM_EXPIRED",
		    "Formularz wygasł. Wróć, odśwież stronę i wypełnij go ponownie." },
		{ "FORM_TOKEN_INVALID",
		    "Formularz wygasł. Wróć, odśwież stronę i wypełnij go ponownie." },
		{ "ORIGIN_NOT_ALLOWED", "Ten formularz nie może być wysłany z tej strony." },
		{ "REQUIRED_CONSENT_MISSING", "Wróć i zaznacz wymagane zgody." },
		{ "UNKNOWN_PURPOSE",
		    "Treść zgód zmieniła się. Wróć, odśwież stronę i wypełnij formularz "
		    "ponownie." },
	};

	for (size_t i = 0; code != NULL && i < sizeof(by_code) / sizeof(by_code[0]); i++)
		if (strcmp(code, by_code[i].code) == 0)
			return by_code[i].text;
	if (status == 429)
		return "Zbyt wiele zgłoszeń. Spróbuj ponownie za kilka minut.";
	if (status == 404)
		return "Ten formularz jest niedostępny.";
	if (status == 400 && code == NULL)
		return "Sprawdź dane: imię, nazwisko i poprawny adres e-mail są wymagane.";
	return "Nie udało się wysłać formularza. Spróbuj ponownie później.";
}

/*
 * POST /api/web-leads/:key (above).  A plain HTML form's client (Accept:
 * text/html, not JSON) gets each refusal as a short Polish page with the
 * same status, instead of the JSON envelope.
 */
static int
webleads_submit(struct req *r)
{
	const cJSON *code;
	const char *page;
	int status;

	if (submit_form(r) != 0)
		return -1;
	status = r->resp.status;
	if (status < 400 || status >= 500 || !wants_html(r))
		return 0;
	code = r->resp.json != NULL ? cJSON_GetObjectItemCaseSensitive(r->resp.json, "code") : NULL;
	page = arena_printf(r->mem,
	    "<!doctype html><html lang=\"pl\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<title>Nie wysłano formularza</title></head><body><main><h1>Nie wysłano "
	    "formularza</h1>"
	    "<p>%s</p></main></body></html>\n",
	    refusal_text(status, code != NULL && cJSON_IsString(code) ? code->valuestring : NULL));
	if (page == NULL)
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	http_ok_text(r, "text/html; charset=utf-8", page);
	r->resp.status = status;
	return 0;
}

/* --- POST /api/web-leads/confirm ----------------------------------------------------- */

enum confirm_key { CONFIRM_TOKEN, CONFIRM__MAX };
static const struct field confirm_fields[CONFIRM__MAX] = {
	[CONFIRM_TOKEN] = { "token", FT_STRING, F_REQUIRED | F_TRIM, 1, 200 },
};
static const struct field_table confirm_in = FIELD_TABLE(confirm_fields);

/*
 * POST /api/web-leads/confirm, public; body {"token"} from the e-mail's link
 * (the page /potwierdz posts it, so a mail scanner fetching the link confirms
 * nothing).
 * 200 {"confirmed":true,"consents":n}: the consent records written (the
 *     exact template versions shown, with the submitting address and user
 *     agent, method ONLINE_FORM) and the address marked confirmed;
 * 400 "Validation failed"; 404 {"message":"Confirmation link not found"};
 * 409 {"code":"ALREADY_CONFIRMED"} used before;
 * 410 {"message":"Confirmation link expired"} (7 days, or the lead was anonymised);
 * 409 TEMPLATE_OUTDATED / 422 from the capture core (a purpose changed meanwhile);
 * 429 too many attempts from one address.
 */
static int
webleads_confirm(struct req *r)
{
	char hash[CRYPTO_SHA256_HEX];
	const char *p[3], *ids, *ip, *ua, *sub, *lead, *partner, *answers;
	const char *keep_ip = r->remote_addr, *keep_ua = r->user_agent;
	PGresult *res;
	int n;

	if (limited(r, "webform-confirm", r->remote_addr, WEBLEADS_IP_WINDOW_S, 30) != 0)
		return 0;
	crypto_sha256_hex(hash, r->in->v[CONFIRM_TOKEN].s, strlen(r->in->v[CONFIRM_TOKEN].s));
	p[0] = hash;
	if (db_begin(r->db) == -1)
		return http_fail_db(r);
	if ((res = db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_CONFIRM_LOCK], 1, p)) == NULL)
		return tx_fail_db(r);
	if (PQntuples(res) != 1)
		return tx_fail(r, 404, "Confirmation link not found");
	if (strcmp(PQgetvalue(res, 0, 6), "t") == 0) {
		db_rollback(r->db);
		return http_fail(r, 409, "ALREADY_CONFIRMED", "Already confirmed");
	}
	if (strcmp(PQgetvalue(res, 0, 7), "t") == 0 || strcmp(PQgetvalue(res, 0, 8), "t") == 0)
		return tx_fail(r, 410, "Confirmation link expired");
	sub = arena_strdup(r->mem, PQgetvalue(res, 0, 0));
	lead = arena_strdup(r->mem, PQgetvalue(res, 0, 1));
	partner = arena_strdup(r->mem, PQgetvalue(res, 0, 2));
	answers = arena_strdup(r->mem, PQgetvalue(res, 0, 3));
	ip = PQgetisnull(res, 0, 4) ? "" : arena_strdup(r->mem, PQgetvalue(res, 0, 4));
	ua = PQgetisnull(res, 0, 5) ? "" : arena_strdup(r->mem, PQgetvalue(res, 0, 5));
	if (sub == NULL || lead == NULL || partner == NULL || answers == NULL || ip == NULL ||
	    ua == NULL)
		return tx_fail(r, 500, MSG_INTERNAL);
	/*
	 * The evidence of a consent is the act of ticking it: the capture core
	 * records the request's address and user agent, so it gets the
	 * submission's; the confirming client's go to the submission row.
	 */
	r->remote_addr = ip;
	r->user_agent = ua;
	n = consent_capture(r,
	    &(struct consent_capture){ .lead_id = lead,
		.items = answers,
		.method = "ONLINE_FORM",
		.partner_id = partner,
		.notes = "Formularz WWW, potwierdzone przez link e-mail (double opt-in)" },
	    &ids);
	r->remote_addr = keep_ip;
	r->user_agent = keep_ua;
	if (n == -1) {
		db_rollback(r->db);
		return 0;
	}
	p[0] = sub;
	p[1] = keep_ip[0] != '\0' ? keep_ip : NULL;
	p[2] = keep_ua[0] != '\0' ? keep_ua : NULL;
	if (db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_CONFIRM_DONE], 3, p) == NULL)
		return tx_fail_db(r);
	if (db_commit(r->db) == -1)
		return http_fail_db(r);
	log_info(
	    "webleads", "submission %s of lead %s confirmed, %d consent records", sub, lead, n);
	{
		cJSON *o = cJSON_CreateObject();

		if (o == NULL || cJSON_AddBoolToObject(o, "confirmed", 1) == NULL ||
		    cJSON_AddNumberToObject(o, "consents", n) == NULL) {
			cJSON_Delete(o);
			return http_fail(r, 500, NULL, MSG_INTERNAL);
		}
		return http_ok(r, o);
	}
}

/* --- settings -------------------------------------------------------------------------- */

/* A partner manager reaches only their own partner; 0, or -1 with 403. */
static int
settings_allowed(struct req *r)
{
	if (r->user->role == ROLE_ADMIN || strcmp(r->user->partner_id, r->id) == 0)
		return 0;
	log_info("webleads", "user %s refused on the web form of another partner", r->user->id);
	http_fail(r, 403, NULL, "Forbidden");
	return -1;
}

/* The settings as GET answers them, plus the URLs the snippets need. */
static int
settings_answer(struct req *r)
{
	const char *p[1] = { r->id }, *base = cfg_get()->app_base_url;
	PGresult *res = db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_SETTINGS], 1, p);
	const cJSON *key;
	cJSON *o;

	if (res == NULL)
		return http_fail_db(r);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		return http_fail(r, 404, NULL, "Partner not found");
	if ((o = cJSON_Parse(PQgetvalue(res, 0, 1))) == NULL)
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	key = cJSON_GetObjectItemCaseSensitive(o, "formKey");
	if (json_add_str_null(o, "appOrigin", origin_norm(r->mem, base, false)) == -1 ||
	    json_add_str_null(o, "formUrl",
		key != NULL && cJSON_IsString(key)
		    ? arena_printf(r->mem, "%s/formularz/%s", base, key->valuestring)
		    : NULL) == -1 ||
	    json_add_str_null(o, "postUrl",
		key != NULL && cJSON_IsString(key)
		    ? arena_printf(r->mem, "%s/api/web-leads/%s", base, key->valuestring)
		    : NULL) == -1) {
		cJSON_Delete(o);
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	}
	return http_ok(r, o);
}

/*
 * GET /api/partners/:id/web-form, PARTNER_MANAGER (own partner), ADMIN.
 * 200 {partnerId, enabled, formKey (null before the first save),
 *     allowedOrigins, templateIds, rateLimitPerHour, updatedAt,
 *     availableTemplates:[{id, title, consentType, formType, version,
 *     isRequired}] (the current versions), appOrigin, formUrl, postUrl};
 * 401 no session; 403 another partner or another role; 404 "Partner not found".
 */
static int
webleads_settings_get(struct req *r)
{
	if (settings_allowed(r) == -1)
		return 0;
	return settings_answer(r);
}

static const struct field origin_elem = {
	.name = "origin", .type = FT_STRING, .flags = F_TRIM, .min = 1, .max = WEBLEADS_ORIGIN_MAX
};
static const struct field purpose_elem = {
	.name = "templateId", .type = FT_STRING, .min = 1, .max = 64
};
enum settings_key { SET_ENABLED, SET_ORIGINS, SET_TEMPLATES, SET_RATE, SET__MAX };
static const struct field settings_fields[SET__MAX] = {
	[SET_ENABLED] = { "enabled", FT_BOOL, F_REQUIRED, 0, 0 },
	[SET_ORIGINS] = { "allowedOrigins", FT_ARRAY, F_REQUIRED, 0, WEBLEADS_ORIGINS_MAX, NULL,
	    NULL, &origin_elem },
	[SET_TEMPLATES] = { "templateIds", FT_ARRAY, F_REQUIRED, 0, WEBLEADS_PURPOSES_MAX, NULL,
	    NULL, &purpose_elem },
	[SET_RATE] = { "rateLimitPerHour", FT_INT, 0, 1, WEBLEADS_RATE_MAX },
};
static const struct field_table settings_in = FIELD_TABLE(settings_fields);

/*
 * PUT /api/partners/:id/web-form, PARTNER_MANAGER (own partner), ADMIN.
 * Body {enabled, allowedOrigins:["https://host[:port]"], templateIds:[id],
 * rateLimitPerHour?}.  The first save creates the form and its random key.
 * 200 the GET shape; 400 "Validation failed" (an origin that is not
 * scheme://host[:port] -> issue "Invalid origin" at allowedOrigins.N; a
 * template that is not a current version -> issue at templateIds.N);
 * 401; 403 another partner; 404 "Partner not found".
 */
static int
webleads_settings_put(struct req *r)
{
	const struct value *ov = &r->in->v[SET_ORIGINS], *tv = &r->in->v[SET_TEMPLATES];
	const char **origins, **tids, *p[1];
	char key[2 * WEBLEADS_KEY_BYTES + 1], rate[32];
	PGresult *res;

	if (settings_allowed(r) == -1)
		return 0;
	origins = arena_alloc(r->mem, (ov->n + 1) * sizeof(*origins));
	tids = arena_alloc(r->mem, (tv->n + 1) * sizeof(*tids));
	if (origins == NULL || tids == NULL)
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	for (size_t i = 0; i < ov->n; i++) {
		if ((origins[i] = origin_norm(r->mem, ov->arr[i].s, true)) == NULL) {
			cJSON *issues = cJSON_CreateArray();
			const char *path[2] = { "allowedOrigins", arena_printf(r->mem, "%zu", i) };

			if (issues == NULL || path[1] == NULL ||
			    valid_issue_custom(issues, path, 2, "Invalid origin") == -1) {
				cJSON_Delete(issues);
				return http_fail(r, 500, NULL, MSG_INTERNAL);
			}
			return http_fail_issues(r, issues);
		}
	}
	for (size_t i = 0; i < tv->n; i++)
		tids[i] = tv->arr[i].s;
	p[0] = text_array(r->mem, tids, tv->n);
	if (p[0] == NULL)
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	if ((res = db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_SETTINGS_CHECK], 1, p)) ==
	    NULL)
		return http_fail_db(r);
	if (PQntuples(res) == 1) {
		const char *bad = PQgetvalue(res, 0, 0);

		for (size_t i = 0; i < tv->n; i++) {
			if (strcmp(tids[i], bad) != 0)
				continue;
			cJSON *issues = cJSON_CreateArray();
			const char *path[2] = { "templateIds", arena_printf(r->mem, "%zu", i) };

			if (issues == NULL || path[1] == NULL ||
			    valid_issue_custom(issues, path, 2,
				"Consent template not found or not current") == -1) {
				cJSON_Delete(issues);
				return http_fail(r, 500, NULL, MSG_INTERNAL);
			}
			return http_fail_issues(r, issues);
		}
	}
	if (crypto_token_hex(key, WEBLEADS_KEY_BYTES) == -1)
		return http_fail(r, 500, NULL, MSG_INTERNAL);
	(void)snprintf(rate, sizeof(rate), "%lld",
	    r->in->v[SET_RATE].present && !r->in->v[SET_RATE].null ? r->in->v[SET_RATE].i : 100);
	{
		const char *q[7] = { r->id, key, r->in->v[SET_ENABLED].b ? "true" : "false",
			text_array(r->mem, origins, ov->n), p[0], rate,
			r->user->api_key_id[0] == '\0' ? r->user->id : NULL };

		if (q[3] == NULL)
			return http_fail(r, 500, NULL, MSG_INTERNAL);
		if (db_query(r->db, r->mem, &webleads_sql[SQL_WEBLEADS_SETTINGS_PUT], 7, q) ==
		    NULL) {
			if (strcmp(db_sqlstate(r->db), "23503") == 0)
				return http_fail(r, 404, NULL, "Partner not found");
			return http_fail_db(r);
		}
	}
	log_info("webleads", "user %s saved the web form of partner %s", r->user->id, r->id);
	return settings_answer(r);
}

static int
webleads_init(struct db *db)
{
	http_stream_limit(WEBLEADS_BODY_MAX);
	return db_register(db, webleads_sql, WEBLEADS_SQL__MAX);
}

extern const struct http_app webleads_app;
static const http_init_fn webleads_inits[] = { session_init, ratelimit_init, outbox_init,
	consent_init, webleads_init, NULL };
const struct http_app webleads_app = {
	"webleads",
	webleads_routes,
	sizeof(webleads_routes) / sizeof(webleads_routes[0]),
	webleads_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&webleads_app);
}
#endif
