/*
 * audit: the append-only AuditLog of a lead (FR-78, spec/api.md §7.12).
 * Values are JSON texts (NULL for SQL NULL); action codes are kept verbatim
 * from the reference's catalogue (data-model §A.8).
 */
#ifndef IZZY_AUDIT_H
#define IZZY_AUDIT_H

struct db;
struct arena;

struct audit_entry {
	const char *lead_id;   /* required */
	const char *user_id;   /* acting user, NULL for the system */
	const char *action;    /* "status_change", "LEAD_ANONYMIZED", ... */
	const char *field;     /* optional */
	const char *old_value; /* JSON text or NULL */
	const char *new_value; /* JSON text or NULL */
	const char *metadata;  /* JSON text or NULL */
};

int audit_init(struct db *);
/* Inserts one entry inside the caller's transaction; -1 (logged) on failure. */
int audit_log(struct db *, struct arena *, const struct audit_entry *);

#endif
