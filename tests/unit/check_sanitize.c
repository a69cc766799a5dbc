/*
 * check_sanitize: the HTML allow-list of consent template texts
 * (common/sanitize.c, FR-30, SR-24).  Each row is something an administrator
 * could paste, or an attacker could smuggle in; what is stored must keep the
 * wording and the few formatting tags and never carry script.
 */
#include "config.h"
#include "common/sanitize.h"

#include <stdbool.h>
#include <string.h>

#include <check.h>

#include "common/arena.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *in, *out;
} rows[] = {
	{ "", "" },
	{ "Zgadzam się na przetwarzanie danych.", "Zgadzam się na przetwarzanie danych." },
	{ "<p>Zgoda <strong>ważna</strong></p>", "<p>Zgoda <strong>ważna</strong></p>" },
	{ "<P CLASS=\"x\" onclick=\"alert(1)\">A</P>", "<p>A</p>" },
	{ "<ul><li>a<li>b</ul>", "<ul><li>a<li>b</li></li></ul>" },
	{ "a<br/>b<br >c</br>", "a<br>b<br>c" },
	{ "<script>alert(1)</script>ok", "ok" },
	{ "<SCRIPT type=x>alert(1)</ScRiPt >ok", "ok" },
	{ "<style>p{}</style><p>x</p>", "<p>x</p>" },
	{ "<iframe src=\"https://evil\"></iframe>tekst", "tekst" },
	{ "<img src=x onerror=alert(1)>obraz", "obraz" },
	{ "<svg><script>alert(1)</script></svg>po", "po" },
	{ "<div><span>tekst</span></div>", "tekst" },
	{ "<!-- komentarz --><p>x</p>", "<p>x</p>" },
	{ "<!DOCTYPE html><p>x</p>", "<p>x</p>" },
	{ "<a href=\"https://izzy.pl/rodo?a=1&amp;b=2\">RODO</a>",
	    "<a href=\"https://izzy.pl/rodo?a=1&amp;b=2\" rel=\"noopener noreferrer "
	    "nofollow\">RODO</a>" },
	{ "<a href='mailto:iod@izzy.pl' target=_blank>IOD</a>",
	    "<a href=\"mailto:iod@izzy.pl\" rel=\"noopener noreferrer nofollow\">IOD</a>" },
	{ "<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>" },
	{ "<a href=\" JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>" },
	{ "<a href=\"jav&#x61;script:alert(1)\">x</a>", "<a>x</a>" },
	{ "<a href=\"data:text/html,<script>\">x</a>", "<a>x</a>" },
	{ "<a href=\"https://x.pl/\"onmouseover=\"alert(1)\">x</a>",
	    "<a href=\"https://x.pl/\" rel=\"noopener noreferrer nofollow\">x</a>" },
	{ "<a href=https://x.pl/\"><b>x</b></a>",
	    "<a href=\"https://x.pl/&quot;\" rel=\"noopener noreferrer nofollow\"><b>x</b></a>" },
	{ "1 < 2 & 3 > 2", "1 &lt; 2 &amp; 3 &gt; 2" },
	{ "&amp; &#39; &#x2F; &nbsp; &bogus &#;", "&amp; &#39; &#x2F; &nbsp; &amp;bogus &amp;#;" },
	{ "<b>bez końca", "<b>bez końca</b>" },
	{ "</p>sierota</em>", "sierota" },
	{ "<em><b>x</em>y</b>", "<em><b>x</b></em>y" },
	{ "<p>przerwany <a href=\"https://x", "<p>przerwany </p>" },
	{ "<p title=\"a>b\">x</p>", "<p>x</p>" },
	{ "<<script>script>alert(1)<</script>/script>", "&lt;/script&gt;" },
	{ "\"cytat\" 'apostrof'", "&quot;cytat&quot; 'apostrof'" },
	{ "<h3>Tytuł</h3><h1>Duży</h1><blockquote>c</blockquote>",
	    "<h3>Tytuł</h3>Duży<blockquote>c</blockquote>" },
};

START_TEST(test_rows)
{
	struct arena *a = arena_new(1 << 20);

	ck_assert_ptr_nonnull(a);
	for (size_t i = 0; i < NELEM(rows); i++) {
		char *out = sanitize_html(a, rows[i].in);
		ck_assert_ptr_nonnull(out);
		ck_assert_msg(strcmp(out, rows[i].out) == 0,
		    "row %zu: \"%s\" -> \"%s\", want \"%s\"", i, rows[i].in, out, rows[i].out);
	}
	arena_free(a);
}
END_TEST

/* Sanitising twice changes nothing: what is stored is stable on every later save. */
START_TEST(test_idempotent)
{
	struct arena *a = arena_new(1 << 20);

	ck_assert_ptr_nonnull(a);
	for (size_t i = 0; i < NELEM(rows); i++) {
		char *once = sanitize_html(a, rows[i].in);
		ck_assert_ptr_nonnull(once);
		char *twice = sanitize_html(a, once);
		ck_assert_ptr_nonnull(twice);
		ck_assert_msg(
		    strcmp(once, twice) == 0, "row %zu: \"%s\" -> \"%s\"", i, once, twice);
	}
	arena_free(a);
}
END_TEST

/* Whatever the bytes, no tag outside the allow-list and no event attribute comes out. */
START_TEST(test_all_bytes)
{
	static const char *const allowed[] = { "a", "a href", "b", "blockquote", "br", "em", "h3",
		"h4", "i", "li", "ol", "p", "strong", "u", "ul" };
	char in[3 * 255 + 1], *out;
	struct arena *a = arena_new(1 << 20);

	ck_assert_ptr_nonnull(a);
	for (int i = 1; i < 256; i++) {
		in[3 * (i - 1)] = '<';
		in[3 * (i - 1) + 1] = (char)i;
		in[3 * (i - 1) + 2] = (i % 7 == 0) ? '>' : 'a';
	}
	in[3 * 255] = '\0';
	out = sanitize_html(a, in);
	ck_assert_ptr_nonnull(out);
	for (const char *p = out; (p = strchr(p, '<')) != NULL; p++) {
		const char *q = p + 1 + (p[1] == '/');
		bool ok = false;
		for (size_t k = 0; k < NELEM(allowed) && !ok; k++) {
			size_t n = strlen(allowed[k]);
			ok = strncmp(q, allowed[k], n) == 0 && (q[n] == '>' || q[n] == ' ');
		}
		ck_assert_msg(ok, "unexpected markup at \"%.12s\"", p);
	}
	arena_free(a);
}
END_TEST

START_TEST(test_out_of_memory)
{
	struct arena *a = arena_new(64);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(sanitize_html(a, "<p>a text that does not fit the tiny arena</p>"));
	arena_free(a);
}
END_TEST

static Suite *
sanitize_suite(void)
{
	Suite *s = suite_create("sanitize");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_idempotent);
	tcase_add_test(tc, test_all_bytes);
	tcase_add_test(tc, test_out_of_memory);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sanitize_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
