/* slurm-carbon: the forecast cache — one file per live zone in StateDir,
 * written by `scarbon refresh`, read by the plugin and scarbon (through
 * forecast/snapshot.h). No network here.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Path: StateDir/forecast-<zone>.json. Content (JSON, one object):
 *   {"v":1,"zone":"DE","provider":"electricitymaps","region":"DE",
 *    "signal":"average","unit":"gCO2e/kWh","source":"electricitymaps:DE",
 *    "fetched_at":"2024-05-01T12:00:03Z","issued_at":"2024-05-01T11:45:00Z",
 *    "points":[["2024-05-01T12:00:00Z",312.5],...]}
 * issued_at is absent when the provider did not say. No credential ever
 * goes into it. Files are replaced atomically (sc_atomic_write), so a
 * reader sees the old file or the new one, never a mix; the plugin notices
 * the new one by its mtime/size/inode.
 *
 * Reading validates everything again (the file is input like any other)
 * and applies the fail-open rules: a cache that is missing, unreadable,
 * corrupt, from another provider or region than the zone now names, of
 * another signal kind, or fetched longer than the zone's MaxAge before
 * `now`, gives no series and a reason the snapshot shows (the zone's jobs
 * then run as submitted).
 */
#ifndef SC_FORECAST_CACHE_H
#define SC_FORECAST_CACHE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "forecast/series.h"
#include "forecast/zone.h"
#include "base/error.h"

#define SC_CACHE_VERSION 1
#define SC_CACHE_UNIT "gCO2e/kWh"
/* Larger cache files are refused when read. */
#define SC_CACHE_MAX_BYTES (16u * 1024 * 1024)

/* "<state_dir>/forecast-<zone>.json", malloc'd (caller frees). NULL with err
 * when state_dir is NULL or empty, or zone is not a plain name (empty, "."
 * or "..", or containing '/'). */
char *sc_cache_path(const char *state_dir, const char *zone, struct sc_err *err);

/* StateDir/name, malloc'd (caller frees): the one way the project names its files in
 * StateDir. NULL with err when state_dir is NULL or empty ("no StateDir: <what> lives
 * there; set StateDir= in carbon.conf") or out of memory. All arguments borrowed. */
char *sc_state_file(const char *state_dir, const char *name, const char *what, struct sc_err *err);

/* Writes path atomically: the content goes to a temporary file in the same
 * directory (created with `mode`), which is flushed, fsync'ed and renamed
 * over path; then the directory is fsync'ed. fill writes the content to f
 * and returns 0, or -1 with err. On any failure path is untouched and the
 * temporary file removed. */
int sc_atomic_write(const char *path, mode_t mode, int (*fill)(FILE *f, void *ctx, struct sc_err *err),
		    void *ctx, struct sc_err *err);

/* Replaces zone z's cache with s (borrowed: its points, signal, source,
 * issued_at), fetched at fetched_at. Mode 0644: forecasts are not secret. */
int sc_cache_write(const char *state_dir, const struct sc_zone_spec *z, const struct sc_series *s,
		   int64_t fetched_at, struct sc_err *err);

/* What a cache file says about itself. */
struct sc_cache_info {
	int64_t fetched_at;
	int64_t issued_at; /* 0: unknown */
	enum sc_signal signal;
};

/* Reads zone z's cache as of now. Returns a new series (source from the
 * file, issued_at the provider's or else the fetch time) and fills info
 * (optional); NULL with err under the rules above: the reason, naming the
 * file (except for a cache past MaxAge, whose reason gives the fetch time
 * and stays short: it goes into the record of every job of the zone) and
 * what to do. */
struct sc_series *sc_cache_read(const char *state_dir, const struct sc_zone_spec *z, int64_t now,
				struct sc_cache_info *info, struct sc_err *err);

/* The same on a given file path (for tests and tools). */
struct sc_series *sc_cache_read_file(const char *path, const struct sc_zone_spec *z, int64_t now,
				     struct sc_cache_info *info, struct sc_err *err);

#endif
