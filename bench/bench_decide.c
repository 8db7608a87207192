/* slurm-carbon: decision latency of sc_decide (the engine job_submit/carbon
 * runs on every submission), median and p99 over many calls.
 *
 *   (a) 2 partitions (one requested, one alternative) × 48 h of 30-minute
 *       slots, MaxDelay 24 h, a 4-hour job;
 *   (b) 8 partitions (one requested, seven alternatives) × 7 days of
 *       5-minute slots, MaxDelay 7 days (every slot is a candidate), a
 *       4-hour job;
 *   (a'), (b'): the same with ForecastError=25% on every zone (the
 *       error-aware scoring pass of rule 4);
 *   (c) (b) decided by sc_decide_loaded with a planned-load ledger of
 *       10,000 jobs (16 cores, 4 h, random starts over the 7 days, spread
 *       over the 8 partitions of 1,000 cores each: about half the slots
 *       too full for the job), the plugin's model (SC_CONG_DEFAULT); its
 *       ratio to (b), both measured in this run;
 *   (d) the sync's reconciliation (sc_load_reconcile, under the lock the
 *       submit path takes): the plugin's ledger (200,000 jobs at most) with
 *       10,000 planned jobs, against a job list of 20,000 jobs of which
 *       those 10,000 are pending as planned and the rest carry no key
 *       (nothing to change: the steady state); median and p99 of 200.
 *
 * Each call gets a different `now` (rotating through the first slot) so that
 * no two calls see the same candidate set. Usage: bench_decide [CALLS].
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/benchutil.h"
#include "policy/decide.h"
#include "policy/load.h"

#define T0 1764417600

/* A ledger of n jobs over nparts partitions (16 cores, 4 h, random starts in the 7 days). */
static struct sc_load *ledger(size_t nparts, size_t n)
{
	struct sc_load *l = sc_load_create(nparts, 2016, n, T0, NULL);
	unsigned seed = 11;

	for (uint32_t id = 1; l && id <= n; id++) {
		int64_t start = T0 + (int64_t)(rand_r(&seed) % (7 * 86400));
		sc_load_add(l, id, id % nparts, start, start + 4 * 3600, 16, 0, NULL);
	}
	return l;
}

/* Decides calls times, returns the median latency in seconds. */
static double run(const char *label, size_t nparts, int64_t step, size_t nslots, int64_t max_delay, double error,
		  int calls, const struct sc_congestion *cong)
{
	struct sc_partition parts[8];
	size_t alts[8];
	const char *zones[8] = { "z0", "z1", "z2", "z3", "z4", "z5", "z6", "z7" };
	struct sc_grid *grids[8];
	double errs[8];
	const struct sc_grid *cgrids[8];
	struct sc_zone_forecasts forecasts = { cgrids, NULL, nparts };
	double *v = malloc(nslots * sizeof(*v));
	double *lat = malloc((size_t)calls * sizeof(*lat));
	struct sc_site site;
	struct sc_request req;
	struct sc_decision d;
	unsigned seed = 7;
	volatile double sink = 0;
	size_t cands = 0;
	double med;

	for (size_t p = 0; p < nparts; p++) {
		for (size_t i = 0; i < nslots; i++) {
			double hour = fmod((double)i * (double)step / 3600.0, 24.0);
			v[i] = 300 + 150 * sin(hour / 24 * 6.2832 + (double)p) + (rand_r(&seed) % 60);
		}
		grids[p] = sc_grid_create(T0, step, v, nslots, NULL);
		cgrids[p] = grids[p];
		alts[p] = p;
		errs[p] = error;
		parts[p] = (struct sc_partition){ zones[p], p, 1.2 + 0.05 * (double)p, { 10, 300, 0.3725, 1.0, 0 },
						  3600, NULL, 0 };
	}
	parts[0].alt = alts + 1;
	parts[0].n_alt = nparts - 1;
	site = (struct sc_site){ parts, nparts, zones, nparts, { max_delay, 10, 1.0, 1, 0 }, error > 0 ? errs : NULL };
	memset(&req, 0, sizeof(req));
	req.n_parts = 1;
	req.shape = (struct sc_shape){ 1, 16, 1, 64 };
	req.time_limit = 4 * 3600;
	req.budget_g = -1;
	req.max_delay = -1;

	for (int i = 0; i < calls; i++) {
		int64_t now = T0 + (int64_t)(i % (int)step);
		double t = bench_now();
		if (cong)
			sc_decide_loaded(&site, &forecasts, &req, now, cong, &d);
		else
			sc_decide(&site, &forecasts, &req, now, &d);
		lat[i] = bench_now() - t;
		sink += d.chosen.gco2e;
		cands = d.n_candidates;
	}
	bench_sort(lat, (size_t)calls);
	med = bench_pct(lat, (size_t)calls, 50);
	printf("%-48s candidates %6zu  median %8.2f us  p99 %8.2f us  (%d calls)\n", label, cands,
	       bench_pct(lat, (size_t)calls, 50) * 1e6, bench_pct(lat, (size_t)calls, 99) * 1e6, calls);
	for (size_t p = 0; p < nparts; p++)
		sc_grid_destroy(grids[p]);
	free(v);
	free(lat);
	(void)sink;
	return med;
}

