/*
 * check_html: HTML escaping (common/html.c, SR-24).  Each row is what an
 * operator or a client could type; the escaped text must show it literally,
 * never as markup, in element content and in quoted attributes.
 */
#include "config.h"
#include "common/html.h"

#include <stdbool.h>
#include <string.h>

#include <check.h>

#include "common/arena.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *in, *out;
} text_rows[] = {
	{ "", "" },
	{ "Dzień dobry", "Dzień dobry" },
	{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "a & b", "a &amp; b" },
	{ "&amp;", "&amp;amp;" }, /* an entity typed by the user stays text */
	{ "\" onmouseover=\"x", "&quot; onmouseover=&quot;x" },
	{ "' onfocus='x", "&#39; onfocus=&#39;x" },
	{ "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;" },
	{ "Zażółć <b>gęślą</b> jaźń 🚗", "Zażółć &lt;b&gt;gęślą&lt;/b&gt; jaźń 🚗" },
	{ "<<>>&&\"\"''", "&lt;&lt;&gt;&gt;&amp;&amp;&quot;&quot;&#39;&#39;" },
	{ "https://x.pl/?a=1&b=2", "https://x.pl/?a=1&amp;b=2" },
};

START_TEST(test_escape)
{
	struct arena *a = arena_new(1 << 20);

	ck_assert_ptr_nonnull(a);
	for (size_t i = 0; i < NELEM(text_rows); i++) {
		char *out = html_escape(a, text_rows[i].in);
		ck_assert_ptr_nonnull(out);
		ck_assert_msg(strcmp(out, text_rows[i].out) == 0, "\"%s\" -> \"%s\", want \"%s\"",
		    text_rows[i].in, out, text_rows[i].out);
	}
	/* Line breaks are text here, not <br>. */
	ck_assert_str_eq(html_escape(a, "a\r\nb\nc"), "a\r\nb\nc");
	arena_free(a);
}
END_TEST

START_TEST(test_escape_lines)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{ "", "" },
		{ "one line", "one line" },
		{ "a\nb", "a<br>b" },
		{ "a\r\nb", "a<br>b" }, /* CRLF is one break */
		{ "a\rb", "a<br>b" },
		{ "a\n\nb", "a<br><br>b" },
		{ "a\r\n\r\nb", "a<br><br>b" },
		{ "a\n\rb", "a<br><br>b" }, /* LF CR is two */
		{ "\n", "<br>" },
		{ "\r", "<br>" },
		{ "x\ty", "x\ty" },
		{ "<b>\n</b>", "&lt;b&gt;<br>&lt;/b&gt;" },
		{ "Pozdrawiam,\r\nJan & \"Syn\"", "Pozdrawiam,<br>Jan &amp; &quot;Syn&quot;" },
	};
	struct arena *a = arena_new(1 << 20);

	ck_assert_ptr_nonnull(a);
	for (size_t i = 0; i < NELEM(rows); i++) {
		char *out = html_escape_lines(a, rows[i].in);
		ck_assert_ptr_nonnull(out);
		ck_assert_msg(strcmp(out, rows[i].out) == 0, "row %zu: \"%s\", want \"%s\"", i, out,
		    rows[i].out);
	}
	/* Without line breaks both functions agree. */
	for (size_t i = 0; i < NELEM(text_rows); i++)
		ck_assert_str_eq(html_escape_lines(a, text_rows[i].in), text_rows[i].out);
	arena_free(a);
}
END_TEST

/* No markup character survives, whatever the input byte. */
START_TEST(test_no_markup_survives)
{
	char in[256], *out;
	struct arena *a = arena_new(1 << 20);

	ck_assert_ptr_nonnull(a);
	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	out = html_escape_lines(a, in);
	ck_assert_ptr_nonnull(out);
	/* Every '&' starts one of the entities, every '<' a <br>; no raw > " ' is left. */
	for (const char *p = out; (p = strpbrk(p, "<>\"'&")) != NULL;) {
		bool ok = strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 ||
		    strncmp(p, "&gt;", 4) == 0 || strncmp(p, "&quot;", 6) == 0 ||
		    strncmp(p, "&#39;", 5) == 0 || strncmp(p, "<br>", 4) == 0;
		ck_assert_msg(ok, "raw markup at \"%.8s\"", p);
		p += *p == '<' ? 4 : strcspn(p, ";") + 1;
	}
	arena_free(a);
}
END_TEST

/* A full arena gives NULL, not a cut string. */
START_TEST(test_out_of_memory)
{
	struct arena *a = arena_new(64);
	char big[200];

	ck_assert_ptr_nonnull(a);
	memset(big, '<', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_ptr_null(html_escape(a, big));
	ck_assert_ptr_null(html_escape_lines(a, big));
	arena_free(a);
}
END_TEST

static Suite *
html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_escape_lines);
	tcase_add_test(tc, test_no_markup_survives);
	tcase_add_test(tc, test_out_of_memory);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(html_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
