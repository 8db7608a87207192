/* slurm-carbon: names of signals for messages.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "forecast/zone.h"

const char *sc_signal_name(enum sc_signal s)
{
	return s == SC_SIGNAL_MARGINAL ? "marginal" : "average";
}
