/*
 * check_netaddr: which addresses a partner's webhook may reach (common/netaddr.c).
 */
#include "config.h"
#include "common/netaddr.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static bool
public_addr(const char *text)
{
	struct sockaddr_in in;
	struct sockaddr_in6 in6;

	memset(&in, 0, sizeof(in));
	memset(&in6, 0, sizeof(in6));
	if (inet_pton(AF_INET, text, &in.sin_addr) == 1) {
		in.sin_family = AF_INET;
		return netaddr_is_public((const struct sockaddr *)&in);
	}
	ck_assert_msg(inet_pton(AF_INET6, text, &in6.sin6_addr) == 1, "bad test address %s", text);
	in6.sin6_family = AF_INET6;
	return netaddr_is_public((const struct sockaddr *)&in6);
}

START_TEST(test_not_public)
{
	static const char *const addrs[] = { "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1",
		"172.31.255.255", "192.168.1.10", "169.254.169.254", "100.64.0.1", "0.0.0.0",
		"224.0.0.1", "255.255.255.255", "192.0.2.5", "198.18.0.1", "::", "::1", "fc00::1",
		"fd12:3456::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		"::ffff:169.254.169.254", "2001:db8::1" };

	for (size_t i = 0; i < NELEM(addrs); i++)
		ck_assert_msg(!public_addr(addrs[i]), "%s taken for public", addrs[i]);
}
END_TEST

START_TEST(test_public)
{
	static const char *const addrs[] = { "8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255",
		"192.169.0.1", "100.128.0.1", "169.255.0.1", "2a00:1450:4001::200e",
		"::ffff:8.8.8.8" };

	for (size_t i = 0; i < NELEM(addrs); i++)
		ck_assert_msg(public_addr(addrs[i]), "%s taken for not public", addrs[i]);
}
END_TEST

START_TEST(test_other_family)
{
	struct sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	ck_assert(!netaddr_is_public(&sa));
	ck_assert(!netaddr_is_public(NULL));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("netaddr");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_not_public);
	tcase_add_test(tc, test_public);
	tcase_add_test(tc, test_other_family);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
