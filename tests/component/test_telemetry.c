/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Component test of the node's telemetry through DPDK's own telemetry socket: with 1000
 * VHIDs every VHID is shown (the pages add up, none is cut by the socket's buffer), a
 * VHID's 64 VIPs are all there, and once the node is detached at shutdown no command
 * reads its memory.
 */
#include "../unit/test_util.h"
#include "eal_test.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "ctl.h"

#define PORTS 4
#define VHIDS_PER_PORT 250

static char prefix[64];
static struct carp_config *cfg;
static struct dp_shared *sh;
static struct ctl_node *node;
static struct dp_lcore *ctl_lc;

static char *
make_config(void)
{
	size_t cap = 1 << 20, len = 0;
	char *t = malloc(cap);

	assert_non_null(t);
	len += (size_t)snprintf(t + len, cap - len, "ports:\n");
	for (int p = 0; p < PORTS; p++)
		len += (size_t)snprintf(t + len, cap - len,
					"  - name: p-%d\n    device: net_null%d\n"
					"    addresses: [10.%d.0.2/16, \"2001:db8:%d::2/64\"]\n",
					p, p, p, p);
	len += (size_t)snprintf(t + len, cap - len, "vhids:\n");
	for (int p = 0; p < PORTS; p++)
		for (int v = 1; v <= VHIDS_PER_PORT; v++) {
			len += (size_t)snprintf(t + len, cap - len,
						"  - {vhid: %d, port: p-%d, passphrase: x, vips: [", v, p);
			if (p == 0 && v == 1) { /* one VHID with 64 VIPs: 32 of each family */
				for (int k = 0; k < 32; k++)
					len += (size_t)snprintf(t + len, cap - len,
								"10.0.1.%d, \"2001:db8:0::1:%x\"%s",
								k + 1, k + 1, k < 31 ? ", " : "");
			} else {
				len += (size_t)snprintf(t + len, cap - len, "10.%d.%d.%d", p, 2 + v / 250,
							v % 250 + 1);
			}
			len += (size_t)snprintf(t + len, cap - len, "]}\n");
		}
	return t;
}

static int
setup(void **state)
{
	struct carp_config_errors errs = { 0 };
	char *text = make_config();
	struct rte_mempool *mp;

	(void)state;
	if (carp_config_load_string(text, "<telemetry test>", &cfg, &errs) != 0) {
		carp_config_errors_print(&errs, stderr);
		fail();
	}
	free(text);
	sh = calloc(1, sizeof(*sh));
	node = calloc(1, sizeof(*node));
	ctl_lc = calloc(1, sizeof(*ctl_lc));
	mp = rte_pktmbuf_pool_create("t_mbufs", 511, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	assert_non_null(sh);
	assert_non_null(node);
	assert_non_null(mp);
	for (int p = 0; p < PORTS; p++) {
		for (int v = 0; v < 256; v++)
			sh->iface[p].vhid_idx[v] = DP_NO_VHID;
		node->port[p].cfg = &cfg->ports[p];
		node->iface[p].cfg = &cfg->ifaces[p];
	}
	sh->n_ports = node->n_ports = PORTS;
	sh->n_ifaces = node->n_ifaces = PORTS;
	assert_int_equal(ctl_node_init(node, cfg, sh, mp), 0);
	assert_int_equal(dp_lcore_init(ctl_lc, sh, 0, 16), 0);
	node->ctl_lc = ctl_lc;
	assert_int_equal(ctl_pub_init(&node->pub, ctl_lc, NULL, 0), 0);
	ctl_telemetry_snapshot(node, ctl_now_ns(), true);
	assert_int_equal(ctl_telemetry_register(node), 0);
	return 0;
}

/* One telemetry request on the EAL's socket; the reply in @p out (NUL-terminated). */
static size_t
ask(const char *cmd, char *out, size_t cap, size_t *max_len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	char info[2048];
	ssize_t n;
	const char *m;

	assert_true(fd >= 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/var/run/dpdk/%s/dpdk_telemetry.v2",
		 prefix + strlen("--file-prefix="));
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	n = recv(fd, info, sizeof(info) - 1, 0);
	assert_true(n > 0);
	info[n] = '\0';
	m = strstr(info, "\"max_output_len\":");
	*max_len = m ? strtoul(m + 17, NULL, 10) : 16384;
	assert_true(send(fd, cmd, strlen(cmd), 0) == (ssize_t)strlen(cmd));
	n = recv(fd, out, cap - 1, 0);
	close(fd);
	assert_true(n > 0);
	out[n] = '\0';
	return (size_t)n;
}

static unsigned int
count(const char *hay, const char *needle)
{
	unsigned int c = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		c++;
	return c;
}

/* Follow @p cmd's pages; the entries holding @p field, counted over all pages. */
static unsigned int
entries_over_pages(const char *cmd, const char *field, unsigned int *pages)
{
	static char reply[1 << 17];
	unsigned long next = 0;
	unsigned int total = 0;

	*pages = 0;
	for (;;) {
		char req[64];
		size_t max_len, len;
		const char *nx;

		snprintf(req, sizeof(req), "%s,%lu", cmd, next);
		len = ask(req, reply, sizeof(reply), &max_len);
		/* A whole JSON reply that fits the socket's buffer: nothing was cut. */
		assert_true(len < max_len);
		assert_true(reply[len - 1] == '}' && reply[len - 2] == '}');
		assert_non_null(strstr(reply, "\"_total\":"));
		total += count(reply, field);
		(*pages)++;
		nx = strstr(reply, "\"_next\":");
		if (nx == NULL)
			return total;
		assert_true(strtoul(nx + 8, NULL, 10) > next);
		next = strtoul(nx + 8, NULL, 10);
		assert_true(*pages < 1000);
	}
}

static void
test_status_shows_every_vhid_over_pages(void **state)
{
	unsigned int pages;

	(void)state;
	assert_int_equal(entries_over_pages("/carp/status", "\"state\":", &pages),
			 PORTS * VHIDS_PER_PORT);
	assert_true(pages > 1);
}

static void
test_stats_shows_every_vhid_and_port_over_pages(void **state)
{
	unsigned int pages;

	(void)state;
	/* Every entry has a badauth counter: the VHIDs and the ports. */
	assert_int_equal(entries_over_pages("/carp/stats", "\"badauth\":", &pages),
			 PORTS * VHIDS_PER_PORT + PORTS);
	assert_true(pages > 1);
}

static void
test_every_vip_is_listed(void **state)
{
	static char reply[1 << 17];
	size_t max_len;

	(void)state;
	ask("/carp/status,0", reply, sizeof(reply), &max_len);
	/* p-0/1 holds 64 VIPs: all of them, the last IPv6 one included. */
	assert_non_null(strstr(reply, "\"p_0/1\":"));
	assert_non_null(strstr(reply, "\"10.0.1.32\""));
	assert_non_null(strstr(reply, "\"2001:db8::1:20\""));
	assert_int_equal(count(reply, "\"2001:db8::1:"), 32);
}

static void
test_last_master_heard_does_not_overflow_after_25_days(void **state)
{
	static char reply[1 << 17];
	const uint64_t days30 = 30ull * 86400 * 1000000000;
	size_t max_len;

	(void)state;
	/* As an int of milliseconds, 30 days (2 592 000 000 ms) came out negative. */
	node->snap[0].master_heard = true;
	node->snap[0].master_heard_ns = ctl_now_ns() - days30;
	ask("/carp/status,0", reply, sizeof(reply), &max_len);
	assert_non_null(strstr(reply, "\"last_master_heard_ms\":2592000"));
	node->snap[0].master_heard = false;
}

static void
test_a_bad_page_number_is_an_error_not_a_crash(void **state)
{
	static char reply[4096];
	size_t max_len;

	(void)state;
	ask("/carp/status,abc", reply, sizeof(reply), &max_len);
	assert_non_null(strstr(reply, "\"error\":"));
	ask("/carp/status,99999", reply, sizeof(reply), &max_len);
	assert_non_null(strstr(reply, "\"_total\":1000"));
	assert_null(strstr(reply, "\"state\":"));
}

static void
test_no_command_reads_the_node_after_detach(void **state)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	static char reply[4096];
	size_t max_len;

	(void)state;
	assert_non_null(d);
	ctl_telemetry_detach();
	/* What shutdown does next: free the node. Poisoned as well, so that a command that
	 * still read it would crash in any build, not only under ASan. */
	ctl_pub_free(&node->pub);
	ctl_node_free(node);
	memset(node, 0xff, sizeof(*node));
	assert_int_equal(ctl_telemetry_call("/carp/status", "", d), 0);
	assert_int_equal(ctl_telemetry_call("/carp/lcores", "", d), 0);
	ask("/carp/stats", reply, sizeof(reply), &max_len);
	assert_non_null(strstr(reply, "stopping"));
	rte_tel_data_free(d);
	free(node);
	dp_lcore_free(ctl_lc);
	free(ctl_lc);
	free(sh);
	carp_config_free(cfg);
}

int
main(int argc, char **argv)
{
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "-m", "128", "--no-pci",
			"--log-level", "error", prefix, NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_shows_every_vhid_over_pages),
		cmocka_unit_test(test_stats_shows_every_vhid_and_port_over_pages),
		cmocka_unit_test(test_every_vip_is_listed),
		cmocka_unit_test(test_last_master_heard_does_not_overflow_after_25_days),
		cmocka_unit_test(test_a_bad_page_number_is_an_error_not_a_crash),
		cmocka_unit_test(test_no_command_reads_the_node_after_detach),
	};
	int rc;

	(void)argc;
	if (geteuid() != 0) {
		printf("1..0 # SKIP the EAL's telemetry socket needs /var/run/dpdk (root)\n");
		return 0;
	}
	snprintf(prefix, sizeof(prefix), "--file-prefix=teltest%d", (int)getpid());
	if (rte_eal_init(10, eal) < 0) {
		fprintf(stderr, "EAL did not start\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("telemetry", tests, setup, NULL);
	eal_test_cleanup();
	return rc;
}
