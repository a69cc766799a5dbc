/*
 * log: one line per event on stderr, "LEVEL module rid: message".
 * Control bytes in the message are escaped so that user input can never
 * forge a log line.  Never pass passwords, tokens, bodies or personal data.
 */
#ifndef IZZY_LOG_H
#define IZZY_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG, LOG_LVL__MAX };

/* Program name used when a module tag is not given; level from IZZY_LOG_LEVEL. */
void log_init(const char *program);
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

/* Escape control bytes of src into dst (always NUL-terminated). */
void log_escape(char *dst, size_t dstsz, const char *src);

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
