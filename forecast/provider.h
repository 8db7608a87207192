/* slurm-carbon: where a zone's intensities come from — the providers, one
 * `const struct sc_provider_ops` each, listed once in forecast/provider.c
 * (as curl lists its TLS backends, lib/vtls/vtls_int.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Everything outside the providers' own files asks the table, never a
 * provider by name: config/ for the keys a zone needs and its defaults,
 * forecast/snapshot.c, sim/ and acct/ for the kind of data it holds, the
 * refresh for the fetch.
 *
 * Adding a provider: write forecast/provider_NAME.c defining
 * `const struct sc_provider_ops sc_provider_NAME` (its parsers, its fetch,
 * its defaults; the helpers of forecast/provider_int.h do the GETs, the
 * JSON and the validation rules below), add the file to forecast/local.mk
 * and one line to the table in forecast/provider.c. Its position in the
 * table is its position in the lists that messages and help print.
 * Parsers the tests call directly go in forecast/provider_NAME.h.
 *
 * What every parser guarantees of the series it returns (else it returns
 * NULL with err saying which element was wrong and how):
 *  - times strictly increasing (a response out of order is refused, not
 *    sorted: it is a sign of a broken answer);
 *  - values converted to gCO2e/kWh, finite, within 0..SC_INTENSITY_MAX;
 *    the unit must be known;
 *  - the null rule: a point whose value is null is dropped. The series then
 *    has a gap there, which the planner interpolates linearly when it is no
 *    longer than the zone's MaxGap and otherwise treats as the end of what
 *    it can see (sc_series_to_grid). A response without a single non-null
 *    value is an error;
 *  - at least one point; signal set (sc_provider_fetch then applies the
 *    zone's own kind, which config/ has fixed for the providers that
 *    publish one kind);
 *  - issued_at set when the response says when it was made, else 0.
 * Parsers never copy secrets into series or messages.
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
#include "base/error.h"

struct sc_fetch_ctx;
struct sc_fetch;

/* The default ForecastError of the live providers: their forecasts are
 * 20-30 % wrong (the UK national archive: 19-30 % by lead time). */
#define SC_FORECAST_ERROR_LIVE 25.0

/* What a zone of the provider holds, and so which keys of carbon.conf
 * apply to it and how the plugin and the simulator read it. */
enum sc_provider_kind {
	SC_PROVIDER_CSV = 0,  /* an intensity CSV (Path=, Replay=, Column=) */
	SC_PROVIDER_CONSTANT, /* one value (Intensity=) */
	SC_PROVIDER_LIVE,     /* fetched by scarbon refresh into the cache
			       * (Region=, URL=, TokenFile=) */
};

/* A kind as a bit, for sets of kinds (sc_provider_list). */
#define SC_PROVIDER_KIND_BIT(k) (1u << (k))

struct sc_provider_ops {
	const char *name; /* the Provider= value, lower case */
	enum sc_provider_kind kind;
	/* Whether the provider publishes one kind of signal only (then
	 * Signal= may only repeat it), and which. */
	int signal_fixed;
	enum sc_signal signal;
	/* What the first line of TokenFile= holds ("API token"), for
	 * providers that cannot be used without one; NULL: not required. */
	const char *token_line;
	/* Region= when the zone gives none; NULL: a live zone must give one. */
	const char *default_region;
	/* ForecastError= when the zone gives none (a replayed file excepted:
	 * config/ treats it as a seasonal-naive forecast). */
	double forecast_error_pct;
	/* Live providers: fetches zone z's forecast and recent actuals into
	 * out (zeroed by the caller), the contract of sc_provider_fetch
	 * without the checks it adds; NULL for local kinds. */
	int (*fetch)(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		     struct sc_err *err);
	/* Live providers: the parser of the forecast answer (a caller-owned
	 * buffer; the series is the caller's); NULL for local kinds. */
	struct sc_series *(*parse)(const char *buf, size_t len, struct sc_err *err);
};

/* ---- the table ------------------------------------------------------------ */

/* The i-th provider of the table, NULL past the end (to iterate). */
const struct sc_provider_ops *sc_provider_at(size_t i);

/* The provider called name (case-insensitive), NULL if none or name is NULL. */
const struct sc_provider_ops *sc_provider_find(const char *name);

/* Writes "<prefix>a, b or c" into buf (n bytes): the names, in table order,
 * of the providers whose kind is in the set `kinds` (SC_PROVIDER_KIND_BIT).
 * Truncated to fit; returns buf. */
char *sc_provider_list(unsigned kinds, const char *prefix, char *buf, size_t n);

/* Whether p is fetched over the network; NULL is not. */
int sc_provider_is_live(const struct sc_provider_ops *p);

/* ---- credentials -------------------------------------------------------- */

/* Reads the first line of a TokenFile= (trailing blanks and CR/LF removed)
 * into *secret (malloc'd; caller zeroes and frees it). Refused: a file
 * that is not a regular file, that its group or others may read or write
 * (the message says so and how to fix it: chmod 600 FILE), larger than
 * 64 KiB, or whose first line is empty. Messages name the file, never its
 * content. */
int sc_token_read(const char *path, char **secret, struct sc_err *err);

/* Secrets that providers obtain during a run by logging in (session
 * tokens), kept per key (the provider's choice, e.g. TokenFile and base
 * URL) so that zones sharing an account log in once. Held only in memory;
 * secrets are zeroed when dropped. Not thread-safe: one per thread. */
struct sc_token_cache;
struct sc_token_cache *sc_token_cache_create(void); /* NULL when out of memory */
void sc_token_cache_destroy(struct sc_token_cache *c); /* NULL is a no-op */

/* ---- fetching ------------------------------------------------------------- */

struct sc_fetch_ctx {
	const struct sc_http_opts *http; /* NULL: defaults */
	/* The GET (sc_http_get, or a test's stand-in); required. It is passed
	 * in so that the providers need no libcurl where they are linked
	 * without it (the plugins). */
	int (*get)(const struct sc_http_opts *o, const char *url, const char *const *headers,
		   const char *user, const char *password, struct sc_http_response *resp,
		   struct sc_err *err);
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
 * actuals only fills out->warning. Providers that read local data are
 * refused (nothing to fetch). Release out with sc_fetch_release. */
int sc_provider_fetch(const struct sc_zone_spec *z, struct sc_fetch_ctx *ctx, struct sc_fetch *out,
		      struct sc_err *err);

/* Frees what out holds; NULL is a no-op. */
void sc_fetch_release(struct sc_fetch *out);

/* p's name (Provider=), "unknown" for NULL. */
const char *sc_provider_name(const struct sc_provider_ops *p);

#endif
