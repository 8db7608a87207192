/* slurm-carbon: loading forecasts — what `scarbon` does on every run and the
 * plugin on every reload of a changed file: read a year of hourly data
 * (an Electricity Maps export, 8,760 rows), resample it, replay it weekly,
 * build a whole snapshot, and check a snapshot for changes (stat only).
 * Median and p99 over RUNS repetitions.
 *
 * Usage: bench_forecast CSV [RUNS]
 *   e.g. bench_forecast ../shared/data/intensity/electricitymaps-2021/DE_2021_hourly.csv 200
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bench/benchutil.h"
#include "forecast/csvfile.h"
#include "forecast/provider.h"
#include "forecast/snapshot.h"
#include "base/units.h"

/* secs: one timing a run, in seconds. */
static void report(const char *label, double *secs, int runs)
{
	bench_sort(secs, (size_t)runs);
	printf("%-56s median %9.1f us  p99 %9.1f us\n", label, bench_pct(secs, (size_t)runs, 50) * 1e6,
	       bench_pct(secs, (size_t)runs, 99) * 1e6);
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 100;
	int64_t now = sc_epoch_from_utc(2026, 3, 4, 10, 20, 0);
	struct sc_zone_spec z = { 0 };
	struct sc_err err = { "" };
	struct sc_series *s;
	double *secs;

	if (argc < 2 || runs < 1) {
		fprintf(stderr, "usage: bench_forecast CSV [RUNS]\n");
		return 2;
	}
	secs = calloc((size_t)runs, sizeof(*secs));
	s = sc_csv_read_intensity(argv[1], SC_COLUMN_LCA, &err);
	if (!secs || !s) {
		fprintf(stderr, "bench_forecast: %s\n", s ? "out of memory" : err.msg);
		return 1;
	}
	printf("%s: %zu points, step %lld s\n", argv[1], s->n, (long long)sc_series_step(s));

	for (int i = 0; i < runs; i++) {
		double t0 = bench_now();
		struct sc_series *x = sc_csv_read_intensity(argv[1], SC_COLUMN_LCA, NULL);

		secs[i] = bench_now() - t0;
		sc_series_destroy(x);
	}
	report("read the CSV (sc_csv_read_intensity)", secs, runs);

	for (int i = 0; i < runs; i++) {
		double t0 = bench_now();
		struct sc_grid *g = sc_series_to_grid(s, 0, 0, 0, 6 * 3600, NULL);

		secs[i] = bench_now() - t0;
		sc_grid_destroy(g);
	}
	report("resample the whole series (sc_series_to_grid)", secs, runs);

	for (int i = 0; i < runs; i++) {
		double t0 = bench_now();
		struct sc_series *r = sc_series_replay_weekly(s, now, 86400 + 1200, 72 * 3600, NULL);
		struct sc_grid *g = r ? sc_series_to_grid(r, 0, now - 86400 - 1200, now + 72 * 3600, 6 * 3600, NULL) : NULL;

		secs[i] = bench_now() - t0;
		sc_grid_destroy(g);
		sc_series_destroy(r);
	}
	report("replay weekly onto 4 days + resample", secs, runs);

	z.name = "DE";
	z.provider = sc_provider_find("file");
	z.path = argv[1];
	z.replay = SC_REPLAY_WEEKLY;
	for (int i = 0; i < runs; i++) {
		double t0 = bench_now();
		struct sc_snapshot *snap = sc_snapshot_load(&z, 1, NULL, now);

		secs[i] = bench_now() - t0;
		if (!snap || sc_snapshot_zone(snap, 0)->why) {
			fprintf(stderr, "bench_forecast: %s\n", snap ? sc_snapshot_zone(snap, 0)->why : "out of memory");
			return 1;
		}
		sc_snapshot_destroy(snap);
	}
	report("snapshot of one Replay=weekly zone (sc_snapshot_load)", secs, runs);

	{
		struct sc_snapshot *snap = sc_snapshot_load(&z, 1, NULL, now);

		for (int i = 0; i < runs; i++) {
			double t0 = bench_now();

			if (sc_snapshot_outdated(snap, now, 3600))
				return 1;
			secs[i] = bench_now() - t0;
		}
		report("change check (sc_snapshot_outdated: one stat)", secs, runs);
		sc_snapshot_destroy(snap);
	}
	sc_series_destroy(s);
	free(secs);
	return 0;
}
