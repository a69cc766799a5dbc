/*
 * leads: joins the route tables of leads_read.c and leads_write.c into one
 * and serves them (see leads.h).
 */
#include "config.h"

#include <string.h>

#include "common/db.h"
#include "common/http.h"
#include "common/leadaccess.h"
#include "common/log.h"
#include "common/outbox.h"

#include "leads.h"

#define LEADS_MAX_ROUTES 64

static struct route leads_routes[LEADS_MAX_ROUTES];

static int
leads_init(struct db *db)
{
	return leadaccess_init(db) == -1 || leads_read_init(db) == -1 || leads_write_init(db) == -1
	    ? -1
	    : 0;
}

static const http_init_fn leads_inits[] = { session_init, outbox_init, leads_init, NULL };
extern struct http_app leads_app;
struct http_app leads_app = { "leads", leads_routes, 0, leads_inits };

/* Literal paths of leads_read.c (e.g. /api/leads/duplicates) come before
 * the :id patterns of leads_write.c, so they are matched first. */
int leads_join_routes(void);
int
leads_join_routes(void)
{
	size_t n = leads_read_nroutes + leads_write_nroutes;

	if (n > LEADS_MAX_ROUTES) {
		log_error("leads", "too many routes (%zu)", n);
		return -1;
	}
	memcpy(leads_routes, leads_read_routes, leads_read_nroutes * sizeof(struct route));
	memcpy(leads_routes + leads_read_nroutes, leads_write_routes,
	    leads_write_nroutes * sizeof(struct route));
	leads_app.nroutes = n;
	return 0;
}

#ifndef IZZY_NO_MAIN
int
main(void)
{
	if (leads_join_routes() == -1)
		return 1;
	return http_serve(&leads_app);
}
#endif
