#include "config.h"
#include "valid.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "arena.h"
#include "id.h"

/* Nesting deeper than this is not part of any body we accept. */
#define PATH_MAX_DEPTH 16

struct path {
	const char *key[PATH_MAX_DEPTH];
	long idx[PATH_MAX_DEPTH];
	int n;
};

/* A hostile body cannot make us build a huge answer: issues stop here. */
#define MAX_ISSUES 50
/* 2^53: beyond it a JSON number (a double) no longer holds every integer. */
#define NUMBER_LIMIT 9007199254740992LL

struct vctx {
	struct arena *mem;
	cJSON *issues;
	int nissues;
	bool oom;
	bool coerce; /* query strings: values arrive as strings */
};

static const char *const type_names[FT__MAX] = {
	[FT_STRING] = "string",
	[FT_EMAIL] = "string",
	[FT_CUID] = "string",
	[FT_URL] = "string",
	[FT_INT] = "number",
	[FT_NUMBER] = "number",
	[FT_BOOL] = "boolean",
	[FT_ENUM] = "string",
	[FT_DATE] = "date",
	[FT_OBJECT] = "object",
	[FT_ARRAY] = "array",
	[FT_JSON] = "json",
};

static const char *
type_name(const struct field *f)
{
	return (unsigned)f->type < FT__MAX ? type_names[f->type] : "unknown";
}

static const char *
received_name(const cJSON *v)
{
	if (v == NULL)
		return "undefined";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsArray(v))
		return "array";
	return "object";
}

/* Starts an issue object at path p; NULL (oom flagged) on allocation failure. */
static cJSON *
issue_new(struct vctx *c, const struct path *p, const char *code, const char *message)
{
	cJSON *o, *arr;

	if (c->nissues >= MAX_ISSUES)
		return NULL;
	c->nissues++;
	if ((o = cJSON_CreateObject()) == NULL)
		goto oom;
	if (cJSON_AddStringToObject(o, "code", code) == NULL ||
	    (arr = cJSON_AddArrayToObject(o, "path")) == NULL)
		goto oom;
	for (int i = 0; i < p->n; i++) {
		cJSON *seg = p->key[i] != NULL ? cJSON_CreateString(p->key[i])
					       : cJSON_CreateNumber((double)p->idx[i]);
		if (seg == NULL || !cJSON_AddItemToArray(arr, seg)) {
			cJSON_Delete(seg);
			goto oom;
		}
	}
	if (cJSON_AddStringToObject(o, "message", message) == NULL ||
	    !cJSON_AddItemToArray(c->issues, o))
		goto oom;
	return o;
oom:
	cJSON_Delete(o);
	c->oom = true;
	return NULL;
}

static void
issue_type(struct vctx *c, const struct path *p, const char *expected, const cJSON *got)
{
	const char *rcv = received_name(got);
	char msg[96];
	cJSON *o;

	if (got == NULL)
		snprintf(msg, sizeof(msg), "Required");
	else
		snprintf(msg, sizeof(msg), "Expected %s, received %s", expected, rcv);
	if ((o = issue_new(c, p, "invalid_type", msg)) == NULL)
		return;
	if (cJSON_AddStringToObject(o, "expected", expected) == NULL ||
	    cJSON_AddStringToObject(o, "received", rcv) == NULL)
		c->oom = true;
}

static void
issue_size(struct vctx *c, const struct path *p, bool small, const char *kind, long long bound,
    bool inclusive)
{
	char msg[128];
	cJSON *o;

	if (strcmp(kind, "string") == 0)
		snprintf(msg, sizeof(msg), "String must contain %s %lld character(s)",
		    small ? "at least" : "at most", bound);
	else if (strcmp(kind, "array") == 0)
		snprintf(msg, sizeof(msg), "Array must contain %s %lld element(s)",
		    small ? "at least" : "at most", bound);
	else if (!inclusive)
		snprintf(msg, sizeof(msg), "Number must be greater than %lld", bound);
	else
		snprintf(msg, sizeof(msg), "Number must be %s than or equal to %lld",
		    small ? "greater" : "less", bound);
	if ((o = issue_new(c, p, small ? "too_small" : "too_big", msg)) == NULL)
		return;
	if (cJSON_AddNumberToObject(o, small ? "minimum" : "maximum", (double)bound) == NULL ||
	    cJSON_AddStringToObject(o, "type", kind) == NULL ||
	    cJSON_AddBoolToObject(o, "inclusive", inclusive) == NULL ||
	    cJSON_AddBoolToObject(o, "exact", false) == NULL)
		c->oom = true;
}

