/* slurm-carbon: the UK Carbon Intensity API's parser and slot arithmetic
 * (forecast/provider_ukci.c), for the tests; the rest of the project
 * reaches the provider through the table of forecast/provider.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SC_FORECAST_PROVIDER_UKCI_H
#define SC_FORECAST_PROVIDER_UKCI_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/series.h"
#include "base/error.h"

/* UK Carbon Intensity answers: national `/intensity/...` ({"data":[slot]})
 * and regional `/regional/intensity/.../regionid/N` in the live object form
 * ({"data":{"regionid",...,"data":[slot]}}) and the documented array form
 * ({"data":[{"regionid",...,"data":[slot]}]}); a slot is {"from","to",
 * "intensity":{"forecast","actual","index"}}. A point's time is its slot's
 * "from" (a slot's value holds over [from, to)); slots must be contiguous
 * or increasing, each with to > from. field picks "forecast" or "actual"
 * (regional slots have no actual: then every slot counts as null).
 * buf is borrowed; the series is the caller's; NULL with err (the rules of
 * forecast/provider.h). Signal: average. */
enum sc_ukci_field { SC_UKCI_FORECAST = 0, SC_UKCI_ACTUAL };
struct sc_series *sc_ukci_parse(const char *buf, size_t len, enum sc_ukci_field field,
				struct sc_err *err);

/* The {from} to request at `now`: now rounded up to the next half hour
 * (itself when on one). The service's first slot is the one that ENDS at
 * {from}, so that slot is the one holding `now`. */
int64_t sc_ukci_from(int64_t now);

#endif
