/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore: poll its rx queue on every port, handle the burst, flush replies,
 * apply state messages between bursts. In adaptive idle mode it sleeps after a run of
 * empty polls, doubling the nap up to a ceiling, so several nodes can share two cores.
 * With a filter it is a reader of the state table: quiescent once per loop, offline while
 * it naps, so a removed state is reclaimed without waiting for it.
 */
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "dp.h"
#include "dp_filter.h"

#define IDLE_POLLS_BEFORE_SLEEP 64
#define IDLE_SLEEP_MIN_US 10
#define IDLE_SLEEP_MAX_US 500 /* bounds added latency; adverts are >= 3.9 ms apart */

volatile bool dp_stop;

int
dp_worker_main(void *arg)
{
	struct dp_lcore *lc = arg;
	unsigned int idle_polls = 0, nap_us = IDLE_SLEEP_MIN_US;
	struct rte_rcu_qsbr *rcu = NULL;
	unsigned int reader = 0;

	if (lc->flt && lc->flt->reader >= 0) {
		rcu = flt_table_rcu(lc->sh->filter->table);
		reader = (unsigned int)lc->flt->reader;
		rte_rcu_qsbr_thread_online(rcu, reader);
	}
	while (!dp_stop) {
		unsigned int got;

		if (rcu)
			flt_table_quiescent(rcu, reader); /* no state held from the last loop */
		got = dp_apply_msgs(lc);

		for (uint16_t p = 0; p < lc->sh->n_ports; p++) {
			struct rte_mbuf *pkts[DP_BURST];
			uint16_t n = rte_eth_rx_burst(lc->sh->port[p].port_id, lc->queue, pkts,
						      DP_BURST);

			if (n) {
				dp_rx_burst(lc, p, pkts, n);
				got += n;
			}
		}
		dp_tx_flush(lc);
		dp_filter_between_bursts(lc);
		if (!lc->adaptive_idle)
			continue;
		if (got) {
			idle_polls = 0;
			nap_us = IDLE_SLEEP_MIN_US;
		} else if (++idle_polls > IDLE_POLLS_BEFORE_SLEEP) {
			if (rcu)
				rte_rcu_qsbr_thread_offline(rcu, reader);
			rte_delay_us_sleep(nap_us);
			if (rcu)
				rte_rcu_qsbr_thread_online(rcu, reader);
			if (nap_us < IDLE_SLEEP_MAX_US)
				nap_us *= 2;
		}
	}
	if (rcu)
		rte_rcu_qsbr_thread_offline(rcu, reader);
	return 0;
}
