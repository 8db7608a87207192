/* slurm-carbon: names of providers and signals.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <strings.h>

#include "forecast/zone.h"

static const char *const provider_names[] = {
	[SC_PROV_FILE] = "file",
	[SC_PROV_STATIC] = "static",
	[SC_PROV_ELECTRICITYMAPS] = "electricitymaps",
	[SC_PROV_WATTTIME] = "watttime",
	[SC_PROV_UKCI] = "ukci",
	[SC_PROV_CASDK] = "casdk",
};

const char *sc_provider_name(enum sc_provider p)
{
	if ((unsigned)p < sizeof(provider_names) / sizeof(provider_names[0]))
		return provider_names[p];
	return "unknown";
}

int sc_provider_from_name(const char *s)
{
	for (unsigned i = 0; i < sizeof(provider_names) / sizeof(provider_names[0]); i++)
		if (s && strcasecmp(s, provider_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *sc_signal_name(enum sc_signal s)
{
	return s == SC_SIGNAL_MARGINAL ? "marginal" : "average";
}
