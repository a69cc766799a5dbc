/*
 * id: cuid-shaped identifiers (spec/api.md §2.12): "c" followed by 24
 * lowercase base-36 characters (time, counter, process fingerprint, random).
 */
#ifndef IZZY_ID_H
#define IZZY_ID_H

#include <stdbool.h>

#define ID_LEN  25
#define ID_SIZE (ID_LEN + 1)

/* Writes a new id into out; -1 (logged) if the CSPRNG fails. */
int id_new(char out[ID_SIZE]);
/* The API's "looks like a cuid" check: ^c[^\s-]{8,}$, case-insensitive. */
bool id_is_cuid(const char *);

#endif
