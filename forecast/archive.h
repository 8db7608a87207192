/* slurm-carbon: the archive of what `scarbon refresh` fetched — the actual
 * intensities and the forecasts as they were issued — kept in StateDir for
 * the reconciler of actual emissions (and for judging forecasts later).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The archive contract (paths, formats and bounds are fixed: other tools
 * read these files):
 *
 *  - StateDir/archive/<zone>-actual.csv: the contract's intensity CSV
 *    (header `Time,Carbon Intensity`, ISO 8601 UTC times, gCO2e/kWh; read
 *    it with sc_csv_read_intensity), the actual (historical) intensity of
 *    the zone as its provider published it (each provider's file,
 *    forecast/provider_*.c, says which of its series that is). Each refresh merges what it fetched into the file: rows are
 *    sorted by time, one per time, a newer value replacing an older one
 *    (providers revise recent values).
 *
 *  - StateDir/archive/<zone>-forecasts.csv: header `issued_at,target,forecast`,
 *    times `YYYY-MM-DD HH:MM:SS` UTC, forecast in gCO2e/kWh: each forecast
 *    as issued, one row per forecast point (the format of the UK Carbon
 *    Intensity forecast archives, which `scarbon simulate --forecast
 *    archive:FILE` reads). issued_at is the provider's issue time, or the
 *    fetch time when the provider does not say. Sorted by issued_at, then
 *    target; an issue fetched again replaces its rows.
 *
 *  - Bounds: on each write, rows older than `days` (actual: by time;
 *    forecasts: by issued_at) before now are dropped (default 35 days,
 *    `scarbon refresh --archive-days`), and the forecasts file keeps at most
 *    SC_ARCHIVE_MAX_ROWS rows (the oldest issues go first), so that a
 *    5-minute provider refreshed every few minutes stays within tens of MB.
 *
 * Files are replaced atomically (sc_atomic_write). An archive file that
 * cannot be read is left alone and reported, never overwritten.
 */
#ifndef SC_FORECAST_ARCHIVE_H
#define SC_FORECAST_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/series.h"
#include "base/error.h"

#define SC_ARCHIVE_DAYS 35
#define SC_ARCHIVE_MAX_ROWS 500000

/* "<state_dir>/archive/<zone>-<kind>.csv" with kind "actual" or
 * "forecasts"; malloc'd, NULL with err (see sc_cache_path for names). */
char *sc_archive_path(const char *state_dir, const char *zone, const char *kind, struct sc_err *err);

/* Merges actual (borrowed) into the zone's actual archive, creating
 * StateDir/archive when needed; drops rows older than now - days. */
int sc_archive_add_actual(const char *state_dir, const char *zone, const struct sc_series *actual,
			  int64_t now, int days, struct sc_err *err);

/* Adds forecast fc (borrowed) as issued at issued_at to the zone's forecast
 * archive; drops issues older than now - days, then the oldest issues while
 * more than max_rows rows remain (0: SC_ARCHIVE_MAX_ROWS). */
int sc_archive_add_forecast(const char *state_dir, const char *zone, const struct sc_series *fc,
			    int64_t issued_at, int64_t now, int days, size_t max_rows, struct sc_err *err);

/* The rows of a forecasts file, in file order. */
struct sc_forecast_rows {
	int64_t *issued_at;
	int64_t *target;
	double *forecast;
	long *line;  /* each row's line in the file (sc_forecast_rows_read; may be
		      * NULL in rows built otherwise) */
	size_t n, cap;
};

/* Reads a forecasts file: the one reader of the format, for the refresher,
 * the reconciler and `scarbon simulate --forecast archive:FILE`. A header
 * naming the columns issued_at, target and forecast (case-insensitive, in
 * any order; other columns are ignored, at most 16 in all), then one row
 * per forecast value with as many fields as the header. Times as above or
 * ISO 8601 (with Z or an offset); a forecast within 0..SC_INTENSITY_MAX,
 * or empty: a gap, no row. Fields may be quoted (RFC 4180); blank lines and
 * lines starting with '#' are skipped. The file order is kept (duplicates
 * too: what they mean is the caller's to say). A missing file gives zero
 * rows when missing_ok; a header without rows gives zero rows. Errors name
 * the file and line ("GB-forecasts.csv:3: invalid time 'soon': ..."; "...:1:
 * the header has no column 'issued_at': expected the header
 * 'issued_at,target,forecast'"). Release with sc_forecast_rows_free. */
int sc_forecast_rows_read(const char *path, int missing_ok, struct sc_forecast_rows *rows, struct sc_err *err);

/* Frees rows' arrays and zeroes it; NULL is a no-op. */
void sc_forecast_rows_free(struct sc_forecast_rows *rows);

/* Puts rows (borrowed, changed in place) in the archive's order: by
 * issued_at, then target; rows equal in both keep their order (a stable
 * sort), so that of two values for one issue and target the first read
 * comes first. Returns 0, or -1 with err (out of memory: rows unchanged). */
int sc_forecast_rows_sort(struct sc_forecast_rows *rows, struct sc_err *err);

#endif
