/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_port.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_flow.h>

#include "carp_wire.h"

/* Kernel interface name from device arguments such as "net_tap0,iface=carp0". */
static void
ifname_from_devargs(const char *dev, char *out, size_t cap)
{
	const char *p = strstr(dev, "iface=");
	size_t n = 0;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += 6;
	while (p[n] && p[n] != ',' && n + 1 < cap)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

/*
 * The symmetric Toeplitz key: 0x6d5a repeated makes the hash of (a, b) equal that of
 * (b, a) for addresses and ports alike, so both directions of a flow reach the same worker
 * (S. Woo, K. Park, "Scalable TCP session monitoring with symmetric receive-side scaling",
 * 2012), which the stateful filter relies on. 52 bytes: the longest key of common NICs.
 */
static uint8_t symmetric_rss_key[52] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d,
	0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d,
	0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

/*
 * With several workers, ask for RSS over IP addresses and TCP/UDP ports with the symmetric
 * key; @return false when the device has no RSS (every frame then reaches queue 0).
 */
static bool
want_rss(struct rte_eth_conf *conf, const struct rte_eth_dev_info *info, uint16_t nb_queues)
{
	uint64_t hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) &
		      info->flow_type_rss_offloads;

	if (nb_queues < 3 || hf == 0)
		return false;
	conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf->rx_adv_conf.rss_conf.rss_key = symmetric_rss_key;
	conf->rx_adv_conf.rss_conf.rss_key_len =
		info->hash_key_size && info->hash_key_size <= sizeof(symmetric_rss_key)
			? info->hash_key_size : 40;
	conf->rx_adv_conf.rss_conf.rss_hf = hf;
	return true;
}

/*
 * RSS may only spread over the workers' queues: the last queue is the control lcore's.
 * @return true when the redirection table says so, false when the device keeps its own.
 */
static bool
rss_workers_only(uint16_t port_id, const struct rte_eth_dev_info *info, uint16_t workers)
{
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 / RTE_ETH_RETA_GROUP_SIZE];
	uint16_t size = info->reta_size;

	if (size == 0 || size > RTE_ETH_RSS_RETA_SIZE_512 || workers == 0)
		return false;
	memset(reta, 0, sizeof(reta));
	for (uint16_t i = 0; i < size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |= 1ull << (i % RTE_ETH_RETA_GROUP_SIZE);
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] = i % workers;
	}
	return rte_eth_dev_rss_reta_update(port_id, reta, size) == 0;
}

/* Steer IPv4 protocol 112 to the control queue; a rule the device refuses is no error. */
static bool
try_flow_steering(uint16_t port_id, uint16_t queue)
{
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item_ipv4 spec = { .hdr.next_proto_id = CARP_IPPROTO };
	struct rte_flow_item_ipv4 mask = { .hdr.next_proto_id = 0xff };
	struct rte_flow_item pattern[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH },
		{ .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = &spec, .mask = &mask },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action_queue q = { .index = queue };
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &q },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_error error;

	/* Validation alone is not enough: some PMDs validate rules they cannot create. */
	if (rte_flow_validate(port_id, &attr, pattern, actions, &error) != 0)
		return false;
	return rte_flow_create(port_id, &attr, pattern, actions, &error) != NULL;
}

/*
 * VLAN offloads on a port with VLANs, each where the device has it: strip (tags read from
 * the mbuf), insert (tags written by the device), filter (frames of other VLANs dropped
 * by the NIC). The data plane handles tags either way; the filter is only a first cut
 * before the software check that decides.
 */
static void
want_vlan_offloads(struct rte_eth_conf *conf, const struct rte_eth_dev_info *info,
		   const struct dp_port_needs *needs, struct dp_port_caps *caps)
{
	if (needs->n_vlans == 0)
		return;
	caps->vlan_strip = info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	caps->vlan_insert = info->tx_offload_capa & RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	caps->vlan_filter = info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	if (caps->vlan_strip)
		conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	if (caps->vlan_insert)
		conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	if (caps->vlan_filter)
		conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
}

/* Every VLAN in the NIC's filter, or the filter off again: never half a filter. */
static void
fill_vlan_filter(uint16_t port_id, const struct dp_port_needs *needs, struct dp_port_caps *caps)
{
	for (unsigned int i = 0; i < needs->n_vlans && caps->vlan_filter; i++)
		caps->vlan_filter = rte_eth_dev_vlan_filter(port_id, needs->vlans[i], 1) == 0;
	if (!caps->vlan_filter && needs->n_vlans) {
		int mask = rte_eth_dev_get_vlan_offload(port_id);

		if (mask >= 0 && (mask & RTE_ETH_VLAN_FILTER_OFFLOAD))
			rte_eth_dev_set_vlan_offload(port_id, mask & ~RTE_ETH_VLAN_FILTER_OFFLOAD);
	}
}

