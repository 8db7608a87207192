/* slurm-carbon: WattTime's parsers and token rules
 * (forecast/provider_watttime.c), for the tests; the rest of the project
 * reaches the provider through the table of forecast/provider.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SC_FORECAST_PROVIDER_WATTTIME_H
#define SC_FORECAST_PROVIDER_WATTTIME_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/series.h"
#include "base/error.h"

/* lbs CO2/MWh to g/kWh. */
#define SC_LBS_PER_MWH_TO_G_PER_KWH 0.45359237

/* Tokens live 30 minutes; one older than this is renewed first. */
#define SC_WT_TOKEN_RENEW_S (25 * 60)

/* WattTime v3 `forecast` and `historical` answers: "data":[{"point_time",
 * "value"}] with "meta":{"units","signal_type","generated_at"}. units must
 * be lbs_co2_per_mwh (converted ×0.45359237), kg_co2_per_mwh or
 * g_co2_per_kwh (as is); signal_type, when present, co2_moer. Marginal.
 * buf is borrowed; the series is the caller's; NULL with err (the rules of
 * forecast/provider.h). */
struct sc_series *sc_wt_parse(const char *buf, size_t len, struct sc_err *err);

/* WattTime login answer {"token":"..."}: *token gets a malloc'd copy
 * (caller frees, preferably after zeroing it); -1 with err (*token NULL). */
int sc_wt_parse_token(const char *buf, size_t len, char **token, struct sc_err *err);

/* Whether a WattTime token obtained at `obtained_at` may still be used at
 * `now` (younger than SC_WT_TOKEN_RENEW_S; a clock that went backwards
 * also renews). */
int sc_wt_token_fresh(int64_t obtained_at, int64_t now);

#endif
