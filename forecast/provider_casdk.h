/* slurm-carbon: the Carbon Aware SDK WebAPI's parsers and its average
 * query (forecast/provider_casdk.c), for the tests; the rest of the
 * project reaches the provider through the table of forecast/provider.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SC_FORECAST_PROVIDER_CASDK_H
#define SC_FORECAST_PROVIDER_CASDK_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/provider.h"

/* Parsers: buf is borrowed; a series is the caller's; NULL (or -1) with
 * err, by the rules of forecast/provider.h. */

/* `emissions/forecasts/current`: an array of forecasts (the first is used)
 * with "forecastData":[{"timestamp","duration","value"}] and "generatedAt"
 * (issued_at); "optimalDataPoints" (array) or the documented
 * "optimalDataPoint" (object) must be well formed when present. Signal:
 * average (sc_provider_fetch applies the zone's Signal=). */
struct sc_series *sc_casdk_parse_forecast(const char *buf, size_t len, struct sc_err *err);

/* `emissions/bylocation`: [{"time","rating","duration"}], the past
 * intensities (rating in g/kWh). */
struct sc_series *sc_casdk_parse_bylocation(const char *buf, size_t len, struct sc_err *err);

/* `emissions/average-carbon-intensity`: {"carbonIntensity": x} (the mean
 * over [startTime, endTime]) into *ci; 0 or -1 with err. */
int sc_casdk_parse_average(const char *buf, size_t len, double *ci, struct sc_err *err);

/* The WebAPI's mean intensity of zone z (Provider=casdk, URL= and Region=
 * set; z and ctx borrowed) over [start, end) into *ci: 0, or -1 with err
 * (another provider, an empty interval, the GET or the answer). Only the
 * tests call it: the reconciler (acct/) takes actual intensities from the
 * archive that scarbon refresh writes, whatever the provider. */
int sc_casdk_average(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, int64_t start, int64_t end,
		     double *ci, struct sc_err *err);

#endif
