/* slurm-carbon: Electricity Maps' parser (forecast/provider_electricitymaps.c),
 * for the tests; the rest of the project reaches the provider through the
 * table of forecast/provider.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SC_FORECAST_PROVIDER_ELECTRICITYMAPS_H
#define SC_FORECAST_PROVIDER_ELECTRICITYMAPS_H

#include <stddef.h>

#include "forecast/series.h"
#include "base/error.h"

/* Electricity Maps v3 carbon-intensity answers: `forecast` (an array
 * under "forecast", issued_at from "updatedAt"), `history` ("history"),
 * `past-range` ("data"), or `latest` (one row object). Rows carry
 * "carbonIntensity" (gCO2eq/kWh, may be null) and "datetime"; an
 * "emissionFactorType" other than lifecycle or direct is an unknown unit.
 * Unknown fields are ignored. buf is borrowed; the series is the caller's;
 * NULL with err (provider.h's rules). Signal: average. */
struct sc_series *sc_em_parse(const char *buf, size_t len, struct sc_err *err);

#endif
