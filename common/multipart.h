/*
 * multipart: a streaming multipart/form-data parser (RFC 7578 on the
 * syntax of RFC 2046 §5.1.1).  Bytes are fed in pieces of any size, as they
 * come off the FastCGI stream; part bodies leave through a callback in the
 * same pieces, so nothing but one header line (MULTIPART_LINE_MAX) is ever
 * held.  A delimiter split across two reads is recognised; the preamble and
 * the epilogue are skipped.
 *
 * Since RFC 2046 boundaries never contain CR, a delimiter ("\r\n--" +
 * boundary) can only start at a CR, and a failed partial match never hides
 * the start of another: the matcher needs no back-tracking table.
 */
#ifndef IZZY_MULTIPART_H
#define IZZY_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

#define MULTIPART_BOUNDARY_MAX 70   /* RFC 2046 §5.1.1 */
#define MULTIPART_LINE_MAX     1024 /* one part header line */
#define MULTIPART_HEADERS_MAX  16   /* header lines per part */
#define MULTIPART_NAME_MAX     100  /* field name length (spec/api.md §2.10) */
#define MULTIPART_FILENAME_MAX 255  /* original file name, bytes */

/* What a part's headers said.  Strings live until the part ends. */
struct multipart_part {
	char name[MULTIPART_NAME_MAX + 1];
	/* The file name, UTF-8 (filename* of RFC 5987 preferred); "" if none. */
	char filename[MULTIPART_FILENAME_MAX + 1];
	bool has_filename; /* a filename parameter was present (a file part) */
	char content_type[128];
};

/* Each returns 0 to go on or -1 to stop (multipart_feed then returns -1). */
struct multipart_cb {
	int (*begin)(void *ctx, const struct multipart_part *);
	int (*data)(void *ctx, const char *buf, size_t n);
	int (*end)(void *ctx);
	void *ctx;
};

enum multipart_err {
	MULTIPART_OK,
	MULTIPART_ESYNTAX,   /* malformed delimiter line or part headers */
	MULTIPART_ELIMIT,    /* header line, header count or name too long */
	MULTIPART_ECALLBACK, /* a callback returned -1 */
	MULTIPART_ETRUNCATED /* the body ended before the close delimiter */
};

struct multipart;

/*
 * The boundary parameter of a multipart/form-data Content-Type, quoted or
 * not, into out (MULTIPART_BOUNDARY_MAX + 1 bytes).  -1 if the type is not
 * multipart/form-data or the boundary is missing or not RFC 2046-shaped.
 */
int multipart_boundary(const char *content_type, char *out, size_t outsz);
/* A parser in the arena; NULL (logged) if out of memory. */
struct multipart *multipart_new(struct arena *, const char *boundary, const struct multipart_cb *);
/* Feeds the next bytes; -1 on error (see multipart_error), which is final. */
int multipart_feed(struct multipart *, const char *buf, size_t n);
/* End of input: -1 (ETRUNCATED) unless the close delimiter was seen. */
int multipart_finish(struct multipart *);
enum multipart_err multipart_error(const struct multipart *);

#endif
