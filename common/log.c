#include "config.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const level_names[LOG_LVL__MAX] = {
	[LOG_LVL_ERROR] = "ERROR",
	[LOG_LVL_WARN] = "WARN",
	[LOG_LVL_INFO] = "INFO",
	[LOG_LVL_DEBUG] = "DEBUG",
};

static const char *const level_json[LOG_LVL__MAX] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

static const char *const format_names[LOG_FMT__MAX] = {
	[LOG_FMT_TEXT] = "text",
	[LOG_FMT_JSON] = "json",
};

/* A message is cut here; escaped (at most 6 bytes per byte) it fits JSON_LINE_MAX. */
#define MSG_MAX       2048
#define JSON_LINE_MAX (6 * MSG_MAX + 1024)

static enum log_level cur_level = LOG_LVL_INFO;
static enum log_format cur_format = LOG_FMT_TEXT;
static char cur_rid[72] = "-"; /* HTTP_RID_MAX (64) fits */
static char cur_program[32] = "izzy";

void
log_init(const char *program)
{
	const char *lvl = getenv("IZZY_LOG_LEVEL"), *fmt = getenv("IZZY_LOG_FORMAT");
	enum log_level l;
	enum log_format f;

	if (program != NULL)
		snprintf(cur_program, sizeof(cur_program), "%s", program);
	if (lvl != NULL && log_level_parse(lvl, &l) == 0)
		cur_level = l;
	if (fmt != NULL && log_format_parse(fmt, &f) == 0)
		cur_format = f;
}

void
log_set_format(enum log_format f)
{
	if (f < LOG_FMT__MAX)
		cur_format = f;
}

enum log_format
log_get_format(void)
{
	return cur_format;
}

int
log_format_parse(const char *s, enum log_format *out)
{
	for (int i = 0; i < LOG_FMT__MAX; i++)
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum log_format)i;
			return 0;
		}
	return -1;
}

void
log_set_level(enum log_level l)
{
	if (l < LOG_LVL__MAX)
		cur_level = l;
}

enum log_level
log_get_level(void)
{
	return cur_level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	static const char *const names[LOG_LVL__MAX] = {
		[LOG_LVL_ERROR] = "error",
		[LOG_LVL_WARN] = "warn",
		[LOG_LVL_INFO] = "info",
		[LOG_LVL_DEBUG] = "debug",
	};
	for (int i = 0; i < LOG_LVL__MAX; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

void
log_set_rid(const char *rid)
{
	snprintf(cur_rid, sizeof(cur_rid), "%s", rid != NULL ? rid : "-");
}

void
log_escape(char *dst, size_t dstsz, const char *src)
{
	size_t o = 0;

	if (dstsz == 0)
		return;
	for (; *src != '\0' && o + 1 < dstsz; src++) {
		unsigned char c = (unsigned char)*src;
		if (c < 0x20 || c == 0x7f) {
			if (o + 4 >= dstsz)
				break;
			snprintf(dst + o, dstsz - o, "\\x%02x", c);
			o += 4;
		} else
			dst[o++] = (char)c;
	}
	dst[o] = '\0';
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates), else 0. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void
log_json_escape(char *dst, size_t dstsz, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t o = 0;

	if (dstsz == 0)
		return;
	while (*p != '\0') {
		char tmp[8];
		const char *piece = tmp;
		size_t len, adv = 1;

		switch (*p) {
		case '"':
			piece = "\\\"";
			break;
		case '\\':
			piece = "\\\\";
			break;
		case '\n':
			piece = "\\n";
			break;
		case '\r':
			piece = "\\r";
			break;
		case '\t':
			piece = "\\t";
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				snprintf(tmp, sizeof(tmp), "\\u%04x", *p);
			else if ((adv = utf8_len(p)) == 0) {
				piece = "\\ufffd";
				adv = 1;
			} else {
				memcpy(tmp, p, adv);
				tmp[adv] = '\0';
			}
		}
		len = strlen(piece);
		if (o + len + 1 > dstsz)
			break;
		memcpy(dst + o, piece, len);
		o += len;
		p += adv;
	}
	dst[o] = '\0';
}

/* "2026-12-05T12:00:00.123Z" into buf (at least 25 bytes). */
static void
utc_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1 || gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    (n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm)) == 0) {
		snprintf(buf, size, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(buf + n, size - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

/*
 * One JSON line: the common fields, then EXTRA (already JSON, starting with
 * a comma, or "").  One fprintf per line keeps lines whole when workers share
 * stderr.
 */
static void
emit_json(enum log_level l, const char *module, const char *msg, const char *extra)
{
	char when[32], mod[128], prog[128], rid[256], *text;

	if ((text = malloc(JSON_LINE_MAX)) == NULL) {
		fprintf(
		    stderr, "{\"level\":\"error\",\"module\":\"log\",\"msg\":\"out of memory\"}\n");
		return;
	}
	utc_now(when, sizeof(when));
	log_json_escape(mod, sizeof(mod), module != NULL ? module : cur_program);
	log_json_escape(prog, sizeof(prog), cur_program);
	log_json_escape(rid, sizeof(rid), cur_rid);
	log_json_escape(text, JSON_LINE_MAX, msg);
	fprintf(stderr,
	    "{\"time\":\"%s\",\"level\":\"%s\",\"program\":\"%s\",\"module\":\"%s\","
	    "\"rid\":\"%s\",\"msg\":\"%s\"%s}\n",
	    when, level_json[l], prog, mod, rid, text, extra);
	fflush(stderr);
	free(text);
}

void
log_vmsg(enum log_level l, const char *module, const char *fmt, va_list ap)
{
	char raw[MSG_MAX], esc[2 * MSG_MAX];

	if (l > cur_level || l >= LOG_LVL__MAX)
		return;
	/* ap comes initialised from log_msg() or a caller's va_start. */
	vsnprintf(raw, sizeof(raw), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	if (cur_format == LOG_FMT_JSON) {
		emit_json(l, module, raw, "");
		return;
	}
	log_escape(esc, sizeof(esc), raw);
	/* One fprintf per line keeps lines whole when workers share stderr. */
	fprintf(stderr, "%s %s %s: %s\n", level_names[l], module != NULL ? module : cur_program,
	    cur_rid, esc);
	fflush(stderr);
}

void
log_request(const struct log_request *q)
{
	char method[32], route[512], user[128], extra[1024];
	const char *m = q->method != NULL ? q->method : "-";
	const char *rt = q->route != NULL ? q->route : "-";
	const char *u = q->user_id != NULL ? q->user_id : "-";

	if (LOG_LVL_INFO > cur_level)
		return;
	if (cur_format == LOG_FMT_TEXT) {
		log_info("http", "%s %s %d %ldms user=%s", m, rt, q->status, q->latency_ms, u);
		return;
	}
	log_json_escape(method, sizeof(method), m);
	log_json_escape(route, sizeof(route), rt);
	log_json_escape(user, sizeof(user), u);
	snprintf(extra, sizeof(extra),
	    ",\"method\":\"%s\",\"route\":\"%s\",\"status\":%d,\"latency_ms\":%ld,\"user\":%s%s%s",
	    method, route, q->status, q->latency_ms, q->user_id != NULL ? "\"" : "",
	    q->user_id != NULL ? user : "null", q->user_id != NULL ? "\"" : "");
	emit_json(LOG_LVL_INFO, "http", "request", extra);
}

void
log_msg(enum log_level l, const char *module, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(l, module, fmt, ap);
	va_end(ap);
}
