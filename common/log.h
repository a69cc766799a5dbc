/*
 * log: one line per event on stderr, "LEVEL module rid: message".
 * Control bytes in the message are escaped so that user input can never
 * forge a log line.  Never pass passwords, tokens, bodies or personal data.
 *
 * With IZZY_LOG_FORMAT=json each line is one JSON object instead, for log
 * collectors (Loki, journald's JSON output, docker's json-file):
 *   {"time":"2026-12-05T12:00:00.123Z","level":"info","program":"leads",
 *    "module":"http","rid":"9f…","msg":"…"}
 * and log_request() adds "method", "route", "status", "latency_ms" and
 * "user" (an id) as fields of their own.
 */
#ifndef IZZY_LOG_H
#define IZZY_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG, LOG_LVL__MAX };
enum log_format { LOG_FMT_TEXT, LOG_FMT_JSON, LOG_FMT__MAX };

/* One finished request, for log_request(); no field may hold personal data. */
struct log_request {
	const char *method; /* "GET" */
	const char *route;  /* the route's pattern, never the path: ids, not tokens */
	int status;
	long latency_ms;
	const char *user_id; /* NULL: anonymous */
};

/*
 * Program name used when a module tag is not given; level from
 * IZZY_LOG_LEVEL, format from IZZY_LOG_FORMAT ("text" or "json"; anything
 * else keeps the current format).
 */
void log_init(const char *program);
void log_set_format(enum log_format);
enum log_format log_get_format(void);
/* Parses "text", "json"; returns -1 on anything else. */
int log_format_parse(const char *, enum log_format *);
void log_set_level(enum log_level);
enum log_level log_get_level(void);
/* Parses "error", "warn", "info", "debug"; returns -1 on anything else. */
int log_level_parse(const char *, enum log_level *);
/* Request id printed on every line until reset with NULL ("-"). */
void log_set_rid(const char *rid);

void log_msg(enum log_level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_level, const char *module, const char *fmt, va_list)
    __attribute__((format(printf, 3, 0)));

/* INFO line of a finished request: "METHOD ROUTE STATUS Nms user=ID" or JSON fields. */
void log_request(const struct log_request *);

/* Escape control bytes of src into dst (always NUL-terminated). */
void log_escape(char *dst, size_t dstsz, const char *src);
/*
 * src as the inside of a JSON string into dst: quote, backslash and control
 * bytes escaped, bytes that are not UTF-8 replaced by \ufffd.  Always
 * NUL-terminated; stops before an escape or a character that does not fit.
 */
void log_json_escape(char *dst, size_t dstsz, const char *src);

#define log_error(mod, ...) log_msg(LOG_LVL_ERROR, (mod), __VA_ARGS__)
#define log_warn(mod, ...)  log_msg(LOG_LVL_WARN, (mod), __VA_ARGS__)
#define log_info(mod, ...)  log_msg(LOG_LVL_INFO, (mod), __VA_ARGS__)
/* Checks the level before evaluating the arguments. */
#define log_debug(mod, ...)                                                                        \
	do {                                                                                       \
		if (log_get_level() >= LOG_LVL_DEBUG)                                              \
			log_msg(LOG_LVL_DEBUG, (mod), __VA_ARGS__);                                \
	} while (0)

#endif