static void
issue_string(struct vctx *c, const struct path *p, const char *validation, const char *msg)
{
	cJSON *o = issue_new(c, p, "invalid_string", msg);

	if (o != NULL && cJSON_AddStringToObject(o, "validation", validation) == NULL)
		c->oom = true;
}

static void
issue_enum(struct vctx *c, const struct path *p, const char *const *options, const char *got)
{
	char msg[1024];
	size_t n;
	cJSON *o, *opts;

	n = (size_t)snprintf(msg, sizeof(msg), "Invalid enum value. Expected ");
	for (size_t i = 0; options[i] != NULL && n < sizeof(msg); i++)
		n += (size_t)snprintf(
		    msg + n, sizeof(msg) - n, "%s'%s'", i ? " | " : "", options[i]);
	if (n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ", received '%.64s'", got);
	if ((o = issue_new(c, p, "invalid_enum_value", msg)) == NULL)
		return;
	if ((opts = cJSON_AddArrayToObject(o, "options")) == NULL ||
	    cJSON_AddStringToObject(o, "received", got) == NULL) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; options[i] != NULL; i++) {
		cJSON *s = cJSON_CreateString(options[i]);
		if (s == NULL || !cJSON_AddItemToArray(opts, s)) {
			cJSON_Delete(s);
			c->oom = true;
			return;
		}
	}
}

static void
issue_keys(struct vctx *c, const struct path *p, const char *code, const char *key)
{
	char msg[160];
	cJSON *o, *keys, *k;

	if (strcmp(code, "unrecognized_keys") == 0)
		snprintf(msg, sizeof(msg), "Unrecognized key(s) in object: '%.100s'", key);
	else
		snprintf(msg, sizeof(msg), "Duplicate key in object: '%.100s'", key);
	if ((o = issue_new(c, p, code, msg)) == NULL)
		return;
	if ((keys = cJSON_AddArrayToObject(o, "keys")) == NULL ||
	    (k = cJSON_CreateString(key)) == NULL) {
		c->oom = true;
		return;
	}
	if (!cJSON_AddItemToArray(keys, k)) {
		cJSON_Delete(k);
		c->oom = true;
	}
}

int
valid_issue_custom(cJSON *issues, const char *const *segs, size_t nsegs, const char *message)
{
	struct vctx c = { .issues = issues };
	struct path p = { .n = 0 };

	for (size_t i = 0; i < nsegs && i < PATH_MAX_DEPTH; i++)
		p.key[p.n++] = segs[i];
	return issue_new(&c, &p, "custom", message) == NULL ? -1 : 0;
}

bool
valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned c = *p;
		size_t n;
		unsigned cp;

		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

bool
valid_email(const char *s)
{
	const char *at = strchr(s, '@'), *p, *label;
	size_t tld = 0;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL || strlen(s) > 254)
		return false;
	/* Local part: letters, digits, _ ' + - . ; no leading, trailing or double dot. */
	if (s[0] == '.' || at[-1] == '.')
		return false;
	for (p = s; p < at; p++) {
		if (!(isalnum((unsigned char)*p) || strchr("_'+-.", *p) != NULL))
			return false;
		if (*p == '.' && p[1] == '.')
			return false;
	}
	/* Domain: labels (alnum first, then alnum or '-') each followed by '.', then a TLD of >= 2 letters. */
	label = at + 1;
	for (;;) {
		const char *dot = strchr(label, '.');
		if (dot == NULL)
			break;
		if (dot == label || !isalnum((unsigned char)label[0]))
			return false;
		for (p = label; p < dot; p++)
			if (!isalnum((unsigned char)*p) && *p != '-')
				return false;
		label = dot + 1;
	}
	if (label == at + 1)
		return false;
	for (p = label; *p != '\0'; p++, tld++)
		if (!isalpha((unsigned char)*p))
			return false;
	return tld >= 2;
}

bool
valid_http_url(const char *s)
{
	const char *host;
	size_t n = strlen(s);

	if (n > 2048)
		return false;
	if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return false;
	if (*host == '\0' || *host == '/' || *host == '?' || *host == '#')
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '\\' || *p == '<' ||
		    *p == '>' || *p == '"')
			return false;
	return true;
}

