/* SPDX-License-Identifier: BSD-3-Clause */
/* Addresses, subnets and EAL device names as written in the config. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

#define ADDR_TEXT_MAX 64

static uint32_t
mask4(unsigned int len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

/* Addresses that cannot be a host's own address nor a VIP answered with ARP/ND. */
static const char *
special(const struct carp_config_addr *a)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const struct carp_in6 zero6, one6 = { .b[15] = 1 };

	if (a->family == 4) {
		if (a->v4 == 0)
			return "the unspecified address 0.0.0.0 cannot be used";
		if (a->v4 == 0xffffffffu)
			return "the limited broadcast address cannot be used";
		if ((a->v4 >> 24) == 127)
			return "a loopback address (127.0.0.0/8) cannot be used";
		if ((a->v4 >> 28) == 0xe)
			return "a multicast address (224.0.0.0/4) cannot be used";
		return NULL;
	}
	if (memcmp(&a->v6, &zero6, sizeof(zero6)) == 0)
		return "the unspecified address :: cannot be used";
	if (memcmp(&a->v6, &one6, sizeof(one6)) == 0)
		return "the loopback address ::1 cannot be used";
	if (a->v6.b[0] == 0xff)
		return "a multicast address (ff00::/8) cannot be used";
	if (memcmp(a->v6.b, v4mapped, sizeof(v4mapped)) == 0)
		return "an IPv4-mapped IPv6 address; write the IPv4 address itself";
	return NULL;
}

static const char *
parse_ip_text(const char *s, size_t len, struct carp_config_addr *out)
{
	char buf[ADDR_TEXT_MAX];

	if (len == 0 || len >= sizeof(buf))
		return "not an IPv4 or IPv6 address";
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (strchr(buf, ':')) {
		/* A zone ("%eth0") would tie the config to a kernel interface name: refused. */
		if (inet_pton(AF_INET6, buf, out->v6.b) != 1)
			return "not an IPv6 address";
		out->family = 6;
		out->prefixlen = 128;
	} else {
		struct in_addr in;

		/* inet_pton takes only four dotted decimals: no "10.1", no octal "010". */
		if (inet_pton(AF_INET, buf, &in) != 1)
			return "not an IPv4 address (four decimal numbers 0..255 with dots)";
		out->family = 4;
		out->prefixlen = 32;
		out->v4 = ntohl(in.s_addr);
	}
	return special(out);
}

const char *
cfg_parse_ip(const char *s, struct carp_config_addr *out)
{
	if (strchr(s, '/'))
		return "a VIP is a single address, without a prefix length";
	return parse_ip_text(s, strlen(s), out);
}

/* The length after the '/': 1..3 decimal digits without a leading zero. */
static bool
parse_len(const char *p, unsigned int *len)
{
	*len = 0;
	if (p[0] == '\0' || strlen(p) > 3 || (p[0] == '0' && p[1] != '\0'))
		return false;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		*len = *len * 10 + (unsigned int)(*p - '0');
	}
	return true;
}

const char *
cfg_parse_prefix(const char *s, struct carp_config_addr *out)
{
	const char *slash = strchr(s, '/'), *why;
	unsigned int len, max;

	if (slash == NULL)
		return "no prefix length: write ADDRESS/LENGTH, e.g. 10.0.0.2/24";
	why = parse_ip_text(s, (size_t)(slash - s), out);
	if (why)
		return why;
	max = out->family == 4 ? 32 : 128;
	if (!parse_len(slash + 1, &len))
		return "the prefix length is not a decimal number";
	/* A /0 would make every address of the family look directly connected. */
	if (len == 0 || len > max)
		return out->family == 4 ? "the prefix length must be 1..32 for IPv4"
					: "the prefix length must be 1..128 for IPv6";
	out->prefixlen = (uint8_t)len;
	return NULL;
}

const char *
cfg_parse_route_prefix(const char *s, struct carp_config_addr *out)
{
	const char *slash = strchr(s, '/');
	char buf[ADDR_TEXT_MAX];
	struct in_addr in;
	unsigned int len;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (slash == NULL)
		return "no prefix length: write NETWORK/LENGTH, e.g. 10.1.0.0/16 (0.0.0.0/0 for "
		       "the default route, ADDRESS/32 for one host; IPv6: 2001:db8::/32, ::/0)";
	if (strchr(s, ':')) {
		n = (size_t)(slash - s);
		if (n >= sizeof(buf))
			return "not an IPv6 address";
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (inet_pton(AF_INET6, buf, out->v6.b) != 1)
			return "not an IPv6 address";
		if (!parse_len(slash + 1, &len))
			return "the prefix length is not a decimal number";
		if (len > 128)
			return "the prefix length must be 0..128 for IPv6";
		out->family = 6;
		out->prefixlen = (uint8_t)len;
		return NULL;
	}
	n = (size_t)(slash - s);
	if (n >= sizeof(buf))
		return "not an IPv4 address (four decimal numbers 0..255 with dots)";
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		return "not an IPv4 address (four decimal numbers 0..255 with dots)";
	/* Unlike a port's subnet, /0 is meaningful here: the default route. */
	if (!parse_len(slash + 1, &len))
		return "the prefix length is not a decimal number";
	if (len > 32)
		return "the prefix length must be 0..32 for IPv4";
	out->family = 4;
	out->prefixlen = (uint8_t)len;
	out->v4 = ntohl(in.s_addr);
	return NULL;
}

