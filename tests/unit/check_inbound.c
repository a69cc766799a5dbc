/*
 * check_inbound: the §5.3 rules of the inbound e-mail procedure
 * (common/inbound.c): the sender address, the name of an auto-created lead,
 * the phone number, the customer type and the readable text of an HTML-only
 * message.  The examples of spec/api.md §5.3 come first.
 */
#include "config.h"
#include "common/inbound.h"

#include <string.h>

#include <check.h>

#include "common/arena.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *from, *sender, *first, *last;
} names[] = {
	{ "\"Jan Kowalski\" <jan@x.pl>", "jan@x.pl", "Jan", "Kowalski" },
	{ "anna.nowak@x.pl", "anna.nowak@x.pl", "anna.nowak", "Sender" },
	{ "<jan@x.pl>", "jan@x.pl", "Unknown", "Sender" },
	{ "Jan  Maria   Rokita <jmr@x.pl>", "jmr@x.pl", "Jan", "Maria Rokita" },
	{ "  Paweł Żak <Pawel.Zak@Example.PL> ", "Pawel.Zak@Example.PL", "Paweł", "Żak" },
	{ "\"\" <\"odd\"@x.pl>", "\"odd\"@x.pl", "Unknown", "Sender" },
	{ "\"odd\"@x.pl", "\"odd\"@x.pl", "odd", "Sender" },
	{ "Ktoś <a@b> <c@d>", "a@b> <c@d", "Ktoś", "Sender" },
};

START_TEST(test_names)
{
	struct arena *a = arena_new(1 << 16);
	char *sender = inbound_sender(a, names[_i].from), *first, *last;

	ck_assert_str_eq(sender, names[_i].sender);
	ck_assert_int_eq(inbound_name(a, names[_i].from, sender, &first, &last), 0);
	ck_assert_str_eq(first, names[_i].first);
	ck_assert_str_eq(last, names[_i].last);
	arena_free(a);
}
END_TEST

/* A bare address without a local part. */
START_TEST(test_unknown_sender)
{
	struct arena *a = arena_new(1 << 16);
	char *first, *last;

	ck_assert_int_eq(inbound_name(a, "@x.pl", "@x.pl", &first, &last), 0);
	ck_assert_str_eq(first, "Unknown");
	ck_assert_str_eq(last, "Sender");
	arena_free(a);
}
END_TEST

static const struct {
	const char *body, *phone;
} phones[] = {
	{ "tel. +48 600 100 200", "+48600100200" },
	{ "Proszę dzwonić: 601-202-303 po 16", "601-202-303" },
	{ "numer 22 555 66 77.", "225556677" },
	{ "kod 12-345 i nic więcej", NULL },
	{ "brak numeru", NULL },
	{ "", NULL },
};

START_TEST(test_phones)
{
	struct arena *a = arena_new(1 << 16);
	char *p = inbound_phone(a, phones[_i].body);

	if (phones[_i].phone == NULL)
		ck_assert_ptr_null(p);
	else
		ck_assert_str_eq(p, phones[_i].phone);
	arena_free(a);
}
END_TEST

static const struct {
	const char *subject, *body, *type;
} types[] = {
	{ "Oferta", "Firma Test Sp. z o.o.", "firma" },
	{ "Oferta", "ABC spzoo", "firma" },
	{ "SPÓŁKA JAWNA", "", "firma" },
	{ "", "Acme Ltd", "firma" },
	{ "", "Kowalski S.A. prosi", "firma" },
	{ "Pytanie", "Jestem osobą prywatną", "osoba prywatna" },
	{ NULL, NULL, "osoba prywatna" },
};

START_TEST(test_types)
{
	ck_assert_str_eq(inbound_customer_type(types[_i].subject, types[_i].body), types[_i].type);
}
END_TEST

static const struct {
	const char *html, *text;
} texts[] = {
	{ "<p>Dzień dobry,</p><p>proszę o <b>ofertę</b>.</p>", "Dzień dobry,\nproszę o ofertę." },
	{ "a<br>b &amp; c &lt;d&gt; &#378;&#x17C;", "a\nb & c <d> źż" },
	{ "<ul><li>jeden</li><li>dwa</li></ul>", "jeden\ndwa" },
	{ "linia\r\nłamana", "linia  łamana" },
	{ "&bogus; &#0; x", "&bogus; \xef\xbf\xbd x" },
	{ "", "" },
};

START_TEST(test_html_text)
{
	struct arena *a = arena_new(1 << 16);

	ck_assert_str_eq(inbound_html_text(a, texts[_i].html), texts[_i].text);
	arena_free(a);
}
END_TEST

START_TEST(test_messages)
{
	ck_assert_str_eq(
	    inbound_result_message(INBOUND_NOTE), "Email processed and attached to lead");
	ck_assert_str_eq(
	    inbound_result_message(INBOUND_LEAD), "Lead auto-created from incoming email");
	ck_assert_str_eq(
	    inbound_result_message(INBOUND_NO_PARTNER), "Unknown sender (partner missing)");
	ck_assert_str_eq(inbound_result_message(INBOUND_RATE_LIMITED), "Rate limited");
}
END_TEST

static Suite *
inbound_suite(void)
{
	Suite *s = suite_create("inbound");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_names, 0, NELEM(names));
	tcase_add_test(tc, test_unknown_sender);
	tcase_add_loop_test(tc, test_phones, 0, NELEM(phones));
	tcase_add_loop_test(tc, test_types, 0, NELEM(types));
	tcase_add_loop_test(tc, test_html_text, 0, NELEM(texts));
	tcase_add_test(tc, test_messages);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(inbound_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