static bool
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
valid_parse_date(const char *s, long long *ms)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, offs = 0;
	const char *p = s;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (!digits(p, 4, &y) || p[4] != '-' || !digits(p + 5, 2, &mo) || p[7] != '-' ||
	    !digits(p + 8, 2, &d))
		return false;
	p += 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
			return false;
		p += 6;
		if (*p == ':') {
			if (!digits(p + 1, 2, &sec))
				return false;
			p += 3;
			if (*p == '.') {
				int nd = 0, scale = 100;
				for (p++; isdigit((unsigned char)*p); p++, nd++) {
					frac += (*p - '0') * scale;
					scale /= 10;
				}
				if (nd == 0)
					return false;
			}
		}
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-') {
			int oh, om;
			int sign = *p == '-' ? -1 : 1;
			if (!digits(p + 1, 2, &oh))
				return false;
			p += 3;
			if (*p == ':')
				p++;
			if (!digits(p, 2, &om))
				return false;
			p += 2;
			offs = sign * (oh * 60 + om);
		}
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
	    y < 1000)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm normalises 31 February into March: refuse dates that moved. */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return false;
	*ms = ((long long)t - (long long)offs * 60) * 1000 + frac;
	return true;
}

void
valid_format_date(char out[32], long long ms)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int milli = (int)(ms - (long long)t * 1000);
	struct tm tm;
	char buf[96];
	int n;

	gmtime_r(&t, &tm);
	/* A wide buffer keeps the compiler's worst case (huge years) in bounds. */
	n = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
	if (n < 0 || n >= 32)
		n = 0;
	memcpy(out, buf, (size_t)n);
	out[n] = '\0';
}

static bool
has_range(const struct field *f)
{
	return f->min != 0 || f->max != 0;
}

