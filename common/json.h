/*
 * json: the small helpers every handler needs around cJSON, typed values
 * and transactions, written once (they used to be copied per program with
 * different meanings under the same names).
 *
 *   json_print_take()   cJSON -> arena text, and deletes the item
 *   json_print()        cJSON -> arena text, the item stays the caller's
 *   json_add_str_skip() adds key: "value", nothing when value is NULL
 *   json_add_str_null() adds key: "value", or key: null when value is NULL
 *   json_in_str()       a typed body value's string, NULL when absent or null
 *   json_in_nonempty()  the same, and NULL for "" too
 *   tx_fail()           rolls back the open transaction and answers an error
 *   tx_fail_db()        answers the database error, then rolls back
 */
#ifndef IZZY_JSON_H
#define IZZY_JSON_H

#include <cjson/cJSON.h>

struct arena;
struct req;
struct value;

/* Prints o unformatted into the arena and deletes o; NULL for NULL o or out of memory. */
const char *json_print_take(struct arena *, cJSON *o);
/* Prints o unformatted into the arena; o is not deleted.  NULL for NULL o or out of memory. */
const char *json_print(struct arena *, const cJSON *o);

/* key: value as a string, skipped when value is NULL.  0, or -1 when out of memory. */
int json_add_str_skip(cJSON *o, const char *key, const char *value);
/* key: value as a string, or key: null when value is NULL.  0, or -1 when out of memory. */
int json_add_str_null(cJSON *o, const char *key, const char *value);

/* The string of an optional field: NULL when absent or JSON null ("" stays ""). */
const char *json_in_str(const struct value *);
/* The string of an optional field: NULL when absent, JSON null or "". */
const char *json_in_nonempty(const struct value *);

/* Rolls back r's open transaction and answers http_fail(status, message); returns 0. */
int tx_fail(struct req *, int status, const char *message);
/* Answers http_fail_db() while the SQLSTATE is known, then rolls back; returns 0. */
int tx_fail_db(struct req *);

#endif
