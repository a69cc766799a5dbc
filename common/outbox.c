#include "config.h"
#include "outbox.h"

#include <string.h>

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
