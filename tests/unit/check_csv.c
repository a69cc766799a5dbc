/*
 * check_csv: the CSV reader (common/csv.c).  Each case is a file and the
 * transcript of the rows the callback saw, one "row:cell|cell|..." line per
 * row, or the status it must stop with.
 */
#include "config.h"
#include "common/csv.h"

#include <stdio.h>
#include <string.h>

#include <check.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct transcript {
	char buf[8192];
	size_t len;
	int stop_at; /* row index at which the callback stops, or -1 */
};

static int
on_row(void *ctx, size_t row, const char *const *cells, size_t n)
{
	struct transcript *t = ctx;
	int w;

	if (t->stop_at >= 0 && (size_t)t->stop_at == row)
		return 1;
	if (t->len > sizeof(t->buf) - 1024)
		return 1;
	w = snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "%zu:", row);
	t->len += (size_t)w;
	for (size_t i = 0; i < n; i++) {
		w = snprintf(
		    t->buf + t->len, sizeof(t->buf) - t->len, "%s%s", i ? "|" : "", cells[i]);
		t->len += (size_t)w;
	}
	w = snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "\n");
	t->len += (size_t)w;
	return 0;
}

static enum sheet_status
run(const char *in, size_t len, const struct sheet_limits *lim, struct transcript *t,
    const char **why)
{
	memset(t, 0, sizeof(*t));
	t->stop_at = -1;
	return csv_read(in, len, lim, on_row, t, why);
}

static const struct {
	const char *in;
	const char *out;
} good[] = {
	/* separators: ';' wins over ',', ',' when there is no ';' */
	{ "a;b;c\n1;2,5;3\n", "0:a|b|c\n1:1|2,5|3\n" },
	{ "a,b,c\r\n1,2;5,3\r\n", "0:a|b|c\n1:1|2;5|3\n" },
	/* separators inside quotes of the header do not count */
	{ "\"x;y;z\",b\n1,2\n", "0:x;y;z|b\n1:1|2\n" },
	{ "one\nvalue\n", "0:one\n1:value\n" },
	/* RFC 4180 quoting: doubled quotes, separators and line breaks inside */
	{ "a;b\n\"He said \"\"hi\"\"\";\"x;y\"\n\"l1\r\nl2\";z\n",
	    "0:a|b\n1:He said \"hi\"|x;y\n2:l1\r\nl2|z\n" },
	/* empty cells, a trailing separator, no final newline */
	{ "a;b;c\n;;\n1;;3", "0:a|b|c\n1:||\n2:1||3\n" },
	{ "a;b\n1;", "0:a|b\n1:1|\n" },
	/* blank lines are skipped; lone CR ends a line */
	{ "a;b\n\n1;2\r\r\n3;4\r", "0:a|b\n1:1|2\n2:3|4\n" },
	/* a quote inside an unquoted cell is an ordinary character */
	{ "a;b\n5\"3;x\n", "0:a|b\n1:5\"3|x\n" },
	/* the UTF-8 BOM is dropped; UTF-8 text is kept as it is */
	{ "\xEF\xBB\xBFimi\xC4\x99;nazwisko\n\xC5\x81ukasz;\xC5\xBB\xC3\xB3\xC5\x82w\n",
	    "0:imię|nazwisko\n1:Łukasz|Żółw\n" },
	/* Windows-1250: every Polish letter */
	{ "imi\xEA;miasto\n\xB9\xE6\xEA\xB3\xF1\xF3\x9C\x9F\xBF;"
	  "\xA5\xC6\xCA\xA3\xD1\xD3\x8C\x8F\xAF\n",
	    "0:imię|miasto\n1:ąćęłńóśźż|ĄĆĘŁŃÓŚŹŻ\n" },
	/* cp1250 with the typographic quotes and euro sign Excel writes */
	{ "a\n\x84x\x94 \x80\n", "0:a\n1:„x” €\n" },
	/* an overlong UTF-8 form is not UTF-8, so the file is cp1250 */
	{ "a\n\xC0\xAF\n", "0:a\n1:ŔŻ\n" },
	/* formulas are data to the reader (the import neutralises them) */
	{ "a;b\n=cmd|' /C calc'!A0;@SUM(1)\n", "0:a|b\n1:=cmd|' /C calc'!A0|@SUM(1)\n" },
};

START_TEST(test_good)
{
	struct transcript t;
	const char *why = NULL;
	enum sheet_status st = run(good[_i].in, strlen(good[_i].in), NULL, &t, &why);

	ck_assert_msg(st == SHEET_OK, "case %d: status %d (%s)", _i, st, why ? why : "");
	ck_assert_str_eq(t.buf, good[_i].out);
}
END_TEST

