/*
 * anonymise: the one implementation of a lead's anonymisation (SR-42,
 * FR-38), shared by POST /api/leads/{id}/anonymize (cgi-bin/leads_gdpr.c)
 * and automatic retention (common/retention.c).  The SQL is
 * common/anonymise.sql.
 */
#ifndef IZZY_ANONYMISE_H
#define IZZY_ANONYMISE_H

struct db;
struct arena;

struct anonymise_result {
	char at[40]; /* "anonymizedAt" as izzy_ts() text */
	long files;  /* documents flagged for erasure */
	long merged; /* duplicates merged into the lead, anonymised with it */
};

int anonymise_init(struct db *);
/*
 * Erases every personal datum of lead_id and of the duplicates merged into
 * it, inside the caller's transaction; the caller holds the lead row lock
 * and writes the audit entry.  actor_id is the acting user, NULL for the
 * system (retention).  Returns 1 and fills *out (may be NULL) when the lead
 * was anonymised, 0 when it was already anonymised or does not exist, -1
 * (logged by db) on a database error.
 */
int anonymise_lead(struct db *, struct arena *, const char *lead_id, const char *actor_id,
    struct anonymise_result *out);

#endif