bool
cfg_host_bits_set(const struct carp_config_addr *p)
{
	if (p->family == 4)
		return (p->v4 & ~mask4(p->prefixlen)) != 0;
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = p->prefixlen > i * 8 ? p->prefixlen - i * 8 : 0;
		uint8_t host = bits >= 8 ? 0 : (uint8_t)(0xff >> bits);

		if (p->v6.b[i] & host)
			return true;
	}
	return false;
}

/*
 * The forwarding plane drops every packet to these blocks (RFC 1812 §5.3.7, fwd_ipv4.c),
 * so a route into one of them could never be used: it is a typo, not a policy.
 */
static const char *
route_reserved6(const struct carp_config_addr *p)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t zero[15];

	if (p->prefixlen >= 8 && p->v6.b[0] == 0xff)
		return "ff00::/8 (multicast) is never forwarded: the forwarding plane routes "
		       "unicast only";
	if (p->prefixlen >= 10 && p->v6.b[0] == 0xfe && (p->v6.b[1] & 0xc0) == 0x80)
		return "fe80::/10 (link-local) is never forwarded: link-local addresses are "
		       "only valid on their own link";
	if (p->prefixlen >= 96 && memcmp(p->v6.b, mapped, sizeof(mapped)) == 0)
		return "::ffff:0:0/96 (IPv4-mapped) is never forwarded: route the IPv4 prefix";
	if (p->prefixlen == 128 && memcmp(p->v6.b, zero, sizeof(zero)) == 0 &&
	    p->v6.b[15] <= 1)
		return "::/128 and ::1/128 (unspecified, loopback) are never forwarded";
	return NULL;
}

const char *
cfg_route_reserved(const struct carp_config_addr *p)
{
	if (p->family == 6)
		return route_reserved6(p);
	if (p->prefixlen >= 8 && (p->v4 >> 24) == 0)
		return "0.0.0.0/8 ('this network') is never forwarded";
	if (p->prefixlen >= 8 && (p->v4 >> 24) == 127)
		return "127.0.0.0/8 (loopback) is never forwarded";
	if (p->prefixlen >= 4 && (p->v4 >> 28) == 0xe)
		return "224.0.0.0/4 (multicast) is never forwarded: the forwarding plane routes "
		       "unicast only";
	if (p->prefixlen >= 4 && (p->v4 >> 28) == 0xf)
		return "240.0.0.0/4 (reserved, and the limited broadcast) is never forwarded";
	return NULL;
}

const char *
cfg_parse_host(const char *s, struct carp_config_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (strchr(s, '/'))
		return "a single address, without a prefix length";
	return parse_ip_text(s, strlen(s), out);
}

static unsigned int
hex_digit(char c)
{
	return isdigit((unsigned char)c) ? (unsigned int)(c - '0')
					 : (unsigned int)(tolower((unsigned char)c) - 'a' + 10);
}

const char *
cfg_parse_mac(const char *s, uint8_t mac[6])
{
	static const uint8_t zero[6], bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	/* Exactly aa:bb:cc:dd:ee:ff: other spellings (aabb.ccdd.eeff, a:b:...) are not taken. */
	if (strlen(s) != 17)
		return "not a MAC address (six two-digit hex bytes separated by ':')";
	for (unsigned int i = 0; i < 6; i++) {
		const char *b = s + i * 3;

		if (!isxdigit((unsigned char)b[0]) || !isxdigit((unsigned char)b[1]) ||
		    (i < 5 && b[2] != ':'))
			return "not a MAC address (six two-digit hex bytes separated by ':')";
		mac[i] = (uint8_t)(hex_digit(b[0]) << 4 | hex_digit(b[1]));
	}
	/* A frame to these would reach every station, or none: never one neighbor. */
	if (memcmp(mac, zero, 6) == 0)
		return "the all-zero MAC, not a station's address";
	if (memcmp(mac, bcast, 6) == 0)
		return "the broadcast MAC, not a station's address";
	if (mac[0] & 1)
		return "a multicast MAC (the first byte is odd), not a station's address";
	return NULL;
}