/* Strings: UTF-8, no control bytes, trimmed/cased per flags, within length. */
static const char *
check_string(struct vctx *c, const struct path *p, const struct field *f, const char *in)
{
	size_t len = strlen(in), chars;
	const char *b = in, *e = in + len;
	char *s;

	if (!valid_utf8(in, len)) {
		issue_string(c, p, "utf8", "Invalid UTF-8");
		return NULL;
	}
	for (const char *q = in; *q != '\0'; q++) {
		unsigned char ch = (unsigned char)*q;
		if ((ch < 0x20 || ch == 0x7f) &&
		    !((f->flags & F_MULTILINE) && (ch == '\n' || ch == '\r' || ch == '\t'))) {
			issue_string(c, p, "control", "Control characters are not allowed");
			return NULL;
		}
	}
	if (f->flags & F_TRIM || f->type == FT_EMAIL) {
		while (b < e && isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
	}
	if ((s = arena_strndup(c->mem, b, (size_t)(e - b))) == NULL) {
		c->oom = true;
		return NULL;
	}
	for (char *q = s; *q != '\0'; q++) {
		if (f->flags & F_LOWER)
			*q = (char)tolower((unsigned char)*q);
		else if (f->flags & F_UPPER)
			*q = (char)toupper((unsigned char)*q);
	}
	chars = utf8_chars(s);
	if (f->type == FT_STRING && has_range(f)) {
		if ((long long)chars < f->min) {
			issue_size(c, p, true, "string", f->min, true);
			return NULL;
		}
		if (f->max > 0 && (long long)chars > f->max) {
			issue_size(c, p, false, "string", f->max, true);
			return NULL;
		}
	}
	switch (f->type) {
	case FT_EMAIL:
		if (!valid_email(s)) {
			issue_string(c, p, "email", "Invalid email");
			return NULL;
		}
		break;
	case FT_CUID:
		if (!id_is_cuid(s)) {
			issue_string(c, p, "cuid", "Invalid cuid");
			return NULL;
		}
		break;
	case FT_URL:
		if (!valid_http_url(s)) {
			issue_string(c, p, "url", "Invalid url");
			return NULL;
		}
		break;
	default:
		break;
	}
	if (f->check != NULL && !f->check(s)) {
		issue_string(c, p, "regex", f->check_msg != NULL ? f->check_msg : "Invalid");
		return NULL;
	}
	return s;
}

static bool check_value(
    struct vctx *, struct path *, const struct field *, const cJSON *, struct value *);

static bool
check_object(struct vctx *c, struct path *p, const struct field_table *t, const cJSON *in,
    struct valid_out **out, bool open)
{
	struct valid_out *o;
	bool ok = true;

	o = arena_alloc(c->mem, sizeof(*o) + t->n * sizeof(struct value));
	if (o == NULL) {
		c->oom = true;
		return false;
	}
	o->n = t->n;
	/* Keys first: unknown keys, then repeated known keys (cJSON keeps
	 * duplicates).  Linear in keys x fields, so a body of many keys is cheap. */
	for (const cJSON *k = in->child; k != NULL && !open; k = k->next) {
		bool known = false;
		for (size_t i = 0; i < t->n && !known; i++)
			known = strcmp(t->fields[i].name, k->string) == 0;
		if (!known) {
			issue_keys(c, p, "unrecognized_keys", k->string);
			ok = false;
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		int seen = 0;
		for (const cJSON *k = in->child; k != NULL; k = k->next)
			if (strcmp(t->fields[i].name, k->string) == 0 && ++seen == 2) {
				issue_keys(c, p, "duplicate_keys", k->string);
				ok = false;
				break;
			}
	}
	if (p->n >= PATH_MAX_DEPTH) {
		issue_new(c, p, "too_deep", "Nesting too deep");
		return false;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct field *f = &t->fields[i];
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, f->name);
		p->key[p->n] = f->name;
		p->n++;
		if (!check_value(c, p, f, v, &o->v[i]))
			ok = false;
		p->n--;
	}
	*out = o;
	return ok;
}

/* Query strings: turns the string into the JSON type the field wants. */
static cJSON *
coerce(const struct field *f, const char *s, bool *unset)
{
	char *end;
	double d;

	*unset = false;
	switch (f->type) {
	case FT_INT:
	case FT_NUMBER:
		if (*s == '\0')
			return cJSON_CreateNumber(0);
		errno = 0;
		d = strtod(s, &end);
		if (errno != 0 || *end != '\0' || isnan(d) || isinf(d))
			return cJSON_CreateString(s);
		return cJSON_CreateNumber(d);
	case FT_BOOL:
		if (strcasecmp(s, "true") == 0)
			return cJSON_CreateTrue();
		if (strcasecmp(s, "false") == 0)
			return cJSON_CreateFalse();
		*unset = true;
		return NULL;
	default:
		return cJSON_CreateString(s);
	}
}

static bool
check_value(
    struct vctx *c, struct path *p, const struct field *f, const cJSON *v, struct value *out)
{
	const char *s;

	memset(out, 0, sizeof(*out));
	out->json = v;
	if (v == NULL) {
		if (f->flags & F_REQUIRED) {
			issue_type(c, p, type_name(f), NULL);
			return false;
		}
		return true;
	}
	out->present = true;
	if (cJSON_IsNull(v)) {
		if (f->flags & F_NULLABLE || f->type == FT_JSON) {
			out->null = true;
			return true;
		}
		issue_type(c, p, type_name(f), v);
		return false;
	}
	switch (f->type) {
	case FT_STRING:
	case FT_EMAIL:
	case FT_CUID:
	case FT_URL:
	case FT_ENUM:
		if (!cJSON_IsString(v)) {
			issue_type(c, p, "string", v);
			return false;
		}
		if ((s = check_string(c, p, f, v->valuestring)) == NULL)
			return false;
		if (f->type == FT_ENUM) {
			for (int i = 0; f->options[i] != NULL; i++)
				if (strcmp(f->options[i], s) == 0) {
					out->e = i;
					out->s = f->options[i];
					return true;
				}
			issue_enum(c, p, f->options, s);
			return false;
		}
		out->s = s;
		return true;
	case FT_INT:
	case FT_NUMBER:
		if (!cJSON_IsNumber(v)) {
			if (c->coerce && cJSON_IsString(v)) {
				/* A query value that is not a number: zod's "nan". */
				cJSON *o = issue_new(
				    c, p, "invalid_type", "Expected number, received nan");
				if (o != NULL &&
				    (cJSON_AddStringToObject(o, "expected", "number") == NULL ||
					cJSON_AddStringToObject(o, "received", "nan") == NULL))
					c->oom = true;
			} else
				issue_type(c, p, "number", v);
			return false;
		}
		if (f->type == FT_INT && v->valuedouble != floor(v->valuedouble)) {
			cJSON *o =
			    issue_new(c, p, "invalid_type", "Expected integer, received float");
			if (o != NULL &&
			    (cJSON_AddStringToObject(o, "expected", "integer") == NULL ||
				cJSON_AddStringToObject(o, "received", "float") == NULL))
				c->oom = true;
			return false;
		}
		if (f->flags & F_POSITIVE && !(v->valuedouble > 0)) {
			issue_size(c, p, true, "number", 0, false);
			return false;
		}
		/* cJSON turns 1e400 into infinity: never a valid number here. */
		if (!isfinite(v->valuedouble)) {
			issue_size(c, p, v->valuedouble < 0, "number",
			    v->valuedouble < 0 ? -NUMBER_LIMIT : NUMBER_LIMIT, true);
			return false;
		}
		/* min/max both zero: unbounded; max zero alone: only a minimum. */
		if (has_range(f) && v->valuedouble < (double)f->min) {
			issue_size(c, p, true, "number", f->min, true);
			return false;
		}
		if (f->max != 0 && v->valuedouble > (double)f->max) {
			issue_size(c, p, false, "number", f->max, true);
			return false;
		}
		/* Beyond 2^53 a double no longer holds every integer exactly. */
		if (f->type == FT_INT && fabs(v->valuedouble) > (double)NUMBER_LIMIT) {
			issue_size(c, p, v->valuedouble < 0, "number",
			    v->valuedouble < 0 ? -NUMBER_LIMIT : NUMBER_LIMIT, true);
			return false;
		}
		out->d = v->valuedouble;
		/* Only in range: casting a larger double to long long is undefined. */
		out->i =
		    fabs(v->valuedouble) <= (double)NUMBER_LIMIT ? (long long)v->valuedouble : 0;
		return true;
	case FT_BOOL:
		if (!cJSON_IsBool(v)) {
			issue_type(c, p, "boolean", v);
			return false;
		}
		out->b = cJSON_IsTrue(v);
		out->i = out->b;
		return true;
	case FT_DATE: {
		long long ms;
		char buf[32];
		if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		    fabs(v->valuedouble) < 8.64e15)
			ms = (long long)v->valuedouble;
		else if (!cJSON_IsString(v) ||
		    !valid_utf8(v->valuestring, strlen(v->valuestring)) ||
		    !valid_parse_date(v->valuestring, &ms)) {
			issue_new(c, p, "invalid_date", "Invalid date");
			return false;
		}
		valid_format_date(buf, ms);
		if ((out->s = arena_strdup(c->mem, buf)) == NULL) {
			c->oom = true;
			return false;
		}
		out->i = ms;
		return true;
	}
	case FT_OBJECT:
		if (!cJSON_IsObject(v)) {
			issue_type(c, p, "object", v);
			return false;
		}
		return check_object(c, p, f->sub, v, &out->obj, (f->flags & F_OPEN) != 0);
	case FT_ARRAY: {
		size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
		bool ok = true;
		if (!cJSON_IsArray(v)) {
			issue_type(c, p, "array", v);
			return false;
		}
		if (has_range(f) && (long long)n < f->min) {
			issue_size(c, p, true, "array", f->min, true);
			return false;
		}
		if (f->max > 0 && (long long)n > f->max) {
			issue_size(c, p, false, "array", f->max, true);
			return false;
		}
		if (p->n >= PATH_MAX_DEPTH) {
			issue_new(c, p, "too_deep", "Nesting too deep");
			return false;
		}
		if ((out->arr = arena_alloc(c->mem, (n ? n : 1) * sizeof(struct value))) == NULL) {
			c->oom = true;
			return false;
		}
		out->n = n;
		for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
			p->key[p->n] = NULL;
			p->idx[p->n] = (long)i;
			p->n++;
			if (!check_value(c, p, f->elem, e, &out->arr[i]))
				ok = false;
			p->n--;
		}
		return ok;
	}
	case FT_JSON:
		return true;
	case FT__MAX:
		break;
	}
	return false;
}

