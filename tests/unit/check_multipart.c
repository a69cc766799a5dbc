/*
 * check_multipart: the streaming multipart/form-data parser (common/multipart.c).
 * Every body is fed whole, one byte at a time and split at every position,
 * and must give the same transcript each way: a delimiter split across two
 * reads is the case that breaks naive parsers.  The transcript records each
 * part as name|filename|type=content.
 */
#include "config.h"
#include "common/multipart.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "common/arena.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct transcript {
	char buf[4096];
	size_t len;
	bool in_part;
};

static void
add(struct transcript *t, const char *s, size_t n)
{
	if (t->len + n < sizeof(t->buf)) {
		memcpy(t->buf + t->len, s, n);
		t->len += n;
		t->buf[t->len] = '\0';
	}
}

static int
on_begin(void *ctx, const struct multipart_part *p)
{
	struct transcript *t = ctx;
	char head[600];
	int n = snprintf(head, sizeof(head), "[%s|%s%s|%s=", p->name, p->has_filename ? "f:" : "",
	    p->filename, p->content_type);

	ck_assert(!t->in_part);
	t->in_part = true;
	add(t, head, (size_t)n);
	return 0;
}

static int
on_data(void *ctx, const char *buf, size_t n)
{
	struct transcript *t = ctx;

	ck_assert(t->in_part);
	ck_assert_uint_gt(n, 0);
	add(t, buf, n);
	return 0;
}

static int
on_end(void *ctx)
{
	struct transcript *t = ctx;

	ck_assert(t->in_part);
	t->in_part = false;
	add(t, "]", 1);
	return 0;
}

/* Feeds body in pieces of at most `piece` bytes, or split once at `split`. */
static int
run(const char *boundary, const char *body, size_t len, size_t split, size_t piece,
    struct transcript *t, enum multipart_err *err)
{
	struct arena *a = arena_new(1 << 20);
	struct multipart_cb cb = { on_begin, on_data, on_end, t };
	struct multipart *m;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(m = multipart_new(a, boundary, &cb));
	if (piece > 0) {
		for (size_t i = 0; i < len && rc == 0; i += piece)
			rc = multipart_feed(m, body + i, len - i < piece ? len - i : piece);
	} else {
		rc = multipart_feed(m, body, split);
		if (rc == 0)
			rc = multipart_feed(m, body + split, len - split);
	}
	if (rc == 0)
		rc = multipart_finish(m);
	*err = multipart_error(m);
	arena_free(a);
	return rc;
}