static const struct {
	const char *in;
	enum sheet_status st;
	struct sheet_limits lim;
	const char *why;
	const char *seen; /* rows delivered before the stop */
} bad[] = {
	{ "a;b\n\"open;x\n", SHEET_FORMAT, { 0 }, "Niezamknięty cudzysłów w pliku", "0:a|b\n" },
	{ "a;b\n\"x\"y;z\n", SHEET_FORMAT, { 0 }, "Znak po cudzysłowie zamykającym komórkę",
	    "0:a|b\n" },
	{ "\xEF\xBB\xBF"
	  "a\n\xB9\n",
	    SHEET_FORMAT, { 0 }, "Plik ma znacznik UTF-8, ale nie jest poprawnym UTF-8", "" },
	{ "a;b\n1;2\n3;4\n", SHEET_LIMIT, { .max_rows = 2 }, "Za dużo wierszy w pliku",
	    "0:a|b\n1:1|2\n" },
	{ "a;b;c\n", SHEET_LIMIT, { .max_cols = 2 }, "Za dużo kolumn w wierszu", "" },
	{ "a;bcdef\n", SHEET_LIMIT, { .max_cell = 4 }, "Komórka jest za długa", "" },
	/* a cp1250 letter is two bytes once decoded, and the limit counts those */
	{ "a;\xB9\xB9\xB9\n", SHEET_LIMIT, { .max_cell = 5 }, "Komórka jest za długa", "" },
	{ "a;b\n1;2\n", SHEET_LIMIT, { .max_bytes = 3 }, "Plik jest za duży", "0:a|b\n" },
};

START_TEST(test_bad)
{
	struct transcript t;
	const char *why = NULL;
	enum sheet_status st = run(bad[_i].in, strlen(bad[_i].in), &bad[_i].lim, &t, &why);

	ck_assert_msg(st == bad[_i].st, "case %d: status %d", _i, st);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(why, bad[_i].why);
	ck_assert_str_eq(t.buf, bad[_i].seen);
}
END_TEST

START_TEST(test_nul_and_stop)
{
	static const char nul[] = "a;b\n1;\0\n";
	static const char three[] = "a\n1\n2\n";
	struct transcript t;
	const char *why = NULL;

	ck_assert_int_eq(run(nul, sizeof(nul) - 1, NULL, &t, &why), SHEET_FORMAT);
	ck_assert_str_eq(why, "Plik zawiera bajt NUL: to nie jest plik CSV");
	memset(&t, 0, sizeof(t));
	t.stop_at = 1;
	ck_assert_int_eq(csv_read(three, sizeof(three) - 1, NULL, on_row, &t, &why), SHEET_STOPPED);
	ck_assert_str_eq(t.buf, "0:a\n");
	/* empty input: no rows at all, not an error */
	ck_assert_int_eq(run("", 0, NULL, &t, &why), SHEET_OK);
	ck_assert_str_eq(t.buf, "");
}
END_TEST

START_TEST(test_separator)
{
	ck_assert_int_eq(csv_separator("a;b,c;d", 7), ';');
	ck_assert_int_eq(csv_separator("a,b,c;d", 7), ',');
	ck_assert_int_eq(csv_separator("a;b,c", 5), ';');
	ck_assert_int_eq(csv_separator("abc", 3), ',');
	ck_assert_int_eq(csv_separator("\"a;b;c\",d\n;;;", 14), ',');
}
END_TEST

/* Rows wider than the buffer's first size and many of them: the buffer grows. */
struct count {
	size_t rows;
	int bad;
};

static int
on_count(void *ctx, size_t row, const char *const *cells, size_t n)
{
	struct count *c = ctx;
	char want[64];

	snprintf(want, sizeof(want), "cell %zu 19;x", row);
	if (n != 20 || strcmp(cells[19], want) != 0)
		c->bad++;
	c->rows++;
	return 0;
}

START_TEST(test_big)
{
	static char in[300000];
	size_t n = 0;
	struct count c = { 0 };
	const char *why = NULL;

	for (int r = 0; r < 500; r++) {
		for (int k = 0; k < 20; k++)
			n += (size_t)snprintf(
			    in + n, sizeof(in) - n, "%s\"cell %d %d;x\"", k ? ";" : "", r, k);
		in[n++] = '\n';
	}
	ck_assert_int_eq(csv_read(in, n, NULL, on_count, &c, &why), SHEET_OK);
	ck_assert_uint_eq(c.rows, 500);
	ck_assert_int_eq(c.bad, 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_good, 0, (int)NELEM(good));
	tcase_add_loop_test(tc, test_bad, 0, (int)NELEM(bad));
	tcase_add_test(tc, test_nul_and_stop);
	tcase_add_test(tc, test_separator);
	tcase_add_test(tc, test_big);
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
