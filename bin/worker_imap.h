/*
 * worker_imap: the lead-inbox poller of bin/izzy-worker (spec/api.md §5.2).
 * worker_imap_init() once at start-up, worker_imap_tick() on each turn of
 * the worker's loop: it polls when IMAP_POLL_SECONDS have passed since the
 * last poll (at once on the first turn).
 */
#ifndef IZZY_WORKER_IMAP_H
#define IZZY_WORKER_IMAP_H

#include <signal.h>

struct db;

/* Loads the inbox settings and registers the statements; -1 on a bad setting. */
int worker_imap_init(struct db *);
/* Polls if due; returns early (the current message finished) once *stopping is set. */
void worker_imap_tick(struct db *, volatile sig_atomic_t *stopping);

#endif
