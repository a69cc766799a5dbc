/*
 * domain: the Polish business vocabulary the API validates against
 * (spec/api.md §2.7, §3): lead statuses, customer types, voivodeships, and
 * the postal-code, VIN and PESEL rules.  One definition for every program.
 */
#ifndef IZZY_DOMAIN_H
#define IZZY_DOMAIN_H

#include <stdbool.h>

/* "LeadStatus" values in database order (19); NULL-terminated for FT_ENUM. */
extern const char *const domain_lead_statuses[];
#define DOMAIN_LEAD_STATUS_COUNT 19
/* Index of s in domain_lead_statuses, or -1. */
int domain_lead_status_parse(const char *s);

/* Customer types and the 16 voivodeships, exact UTF-8; NULL-terminated. */
extern const char *const domain_customer_types[];
extern const char *const domain_voivodeships[];

/* NN-NNN ("Nieprawidłowy kod pocztowy" when false). */
bool domain_postal_code(const char *s);
/* Only the characters a VIN may have (letters and digits); length is the field table's. */
bool domain_vin(const char *s);
/* 11 digits whose last is the weighted checksum of the first ten. */
bool domain_pesel(const char *s);

#endif
