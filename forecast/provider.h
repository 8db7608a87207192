/* slurm-carbon: the live forecast providers — Electricity Maps, WattTime,
 * UK Carbon Intensity (NESO) and the Carbon Aware SDK WebAPI.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Two layers:
 *  - pure parsers, one per response format, over a buffer (no I/O, no
 *    clock), unit-tested on the providers' published examples;
 *  - sc_provider_fetch(), which builds the URLs from the zone's Region= and
 *    URL=, authenticates, GETs through forecast/http.h and parses.
 *
 * What every parser guarantees of the series it returns (else it returns
 * NULL with err saying which element was wrong and how):
 *  - times strictly increasing (a response out of order is refused, not
 *    sorted: it is a sign of a broken answer);
 *  - values converted to gCO2e/kWh, finite, within 0..SC_INTENSITY_MAX;
 *    the unit must be known (WattTime states it; the others have one);
 *  - the null rule: a point whose value is null is dropped. The series then
 *    has a gap there, which the planner interpolates linearly when it is no
 *    longer than the zone's MaxGap and otherwise treats as the end of what
 *    it can see (sc_series_to_grid). A response without a single non-null
 *    value is an error;
 *  - at least one point; signal set (WattTime's co2_moer is marginal, the
 *    others average; sc_provider_fetch then applies the zone's own kind,
 *    which config/ has fixed for the providers that publish one kind);
 *  - issued_at set when the response says when it was made, else 0.
 * Parsers never copy secrets: none of these formats carries one, except
 * the WattTime login answer, whose token goes only to *token.
 *
 * Times in the providers' answers are ISO 8601 (`2018-01-20T12:00Z`,
 * `2022-07-15T00:00:00+00:00`, `2019-05-21T00:00:00.000Z`); a time without
 * a zone is taken as UTC.
 */
#ifndef SC_FORECAST_PROVIDER_H
#define SC_FORECAST_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/http.h"
#include "forecast/series.h"
#include "forecast/zone.h"
#include "policy/error.h"

/* Default base URLs (URL= overrides them; the Carbon Aware SDK has none:
 * it is a service the site runs). */
#define SC_EM_BASE_URL "https://api.electricitymaps.com/v3"
#define SC_WT_BASE_URL "https://api.watttime.org"
#define SC_UKCI_BASE_URL "https://api.carbonintensity.org.uk"

/* WattTime: lbs CO2/MWh to g/kWh. */
#define SC_LBS_PER_MWH_TO_G_PER_KWH 0.45359237

/* WattTime tokens live 30 minutes; one older than this is renewed first. */
#define SC_WT_TOKEN_RENEW_S (25 * 60)

/* ---- parsers ------------------------------------------------------------- */

/* Electricity Maps v3 carbon-intensity answers: `forecast` (an array
 * under "forecast", issued_at from "updatedAt"), `history` ("history"),
 * `past-range` ("data"), or `latest` (one row object). Rows carry
 * "carbonIntensity" (gCO2eq/kWh, may be null) and "datetime"; an
 * "emissionFactorType" other than lifecycle or direct is an unknown unit.
 * Unknown fields are ignored. */
struct sc_series *sc_em_parse(const char *buf, size_t len, struct sc_err *err);

/* WattTime v3 `forecast` and `historical` answers: "data":[{"point_time",
 * "value"}] with "meta":{"units","signal_type","generated_at"}. units must
 * be lbs_co2_per_mwh (converted ×0.45359237), kg_co2_per_mwh or
 * g_co2_per_kwh (as is); signal_type, when present, co2_moer. Marginal. */
struct sc_series *sc_wt_parse(const char *buf, size_t len, struct sc_err *err);

/* WattTime login answer {"token":"..."}: *token gets a malloc'd copy
 * (caller frees, preferably after zeroing it). */
int sc_wt_parse_token(const char *buf, size_t len, char **token, struct sc_err *err);

/* Whether a WattTime token obtained at `obtained_at` may still be used at
 * `now` (younger than SC_WT_TOKEN_RENEW_S; a clock that went backwards
 * also renews). */
int sc_wt_token_fresh(int64_t obtained_at, int64_t now);

