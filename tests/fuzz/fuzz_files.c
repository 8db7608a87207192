/* slurm-carbon: libFuzzer target for the files forecast/ reads from
 * StateDir, through their paths (so sc_open_regular runs too): with
 * FUZZ_FILE 1 the forecast cache (sc_cache_read_file, for a UK Carbon
 * Intensity zone and an Electricity Maps one), with FUZZ_FILE 2 the
 * forecast archive (sc_forecast_rows_read, then sc_forecast_rows_sort)
 * and the actuals archive (sc_csv_read_intensity), with FUZZ_FILE 3 a
 * forecast snapshot (sc_snapshot_load) of a live zone whose cache is the
 * input, a `file` zone and a weekly replayed one whose CSV it is, and a
 * static zone. The input is written to a file in a private temporary
 * directory first (on tmpfs when /dev/shm is there; a new file per input). Asserts: accepted
 * series keep the series' promises, the cache's info matches the zone;
 * archive rows are finite within 0..SC_INTENSITY_MAX, times within
 * 1970..9999, line numbers increasing, and sorting keeps every row and
 * orders them; every refusal has a printable message. Snapshot: every zone
 * has a grid or a printable reason, never both; a grid has a positive step,
 * values within 0..SC_INTENSITY_MAX, prefix sums that add them up, and
 * reaches past now; the zone's facts agree with the engine's view; the
 * static zone always loads.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "forecast/archive.h"
#include "forecast/cache.h"
#include "forecast/csvfile.h"
#include "forecast/provider.h"
#include "forecast/snapshot.h"
#include "tests/fuzz/fuzz_util.h"

#ifndef FUZZ_FILE
#error "FUZZ_FILE must be 1, 2 or 3"
#endif

#define NOW 1657843200 /* 2022-07-15T00:00:00Z */

static char dir[64], path[128];

/* Removes the input's file and its directory when the fuzzer exits. */
static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

/* The private directory, once: on tmpfs (/dev/shm) when there is one, so
 * that writing an input is a memory copy; /tmp otherwise. */
static void make_dir(void)
{
	static const char *const bases[] = { "/dev/shm", "/tmp" };

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]) && !dir[0]; i++) {
		snprintf(dir, sizeof(dir), "%s/sc-fuzz-XXXXXX", bases[i]);
		if (!mkdtemp(dir))
			dir[0] = '\0';
	}
	if (!dir[0])
		abort();
	snprintf(path, sizeof(path), "%s/%s", dir, FUZZ_FILE != 2 ? "forecast-GB.json" : "GB-forecasts.csv");
	atexit(cleanup);
}

/* Writes the input to path as a new file: unlinked first, as truncating a
 * file that holds data makes ext4 write it back on close (auto_da_alloc),
 * a disk flush per input. */
static void put(const uint8_t *data, size_t size)
{
	FILE *f;

	if (!dir[0])
		make_dir();
	if (unlink(path) < 0 && errno != ENOENT)
		abort();
	f = fopen(path, "wx");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

#if FUZZ_FILE == 1
static void cache(const char *zone, const char *provider, const char *region, enum sc_signal sig)
{
	struct sc_zone_spec z = { 0 };
	struct sc_cache_info info = { 0 };
	struct sc_err err = { "" };
	struct sc_series *s;

	z.name = (char *)zone;
	z.provider = sc_provider_find(provider);
	z.region = (char *)region;
	z.signal = sig;
	s = sc_cache_read_file(path, &z, NOW, &info, &err);
	if (s) {
		if (info.signal != sig || s->signal != sig || info.fetched_at < SC_SERIES_TIME_MIN ||
		    info.fetched_at > SC_SERIES_TIME_MAX || s->issued_at < SC_SERIES_TIME_MIN ||
		    s->issued_at > SC_SERIES_TIME_MAX)
			abort();
	}
	fuzz_series_outcome(s, &err);
}
#elif FUZZ_FILE == 3
static void check_grid(const struct sc_grid *g)
{
	if (g->step <= 0 || !g->n || g->cum[0] != 0 || g->start + (int64_t)g->n * g->step <= NOW)
		abort();
	for (size_t i = 0; i < g->n; i++) {
		double sum = g->cum[i] + g->v[i];

		if (!isfinite(g->v[i]) || g->v[i] < 0 || g->v[i] > SC_INTENSITY_MAX ||
		    fabs(g->cum[i + 1] - sum) > 1e-6 * (fabs(sum) + 1))
			abort();
	}
}

static void snapshot(void)
{
	struct sc_zone_spec z[4] = { { 0 } };
	const struct sc_zone_forecasts *set;
	struct sc_snapshot *snap;

	z[0].name = "GB", z[0].provider = sc_provider_find("ukci"), z[0].region = "national";
	z[0].max_age = 86400;
	z[1].name = "F", z[1].provider = sc_provider_find("file"), z[1].path = path;
	z[2] = z[1];
	z[2].name = "W", z[2].replay = SC_REPLAY_WEEKLY;
	z[3].name = "S", z[3].provider = sc_provider_find("static"), z[3].intensity = 123;
	snap = sc_snapshot_load(z, 4, dir, NOW);
	if (!snap)
		abort();
	set = sc_snapshot_set(snap);
	if (set->n != 4 || !set->grids[3] || sc_snapshot_zone(snap, 4))
		abort();
	for (size_t i = 0; i < 4; i++) {
		const struct sc_zone_state *st = sc_snapshot_zone(snap, i);

		if (!st || !st->why != !!set->grids[i] || (set->why && set->why[i] != st->why))
			abort();
		if (st->why)
			fuzz_check_text(st->why, 4096);
		else
			check_grid(set->grids[i]);
	}
	sc_snapshot_destroy(snap);
}
#else
static void check_rows(struct sc_forecast_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (!isfinite(r->forecast[i]) || r->forecast[i] < 0 || r->forecast[i] > SC_INTENSITY_MAX)
			abort();
		if (r->issued_at[i] < SC_SERIES_TIME_MIN || r->issued_at[i] > SC_SERIES_TIME_MAX ||
		    r->target[i] < SC_SERIES_TIME_MIN || r->target[i] > SC_SERIES_TIME_MAX)
			abort();
		if (i && r->line[i] <= r->line[i - 1])
			abort();
	}
}

static void archive(void)
{
	struct sc_forecast_rows rows;
	struct sc_err err = { "" };
	size_t n;

	if (sc_forecast_rows_read(path, 0, &rows, &err) < 0) {
		fuzz_check_err(&err);
		if (rows.n || rows.issued_at)
			abort();
		return;
	}
	check_rows(&rows);
	n = rows.n;
	if (sc_forecast_rows_sort(&rows, &err) < 0)
		abort();
	if (rows.n != n)
		abort();
	for (size_t i = 1; i < rows.n; i++)
		if (rows.issued_at[i] < rows.issued_at[i - 1] ||
		    (rows.issued_at[i] == rows.issued_at[i - 1] && rows.target[i] < rows.target[i - 1]))
			abort();
	sc_forecast_rows_free(&rows);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	put(data, size);
#if FUZZ_FILE == 1
	cache("GB", "ukci", "national", SC_SIGNAL_AVERAGE);
	cache("CAISO", "watttime", "CAISO_NORTH", SC_SIGNAL_MARGINAL);
#elif FUZZ_FILE == 3
	snapshot();
#else
	archive();
	{
		struct sc_err err = { "" };
		fuzz_series_outcome(sc_csv_read_intensity(path, SC_COLUMN_LCA, &err), &err);
	}
#endif
	return 0;
}
