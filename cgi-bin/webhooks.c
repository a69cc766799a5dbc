/*
 * webhooks: POST /api/webhooks/email/incoming, the signed inbound e-mail
 * webhook (spec/api.md §4.14, §5.3; FR-64, SR-28).  The message goes through
 * the same procedure as the IMAP lead inbox (common/inbound.c).
 *
 * Signature (checked before anything in the body is looked at):
 *   X-Izzy-Timestamp: <seconds since the epoch>
 *   X-Izzy-Signature: sha256=<hex HMAC-SHA256 over "<timestamp>.<raw body>"
 *                     keyed with INBOUND_WEBHOOK_SECRET>
 * compared in constant time; a timestamp more than
 * INBOUND_WEBHOOK_MAX_AGE_SECONDS (300) away from now, a signature already
 * accepted once (replay), a missing header, a wrong signature, or no
 * secret configured -> 401 {"message":"Invalid signature"}, nothing written.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/crypto.h"
#include "common/db.h"
#include "common/http.h"
#include "common/inbound.h"
#include "common/log.h"
#include "common/role.h"

#include "webhooks.sql.h"

static int webhooks_email(struct req *);

static const struct route webhooks_routes[] = {
	/* method    pattern                           handler         roles         body           query */
	{ HTTP_POST, "/api/webhooks/email/incoming", webhooks_email, ROLES_PUBLIC, &http_body_raw,
	    NULL },
};

static struct cfg_inbound ic;

static void
delete_json(void *p)
{
	cJSON_Delete(p);
}

/* A string field of the payload: NULL when absent or null; -1 when another type. */
static int
str_field(const cJSON *o, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	*out = v->valuestring;
	return 0;
}

/* The 401 of a refused call, its reason logged; returns -1. */
static int
refuse(struct req *r, const char *why)
{
	log_warn("webhooks", "[email-inbound] webhook refused: %s", why);
	http_fail(r, 401, NULL, "Invalid signature");
	return -1;
}

/* 0 when the request carries a valid, fresh, unused signature; else -1 with the response set. */
static int
check_signature(struct req *r)
{
	const char *ts = http_param(r, "HTTP_X_IZZY_TIMESTAMP");
	const char *sig = http_param(r, "HTTP_X_IZZY_SIGNATURE");
	char want[CRYPTO_SHA256_HEX], age[32], *end;
	const char *params[2] = { want, age };
	long long t;
	PGresult *res;

	if (ic.webhook_secret == NULL)
		return refuse(r, "INBOUND_WEBHOOK_SECRET is not set");
	if (ts == NULL || sig == NULL)
		return refuse(r, "a signature header is missing");
	errno = 0;
	t = strtoll(ts, &end, 10);
	if (errno != 0 || end == ts || *end != '\0' || t < 0 ||
	    llabs(t - (long long)r->now) > ic.webhook_max_age_s)
		return refuse(r, "the timestamp is not within the accepted age");
	if (crypto_webhook_sign(want, ic.webhook_secret, strlen(ic.webhook_secret), ts, r->raw_body,
		r->raw_len) == -1)
		return http_fail(r, 500, NULL, "Internal server error"), -1;
	if (strncmp(sig, "sha256=", 7) != 0 || strlen(sig + 7) != CRYPTO_SHA256_HEX - 1 ||
	    !crypto_equal(sig + 7, want, CRYPTO_SHA256_HEX - 1))
		return refuse(r, "the signature does not match");
	snprintf(age, sizeof(age), "%ld", ic.webhook_max_age_s);
	if ((res = db_query(r->db, r->mem, &webhooks_sql[SQL_WEBHOOKS_NONCE], 2, params)) == NULL)
		return http_fail_db(r), -1;
	if (PQntuples(res) == 0)
		return refuse(r, "the signature was used before (replay)");
	return 0;
}

/* {"success":B,"message":M} with status. */
static int
answer(struct req *r, int status, bool success, const char *message)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || cJSON_AddBoolToObject(o, "success", success) == NULL ||
	    cJSON_AddStringToObject(o, "message", message) == NULL) {
		cJSON_Delete(o);
		return http_fail(r, 500, NULL, "Internal server error");
	}
	return status == 201 ? http_created(r, o) : http_ok(r, o);
}

/*
 * POST /api/webhooks/email/incoming, public but signed (above).
 * Body {from, subject?, text?, html?, messageId?, to?} (other keys ignored).
 * 201 {"success":true,"message":"Email processed and attached to lead"|
 *      "Lead auto-created from incoming email"}: a note or a new lead written;
 * 200 {"success":true,"message":"Email already processed"}: the Message-ID was taken;
 * 200 {"success":false,"message":"Unknown sender (partner missing)"|"Rate limited"};
 * 400 not JSON, not an object, a field not a string, or
 *     {"message":"Missing 'from' field"};
 * 401 {"message":"Invalid signature"}; 500 the database failed (nothing written).
 */
static int
webhooks_email(struct req *r)
{
	struct inbound_msg m = { .source = "WEBHOOK" };
	char lead_id[ID_SIZE];
	enum inbound_result res;
	cJSON *o;

	if (check_signature(r) == -1)
		return 0;
	o = r->raw_body != NULL ? cJSON_ParseWithLength(r->raw_body, r->raw_len) : NULL;
	if (o == NULL || arena_defer(r->mem, delete_json, o) == -1)
		return http_fail(r, 400, NULL, "Request body is not valid JSON");
	if (!cJSON_IsObject(o))
		return http_fail(r, 400, NULL, "Request body must be a JSON object");
	if (str_field(o, "from", &m.from) == -1 || str_field(o, "subject", &m.subject) == -1 ||
	    str_field(o, "text", &m.text) == -1 || str_field(o, "html", &m.html) == -1 ||
	    str_field(o, "messageId", &m.message_id) == -1 || str_field(o, "to", &m.to) == -1)
		return http_fail(r, 400, NULL, "Validation failed");
	if (m.from == NULL || *m.from == '\0')
		return http_fail(r, 400, NULL, "Missing 'from' field");
	res = inbound_process(r->db, r->mem, &ic, &m, lead_id);
	switch (res) {
	case INBOUND_NOTE:
	case INBOUND_LEAD:
		return answer(r, 201, true, inbound_result_message(res));
	case INBOUND_DUPLICATE:
		return answer(r, 200, true, inbound_result_message(res));
	case INBOUND_NO_PARTNER:
	case INBOUND_RATE_LIMITED:
		return answer(r, 200, false, inbound_result_message(res));
	case INBOUND_NO_SENDER:
		return http_fail(r, 400, NULL, "Missing 'from' field");
	case INBOUND_ERROR:
		break;
	}
	return http_fail(r, 500, NULL, "Internal server error");
}

static int
webhooks_init(struct db *db)
{
	char err[256];

	if (cfg_load_inbound(&ic, err, sizeof(err)) == -1) {
		log_error("webhooks", "%s", err);
		return -1;
	}
	if (ic.webhook_secret == NULL)
		log_warn("webhooks",
		    "INBOUND_WEBHOOK_SECRET is not set: every inbound webhook call is refused");
	return db_register(db, webhooks_sql, WEBHOOKS_SQL__MAX);
}

extern const struct http_app webhooks_app;
static const http_init_fn webhooks_inits[] = { inbound_init, webhooks_init, NULL };
const struct http_app webhooks_app = {
	"webhooks",
	webhooks_routes,
	sizeof(webhooks_routes) / sizeof(webhooks_routes[0]),
	webhooks_inits,
};

#ifndef IZZY_NO_MAIN
int
main(void)
{
	return http_serve(&webhooks_app);
}
#endif
