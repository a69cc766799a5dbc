/*
 * forms_steps: the six steps of the client's application form as a table
 * (spec/frontend.md §8.3–8.5, FR-48 with the stricter PRD rules, SR-19), and
 * the server-side check of a formData object against it.
 */
#ifndef IZZY_FORMS_STEPS_H
#define IZZY_FORMS_STEPS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

/*
 * Checks data (a JSON object) against the step table.  Always: only known
 * keys (an allow-list), the right JSON type, at most FORMS_TEXT_MAX
 * characters of text, the format of every non-empty value (PESEL checksum
 * and its agreement with birthDate and gender, postal codes, phones, e-mail,
 * NIP and REGON checksums, calendar dates and months, enumerations, numbers)
 * and the cross-field rules (document dates, dates not in the future).
 * complete: also every required field of steps 1–5 (submit); otherwise only
 * what is present is checked (autosave).  today is "YYYY-MM-DD".
 * Returns 0 when valid; -1 with one issue per field appended to issues
 * (path ["formData", key], Polish message), or -1 with issues untouched when
 * out of memory.
 */
int forms_steps_check(const cJSON *data, bool complete, const char *today, cJSON *issues);

/* The step (1–6) of a formData key, or 0 for an unknown key. */
int forms_steps_step_of(const char *key);

#define FORMS_TEXT_MAX 200

#endif
