/*
 * enqueue: queues one SMS or CRM webhook event through common/outbox.c in
 * its own transaction, for tests/worker/channels.sh.
 *   enqueue sms LEAD_ID PHONE TEXT TEMPLATE
 *   enqueue webhook LEAD_ID EVENT PAYLOAD_JSON IDEMPOTENCY_KEY
 * LEAD_ID "-" = none.  Exit 0 when committed, 1 on any failure.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/db.h"
#include "common/log.h"
#include "common/outbox.h"

int
main(int argc, char **argv)
{
	struct cfg cfg;
	char err[256];
	struct db *db;
	struct arena *mem;
	const char *lead;
	int rc;

	log_init("enqueue");
	if (argc != 6 || (strcmp(argv[1], "sms") != 0 && strcmp(argv[1], "webhook") != 0)) {
		fprintf(stderr, "usage: enqueue sms|webhook LEAD_ID ARG ARG ARG\n");
		return 1;
	}
	if (cfg_load_tool(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	lead = strcmp(argv[2], "-") == 0 ? NULL : argv[2];
	if ((db = db_new(cfg.database_url, 5000)) == NULL || (mem = arena_new(1 << 16)) == NULL)
		return 1;
	if (outbox_init(db) == -1 || db_begin(db) == -1) {
		db_free(db);
		return 1;
	}
	rc = strcmp(argv[1], "sms") == 0 ? outbox_sms(db, mem, lead, argv[3], argv[4], argv[5])
	                                 : outbox_webhook(db, mem, lead, argv[3], argv[4], argv[5]);
	if (rc == 0)
		rc = db_commit(db);
	else
		db_rollback(db);
	arena_free(mem);
	db_free(db);
	return rc == 0 ? 0 : 1;
}
