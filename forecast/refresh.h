/* slurm-carbon: refreshing the live zones — fetch from the provider,
 * validate, replace the zone's cache, extend its archive. What
 * `scarbon refresh` (from a systemd timer or cron) runs for each zone.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One zone's failure leaves that zone's cache exactly as it was (the last
 * good forecast stays in use until it is older than the zone's MaxAge) and
 * does not concern the other zones. Nothing here prints: results and
 * errors are values for the caller to report.
 */
#ifndef SC_FORECAST_REFRESH_H
#define SC_FORECAST_REFRESH_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/http.h"
#include "forecast/zone.h"
#include "base/error.h"

struct sc_refresh_opts {
	struct sc_http_opts http;  /* sc_http_opts_init() then adjust */
	int64_t now;               /* the refresh's time: fetched_at, URLs, archive bounds */
	int archive_days;          /* 0: SC_ARCHIVE_DAYS */
	size_t archive_max_rows;   /* 0: SC_ARCHIVE_MAX_ROWS */
	int no_archive;            /* skip the archive */
	/* Wall clock for token ages (NULL: time()). */
	int64_t (*clock)(void *ctx);
	void *clock_ctx;
};

struct sc_refresher;

/* A refresher for one run (it keeps the providers' session tokens between
 * zones: struct sc_token_cache). opts
 * is copied. NULL when out of memory. */
struct sc_refresher *sc_refresher_create(const struct sc_refresh_opts *opts);

/* NULL is a no-op; zeroes the tokens it held. */
void sc_refresher_destroy(struct sc_refresher *r);

struct sc_refresh_result {
	size_t points;          /* forecast points cached */
	int64_t first, end;     /* the forecast's coverage */
	int64_t issued_at;      /* 0: the provider did not say */
	size_t actual_points;   /* actual points archived (0: none) */
	char warning[SC_ERR_MAX]; /* "" or what went wrong besides the forecast
				   * (actuals not fetched, archive not written);
				   * the cache was written all the same */
};

/* Refreshes live zone z into state_dir. Returns 0 when the cache was
 * replaced (res says with what; a non-empty res->warning is still worth
 * reporting), -1 with err ("zone DE (electricitymaps): <what went wrong>")
 * when it was left untouched. */
int sc_refresh_zone(struct sc_refresher *r, const struct sc_zone_spec *z, const char *state_dir,
		    struct sc_refresh_result *res, struct sc_err *err);

#endif
