/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CARP_DP_PORT_H
#define CARP_DP_PORT_H

/**
 * @file
 * Port bring-up with capability probing. Every fallback is decided here, once, and
 * reported: rte_flow steering of protocol 112 -> software punt; vMAC filter
 * (rte_eth_dev_mac_addr_add) -> promiscuous mode (the software destination check runs in
 * any case); all-multicast -> promiscuous; VLAN strip, insert and filter offloads ->
 * tags read, written and checked in software; link from ethdev -> link from the kernel
 * interface for devices that always say up (af_packet).
 */

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#include "carp_config.h"

struct dp_port_caps {
	char driver[32];
	bool flow_steering;   /* protocol 112 steered to the control rx queue by rte_flow */
	bool mac_filter;      /* vMACs added to the NIC's filter */
	bool promiscuous;     /* promiscuous mode on (fallback or configured) */
	bool link_from_kernel;
	char ifname[IF_NAMESIZE]; /* kernel interface behind the port, "" if none */
	char mtu_set_error[48];   /* why the device refused the configured MTU, "" if it took it */
	char spread[64];          /* how flows are spread over the workers' queues */
	bool vlan_strip;          /* the device strips tags into the mbuf */
	bool vlan_insert;         /* the device inserts tags (RTE_MBUF_F_TX_VLAN) */
	bool vlan_filter;         /* the device drops frames of VLANs we do not have */
};

/** What a port carries: the vMACs to accept, the VLAN ids of its VLAN interfaces. */
struct dp_port_needs {
	const struct rte_ether_addr *vmacs;
	unsigned int n_vmacs;
	const uint16_t *vlans;
	unsigned int n_vlans;
};

/**
 * Configure, start and probe port @p port_id: @p nb_queues rx and tx queues (one per
 * worker plus the control lcore's, the last), descriptors and MTU from @p cp, filters
 * and offloads for @p needs.
 * @return 0, or a negative errno with what to change in @p err.
 */
int dp_port_setup(uint16_t port_id, const struct carp_config_port *cp, uint16_t nb_queues,
		  struct rte_mempool *mp, const struct dp_port_needs *needs,
		  struct dp_port_caps *caps, char *err, size_t errlen);

/** Stop and close the port. */
void dp_port_teardown(uint16_t port_id);

/**
 * Link state: from the kernel interface (IFF_RUNNING) where @p caps says so, else from
 * ethdev without waiting.
 */
bool dp_port_link_up(uint16_t port_id, const struct dp_port_caps *caps);

#endif
