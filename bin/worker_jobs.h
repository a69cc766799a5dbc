/*
 * worker_jobs: the scheduled jobs of bin/izzy-worker (OR-12).  See
 * bin/worker_jobs.c for the table of jobs and docs/DEVELOPING.md for how to
 * add one.
 */
#ifndef IZZY_WORKER_JOBS_H
#define IZZY_WORKER_JOBS_H

#include <stdbool.h>

struct db;
struct cfg;

int jobs_init(struct db *, const struct cfg *);
/*
 * Runs every job whose "nextRunAt" has passed (each under its advisory
 * lock; a job another worker is running is skipped).  -1 when the database
 * is unreachable.
 */
int jobs_run_due(struct db *, const char *timezone);
/*
 * Runs the job called name now, whether due or not (izzy-worker --run-job):
 * 0 done, 1 it failed, 2 no such job, 3 another worker holds its lock.
 */
int jobs_run_now(struct db *, const char *timezone, const char *name);
/* Writes the job names, one a line, to stdout (izzy-worker --list-jobs). */
void jobs_list(void);

#endif
