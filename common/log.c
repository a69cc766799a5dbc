#include "config.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[LOG_LVL__MAX] = {
	[LOG_LVL_ERROR] = "ERROR",
	[LOG_LVL_WARN] = "WARN",
	[LOG_LVL_INFO] = "INFO",
	[LOG_LVL_DEBUG] = "DEBUG",
};

static enum log_level cur_level = LOG_LVL_INFO;
static char cur_rid[40] = "-";
static char cur_program[32] = "izzy";

void
log_init(const char *program)
{
	const char *lvl = getenv("IZZY_LOG_LEVEL");
	enum log_level l;

	if (program != NULL)
		snprintf(cur_program, sizeof(cur_program), "%s", program);
	if (lvl != NULL && log_level_parse(lvl, &l) == 0)
		cur_level = l;
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

void
log_vmsg(enum log_level l, const char *module, const char *fmt, va_list ap)
{
	char raw[2048], esc[4096];

	if (l > cur_level || l >= LOG_LVL__MAX)
		return;
	/* ap comes initialised from log_msg() or a caller's va_start. */
	vsnprintf(raw, sizeof(raw), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	log_escape(esc, sizeof(esc), raw);
	/* One fprintf per line keeps lines whole when workers share stderr. */
	fprintf(stderr, "%s %s %s: %s\n", level_names[l], module != NULL ? module : cur_program,
	    cur_rid, esc);
	fflush(stderr);
}

void
log_msg(enum log_level l, const char *module, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(l, module, fmt, ap);
	va_end(ap);
}