static const struct {
	const char *what, *boundary, *body, *want; /* want NULL: must fail */
	enum multipart_err err;
} rows[] = {
	{ "one text field", "XyZ",
	    "--XyZ\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nid_card\r\n--XyZ--\r\n",
	    "[type||=id_card]", MULTIPART_OK },
	{ "file and field, preamble and epilogue", "b",
	    "preamble\r\nignored\r\n--b\r\n"
	    "Content-Disposition: form-data; name=\"file\"; filename=\"dowód.pdf\"\r\n"
	    "Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\nbody\r\n--b\r\n"
	    "content-disposition: FORM-DATA; NAME=type\r\n\r\nx\r\n--b--\r\nepilogue --b\r\n",
	    "[file|f:dowód.pdf|application/pdf=%PDF-1.4\r\nbody][type||=x]", MULTIPART_OK },
	{ "empty content", "q",
	    "--q\r\nContent-Disposition: form-data; name=\"file\"; "
	    "filename=\"e.pdf\"\r\n\r\n\r\n--q--",
	    "[file|f:e.pdf|=]", MULTIPART_OK },
	{ "padding after the delimiter", "q",
	    "--q  \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--q--", "[a||=1]",
	    MULTIPART_OK },
	{ "RFC 5987 filename* wins", "q",
	    "--q\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"; "
	    "filename*=UTF-8''%C5%BC%C3%B3%C5%82w.pdf\r\n\r\nx\r\n--q--",
	    "[file|f:żółw.pdf|=x]", MULTIPART_OK },
	{ "escaped quote in a file name", "q",
	    "--q\r\nContent-Disposition: form-data; name=\"file\"; "
	    "filename=\"a\\\"b;c.pdf\"\r\n\r\n"
	    "x\r\n--q--",
	    "[file|f:a\"b;c.pdf|=x]", MULTIPART_OK },
	{ "traversal names are passed on as text", "q",
	    "--q\r\nContent-Disposition: form-data; name=\"file\"; "
	    "filename=\"..\\\\..\\\\win.ini\"\r\n"
	    "\r\nx\r\n--q--",
	    "[file|f:..\\..\\win.ini|=x]", MULTIPART_OK },
	{ "boundary with dashes and spaces", "--- a b",
	    "----- a b\r\nContent-Disposition: form-data; name=n\r\n\r\nv\r\n----- a b--",
	    "[n||=v]", MULTIPART_OK },
	{ "truncated in the content", "q",
	    "--q\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nhalf of it", NULL,
	    MULTIPART_ETRUNCATED },
	{ "truncated inside the close delimiter", "q",
	    "--q\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--q-", NULL,
	    MULTIPART_ETRUNCATED },
	{ "no delimiter at all", "q", "just text", NULL, MULTIPART_ETRUNCATED },
	{ "no name", "q", "--q\r\nContent-Disposition: form-data\r\n\r\nv\r\n--q--", NULL,
	    MULTIPART_ESYNTAX },
	{ "no disposition", "q", "--q\r\nContent-Type: text/plain\r\n\r\nv\r\n--q--", NULL,
	    MULTIPART_ESYNTAX },
	{ "not form-data", "q", "--q\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n--q--",
	    NULL, MULTIPART_ESYNTAX },
	{ "bare LF in headers", "q",
	    "--q\r\nContent-Disposition: form-data; name=a\n\r\nv\r\n--q--", NULL,
	    MULTIPART_ESYNTAX },
	{ "folded header", "q",
	    "--q\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nv\r\n--q--", NULL,
	    MULTIPART_ESYNTAX },
	{ "garbage after the delimiter", "q",
	    "--q\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--qX\r\n\r\n--q--", NULL,
	    MULTIPART_ESYNTAX },
	{ "unterminated quote", "q",
	    "--q\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--q--", NULL,
	    MULTIPART_ESYNTAX },
	{ "filename* in another charset", "q",
	    "--q\r\nContent-Disposition: form-data; name=f; "
	    "filename*=ISO-8859-2''%B3\r\n\r\nv\r\n--q--",
	    NULL, MULTIPART_ESYNTAX },
	{ "field name over 100 bytes", "q",
	    "--q\r\nContent-Disposition: form-data; "
	    "name=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\r\n\r\nv\r\n--q--",
	    NULL, MULTIPART_ELIMIT },
};

START_TEST(test_rows)
{
	for (size_t i = 0; i < NELEM(rows); i++) {
		const char *body = rows[i].body;
		size_t len = strlen(body);
		struct transcript t;
		enum multipart_err err;
		const char *want = rows[i].want;
		bool ok;

		for (size_t piece = 1; piece <= len + 1; piece += piece < 8 ? 1 : 7) {
			ok = run(rows[i].boundary, body, len, 0, piece, &t, &err) == 0;
			ck_assert_msg(
			    ok == (want != NULL), "%s (pieces of %zu): rc", rows[i].what, piece);
			if (want != NULL)
				ck_assert_msg(strcmp(t.buf, want) == 0, "%s (pieces of %zu): %s",
				    rows[i].what, piece, t.buf);
			else
				ck_assert_msg(err == rows[i].err, "%s: error %d, want %d",
				    rows[i].what, (int)err, (int)rows[i].err);
		}
		for (size_t split = 0; split <= len; split++) {
			ok = run(rows[i].boundary, body, len, split, 0, &t, &err) == 0;
			ck_assert_msg(
			    ok == (want != NULL), "%s (split at %zu)", rows[i].what, split);
			if (want != NULL)
				ck_assert_msg(strcmp(t.buf, want) == 0, "%s (split at %zu): %s",
				    rows[i].what, split, t.buf);
		}
	}
}
END_TEST