int
valid_json(struct arena *mem, const struct field_table *t, const cJSON *in, struct valid_out **out,
    cJSON *issues)
{
	struct vctx c = { .mem = mem, .issues = issues };
	struct path p = { .n = 0 };
	bool ok;

	if (!cJSON_IsObject(in)) {
		issue_type(&c, &p, "object", in);
		return -1;
	}
	ok = check_object(&c, &p, t, in, out, false);
	return ok && !c.oom ? 0 : -1;
}

int
valid_echo_id(
    const struct field_table *t, const struct valid_out *in, const char *path_id, cJSON *issues)
{
	for (size_t i = 0; i < t->n && i < in->n; i++) {
		const struct field *f = &t->fields[i];
		const struct value *v = &in->v[i];
		if (!(f->flags & F_ECHO) || strcmp(f->name, "id") != 0 || !v->present)
			continue;
		if (path_id != NULL && cJSON_IsString(v->json) &&
		    strcmp(v->json->valuestring, path_id) == 0)
			return 0;
		{
			const char *const seg[] = { f->name };
			valid_issue_custom(issues, seg, 1, VALID_ECHO_MSG);
			return -1;
		}
	}
	return 0;
}

int
valid_echo_check(
    const struct field_table *t, const struct valid_out *in, const char *stored_json, cJSON *issues)
{
	cJSON *stored = NULL;
	bool differs = false;

	for (size_t i = 0; i < t->n && i < in->n; i++) {
		const struct field *f = &t->fields[i];
		const struct value *v = &in->v[i];
		const cJSON *was;
		if (!(f->flags & F_ECHO) || !v->present)
			continue;
		if (stored == NULL &&
		    (stored_json == NULL || (stored = cJSON_Parse(stored_json)) == NULL ||
			!cJSON_IsObject(stored))) {
			cJSON_Delete(stored);
			return -1;
		}
		was = cJSON_GetObjectItemCaseSensitive(stored, f->name);
		if (was == NULL || !cJSON_Compare(v->json, was, true)) {
			const char *const seg[] = { f->name };
			if (valid_issue_custom(issues, seg, 1, VALID_ECHO_MSG) == -1) {
				cJSON_Delete(stored);
				return -1;
			}
			differs = true;
		}
	}
	cJSON_Delete(stored);
	return differs ? -1 : 0;
}

