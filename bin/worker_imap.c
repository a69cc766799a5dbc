/*
 * worker_imap: IMAP polling of the lead inbox (spec/api.md §5.2, FR-64, SR-2).
 *
 * Each poll: UID SEARCH UNSEEN in the mailbox; for each message, its size
 * (over INBOUND_MAX_BYTES: logged, flagged \Seen \Flagged and skipped),
 * then the raw message with BODY.PEEK[] (reading never marks it seen),
 * parsed with GMime (common/inbound_mime.c) and given to the inbound
 * procedure (common/inbound.c) in its own transaction.  Only after that
 * commit (or when the Message-ID was already taken) is \Seen set, so a
 * crash or a lost connection at any point leaves the message unseen for the
 * next poll, and the recorded Message-ID keeps the retry from doubling it.
 * A message the procedure could not write stays unseen and is retried next
 * poll; one without a From stays unseen (logged).  Any IMAP error ends the
 * poll ("[imap] IMAP Fetch Error"), the next poll starts afresh.
 * After a poll that reached the server, "WorkerHeartbeat" row 'imap' is set.
 * Logs ([imap]) carry UIDs, sizes and counts, never an address or a body.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/arena.h"
#include "common/cfg.h"
#include "common/crypto.h"
#include "common/db.h"
#include "common/imap.h"
#include "common/inbound.h"
#include "common/inbound_mime.h"
#include "common/log.h"

#include "inbound.sql.h"
#include "worker_imap.h"

static struct cfg_inbound ic;
static bool enabled;
static time_t last_poll;

int
worker_imap_init(struct db *db)
{
	char err[256];

	if (cfg_load_inbound(&ic, err, sizeof(err)) == -1) {
		log_error("imap", "%s", err);
		return -1;
	}
	if (inbound_init(db) == -1)
		return -1;
	if (ic.imap_host == NULL) {
		log_info("imap", "[imap] Lead inbox not configured; IMAP polling disabled");
		return 0;
	}
	inbound_mime_init();
	enabled = true;
	log_info("imap",
	    "[imap] Lead inbox configured (port %ld, secure %s, poll %lds, max %lld bytes, "
	    "auto-leads %s)",
	    ic.imap_port, ic.imap_secure ? "true" : "false", ic.poll_s, ic.max_bytes,
	    ic.partner_id != NULL ? "on" : "off");
	log_info("imap", "[imap] Starting IMAP polling for lead inbox...");
	return 0;
}

struct tally {
	int notes, leads, duplicates, skipped, failed, left;
};

/* Takes one message; false when the connection is unusable. */
static bool
take_one(struct db *db, struct imap *im, struct arena *mem, unsigned long uid, struct tally *t)
{
	struct inbound_msg m;
	char lead_id[ID_SIZE], hex[CRYPTO_SHA256_HEX], *raw = NULL;
	long long size;
	size_t len;
	enum inbound_result r;

	if (imap_size(im, uid, &size) == -1)
		return false;
	if (size > ic.max_bytes) {
		log_warn("imap",
		    "[imap] message UID %lu has %lld bytes, over the limit of %lld; skipped", uid,
		    size, ic.max_bytes);
		t->skipped++;
		if (imap_add_flags(im, uid, "\\Seen \\Flagged") == -1)
			return false;
		return true;
	}
	if (imap_fetch(im, uid, (size_t)ic.max_bytes, &raw, &len) == -1)
		return false;
	arena_reset(mem);
	if (inbound_mime_parse(mem, raw, len, &m) == -1) {
		log_warn("imap", "[imap] message UID %lu could not be parsed; left unseen", uid);
		free(raw);
		t->left++;
		return true;
	}
	crypto_sha256_hex(hex, raw, len);
	free(raw);
	m.source = "IMAP";
	m.fallback_id = arena_printf(mem, "sha256:%s", hex);
	if (m.from == NULL) {
		log_warn("imap", "[imap] message UID %lu has no From; left unseen", uid);
		t->left++;
		return true;
	}
	log_info("imap", "[imap] Processing email UID %lu (%lld bytes, %zu attachment(s))", uid,
	    size, m.natt);
	r = inbound_process(db, mem, &ic, &m, lead_id);
	switch (r) {
	case INBOUND_ERROR:
		t->failed++;
		log_error("imap",
		    "[imap] message UID %lu not processed; left unseen for the next poll", uid);
		return true;
	case INBOUND_NO_SENDER:
		t->left++;
		log_warn("imap", "[imap] message UID %lu has no sender address; left unseen", uid);
		return true;
	case INBOUND_NOTE:
		t->notes++;
		break;
	case INBOUND_LEAD:
		t->leads++;
		break;
	case INBOUND_DUPLICATE:
		t->duplicates++;
		break;
	case INBOUND_NO_PARTNER:
	case INBOUND_RATE_LIMITED:
		t->skipped++;
		break;
	}
	if (imap_add_flags(im, uid, "\\Seen") == -1) {
		log_warn("imap", "[imap] message UID %lu processed but not marked seen: %s", uid,
		    imap_error(im));
		return false;
	}
	return true;
}

/* One poll of the inbox. */
static void
poll_inbox(struct db *db, volatile sig_atomic_t *stopping)
{
	const struct imap_account acct = {
		.host = ic.imap_host,
		.port = ic.imap_port,
		.secure = ic.imap_secure,
		.user = ic.imap_user,
		.password = ic.imap_password,
		.mailbox = ic.imap_mailbox,
		.timeout_s = ic.timeout_s,
	};
	struct imap *im = imap_open(&acct);
	struct arena *mem = arena_new((size_t)ic.max_bytes * 4 + (8u << 20));
	struct tally t = { 0 };
	unsigned long *uids = NULL;
	size_t n = 0, i;
	char poll[32];
	const char *params[1] = { poll };
	PGresult *res;

	if (im == NULL || mem == NULL) {
		log_error("imap", "[imap] IMAP Fetch Error: out of memory");
		goto out;
	}
	if (imap_search_unseen(im, &uids, &n) == -1) {
		log_error("imap", "[imap] IMAP Fetch Error: %s", imap_error(im));
		goto out;
	}
	for (i = 0; i < n && !*stopping; i++)
		if (!take_one(db, im, mem, uids[i], &t)) {
			log_error("imap", "[imap] IMAP Fetch Error: %s", imap_error(im));
			break;
		}
	snprintf(poll, sizeof(poll), "%ld", ic.poll_s);
	if ((res = db_run(db, &inbound_sql[SQL_INBOUND_HEARTBEAT], 1, params)) != NULL)
		PQclear(res);
	log_info("imap",
	    "[imap] poll done: %zu unseen, %d note(s), %d lead(s), %d duplicate(s), %d skipped, "
	    "%d failed, %d left unseen",
	    n, t.notes, t.leads, t.duplicates, t.skipped, t.failed, t.left);
out:
	free(uids);
	arena_free(mem);
	imap_close(im);
}

void
worker_imap_tick(struct db *db, volatile sig_atomic_t *stopping)
{
	struct timespec now;

	if (!enabled || *stopping || clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return;
	if (last_poll != 0 && now.tv_sec - last_poll < ic.poll_s)
		return;
	last_poll = now.tv_sec != 0 ? now.tv_sec : 1;
	poll_inbox(db, stopping);
}
