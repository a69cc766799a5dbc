/*
 * netaddr.h: which addresses an outgoing request to a URL that someone outside
 * the company typed (a partner's webhook) may reach.
 */
#ifndef IZZY_NETADDR_H
#define IZZY_NETADDR_H

#include <stdbool.h>

#include <sys/socket.h>

/*
 * true when sa is a public unicast address; false for loopback, private
 * (RFC 1918, fc00::/7), carrier-grade NAT, link-local (169.254/16 with the
 * clouds' metadata service, fe80::/10), unspecified, multicast, reserved and
 * benchmark ranges, and for IPv4 inside IPv6 (mapped, compatible) when the
 * IPv4 address is one of those.  Other families: false.
 */
bool netaddr_is_public(const struct sockaddr *sa);

#endif /* IZZY_NETADDR_H */