bool
valid_urldecode(char *dst, const char *src, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (src[i] == '+')
			dst[o++] = ' ';
		else if (src[i] == '%') {
			char hex[3];
			if (i + 2 >= len || !isxdigit((unsigned char)src[i + 1]) ||
			    !isxdigit((unsigned char)src[i + 2]))
				return false;
			hex[0] = src[i + 1];
			hex[1] = src[i + 2];
			hex[2] = '\0';
			dst[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else
			dst[o++] = src[i];
	}
	dst[o] = '\0';
	/* A decoded NUL would silently truncate the value. */
	return memchr(dst, '\0', o) == NULL;
}

static void
delete_json(void *p)
{
	cJSON_Delete(p);
}

int
valid_query(struct arena *mem, const struct field_table *t, const char *query,
    struct valid_out **out, cJSON *issues)
{
	struct vctx c = { .mem = mem, .issues = issues, .coerce = true };
	struct path p = { .n = 0 };
	cJSON *obj = cJSON_CreateObject();
	const char *q = query != NULL ? query : "";
	bool ok = true;
	int rc = -1;

	if (obj == NULL)
		return -1;
	/* Values point into obj: it lives until the request's arena reset. */
	if (arena_defer(mem, delete_json, obj) == -1)
		return -1;
	while (*q != '\0') {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);
		size_t klen = eq != NULL ? (size_t)(eq - q) : len;
		char *k = arena_alloc(mem, klen + 1), *v = arena_alloc(mem, len + 1);
		const struct field *f = NULL;

		if (k == NULL || v == NULL)
			goto out;
		if (!valid_urldecode(k, q, klen) ||
		    !valid_urldecode(
			v, eq != NULL ? eq + 1 : "", eq != NULL ? len - klen - 1 : 0)) {
			issue_string(&c, &p, "query", "Malformed query string");
			ok = false;
		} else {
			for (size_t i = 0; i < t->n && f == NULL; i++)
				if (strcmp(t->fields[i].name, k) == 0)
					f = &t->fields[i];
		}
		if (f != NULL) {
			bool unset;
			cJSON *item;
			if (cJSON_GetObjectItemCaseSensitive(obj, k) != NULL) {
				issue_keys(&c, &p, "duplicate_keys", k);
				ok = false;
			} else if ((item = coerce(f, v, &unset)) != NULL) {
				if (!cJSON_AddItemToObject(obj, f->name, item)) {
					cJSON_Delete(item);
					goto out;
				}
			} else if (!unset)
				goto out;
		}
		q += len;
		if (*q == '&')
			q++;
	}
	if (ok && check_object(&c, &p, t, obj, out, true) && !c.oom)
		rc = 0;
out:
	return rc;
}

