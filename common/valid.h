/*
 * valid: declarative field tables (kcgi's kvalid applied to JSON).  The
 * dispatcher validates the body and the query string of every request with
 * the route's tables and hands the handler typed values; every problem
 * becomes one entry of the reference-compatible "issues" list
 * (spec/api.md §2.6).  Unknown and duplicate keys are rejected (L9, SR-16).
 */
#ifndef IZZY_VALID_H
#define IZZY_VALID_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

struct arena;

enum field_type {
	FT_STRING,
	FT_EMAIL, /* spec §2.7 e-mail rule */
	FT_CUID,  /* ^c[^\s-]{8,}$ */
	FT_URL,   /* absolute http(s) URL only (SR-23) */
	FT_INT,
	FT_NUMBER,
	FT_BOOL,
	FT_ENUM,   /* string in options[] */
	FT_DATE,   /* coerced date -> "YYYY-MM-DDTHH:MM:SS.mmmZ" */
	FT_OBJECT, /* nested table in sub */
	FT_ARRAY,  /* elements described by elem; min/max = length */
	FT_JSON,   /* any JSON value, passed through verbatim */
	FT__MAX
};

#define F_REQUIRED  0x01u /* absent -> "Required" */
#define F_NULLABLE  0x02u /* explicit null allowed */
#define F_TRIM      0x04u /* trim before length checks; trimmed value stored */
#define F_LOWER     0x08u /* lower-case (e-mail normalisation) */
#define F_UPPER     0x10u /* upper-case (VIN) */
#define F_MULTILINE 0x20u /* allow \n \r \t in strings */
#define F_POSITIVE  0x40u /* number must be > 0 */
#define F_OPEN      0x80u /* FT_OBJECT: unknown keys are ignored, not rejected */

/* A read-only field a PATCH may echo back: see below. */
#define F_ECHO 0x100u

/*
 * Echoed read-only fields (spec top note, STYLE.md "Validation at the
 * edge").  Clients send back what they read, so a PATCH table lists the
 * resource's read-only fields (those its GET returns but the PATCH cannot
 * change) as FIELD_ECHO("id"), FIELD_ECHO("createdAt"), ...  Any JSON value
 * passes validation for them; they are then ignored if, and only if, they
 * equal the stored value; a key not in the table is still 400 (L9).
 *   - "id": the dispatcher compares it with the path's first capture
 *     (valid_echo_id): a different id is 400 with an issue on ["id"].
 *   - every echoed field: the handler, having read the row (locked, in its
 *     transaction), calls http_echo_check(r, row as GET shows it), which
 *     uses valid_echo_check: 400 with an issue on each differing field.
 * Values compare as JSON (cJSON_Compare, case-sensitive keys), so a
 * timestamp must be sent back exactly as it was read.
 */
#define FIELD_ECHO(nm)                                                                             \
	{                                                                                          \
		.name = (nm), .type = FT_JSON, .flags = F_ECHO                                     \
	}
#define VALID_ECHO_MSG "Read-only field cannot be changed"

struct field_table;

struct field {
	const char *name;
	enum field_type type;
	unsigned flags;
	/* String length in characters, number range, or array length.
	 * Both zero means unbounded. */
	long long min, max;
	const char *const *options;    /* FT_ENUM: NULL-terminated */
	const struct field_table *sub; /* FT_OBJECT */
	const struct field *elem;      /* FT_ARRAY element (name unused) */
	bool (*check)(const char *);   /* extra string rule */
	const char *check_msg;         /* its message ("Invalid" if NULL) */
};

struct field_table {
	const struct field *fields;
	size_t n;
};

#define FIELD_TABLE(arr)                                                                           \
	{                                                                                          \
		(arr), sizeof(arr) / sizeof((arr)[0])                                              \
	}

struct valid_out;

struct value {
	bool present;          /* key was given (null counts as present) */
	bool null;             /* explicit JSON null */
	const char *s;         /* strings, e-mails, urls, enums, dates (arena) */
	long long i;           /* FT_INT, FT_BOOL (0/1) */
	double d;              /* FT_NUMBER, FT_INT */
	bool b;                /* FT_BOOL */
	int e;                 /* FT_ENUM index into options */
	struct valid_out *obj; /* FT_OBJECT */
	struct value *arr;     /* FT_ARRAY elements */
	size_t n;              /* FT_ARRAY length */
	const cJSON *json;     /* the input item (valid until the arena reset) */
};

struct valid_out {
	size_t n;
	struct value v[];
};

/*
 * Validates a parsed JSON body against t.  Returns 0 and *out on success;
 * -1 with entries appended to issues (a cJSON array) on failure, or -1 with
 * issues untouched when out of memory.
 */
int valid_json(struct arena *, const struct field_table *t, const cJSON *in, struct valid_out **out,
    cJSON *issues);
/*
 * Validates a raw query string ("a=1&b=x%20y") with coercion (spec §2.7):
 * numbers from strings, "" -> 0, booleans "true"/"false".  Unknown keys are
 * ignored; repeated keys are an issue.
 */
int valid_query(struct arena *, const struct field_table *t, const char *query,
    struct valid_out **out, cJSON *issues);

/*
 * The echo rule, for the dispatcher and http_echo_check.  in was validated
 * against t.  0: nothing echoed differs; -1: an issue (VALID_ECHO_MSG) was
 * appended for each field that does, or issues is untouched when out of
 * memory or stored_json is not a JSON object.
 */
int valid_echo_id(
    const struct field_table *t, const struct valid_out *in, const char *path_id, cJSON *issues);
int valid_echo_check(const struct field_table *t, const struct valid_out *in,
    const char *stored_json, cJSON *issues);

/* Field rules usable on their own and as check functions. */
bool valid_email(const char *);
bool valid_http_url(const char *);
bool valid_utf8(const char *, size_t);
/*
 * Polish identifiers and formats of the client's application form (FR-48,
 * SR-19).  Each returns false for NULL.
 *   valid_pesel: 11 digits, the weighted checksum, a real birth date (the
 *     month encodes the century) not after today_ymd ("YYYY-MM-DD", NULL =
 *     no limit); on success birth ("YYYY-MM-DD") and *sex ('M' for an odd
 *     10th digit, 'K' for an even one) when not NULL.
 *   valid_nip: 10 digits, plain or XXX-XXX-XX-XX, with the mod-11 checksum.
 *   valid_regon: 9 or 14 digits with the mod-11 checksum.
 *   valid_phone: an optional "+" then 9-15 digits, spaces or hyphens, with at
 *     least 9 digits.
 *   valid_ymd / valid_ym: a real calendar date "YYYY-MM-DD" / month "YYYY-MM".
 */
bool valid_pesel(const char *s, const char *today_ymd, char birth[11], char *sex);
bool valid_nip(const char *);
bool valid_regon(const char *);
bool valid_phone(const char *);
bool valid_ymd(const char *);
bool valid_ym(const char *);
/* Parses a coerced date into UTC epoch milliseconds; false if unparseable. */
bool valid_parse_date(const char *, long long *ms);
/* Formats epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ" (25 bytes). */
void valid_format_date(char out[32], long long ms);
/* Percent-decodes src (and '+' as space) into dst of the same size; false on a bad escape. */
bool valid_urldecode(char *dst, const char *src, size_t len);

/* Issue builder for handlers' own semantic checks (code "custom"). */
int valid_issue_custom(cJSON *issues, const char *const *path, size_t npath, const char *message);

#endif
