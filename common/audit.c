#include "config.h"
#include "audit.h"

#include "db.h"
#include "id.h"
#include "log.h"

#include "audit.sql.h"

int
audit_init(struct db *db)
{
	return db_register(db, audit_sql, AUDIT_SQL__MAX);
}

int
audit_log(struct db *db, struct arena *mem, const struct audit_entry *e)
{
	char id[ID_SIZE];
	const char *params[8];

	if (id_new(id) == -1)
		return -1;
	params[0] = id;
	params[1] = e->lead_id;
	params[2] = e->user_id;
	params[3] = e->action;
	params[4] = e->field;
	params[5] = e->old_value;
	params[6] = e->new_value;
	params[7] = e->metadata;
	if (db_query(db, mem, &audit_sql[SQL_AUDIT_INSERT], 8, params) == NULL) {
		log_error("audit", "cannot record %s on lead %s", e->action, e->lead_id);
		return -1;
	}
	return 0;
}