/* Content that looks like delimiters but is not, split everywhere. */
START_TEST(test_near_delimiters)
{
	static const char content[] = "\r\r\n\r\n-\r\n--\r\n--AaB03\r\n--AaB03y\r\r\n--AaB0x";
	char body[512];
	char want[512];
	struct transcript t;
	enum multipart_err err;
	size_t len;

	snprintf(body, sizeof(body),
	    "--AaB03x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n%s"
	    "\r\n--AaB03x--",
	    content);
	snprintf(want, sizeof(want), "[f|f:a|=%s]", content);
	len = strlen(body);
	for (size_t split = 0; split <= len; split++) {
		ck_assert_int_eq(run("AaB03x", body, len, split, 0, &t, &err), 0);
		ck_assert_msg(strcmp(t.buf, want) == 0, "split at %zu: %s", split, t.buf);
	}
	for (size_t piece = 1; piece < 5; piece++) {
		ck_assert_int_eq(run("AaB03x", body, len, 0, piece, &t, &err), 0);
		ck_assert_str_eq(t.buf, want);
	}
}
END_TEST

/* Binary content with NULs and every byte value passes through unchanged. */
START_TEST(test_binary)
{
	char body[1024], want[1024];
	size_t n = 0, w = 0;
	struct transcript t;
	enum multipart_err err;
	static const char head[] = "--z\r\nContent-Disposition: form-data; name=file; "
				   "filename=b.bin\r\n\r\n";

	memcpy(body, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	w = (size_t)snprintf(want, sizeof(want), "[file|f:b.bin|=");
	for (int c = 0; c < 256; c++) {
		body[n++] = (char)c;
		want[w++] = (char)c;
	}
	memcpy(body + n, "\r\n--z--", 7);
	n += 7;
	want[w++] = ']';
	for (size_t piece = 1; piece < 40; piece++) {
		ck_assert_int_eq(run("z", body, n, 0, piece, &t, &err), 0);
		ck_assert_uint_eq(t.len, w);
		ck_assert(memcmp(t.buf, want, w) == 0);
	}
}
END_TEST

static int
refuse(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return -1;
}

/* A callback's -1 stops the parser for good. */
START_TEST(test_callback_stops)
{
	static const char body[] =
	    "--q\r\nContent-Disposition: form-data; name=f\r\n\r\nxyz\r\n--q--";
	struct arena *a = arena_new(1 << 16);
	struct transcript t = { 0 };
	struct multipart_cb cb = { on_begin, refuse, on_end, &t };
	struct multipart *m = multipart_new(a, "q", &cb);

	ck_assert_int_eq(multipart_feed(m, body, sizeof(body) - 1), -1);
	ck_assert_int_eq(multipart_error(m), MULTIPART_ECALLBACK);
	ck_assert_int_eq(multipart_feed(m, "", 1), -1);
	ck_assert_int_eq(multipart_finish(m), -1);
	arena_free(a);
}
END_TEST

static const struct {
	const char *ct, *want; /* want NULL: refused */
} boundary_rows[] = {
	{ "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
	    "----WebKitFormBoundary7MA4YWxkTrZu0gW" },
	{ "multipart/form-data; boundary=\"a b:c\"", "a b:c" },
	{ "Multipart/Form-Data;charset=utf-8;BOUNDARY=x", "x" },
	{ "multipart/form-data; boundary=\"\"", NULL },
	{ "multipart/form-data", NULL },
	{ "multipart/mixed; boundary=x", NULL },
	{ "application/json", NULL },
	{ "multipart/form-data; boundary=\"a\r\nb\"", NULL },
	{ "multipart/form-data; boundary=\"trailing \"", NULL },
	{ "multipart/form-data; boundary="
	  "12345678901234567890123456789012345678901234567890123456789012345678901",
	    NULL },
};

START_TEST(test_boundary)
{
	char out[MULTIPART_BOUNDARY_MAX + 1];

	for (size_t i = 0; i < NELEM(boundary_rows); i++) {
		int rc = multipart_boundary(boundary_rows[i].ct, out, sizeof(out));
		if (boundary_rows[i].want == NULL)
			ck_assert_msg(rc == -1, "%s accepted", boundary_rows[i].ct);
		else {
			ck_assert_msg(rc == 0, "%s refused", boundary_rows[i].ct);
			ck_assert_str_eq(out, boundary_rows[i].want);
		}
	}
	ck_assert_int_eq(multipart_boundary(NULL, out, sizeof(out)), -1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("multipart");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_near_delimiters);
	tcase_add_test(tc, test_binary);
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_boundary);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
