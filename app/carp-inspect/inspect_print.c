/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carp_bytes.h"
#include "carp_cksum.h"
#include "inspect.h"

#define IPV4_HDR_MIN 20
#define IPV6_HDR_LEN 40



static const char *
mac_str(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static const char *
ip4_str(uint32_t host, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", host >> 24, (host >> 16) & 0xff, (host >> 8) & 0xff,
		 host & 0xff);
	return buf;
}

static const char *
ip6_str(const uint8_t b[16], char *buf, size_t len)
{
	if (inet_ntop(AF_INET6, b, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static void
hex_inline(FILE *out, const uint8_t *p, size_t len, const char *sep)
{
	for (size_t i = 0; i < len; i++)
		fprintf(out, "%s%02x", i ? sep : "", p[i]);
}

void
inspect_print_hex(FILE *out, const uint8_t *data, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		fprintf(out, "  0x%04zx: ", off);
		for (size_t i = off; i < len && i < off + 16; i++)
			fprintf(out, " %02x", data[i]);
		fputc('\n', out);
	}
}

/* Start of the IP header past one optional 802.1Q tag, or 0 when not captured. */
static size_t
l3_offset(const uint8_t *p, size_t len, uint16_t *type, bool *tagged)
{
	*tagged = false;
	if (len < CARP_ETHER_HDR_LEN)
		return 0;
	*type = carp_rd16(p + 12);
	if (*type != CARP_ETHERTYPE_VLAN)
		return CARP_ETHER_HDR_LEN;
	if (len < CARP_ETHER_HDR_LEN + CARP_VLAN_HDR_LEN)
		return 0;
	*tagged = true;
	*type = carp_rd16(p + 16);
	return CARP_ETHER_HDR_LEN + CARP_VLAN_HDR_LEN;
}

static void
print_title(FILE *out, const struct inspect_advert *a)
{
	const struct pcap_file_record *r = a->rec;
	time_t t = (time_t)r->ts_sec;
	char when[32] = "?";
	struct tm tm;

	if (gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(out, "frame %" PRIu64 "  %s", r->index, when);
	if (a->nsec_file)
		fprintf(out, ".%09u UTC", r->ts_nsec);
	else
		fprintf(out, ".%06u UTC", r->ts_nsec / 1000u);
	fprintf(out, "  %u bytes", r->caplen);
	if (r->caplen < r->origlen)
		fprintf(out, " of %u (cut by the capture's snaplen)", r->origlen);
	fputc('\n', out);
}

static const char *
dst_mac_note(const struct inspect_advert *a, const uint8_t *m)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (a->rec->eth_dst_synthesised)
		return memcmp(m, bcast, 6) == 0 ? "Linux cooked capture: broadcast" :
			"not recorded in a Linux cooked capture";
	if (memcmp(m, carp_mcast4_mac, 6) == 0)
		return "IPv4 multicast MAC of 224.0.0.18";
	if (memcmp(m, carp_mcast6_mac, 6) == 0)
		return "IPv6 multicast MAC of ff02::12";
	if (memcmp(m, bcast, 6) == 0)
		return "broadcast, as ucarp --nomcast sends";
	if (m[0] & 1)
		return "multicast";
	return "unicast: a unicast-peer advert";
}

/*
 * The source MAC tells who sent the advert: the BSDs use the VMAC 00:00:5e:00:01:VHID,
 * ucarp 00:00:5e:00:00:VHID (spec §1.4). Nobody filters on it, but a VHID in the MAC
 * that differs from the advert's points at a misconfiguration.
 */
static void
print_src_mac_note(FILE *out, const struct inspect_advert *a, const uint8_t *m, int vhid)
{
	static const uint8_t iana[4] = { 0x00, 0x00, 0x5e, 0x00 };
	static const uint8_t iana_mc[4] = { 0x01, 0x00, 0x5e, 0x00 };
	static const uint8_t zero[6];
	const char *what = NULL;

	if (memcmp(m, iana, 4) == 0 && m[4] == 0x01)
		what = "CARP virtual MAC 00:00:5e:00:01:VHID";
	else if (memcmp(m, iana, 4) == 0 && m[4] == 0x00)
		what = "ucarp source MAC 00:00:5e:00:00:VHID";
	else if (memcmp(m, iana, 4) == 0 && m[4] == 0x02)
		what = "VRRP IPv6 virtual MAC 00:00:5e:00:02:VRID";
	else if (memcmp(m, iana_mc, 4) == 0 && m[4] == 0x01)
		what = "OpenBSD 'balancing ip' multicast virtual MAC";
	if (what == NULL) {
		if (a->rec->eth_dst_synthesised && memcmp(m, zero, 6) == 0)
			fprintf(out, "  (not recorded in the Linux cooked capture)");
		else if (a->verdict == CARP_DROP_VRRP)
			fprintf(out, "  (not a virtual MAC)");
		else
			fprintf(out, "  (not a virtual MAC: a unicast-peer advert or a custom "
				"lladdr)");
		return;
	}
	fprintf(out, "  (%s, vhid %u", what, m[5]);
	if (vhid >= 0 && vhid != m[5])
		fprintf(out, "; the advert is for vhid %d", vhid);
	fputc(')', out);
}

static size_t
print_ether(FILE *out, const struct inspect_advert *a, uint16_t *type)
{
	const uint8_t *p = a->rec->data;
	size_t len = a->rec->caplen, l3;
	int vhid = a->hdr_valid ? a->h.vhid : inspect_advert_vhid(a);
	bool tagged;
	char mac[18];

	l3 = l3_offset(p, len, type, &tagged);
	if (l3 == 0) {
		fprintf(out, "  Ethernet: only %zu bytes captured\n", len);
		return 0;
	}
	fprintf(out, "  Ethernet [0..%zu]\n", l3 - 1);
	fprintf(out, "    dst MAC      %s  (%s)\n", mac_str(p, mac, sizeof(mac)),
		dst_mac_note(a, p));
	fprintf(out, "    src MAC      %s", mac_str(p + 6, mac, sizeof(mac)));
	print_src_mac_note(out, a, p + 6, vhid);
	fputc('\n', out);
	if (tagged)
		fprintf(out, "    802.1Q       vlan %u, priority %u\n", carp_rd16(p + 14) & 0x0fff,
			p[14] >> 5);
	fprintf(out, "    ethertype    0x%04x%s\n", *type,
		*type == CARP_ETHERTYPE_IPV4 ? " (IPv4)" :
		*type == CARP_ETHERTYPE_IPV6 ? " (IPv6)" : "");
	return l3;
}

static const char *
tos_note(uint8_t tos)
{
	switch (tos) {
	case 0x10:
		return " = IPTOS_LOWDELAY, as OpenBSD and ucarp send";
	case 0xe0:
		return " = CS7, FreeBSD's default (net.inet.carp.dscp 56)";
	case 0xc0:
		return " = CS6, as keepalived sends";
	default:
		return "";
	}
}

static void
print_ipv4(FILE *out, const uint8_t *ip, size_t avail, size_t off)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	uint16_t total, frag;
	uint8_t copy[60];
	char a4[16];

	if (avail < IPV4_HDR_MIN) {
		fprintf(out, "  IPv4: only %zu of %d header bytes captured\n", avail, IPV4_HDR_MIN);
		return;
	}
	total = carp_rd16(ip + 2);
	frag = carp_rd16(ip + 6);
	fprintf(out, "  IPv4 [%zu..%zu]\n", off, off + (ihl >= IPV4_HDR_MIN ? ihl : 20) - 1);
	fprintf(out, "    version/IHL  0x%02x (v%u, %zu bytes)%s\n", ip[0], ip[0] >> 4, ihl,
		ip[0] >> 4 != 4 || ihl < IPV4_HDR_MIN ? " MALFORMED" :
		ihl > IPV4_HDR_MIN ? " with options" : "");
	fprintf(out, "    TOS/DSCP     0x%02x (DSCP %u, ECN %u)%s\n", ip[1], ip[1] >> 2, ip[1] & 3,
		tos_note(ip[1]));
	fprintf(out, "    total len    %u", total);
	if (total > avail)
		fprintf(out, " (only %zu bytes captured)", avail);
	fprintf(out, "\n    id           0x%04x\n", carp_rd16(ip + 4));
	fprintf(out, "    flags/frag   0x%04x (%s%s%s", frag, frag & 0x4000 ? "DF" : "",
		frag & 0x4000 && frag & 0x2000 ? " " : "", frag & 0x2000 ? "MF" : "");
	if (frag & 0x1fff)
		fprintf(out, "%soffset %u", frag & 0x6000 ? " " : "", (frag & 0x1fff) * 8);
	else if (!(frag & 0x6000))
		fprintf(out, "no flags");
	fprintf(out, ")%s\n", frag & 0x3fff ? " FRAGMENT: adverts are never fragmented" : "");
	fprintf(out, "    TTL          %u%s\n", ip[8],
		ip[8] == CARP_TTL ? "" : " (must be 255: it crossed a router or was forged)");
	fprintf(out, "    protocol     %u%s\n", ip[9],
		ip[9] == CARP_IPPROTO ? " (CARP / VRRP)" : "");
	fprintf(out, "    hdr cksum    0x%04x", carp_rd16(ip + 10));
	if (ihl >= IPV4_HDR_MIN && ihl <= avail) {
		memcpy(copy, ip, ihl);
		copy[10] = copy[11] = 0;
		if (carp_cksum(ip, ihl) == 0)
			fprintf(out, " (ok)");
		else
			fprintf(out, " (BAD, expected 0x%04x)", carp_cksum(copy, ihl));
	}
	fprintf(out, "\n    src          %s\n", ip4_str(carp_rd32(ip + 12), a4, sizeof(a4)));
	fprintf(out, "    dst          %s%s\n", ip4_str(carp_rd32(ip + 16), a4, sizeof(a4)),
		carp_rd32(ip + 16) == CARP_MCAST4 ? " (CARP / VRRP group)" :
		(carp_rd32(ip + 16) >> 28) == 0xe ? " (multicast)" : " (unicast peer)");
}

static void
print_ipv6(FILE *out, const struct inspect_advert *a, const uint8_t *ip, size_t avail,
	   size_t off)
{
	uint8_t tclass = (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
	char a6[INET6_ADDRSTRLEN];

	if (avail < IPV6_HDR_LEN) {
		fprintf(out, "  IPv6: only %zu of %d header bytes captured\n", avail, IPV6_HDR_LEN);
		return;
	}
	fprintf(out, "  IPv6 [%zu..%zu]\n", off, off + IPV6_HDR_LEN - 1);
	fprintf(out, "    version      %u%s\n", ip[0] >> 4, ip[0] >> 4 == 6 ? "" : " MALFORMED");
	fprintf(out, "    traffic cls  0x%02x (DSCP %u, ECN %u)%s\n", tclass, tclass >> 2,
		tclass & 3, tclass == 0 ? " = OpenBSD's" : tos_note(tclass));
	fprintf(out, "    flow label   0x%05x\n", carp_rd32(ip) & 0xfffff);
	fprintf(out, "    payload len  %u", carp_rd16(ip + 4));
	if (IPV6_HDR_LEN + (size_t)carp_rd16(ip + 4) > avail)
		fprintf(out, " (only %zu bytes captured)", avail - IPV6_HDR_LEN);
	fprintf(out, "\n    next header  %u%s\n", ip[6],
		ip[6] == CARP_IPPROTO ? " (CARP / VRRP)" : " (extension header)");
	if (a->parsed && a->f.carp != ip + IPV6_HDR_LEN)
		fprintf(out, "    ext headers  %zu bytes\n",
			(size_t)(a->f.carp - ip) - IPV6_HDR_LEN);
	fprintf(out, "    hop limit    %u%s\n", ip[7],
		ip[7] == CARP_TTL ? "" : " (must be 255: it crossed a router or was forged)");
	fprintf(out, "    src          %s\n", ip6_str(ip + 8, a6, sizeof(a6)));
	fprintf(out, "    dst          %s%s\n", ip6_str(ip + 24, a6, sizeof(a6)),
		memcmp(ip + 24, carp_mcast6.b, 16) == 0 ? " (CARP / VRRP group)" :
		ip[24] == 0xff ? " (multicast)" : " (unicast peer)");
}

static const char *
vrrp_auth_name(uint8_t t)
{
	switch (t) {
	case 0:
		return "none";
	case 1:
		return "simple text password";
	case 2:
		return "IP AH";
	default:
		return "unknown";
	}
}

/* keepalived and friends: say what the packet is, so the operator can find its sender. */
static void
print_vrrp(FILE *out, const struct inspect_advert *a, size_t o)
{
	const uint8_t *p = a->f.carp;
	size_t len = a->f.carp_len, at = 8;
	unsigned int ver = p[0] >> 4;
	size_t alen = a->f.family == 6 && ver == 3 ? 16 : 4;
	char addr[INET6_ADDRSTRLEN];

	fprintf(out, "  VRRPv%u, not CARP [%zu..%zu] (%zu bytes; CARP is 36)\n", ver, o,
		o + len - 1, len);
	fprintf(out, "    version/type 0x%02x  version %u, type %u%s\n", p[0], ver, p[0] & 0xf,
		(p[0] & 0xf) == 1 ? " (advertisement)" : "");
	fprintf(out, "    vrid         %u\n", p[1]);
	fprintf(out, "    priority     %u\n", p[2]);
	fprintf(out, "    count        %u address%s\n", p[3], p[3] == 1 ? "" : "es");
	if (ver == 2) {
		fprintf(out, "    auth type    %u (%s)\n", p[4], vrrp_auth_name(p[4]));
		fprintf(out, "    advert int   %u s\n", p[5]);
	} else {
		unsigned int cs = (unsigned int)(p[4] & 0x0f) << 8 | p[5];

		fprintf(out, "    max adv int  %u cs (%u.%02u s)\n", cs, cs / 100, cs % 100);
	}
	fprintf(out, "    checksum     0x%04x\n", carp_rd16(p + 6));
	for (unsigned int i = 0; i < p[3] && at + alen <= len; i++, at += alen) {
		if (alen == 4)
			ip4_str(carp_rd32(p + at), addr, sizeof(addr));
		else
			ip6_str(p + at, addr, sizeof(addr));
		fprintf(out, "    address      %s\n", addr);
	}
}

static void
print_interval_us(FILE *out, uint64_t us)
{
	fprintf(out, "%" PRIu64 ".%06" PRIu64 " s", us / 1000000, us % 1000000);
}

/*
 * Timers as spec §5.1 gives them, in integer microseconds like the BSDs. The master-down
 * interval differs between implementations; show ours and OpenBSD's when they differ.
 */
static void
print_intervals(FILE *out, const struct carp_hdr *h)
{
	uint64_t skew_us = (uint64_t)h->advskew * 1000000 / 256;
	uint64_t ad_us = (uint64_t)h->advbase * 1000000 + skew_us;
	uint64_t md_us, md_ob_us;

	if (ad_us == 0)
		ad_us = 1000000 / 256; /* advbase = advskew = 0: OpenBSD's 1/256 s */
	md_ob_us = 3 * ad_us;
	md_us = h->advbase ? (uint64_t)h->advbase * 3000000 + skew_us : md_ob_us;
	fprintf(out, "    advert interval  ");
	print_interval_us(out, ad_us);
	fprintf(out, " = advbase + advskew/256\n    master-down      ");
	print_interval_us(out, md_us);
	fprintf(out, " = 3 x advbase + advskew/256 (FreeBSD, ucarp, carp-dpdk)\n");
	if (md_us != md_ob_us) {
		fprintf(out, "                     ");
		print_interval_us(out, md_ob_us);
		fprintf(out, " = 3 x (advbase + advskew/256) (OpenBSD since 2015)\n");
	}
	if (h->advbase == CARP_BOWOUT && h->advskew == CARP_BOWOUT)
		fprintf(out, "    note         advbase 255 / advskew 255: OpenBSD bow-out, the "
			"master is leaving\n");
}

static uint16_t
carp_cksum_expected(const uint8_t *p)
{
	uint8_t copy[CARP_HDR_LEN];

	memcpy(copy, p, sizeof(copy));
	copy[6] = copy[7] = 0;
	return carp_cksum(copy, sizeof(copy));
}

static void
print_carp(FILE *out, const struct inspect_advert *a, size_t o)
{
	const struct carp_hdr *h = &a->h;
	const uint8_t *p = a->f.carp;
	size_t extra = a->f.carp_len - CARP_HDR_LEN;

	fprintf(out, "  CARP [%zu..%zu] (36 bytes", o, o + CARP_HDR_LEN - 1);
	if (extra)
		fprintf(out, " + %zu trailing bytes, ignored as the BSDs do", extra);
	fprintf(out, ")\n    version/type 0x%02x  version %u, type %u (%s)\n", p[0], h->version,
		h->type, h->type == CARP_TYPE_ADVERTISEMENT ? "advertisement" :
		"unknown; receivers do not check it");
	fprintf(out, "    vhid         %u\n", h->vhid);
	fprintf(out, "    advskew      %u\n", h->advskew);
	fprintf(out, "    authlen      %u (%s)\n", h->authlen, h->authlen == CARP_AUTHLEN ?
		"32-bit words: 8-byte counter + 20-byte md" : "not 7; receivers do not check it");
	fprintf(out, "    demote       %u%s\n", h->demote,
		h->demote ? " (OpenBSD: the sender is demoted)" : "");
	fprintf(out, "    advbase      %u s\n", h->advbase);
	fprintf(out, "    cksum        0x%04x", h->cksum);
	if (carp_hdr_cksum_ok(p))
		fprintf(out, " (ok)\n");
	else
		fprintf(out, " (BAD, expected 0x%04x)\n", carp_cksum_expected(p));
	fprintf(out, "    counter      0x%016" PRIx64 " (%" PRIu64 ")\n", h->counter, h->counter);
	fprintf(out, "    md           ");
	hex_inline(out, h->md, CARP_MD_LEN, "");
	fputc('\n', out);
	print_intervals(out, h);
}

static void
print_payload(FILE *out, const struct inspect_advert *a)
{
	size_t o = (size_t)(a->f.carp - a->rec->data);

	if (a->verdict == CARP_DROP_VRRP) {
		print_vrrp(out, a, o);
	} else if (a->hdr_valid) {
		print_carp(out, a, o);
	} else {
		fprintf(out, "  CARP [%zu..] (%zu bytes; the header needs 36)\n    bytes        ",
			o, a->f.carp_len);
		hex_inline(out, a->f.carp, a->f.carp_len, " ");
		fputc('\n', out);
	}
}

void
inspect_print_advert(FILE *out, const struct inspect_advert *a, bool hex)
{
	const uint8_t *p = a->rec->data;
	size_t len = a->rec->caplen, l3;
	uint16_t type = 0;

	print_title(out, a);
	if (hex)
		inspect_print_hex(out, p, len);
	l3 = print_ether(out, a, &type);
	if (l3 == 0)
		return;
	if (type == CARP_ETHERTYPE_IPV4)
		print_ipv4(out, p + l3, len - l3, l3);
	else if (type == CARP_ETHERTYPE_IPV6)
		print_ipv6(out, a, p + l3, len - l3, l3);
	if (a->parsed)
		print_payload(out, a);
	else
		fprintf(out, "  payload      not decoded: the IP packet is incomplete or "
			"malformed\n");
}

static void
print_verdict_line(FILE *out, const struct inspect_advert *a)
{
	if (a->verdict == CARP_DROP_NONE)
		fprintf(out, "verdict: OK\n");
	else
		fprintf(out, "verdict: FAIL (%s: %s)\n", carp_drop_name(a->verdict),
			carp_drop_explain(a->verdict));
}

/* What the reason name alone does not say: the values that failed. */
static void
print_verdict_detail(FILE *out, const struct inspect_advert *a)
{
	const struct pcap_file_record *r = a->rec;

	switch (a->verdict) {
	case CARP_DROP_BADTTL:
		fprintf(out, "  detail: %s %u, receivers require 255\n",
			a->f.family == 6 ? "hop limit" : "TTL", a->f.ttl);
		break;
	case CARP_DROP_BADSUM:
		fprintf(out, "  detail: checksum 0x%04x, expected 0x%04x\n", a->h.cksum,
			carp_cksum_expected(a->f.carp));
		break;
	case CARP_DROP_BADVER:
		fprintf(out, "  detail: version %u\n", a->h.version);
		break;
	case CARP_DROP_BADLEN:
		if (r->caplen < r->origlen)
			fprintf(out, "  detail: the capture kept %u of %u bytes (snaplen); capture "
				"again with 'tcpdump -s 0'\n", r->caplen, r->origlen);
		else if (a->parsed)
			fprintf(out, "  detail: %zu bytes of CARP payload, the header needs 36\n",
				a->f.carp_len);
		else
			fprintf(out, "  detail: the IP header announces more bytes than the frame "
				"holds\n");
		break;
	case CARP_DROP_VRRP:
		fprintf(out, "  detail: VRRPv%u vrid %u shares protocol 112 and 224.0.0.18 with "
			"CARP; never reuse a VRID as a CARP vhid on one segment\n",
			a->f.carp[0] >> 4, a->f.carp[1]);
		break;
	default:
		break;
	}
}

void
inspect_print_verdict(FILE *out, struct inspect_check *c, const struct inspect_advert *a)
{
	int m;

	if (!c->cfg->have_key && a->hdr_valid) {
		fprintf(out, "  HMAC         not checked (no --pass or --pass-file)\n");
	} else if (a->hdr_valid && a->verdict == CARP_DROP_NONE) {
		fprintf(out, "  HMAC         ok (matches the passphrase, vhid and VIP list)\n");
	} else if (a->hdr_valid && a->verdict != CARP_DROP_BADAUTH) {
		m = inspect_check_hmac_matches(c, a);
		if (m >= 0)
			fprintf(out, "  HMAC         %s (not part of the verdict: an earlier check "
				"failed)\n", m ? "would match" : "would not match");
	}
	fprintf(out, "  ");
	print_verdict_line(out, a);
	print_verdict_detail(out, a);
}

static void
addr_pair(const struct inspect_advert *a, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	if (a->parsed && a->f.family == 4)
		snprintf(buf, len, "%s > %s", ip4_str(a->f.src4, s, sizeof(s)),
			 ip4_str(a->f.dst4, d, sizeof(d)));
	else if (a->parsed)
		snprintf(buf, len, "%s > %s", ip6_str(a->f.src6.b, s, sizeof(s)),
			 ip6_str(a->f.dst6.b, d, sizeof(d)));
	else
		snprintf(buf, len, "(damaged IP header)");
}

void
inspect_print_quiet(FILE *out, const struct inspect_advert *a)
{
	char addrs[2 * INET6_ADDRSTRLEN + 4];

	addr_pair(a, addrs, sizeof(addrs));
	fprintf(out, "frame %" PRIu64 ": %s", a->rec->index, addrs);
	if (a->hdr_valid)
		fprintf(out, " vhid %u advbase %u advskew %u", a->h.vhid, a->h.advbase,
			a->h.advskew);
	fprintf(out, ": ");
	print_verdict_line(out, a);
}

static int
cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* IPv4 VIPs hashed: the distinct values, which carp_hmac_message puts first. */
static size_t
distinct_v4(const struct inspect_cfg *cfg)
{
	uint32_t v[INSPECT_VIPS_MAX];
	size_t n = 0;

	memcpy(v, cfg->v4, cfg->n4 * sizeof(v[0]));
	qsort(v, cfg->n4, sizeof(v[0]), cmp_u32);
	for (size_t i = 0; i < cfg->n4; i++)
		if (i == 0 || v[i] != v[i - 1])
			n++;
	return n;
}

/* Lay M out field by field so the operator can compare it with the peer's config. */
static void
print_message(FILE *out, const char *title, const uint8_t *m, size_t len, size_t n4)
{
	char addr[INET6_ADDRSTRLEN];
	size_t at = 3;

	fprintf(out, "    %s (%zu bytes, the counter follows):\n", title, len);
	for (size_t off = 0; off < len; off += 16) {
		fprintf(out, "      ");
		hex_inline(out, m + off, len - off < 16 ? len - off : 16, " ");
		fputc('\n', out);
	}
	fprintf(out, "      = version 2, type 1, vhid %u", m[2]);
	for (size_t i = 0; i < n4 && at + 4 <= len; i++, at += 4)
		fprintf(out, ", %s", ip4_str(carp_rd32(m + at), addr, sizeof(addr)));
	for (; at + 16 <= len; at += 16)
		fprintf(out, ", %s", ip6_str(m + at, addr, sizeof(addr)));
	if (len == 3)
		fprintf(out, ", no VIPs");
	fputc('\n', out);
}

void
inspect_print_hmac_detail(FILE *out, const struct inspect_cfg *cfg,
			  const struct inspect_advert *a, const struct inspect_hmac_detail *d)
{
	uint8_t ctr[CARP_COUNTER_LEN];
	size_t n4 = distinct_v4(cfg);

	carp_counter_to_wire(a->h.counter, ctr);
	fprintf(out, "  HMAC-SHA1(key, M || counter), key = the %zu-byte passphrase zero-padded "
		"to 20 bytes\n", cfg->pass_len);
	print_message(out, "M", d->msg, d->msg_len, n4);
	fprintf(out, "    counter      ");
	hex_inline(out, ctr, sizeof(ctr), " ");
	fprintf(out, "\n    expected md  ");
	hex_inline(out, d->expected, CARP_MD_LEN, "");
	fprintf(out, "\n");
	if (d->have_ll) {
		print_message(out, "M with the link-local VIPs (OpenBSD's second context)",
			      d->msg_ll, d->msg_ll_len, n4);
		fprintf(out, "    expected md  ");
		hex_inline(out, d->expected_ll, CARP_MD_LEN, "");
		fprintf(out, "\n");
	}
	fprintf(out, "    received md  ");
	hex_inline(out, a->h.md, CARP_MD_LEN, "");
	fprintf(out, "\n    hint: both sides need the same passphrase (first 19 bytes), the same "
		"vhid\n          and the full VIP list of the vhid (both families)\n");
}