static bool
prefix_match(const struct carp_config_addr *a, const struct carp_config_addr *b,
	     unsigned int len)
{
	unsigned int whole = len / 8, rest = len % 8;

	if (a->family != b->family)
		return false;
	if (a->family == 4)
		return ((a->v4 ^ b->v4) & mask4(len)) == 0;
	if (memcmp(a->v6.b, b->v6.b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a->v6.b[whole] ^ b->v6.b[whole]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool
cfg_prefix_contains(const struct carp_config_addr *p, const struct carp_config_addr *a)
{
	return prefix_match(p, a, p->prefixlen);
}

bool
cfg_prefix_overlaps(const struct carp_config_addr *a, const struct carp_config_addr *b)
{
	return prefix_match(a, b, a->prefixlen < b->prefixlen ? a->prefixlen : b->prefixlen);
}

bool
cfg_addr_equal(const struct carp_config_addr *a, const struct carp_config_addr *b)
{
	return prefix_match(a, b, a->family == 4 ? 32 : 128);
}

const char *
cfg_addr_reserved_in(const struct carp_config_addr *p, const struct carp_config_addr *a)
{
	uint32_t host;

	/* /31 (RFC 3021) and /32 have no network or broadcast address; IPv6 has neither. */
	if (p->family != 4 || a->family != 4 || p->prefixlen > 30)
		return NULL;
	host = a->v4 & ~mask4(p->prefixlen);
	if (host == 0)
		return "network";
	if (host == ~mask4(p->prefixlen))
		return "broadcast";
	return NULL;
}

const char *
cfg_addr_str(const struct carp_config_addr *a, char *buf, size_t cap)
{
	if (a->family == 4) {
		struct in_addr in = { .s_addr = htonl(a->v4) };

		inet_ntop(AF_INET, &in, buf, (socklen_t)cap);
	} else {
		inet_ntop(AF_INET6, a->v6.b, buf, (socklen_t)cap);
	}
	return buf;
}

const char *
cfg_subnet_str(const struct carp_config_addr *p, char *buf, size_t cap)
{
	struct carp_config_addr net = *p;
	char a[ADDR_TEXT_MAX];
	unsigned int len = p->prefixlen;

	if (p->family == 4) {
		net.v4 &= mask4(len);
	} else {
		for (unsigned int i = 0; i < 16; i++) {
			unsigned int bits = len > i * 8 ? len - i * 8 : 0;

			if (bits < 8)
				net.v6.b[i] &= (uint8_t)(0xff << (8 - bits));
		}
	}
	snprintf(buf, cap, "%s/%u", cfg_addr_str(&net, a, sizeof(a)), len);
	return buf;
}

/* [DDDD:]BB:DD.F in hex; written out in full so "03:00.0" and "0000:03:00.0" compare equal. */
static bool
parse_pci(const char *s, size_t len, char *name, size_t cap)
{
	unsigned int dom = 0, bus, dev, fn;
	int used = 0;
	char buf[32];

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)buf[i]) && buf[i] != ':' && buf[i] != '.')
			return false;
	if (len == 12) {
		if (sscanf(buf, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &used) != 4)
			return false;
	} else if (len == 7) {
		if (sscanf(buf, "%2x:%2x.%1x%n", &bus, &dev, &fn, &used) != 3)
			return false;
	} else {
		return false;
	}
	if ((size_t)used != len || dev > 0x1f || fn > 7)
		return false;
	snprintf(name, cap, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return true;
}

const char *
cfg_parse_device(const char *dev, char *name, size_t cap)
{
	size_t len = strcspn(dev, ",");

	for (const char *p = dev; *p; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return "the device argument contains spaces or control characters";
	if (len == 0)
		return "the device name before the first ',' is empty";
	if (dev[len] == ',' && dev[len + 1] == '\0')
		return "a ',' with no driver arguments after it";
	if (parse_pci(dev, len, name, cap))
		return NULL;
	/* The EAL finds a vdev's driver by the name's prefix: net_tap0 -> net_tap. */
	if ((strncmp(dev, "net_", 4) == 0 || strncmp(dev, "eth_", 4) == 0) && len > 4 &&
	    len < cap) {
		for (size_t i = 4; i < len; i++)
			if (!isalnum((unsigned char)dev[i]) && dev[i] != '_')
				return "a virtual device name has only letters, digits and '_'";
		memcpy(name, dev, len);
		name[len] = '\0';
		return NULL;
	}
	return "neither a PCI address nor a virtual device";
}
