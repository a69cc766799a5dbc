#include "config.h"
#include "pwtoken.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cfg.h"
#include "crypto.h"
#include "db.h"
#include "id.h"
#include "log.h"
#include "outbox.h"
#include "session.h"

#include "pwtoken.sql.h"

static const char *const purpose_names[PWTOKEN__MAX] = {
	[PWTOKEN_RESET] = "RESET",
	[PWTOKEN_INVITE] = "INVITE",
};

int
pwtoken_init(struct db *db)
{
	return db_register(db, pwtoken_sql, PWTOKEN_SQL__MAX);
}

/* Mail texts: name, validity in minutes, link.  Literals, so printf checks them. */
#define RESET_TEXT                                                                                 \
	"Dzień dobry %s,\n\n"                                                                     \
	"otrzymaliśmy prośbę o ustawienie nowego hasła do Izzy CRM.\n"                         \
	"Aby ustawić nowe hasło, otwórz poniższy link (ważny przez %ld min):\n\n%s\n\n"       \
	"Jeśli to nie Ty, zignoruj tę wiadomość – Twoje obecne hasło pozostaje bez zmian.\n"
#define INVITE_TEXT                                                                                \
	"Dzień dobry %s,\n\n"                                                                     \
	"utworzyliśmy dla Ciebie konto w Izzy CRM.\n"                                             \
	"Aby je aktywować, ustaw hasło pod poniższym linkiem (ważny przez %ld min):\n\n%s\n"

static const struct {
	const char *subject;
	const char *template;
} mails[PWTOKEN__MAX] = {
	[PWTOKEN_RESET] = { "Izzy CRM – ustaw nowe hasło", "password_reset" },
	[PWTOKEN_INVITE] = { "Zaproszenie do Izzy CRM", "invitation" },
};

int
pwtoken_issue(struct db *db, struct arena *mem, const struct pwtoken_user *u,
    enum pwtoken_purpose purpose, const char *created_by)
{
	const struct cfg *cfg = cfg_get();
	char token[65], hash[CRYPTO_SHA256_HEX], id[ID_SIZE], ttl[24];
	const char *params[6], *link, *text;
	long ttl_s = purpose == PWTOKEN_INVITE ? cfg->invite_token_ttl_s : cfg->reset_token_ttl_s;
	struct outbox_mail m;

	if (crypto_token_hex(token, 32) == -1 || id_new(id) == -1)
		return -1;
	crypto_sha256_hex(hash, token, strlen(token));
	snprintf(ttl, sizeof(ttl), "%ld", ttl_s);
	params[0] = u->id;
	if (db_query(db, mem, &pwtoken_sql[SQL_PWTOKEN_VOID_USER], 1, params) == NULL)
		return -1;
	params[0] = id;
	params[1] = u->id;
	params[2] = hash;
	params[3] = purpose_names[purpose];
	params[4] = ttl;
	params[5] = created_by;
	if (db_query(db, mem, &pwtoken_sql[SQL_PWTOKEN_INSERT], 6, params) == NULL)
		return -1;
	link = arena_printf(mem, "%s/set-password?token=%s", cfg->app_base_url, token);
	if (link == NULL)
		text = NULL;
	else if (purpose == PWTOKEN_INVITE)
		text = arena_printf(mem, INVITE_TEXT, u->full_name, ttl_s / 60, link);
	else
		text = arena_printf(mem, RESET_TEXT, u->full_name, ttl_s / 60, link);
	explicit_bzero(token, sizeof(token));
	if (text == NULL)
		return -1;
	memset(&m, 0, sizeof(m));
	m.to = u->email;
	m.subject = mails[purpose].subject;
	m.text = text;
	m.template = mails[purpose].template;
	if (outbox_mail(db, mem, &m, NULL) == -1)
		return -1;
	log_info("pwtoken", "issued %s token %s for user %s", purpose_names[purpose], id, u->id);
	return 0;
}

int
pwtoken_redeem(struct db *db, struct arena *mem, const char *token, const char *pwhash)
{
	char hash[CRYPTO_SHA256_HEX];
	const char *params[3];
	const char *user_id, *purpose;
	PGresult *res;

	crypto_sha256_hex(hash, token, strlen(token));
	if (db_begin(db) == -1)
		return -1;
	params[0] = hash;
	if ((res = db_query(db, mem, &pwtoken_sql[SQL_PWTOKEN_CONSUME], 1, params)) == NULL)
		goto fail;
	if (PQntuples(res) != 1) {
		db_rollback(db);
		return 1;
	}
	user_id = PQgetvalue(res, 0, 0);
	purpose = PQgetvalue(res, 0, 1);
	params[0] = user_id;
	params[1] = pwhash;
	params[2] = purpose;
	if (db_query(db, mem, &pwtoken_sql[SQL_PWTOKEN_SET_PASSWORD], 3, params) == NULL ||
	    session_revoke_user(db, user_id, "password_change") == -1 || db_commit(db) == -1)
		goto fail;
	log_info("pwtoken", "password set for user %s (%s)", user_id, purpose);
	return 0;
fail:
	db_rollback(db);
	return -1;
}