/* (d): the reconciliation of a steady ledger with slurmctld's job list. */
static void run_reconcile(void)
{
	enum { PLANNED = 10000, LISTED = 20000, RUNS = 200 };
	struct sc_load *l = sc_load_create(8, 2016, 200000, T0, NULL);
	struct sc_load_seen *seen = calloc(LISTED, sizeof(*seen));
	const uint32_t cap[8] = { 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000 };
	double lat[RUNS];
	unsigned seed = 7;

	if (!l || !seen)
		return;
	for (uint32_t id = 1; id <= PLANNED; id++) {
		int64_t start = T0 + (int64_t)(rand_r(&seed) % (7 * 86400));
		sc_load_add(l, id, id % 8, start, start + 4 * 3600, 16, 0, NULL);
		seen[id - 1] = (struct sc_load_seen){ id, SC_LOAD_PENDING, 1, id % 8, start, start + 4 * 3600, 16, 0 };
	}
	for (size_t i = PLANNED; i < LISTED; i++)
		seen[i] = (struct sc_load_seen){ 0, SC_LOAD_PENDING, 0, 8, 0, 0, 1, 0 };
	for (int r = 0; r < RUNS; r++) {
		struct sc_load_sync st;
		double t = bench_now();
		sc_load_reconcile(l, seen, LISTED, PLANNED, PLANNED, cap, &st, NULL);
		lat[r] = bench_now() - t;
		if (st.released + st.added + st.updated)
			printf("(d) unexpected changes\n");
	}
	bench_sort(lat, RUNS);
	printf("%-48s jobs %6d  median %8.2f ms  p99 %8.2f ms  (%d runs)\n",
	       "(d) sync: 10,000 planned against 20,000 listed", LISTED, bench_pct(lat, RUNS, 50) * 1e3,
	       bench_pct(lat, RUNS, 99) * 1e3, RUNS);
	free(seen);
	sc_load_destroy(l);
}

int main(int argc, char **argv)
{
	int calls = argc > 1 ? atoi(argv[1]) : 20000;

	if (calls < 100)
		calls = 100;
	uint32_t cap[8] = { 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000 };
	struct sc_load *l = ledger(8, 10000);
	struct sc_congestion cong = { l, cap, NULL, SC_CONG_DEFAULT, SC_CONG_WEIGHT };
	double b, c;

	run("(a) 2 partitions x 48 h of 30-min slots", 2, 1800, 96, 24 * 3600, 0, calls, NULL);
	b = run("(b) 8 partitions x 7 days of 5-min slots", 8, 300, 7 * 288, 7 * 86400, 0, calls, NULL);
	/* The same with ForecastError=25% on every zone: the error-aware pass. */
	run("(a') (a) with ForecastError=25%", 2, 1800, 96, 24 * 3600, 25, calls, NULL);
	run("(b') (b) with ForecastError=25%", 8, 300, 7 * 288, 7 * 86400, 25, calls, NULL);
	if (!l)
		return 1;
	c = run("(c) (b) with a ledger of 10,000 planned jobs", 8, 300, 7 * 288, 7 * 86400, 0, calls, &cong);
	printf("(c) / (b), median: %.1f\n", c / b);
	sc_load_destroy(l);
	run_reconcile();
	return 0;
}
