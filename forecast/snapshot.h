/* slurm-carbon: a forecast snapshot — every zone's planning grid at one
 * moment, as the plugin keeps it in memory and `scarbon plan` builds it.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Loading reads files (the `file` CSVs, the live providers' cache files in
 * StateDir) and never touches the network. A zone that cannot be loaded gets
 * no grid and a reason; the others are unaffected (fail open per zone).
 * A snapshot is immutable once loaded and may be shared between threads.
 *
 * Per kind of provider (forecast/provider.h; zone spec fields that are 0
 * take the defaults: Horizon 72 h, MaxGap 6 h, Step the series' own, for a
 * constant 1 h):
 *  - CSV: the file (sc_csv_read_intensity, Column=) resampled from a day
 *    before the current hour to the end of the data; data that end before
 *    `now` are stale: no grid, a reason. Replay=weekly lays the file onto
 *    [current hour − 1 day, now + Horizon) (sc_series_replay_weekly). A
 *    missing or invalid file: no grid, the reader's error as the reason.
 *  - constant: Intensity= from the current hour − 1 day to now + Horizon.
 *  - live: the cache `scarbon refresh`
 *    wrote in state_dir (sc_cache_read_file, with the zone's MaxAge),
 *    resampled like a file from a day before the current hour; a cache
 *    that is missing, corrupt, of another provider, region or signal,
 *    older than MaxAge or ending before `now`: no grid, the reason
 *    ("no cached forecast (StateDir/forecast-X.json does not exist): run
 *    scarbon refresh, ...").
 */
#ifndef SC_FORECAST_SNAPSHOT_H
#define SC_FORECAST_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "forecast/series.h"
#include "forecast/zone.h"
#include "policy/decide.h"

struct sc_snapshot;

/* Per-zone facts about what was loaded. */
struct sc_zone_state {
	const char *why;       /* NULL if a grid was loaded, else the reason */
	const char *source;    /* e.g. "file:/etc/slurm/DE.csv (replay weekly)"; may be NULL */
	enum sc_signal signal;
	int64_t issued_at;     /* 0: unknown */
};

/* Loads every zone of zones[0..n-1] (borrowed; copied as needed) as of
 * `now`. state_dir (may be NULL) holds the live providers' caches.
 * Returns NULL only when out of memory. */
struct sc_snapshot *sc_snapshot_load(const struct sc_zone_spec *zones, size_t n,
				     const char *state_dir, int64_t now);

/* NULL is a no-op. */
void sc_snapshot_destroy(struct sc_snapshot *snap);

/* The engine's view: valid as long as snap is. */
const struct sc_zone_forecasts *sc_snapshot_set(const struct sc_snapshot *snap);

/* Facts about zone i; NULL when i >= n. */
const struct sc_zone_state *sc_snapshot_zone(const struct sc_snapshot *snap, size_t i);

/* Whether a new snapshot should be loaded at time now: a source file's
 * (a `file` zone's CSV, a live zone's cache StateDir/forecast-<zone>.json)
 * mtime (to the nanosecond), size or inode changed (or it appeared or
 * vanished), a live zone's cache passed its MaxAge since it was loaded, or
 * a replayed or static zone's window needs to move on:
 * now − loaded_at >= refresh (refresh <= 0: windows never move). Only
 * stat()s files; never reads them. Safe to call from any thread. */
int sc_snapshot_outdated(const struct sc_snapshot *snap, int64_t now, int64_t refresh);

/* When the snapshot was loaded. */
int64_t sc_snapshot_loaded_at(const struct sc_snapshot *snap);

#endif
