/*
 * leads: /api/leads and its sub-resources, one program built from several
 * files, each with its own route table at the top:
 *   leads_read.c   create, list, detail, duplicates
 *   leads_write.c  status, customer, vehicles, assignment, financing, notes,
 *                  drafts, offer links, anonymisation, merge
 * leads.c joins the tables and runs http_serve().  Every lead-scoped handler
 * calls lead_access() (common/leadaccess.h) first.
 */
#ifndef IZZY_CGI_LEADS_H
#define IZZY_CGI_LEADS_H

#include <stddef.h>

#include "common/route.h"

struct db;

extern const struct route leads_read_routes[];
extern const size_t leads_read_nroutes;
int leads_read_init(struct db *);

extern const struct route leads_write_routes[];
extern const size_t leads_write_nroutes;
int leads_write_init(struct db *);

#endif