/* UK Carbon Intensity answers: national `/intensity/...` ({"data":[slot]})
 * and regional `/regional/intensity/.../regionid/N` in the live object form
 * ({"data":{"regionid",...,"data":[slot]}}) and the documented array form
 * ({"data":[{"regionid",...,"data":[slot]}]}); a slot is {"from","to",
 * "intensity":{"forecast","actual","index"}}. A point's time is its slot's
 * "from" (a slot's value holds over [from, to)); slots must be contiguous
 * or increasing, each with to > from. field picks "forecast" or "actual"
 * (regional slots have no actual: then every slot counts as null). */
enum sc_ukci_field { SC_UKCI_FORECAST = 0, SC_UKCI_ACTUAL };
struct sc_series *sc_ukci_parse(const char *buf, size_t len, enum sc_ukci_field field,
				struct sc_err *err);

/* The {from} to request at `now`: now rounded up to the next half hour
 * (itself when on one). The service's first slot is the one that ENDS at
 * {from}, so that slot is the one holding `now`. */
int64_t sc_ukci_from(int64_t now);

/* Carbon Aware SDK `emissions/forecasts/current`: an array of forecasts
 * (the first is used) with "forecastData":[{"timestamp","duration","value"}]
 * and "generatedAt" (issued_at); "optimalDataPoints" (array) or the
 * documented "optimalDataPoint" (object) must be well formed when present.
 * Signal: average (sc_provider_fetch applies the zone's Signal=). */
struct sc_series *sc_casdk_parse_forecast(const char *buf, size_t len, struct sc_err *err);

/* Carbon Aware SDK `emissions/bylocation`: [{"time","rating","duration"}],
 * the past intensities (rating in g/kWh). */
struct sc_series *sc_casdk_parse_bylocation(const char *buf, size_t len, struct sc_err *err);

/* Carbon Aware SDK `emissions/average-carbon-intensity`:
 * {"carbonIntensity": x} (the mean over [startTime, endTime]). */
int sc_casdk_parse_average(const char *buf, size_t len, double *ci, struct sc_err *err);

/* ---- credentials -------------------------------------------------------- */

/* Reads the first line of a TokenFile= (trailing blanks and CR/LF removed)
 * into *secret (malloc'd; caller zeroes and frees it). Refused: a file
 * that is not a regular file, that its group or others may read or write
 * (the message says so and how to fix it: chmod 600 FILE), larger than
 * 64 KiB, or whose first line is empty. Messages name the file, never its
 * content. */
int sc_token_read(const char *path, char **secret, struct sc_err *err);

/* ---- fetching ------------------------------------------------------------- */

/* WattTime tokens obtained during a run, per (TokenFile, base URL), so that
 * zones sharing an account log in once. Held only in memory; tokens are
 * zeroed when dropped. Not thread-safe: one per thread. */
struct sc_token_cache;
struct sc_token_cache *sc_token_cache_create(void);
void sc_token_cache_destroy(struct sc_token_cache *c); /* NULL is a no-op */

struct sc_fetch_ctx {
	const struct sc_http_opts *http; /* NULL: defaults */
	int64_t now;                     /* the refresh's notion of now (URLs, checks) */
	struct sc_token_cache *tokens;   /* may be NULL: no reuse */
	/* Wall clock for token ages (NULL: time()). */
	int64_t (*clock)(void *ctx);
	void *clock_ctx;
};

struct sc_fetch {
	struct sc_series *forecast; /* owned; source "<provider>:<region>" */
	struct sc_series *actual;   /* owned, NULL when the provider gave none */
	char warning[SC_ERR_MAX];   /* "" or why the actuals were not fetched */
};

/* Fetches zone z's forecast (and its recent actual intensities, for the
 * archive) from its provider. A failure to get the forecast is an error
 * (-1, err names the provider and what went wrong: the request without
 * credentials, the HTTP status and the provider's own message, or the
 * element of the answer that failed validation); a failure to get the
 * actuals only fills out->warning. Providers `file` and `static` are
 * refused (nothing to fetch). Release out with sc_fetch_release. */
int sc_provider_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		      struct sc_err *err);

/* Frees what out holds; NULL is a no-op. */
void sc_fetch_release(struct sc_fetch *out);

/* The Carbon Aware SDK's mean intensity of zone z (Provider=casdk) over
 * [start, end) (`emissions/average-carbon-intensity`): what the reconciler
 * of actual emissions asks for a job's actual run. 0, or -1 with err. */
int sc_casdk_average(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, int64_t start, int64_t end,
		     double *ci, struct sc_err *err);

/* Whether provider p is fetched over the network. */
int sc_provider_is_live(enum sc_provider p);

#endif
