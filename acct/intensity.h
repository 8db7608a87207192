/* slurm-carbon: what intensity a zone had while a job ran — the sources
 * `scarbon reconcile` looks up, best first.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Per zone (a ZoneName record of carbon.conf):
 *  - actual: StateDir/archive/<zone>-actual.csv, the refresher's archive of
 *    measured intensities, in the contract's `Time,Carbon Intensity` CSV;
 *  - forecast: StateDir/archive/<zone>-forecasts.csv (forecast/archive.h):
 *    the latest forecast issued at or before the job's start that covers its
 *    run; failing that, for a `file` zone, its CSV (replayed weekly when the
 *    zone says so): what the plugin planned with;
 *  - static: a `static` zone's Intensity.
 * A window is covered when sc_series_mean covers it with the zone's MaxGap.
 * Files are read once, at the first lookup of their zone; a missing file is
 * no source, an unreadable or malformed one is no source and a warning.
 */
#ifndef SC_ACCT_INTENSITY_H
#define SC_ACCT_INTENSITY_H

#include <stddef.h>
#include <stdint.h>

#include "acct/actual.h"
#include "forecast/archive.h"
#include "forecast/series.h"
#include "forecast/zone.h"

struct sc_ci_store;

/* zones (n of them) and state_dir (may be NULL: no archive) are borrowed and
 * must outlive the store. warn (optional) gets one message per unreadable
 * file. NULL when out of memory. */
struct sc_ci_store *sc_ci_store_create(const struct sc_zone_spec *zones, size_t n,
				       const char *state_dir,
				       void (*warn)(const char *msg, void *arg), void *warn_arg);

/* NULL is a no-op. */
void sc_ci_store_destroy(struct sc_ci_store *st);

/* The candidates for zone (name, case-insensitive) over [t0, t1), t1 > t0.
 * Returns 0, or -1 with err when the zone is not in the configuration. */
int sc_ci_store_lookup(struct sc_ci_store *st, const char *zone, int64_t t0, int64_t t1,
		       struct sc_ci_candidates *out, struct sc_err *err);

/* A series to draw for zone over [from, to): its archive of actual
 * intensities when that has points there, else its `file` CSV — replayed
 * weekly onto the window when the zone says Replay=weekly, as the plugin sees
 * it; NULL when neither has a point there. *what (optional) says which:
 * "actual", "file", "file, replayed weekly". Owned by the store; a replayed
 * series lasts until the next call for the same zone. */
const struct sc_series *sc_ci_store_series(struct sc_ci_store *st, const char *zone, int64_t from,
					   int64_t to, const char **what);

/* A forecast archive indexed by issue, exported for tests. */
struct sc_forecast_archive;

/* Indexes rows (borrowed; any order). NULL with err when out of memory. */
struct sc_forecast_archive *sc_forecast_archive_create(const struct sc_forecast_rows *rows, struct sc_err *err);

void sc_forecast_archive_destroy(struct sc_forecast_archive *a);

/* Mean over [t0, t1) of the latest forecast issued at or before t0 that
 * covers it (max_gap as in sc_series_mean). Returns 0 with *mean and
 * *issued_at (optional), -1 when none does. */
int sc_forecast_archive_mean(const struct sc_forecast_archive *a, int64_t t0, int64_t t1, int64_t max_gap,
		       double *mean, int64_t *issued_at);

#endif
