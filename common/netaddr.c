#include "config.h"
#include "netaddr.h"

#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

/* a (host order) within net/bits. */
static bool
in4(uint32_t a, uint32_t net, int bits)
{
	uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);

	return (a & mask) == (net & mask);
}

static bool
v4_public(uint32_t a)
{
	static const struct {
		uint32_t net;
		int bits;
	} not_public[] = {
		{ 0x00000000, 8 },  /* "this" network */
		{ 0x0a000000, 8 },  /* 10/8 private */
		{ 0x64400000, 10 }, /* 100.64/10 carrier-grade NAT */
		{ 0x7f000000, 8 },  /* loopback */
		{ 0xa9fe0000, 16 }, /* 169.254/16 link-local, cloud metadata */
		{ 0xac100000, 12 }, /* 172.16/12 private */
		{ 0xc0000000, 24 }, /* 192.0.0/24 protocol assignments */
		{ 0xc0000200, 24 }, /* 192.0.2/24 documentation */
		{ 0xc0a80000, 16 }, /* 192.168/16 private */
		{ 0xc6120000, 15 }, /* 198.18/15 benchmarking */
		{ 0xc6336400, 24 }, /* 198.51.100/24 documentation */
		{ 0xcb007100, 24 }, /* 203.0.113/24 documentation */
		{ 0xe0000000, 4 },  /* multicast */
		{ 0xf0000000, 4 },  /* reserved, broadcast */
	};

	for (size_t i = 0; i < sizeof(not_public) / sizeof(not_public[0]); i++)
		if (in4(a, not_public[i].net, not_public[i].bits))
			return false;
	return true;
}

static bool
v6_public(const unsigned char *b)
{
	static const unsigned char zero[12];
	uint32_t v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];

	/* ::/96 (unspecified, loopback, IPv4-compatible) and ::ffff:0:0/96 (mapped). */
	if (memcmp(b, zero, 12) == 0)
		return v4 > 1 && v4_public(v4);
	if (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff)
		return v4_public(v4);
	if ((b[0] & 0xfe) == 0xfc) /* fc00::/7 unique local */
		return false;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10 link-local */
		return false;
	if (b[0] == 0xff) /* multicast */
		return false;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) /* 2001:db8::/32 docs */
		return false;
	return true;
}

bool
netaddr_is_public(const struct sockaddr *sa)
{
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in in;

		memcpy(&in, sa, sizeof(in));
		return v4_public(ntohl(in.sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;

		memcpy(&in6, sa, sizeof(in6));
		return v6_public(in6.sin6_addr.s6_addr);
	}
	return false;
}