/* --- Polish identifiers of the application form (FR-48, SR-19) ----------------------- */

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[n] == '\0';
}

static int
days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

static int
digits_at(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

bool
valid_ymd(const char *s)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = digits_at(s, 4);
	m = digits_at(s + 5, 2);
	d = digits_at(s + 8, 2);
	return y >= 1800 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

bool
valid_ym(const char *s)
{
	int m;

	if (s == NULL || strlen(s) != 7 || s[4] != '-')
		return false;
	for (size_t i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return false;
	m = digits_at(s + 5, 2);
	return digits_at(s, 4) >= 1800 && m >= 1 && m <= 12;
}

bool
valid_pesel(const char *s, const char *today_ymd, char birth[11], char *sex)
{
	static const int w[10] = { 1, 3, 7, 9, 1, 3, 7, 9, 1, 3 };
	static const int century[5] = { 1900, 2000, 2100, 2200, 1800 };
	char date[11];
	int sum = 0, m, y;

	if (s == NULL || !all_digits(s, 11))
		return false;
	for (int i = 0; i < 10; i++)
		sum += w[i] * (s[i] - '0');
	if ((10 - sum % 10) % 10 != s[10] - '0')
		return false;
	m = digits_at(s + 2, 2);
	y = century[m / 20] + digits_at(s, 2);
	m %= 20;
	date[0] = (char)('0' + y / 1000);
	date[1] = (char)('0' + y / 100 % 10);
	date[2] = s[0];
	date[3] = s[1];
	date[4] = '-';
	date[5] = (char)('0' + m / 10);
	date[6] = (char)('0' + m % 10);
	date[7] = '-';
	date[8] = s[4];
	date[9] = s[5];
	date[10] = '\0';
	if (!valid_ymd(date) || (today_ymd != NULL && strcmp(date, today_ymd) > 0))
		return false;
	if (birth != NULL)
		memcpy(birth, date, sizeof(date));
	if (sex != NULL)
		*sex = (s[9] - '0') % 2 == 1 ? 'M' : 'K';
	return true;
}

bool
valid_nip(const char *s)
{
	static const int w[9] = { 6, 5, 7, 2, 3, 4, 5, 6, 7 };
	char d[11];
	size_t n = 0;
	int sum = 0;

	if (s == NULL)
		return false;
	if (strlen(s) == 13) {
		/* XXX-XXX-XX-XX */
		for (size_t i = 0; i < 13; i++) {
			bool dash = i == 3 || i == 7 || i == 10;

			if (dash ? s[i] != '-' : s[i] < '0' || s[i] > '9')
				return false;
			if (!dash)
				d[n++] = s[i];
		}
		d[n] = '\0';
	} else if (all_digits(s, 10)) {
		memcpy(d, s, 11);
	} else {
		return false;
	}
	for (int i = 0; i < 9; i++)
		sum += w[i] * (d[i] - '0');
	return sum % 11 != 10 && sum % 11 == d[9] - '0';
}

bool
valid_regon(const char *s)
{
	static const int w9[8] = { 8, 9, 2, 3, 4, 5, 6, 7 };
	static const int w14[13] = { 2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8 };
	const int *w;
	size_t n;
	int sum = 0;

	if (s == NULL)
		return false;
	n = strlen(s);
	if (n == 9 && all_digits(s, 9))
		w = w9;
	else if (n == 14 && all_digits(s, 14))
		w = w14;
	else
		return false;
	for (size_t i = 0; i + 1 < n; i++)
		sum += w[i] * (s[i] - '0');
	return sum % 11 % 10 == s[n - 1] - '0';
}

bool
valid_phone(const char *s)
{
	size_t len, digits = 0;

	if (s == NULL)
		return false;
	if (*s == '+')
		s++;
	len = strlen(s);
	if (len < 9 || len > 15)
		return false;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != ' ' && *p != '-')
			return false;
	}
	return digits >= 9;
}
