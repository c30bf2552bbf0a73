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

			if (v->iface >= c->n_ifaces || c->ifaces[v->iface].n_addrs == 0 ||
			    v->vhid == 0 || v->n_vip4 + v->n_vip6 == 0 ||
			    v->n_vip4 + v->n_vip6 > CARP_CONFIG_VIPS_MAX || v->advskew == 255 ||
			    (v->advbase == 0 && v->advskew == 0))
				abort();
		}
		if (c->n_ifaces < c->n_ports || c->n_ifaces > CARP_CONFIG_IFACES_MAX)
			abort();
		for (unsigned int i = 0; i < c->n_ifaces; i++) {
			const struct carp_config_iface *f = &c->ifaces[i];
			unsigned int n4 = 0;

			for (unsigned int a = 0; a < f->n_addrs; a++)
				n4 += f->addrs[a].family == 4;
			/* Only a trunk's untagged side may be unused; a VLAN has a valid id on a
			 * port, one of its kind there, within the port's MTU. */
			if ((f->n_addrs && n4 == 0) || n4 > CARP_CONFIG_PORT_ADDR4_MAX ||
			    f->port >= c->n_ports || f->mtu > c->ports[f->port].mtu)
				abort();
			if (i < c->n_ports && (f->vlan != 0 || f->port != i ||
					       (f->n_addrs == 0 && c->ports[i].n_vlans == 0)))
				abort();
			if (i >= c->n_ports && (f->vlan == 0 || f->vlan > 4094 || f->n_addrs == 0))
				abort();
			for (unsigned int j = c->n_ports; j < i; j++)
				if (c->ifaces[j].port == f->port && c->ifaces[j].vlan == f->vlan)
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