int
dp_port_setup(uint16_t port_id, const struct carp_config_port *cp, uint16_t nb_queues,
	      struct rte_mempool *mp, const struct dp_port_needs *needs,
	      struct dp_port_caps *caps, char *err, size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = cp->rx_desc, nb_txd = cp->tx_desc;
	bool rss;
	int rc;

	memset(caps, 0, sizeof(*caps));
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc) {
		snprintf(err, errlen, "port '%s': cannot read device info: %s", cp->name,
			 rte_strerror(-rc));
		return rc;
	}
	snprintf(caps->driver, sizeof(caps->driver), "%s", info.driver_name);
	if (info.max_rx_queues < nb_queues || info.max_tx_queues < nb_queues) {
		snprintf(err, errlen,
			 "port '%s' (%s): needs %u rx and tx queues (one per worker lcore plus the "
			 "control lcore) but the device has %u/%u; use fewer lcores (-l)%s",
			 cp->name, info.driver_name, nb_queues, info.max_rx_queues,
			 info.max_tx_queues,
			 strcmp(info.driver_name, "net_af_packet") == 0 ? " or set qpairs=" : "");
		return -EINVAL;
	}
	/* Only offloads the device has: fast free is safe, all our mbufs come from one pool. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	/* The NIC checks IPv4 header checksums where it can; the worker then skips its own. */
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	rss = want_rss(&conf, &info, nb_queues);
	want_vlan_offloads(&conf, &info, needs, caps);
	rc = rte_eth_dev_configure(port_id, nb_queues, nb_queues, &conf);
	if (rc) {
		snprintf(err, errlen, "port '%s': configuring %u queues refused: %s", cp->name,
			 nb_queues, rte_strerror(-rc));
		return rc;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rxd, &nb_txd);
	/* Best effort (the egress check uses the configured MTU whatever the device says),
	 * but never silent: the refusal is logged by the caller and shown in /carp/ports. */
	if (cp->mtu != RTE_ETHER_MTU) {
		rc = rte_eth_dev_set_mtu(port_id, cp->mtu);
		if (rc)
			snprintf(caps->mtu_set_error, sizeof(caps->mtu_set_error), "failed: %s",
				 rte_strerror(-rc));
	}
	for (uint16_t q = 0; q < nb_queues; q++) {
		rc = rte_eth_rx_queue_setup(port_id, q, nb_rxd, rte_eth_dev_socket_id(port_id),
					    NULL, mp);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(port_id, q, nb_txd,
						    rte_eth_dev_socket_id(port_id), NULL);
		if (rc) {
			snprintf(err, errlen, "port '%s': queue %u setup refused (%s); try smaller "
				 "rx_desc/tx_desc or more mbufs", cp->name, q, rte_strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(port_id);
	if (rc) {
		snprintf(err, errlen, "port '%s': start failed: %s", cp->name, rte_strerror(-rc));
		return rc;
	}

	caps->flow_steering = try_flow_steering(port_id, nb_queues - 1);
	if (strcmp(info.driver_name, "net_af_packet") == 0)
		/* The PMD joins its sockets in a PACKET_FANOUT_HASH group: the kernel's flow
		 * hash, symmetric in addresses and ports, over every queue, the control
		 * lcore's included, which then forwards its share with the same code. */
		snprintf(caps->spread, sizeof(caps->spread), "%s",
			 nb_queues > 2 ? "af_packet fanout hash (symmetric; control queue too)"
				       : "one worker");
	else if (rss)
		snprintf(caps->spread, sizeof(caps->spread), "%s",
			 rss_workers_only(port_id, &info, nb_queues - 1)
				 ? "rss symmetric, workers' queues only"
				 : "rss symmetric (device's table: control queue too)");
	else
		snprintf(caps->spread, sizeof(caps->spread), "%s",
			 nb_queues > 2 ? "none: the device has no RSS, queue 0 gets all"
				       : "one worker");
	fill_vlan_filter(port_id, needs, caps);
	caps->mac_filter = needs->n_vmacs > 0;
	for (unsigned int i = 0; i < needs->n_vmacs && caps->mac_filter; i++)
		caps->mac_filter = rte_eth_dev_mac_addr_add(port_id,
				(struct rte_ether_addr *)&needs->vmacs[i], 0) == 0;
	/* Adverts go to 224.0.0.18: without all-multicast we need promiscuous mode. */
	if (cp->promiscuous || !caps->mac_filter || rte_eth_allmulticast_enable(port_id) != 0) {
		rc = rte_eth_promiscuous_enable(port_id);
		if (rc) {
			snprintf(err, errlen, "port '%s': neither a vMAC filter nor promiscuous "
				 "mode works (%s): CARP cannot receive here", cp->name,
				 rte_strerror(-rc));
			return rc;
		}
		caps->promiscuous = true;
	}

	ifname_from_devargs(cp->device, caps->ifname, sizeof(caps->ifname));
	/* af_packet reports link up forever: the kernel interface knows better. */
	caps->link_from_kernel = caps->ifname[0] && strcmp(info.driver_name, "net_af_packet") == 0;
	return 0;
}

void
dp_port_teardown(uint16_t port_id)
{
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
}

static bool
kernel_running(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up = false;

	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	close(fd);
	return up;
}

bool
dp_port_link_up(uint16_t port_id, const struct dp_port_caps *caps)
{
	struct rte_eth_link link;

	if (caps->link_from_kernel)
		return kernel_running(caps->ifname);
	if (rte_eth_link_get_nowait(port_id, &link) != 0)
		return false;
	return link.link_status == RTE_ETH_LINK_UP;
}
