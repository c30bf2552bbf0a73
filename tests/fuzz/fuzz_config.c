/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the config loader on any text. A load either hands out a config that
 * passes the checks the node relies on, or none at all with at least one message, each
 * "NAME:LINE:COL: " or "NAME: " first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "carp_config.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct carp_config_errors errs = { 0 };
	struct carp_config *c = NULL;
	char *text;
	int rc;

	if (size > 64 * 1024)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = carp_config_load_string(text, "<fuzz>", &c, &errs);
	if (rc == 0) {
		if (c == NULL || errs.n != 0 || c->n_ports == 0 || c->n_vhids == 0)
			abort();
		for (unsigned int i = 0; i < c->n_vhids; i++) {
			const struct carp_config_vhid *v = &c->vhids[i];

			if (v->port >= c->n_ports || v->vhid == 0 || v->n_vip4 + v->n_vip6 == 0 ||
			    v->n_vip4 + v->n_vip6 > CARP_CONFIG_VIPS_MAX || v->advskew == 255 ||
			    (v->advbase == 0 && v->advskew == 0))
				abort();
		}
		for (unsigned int p = 0; p < c->n_ports; p++) {
			unsigned int n4 = 0;

			for (unsigned int a = 0; a < c->ports[p].n_addrs; a++)
				n4 += c->ports[p].addrs[a].family == 4;
			if (n4 == 0 || n4 > CARP_CONFIG_PORT_ADDR4_MAX)
				abort();
		}
	} else {
		if (c != NULL || (rc == -EINVAL && errs.n == 0))
			abort();
		for (unsigned int i = 0; i < errs.n; i++)
			if (strncmp(errs.v[i].text, "<fuzz>:", 7) != 0)
				abort();
	}
	carp_config_free(c);
	carp_config_errors_free(&errs);
	free(text);
	return 0;
}
