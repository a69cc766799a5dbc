#include "config.h"
#include "outbox.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "db.h"
#include "id.h"
#include "log.h"

#include "outbox.sql.h"

int
outbox_init(struct db *db)
{
	return db_register(db, outbox_sql, OUTBOX_SQL__MAX);
}

int
outbox_mail(struct db *db, struct arena *mem, const struct outbox_mail *m, char *id_out)
{
	char id[ID_SIZE];
	const char *params[8];

	/* Header injection (SR-24): subject and recipient are single lines. */
	if (strpbrk(m->to, "\r\n,;") != NULL || strpbrk(m->subject, "\r\n") != NULL) {
		log_error("outbox", "refusing mail %s: CR/LF in a header", m->template);
		return -1;
	}
	if (id_new(id) == -1)
		return -1;
	params[0] = id;
	params[1] = m->to;
	params[2] = m->subject;
	params[3] = m->text;
	params[4] = m->html;
	params[5] = m->template;
	params[6] = m->lead_id;
	params[7] = m->dedupe_key;
	if (db_query(db, mem, &outbox_sql[SQL_OUTBOX_INSERT_EMAIL], 8, params) == NULL)
		return -1;
	log_info("outbox", "queued %s mail %s", m->template, id);
	if (id_out != NULL)
		memcpy(id_out, id, ID_SIZE);
	return 0;
}

int
outbox_phone_digits(const char *phone, char *out, size_t n)
{
	size_t k = 0;

	if (phone == NULL || n == 0)
		return -1;
	for (const char *p = phone; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			continue;
		if (k + 1 >= n)
			return -1;
		out[k++] = *p;
	}
	out[k] = '\0';
	return k == 0 ? -1 : (int)k;
}

/* The PENDING row of the lead's communication log for a queued message. */
static int
log_queued(struct db *db, struct arena *mem, const char *lead_id, const char *outbox_id,
    const char *channel, const char *template, const char *sent_to)
{
	char id[ID_SIZE];
	const char *params[6];

	if (id_new(id) == -1)
		return -1;
	params[0] = id;
	params[1] = lead_id;
	params[2] = outbox_id;
	params[3] = channel;
	params[4] = template;
	params[5] = sent_to;
	return db_query(db, mem, &outbox_sql[SQL_OUTBOX_LOG_QUEUED], 6, params) == NULL ? -1 : 0;
}

int
outbox_sms(struct db *db, struct arena *mem, const char *lead_id, const char *phone,
    const char *text, const char *template)
{
	char id[ID_SIZE], to[32];
	const char *params[5];

	if (outbox_phone_digits(phone, to, sizeof(to)) < 6) {
		log_error("outbox", "[sms] refusing %s sms: no valid phone number", template);
		return -1;
	}
	if (text == NULL || *text == '\0') {
		log_error("outbox", "[sms] refusing %s sms: empty text", template);
		return -1;
	}
	if (id_new(id) == -1)
		return -1;
	params[0] = id;
	params[1] = to;
	params[2] = text;
	params[3] = template;
	params[4] = lead_id;
	if (db_query(db, mem, &outbox_sql[SQL_OUTBOX_INSERT_SMS], 5, params) == NULL ||
	    log_queued(db, mem, lead_id, id, "SMS", template, to) == -1)
		return -1;
	log_info("outbox", "[sms] queued %s sms %s", template, id);
	return 0;
}

int
outbox_webhook(struct db *db, struct arena *mem, const char *lead_id, const char *event,
    const char *payload_json, const char *idempotency_key)
{
	char id[ID_SIZE];
	const char *params[5];
	PGresult *res;

	if (event == NULL || *event == '\0' || payload_json == NULL || idempotency_key == NULL ||
	    *idempotency_key == '\0' || strpbrk(idempotency_key, "\r\n") != NULL) {
		log_error("outbox", "[crm-webhook] refusing an event without name, body or key");
		return -1;
	}
	if (id_new(id) == -1)
		return -1;
	params[0] = id;
	params[1] = event;
	params[2] = payload_json;
	params[3] = lead_id;
	params[4] = idempotency_key;
	if ((res = db_query(db, mem, &outbox_sql[SQL_OUTBOX_INSERT_WEBHOOK], 5, params)) == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		log_info("outbox", "[crm-webhook] %s event already queued", event);
		return 0;
	}
	if (log_queued(db, mem, lead_id, id, "WEBHOOK", event, NULL) == -1)
		return -1;
	log_info("outbox", "[crm-webhook] queued %s event %s", event, id);
	return 0;
}

enum outbox_outcome
outbox_webhook_outcome(long http_status)
{
	if (http_status >= 200 && http_status < 300)
		return OUTBOX_SENT;
	if (http_status == 0 || http_status >= 500 || http_status == 408 || http_status == 429)
		return OUTBOX_RETRY;
	return OUTBOX_DEAD;
}

enum outbox_outcome
outbox_smsapi_outcome(
    long http_status, const char *body, char *err, size_t errlen, char *msgid, size_t msgidlen)
{
	cJSON *root = body != NULL ? cJSON_Parse(body) : NULL;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "message");
	const char *msg = cJSON_IsString(m) ? m->valuestring : "Unknown error";
	enum outbox_outcome rc;

	if (msgidlen > 0)
		*msgid = '\0';
	if (http_status >= 200 && http_status < 300 && e == NULL) {
		const cJSON *first =
		    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "list"), 0);
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(first, "id");

		if (cJSON_IsString(id) && msgidlen > 0)
			snprintf(msgid, msgidlen, "%s", id->valuestring);
		if (errlen > 0)
			*err = '\0';
		cJSON_Delete(root);
		return OUTBOX_SENT;
	}
	if (e != NULL && cJSON_IsNumber(e)) {
		int code = e->valueint;

		snprintf(err, errlen, "SMSAPI error %d: %s", code, msg);
		rc = code == 103 || code == 201 || code == 203 || code == 999 ? OUTBOX_RETRY
									      : OUTBOX_DEAD;
		if (http_status >= 500 || http_status == 429)
			rc = OUTBOX_RETRY;
	} else if (http_status == 0) {
		snprintf(err, errlen, "SMSAPI error: no answer");
		rc = OUTBOX_RETRY;
	} else {
		snprintf(err, errlen, "SMSAPI error %ld: %s", http_status, msg);
		rc = outbox_webhook_outcome(http_status) == OUTBOX_RETRY ? OUTBOX_RETRY
									 : OUTBOX_DEAD;
		/* A 2xx whose "error" is not a number is still an error. */
		if (http_status >= 200 && http_status < 300)
			rc = OUTBOX_DEAD;
	}
	cJSON_Delete(root);
	return rc;
}
