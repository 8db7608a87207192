/* slurm-carbon: names of providers and signals for messages.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "forecast/provider.h"
#include "forecast/zone.h"

const char *sc_provider_name(const struct sc_provider_ops *p)
{
	return p ? p->name : "unknown";
}

const char *sc_signal_name(enum sc_signal s)
{
	return s == SC_SIGNAL_MARGINAL ? "marginal" : "average";
}
