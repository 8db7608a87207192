/* slurm-carbon: speed of `scarbon simulate` — 100,000 jobs over a year of
 * 30-minute intensity data, each job decided by slurm-carbon, the oracle and
 * the three peers, then priced on the actual intensity.
 *
 * For each of the shared traces (GAIA: Mustang, Azure, PAI; ~100,000 jobs a
 * year each) on the Electricity Maps 2021 export for DE resampled to 30
 * minutes (17,520 slots), MaxDelay 24 h, with perfect and error:25
 * forecasts, once with a 20,000-core capacity and once with error:25 and
 * re-planning every 30 minutes: the time to read the trace, to load the
 * intensity and to replay. Phases are timed with
 * CLOCK_MONOTONIC; the best of REPS runs is reported.
 *
 * Usage: bench_simulate DATA_DIR [REPS]   (DATA_DIR: the shared data, with
 * intensity/electricitymaps-2021/ and traces/)
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/benchutil.h"
#include "config/conf.h"
#include "sim/sim.h"
#include "sim/trace.h"

int main(int argc, char **argv)
{
	static const char *const traces[] = { "mustang-trace-2015-100k.csv", "azure-100k.csv", "pai-100k.csv" };
	static const char *const modes[] = { "perfect", "error:25" };
	const char *dir = argc > 1 ? argv[1] : NULL;
	int reps = argc > 2 ? atoi(argv[2]) : 3;
	char text[4096], path[4096];
	struct sc_diag diag = { 0 };
	struct sc_conf *conf;
	struct sc_err err;

	if (!dir) {
		fprintf(stderr, "usage: bench_simulate DATA_DIR [REPS]\n");
		return 2;
	}
	if (reps < 1)
		reps = 1;
	snprintf(text, sizeof(text),
		 "MaxDelay=1-00:00:00\n"
		 "ZoneName=DE Provider=file Path=%s/intensity/electricitymaps-2021/DE_2021_hourly.csv Step=30:00\n"
		 "PartitionName=compute Zone=DE Default=yes PUE=1.2 CoreWatts=10 DefaultTime=1:00:00\n",
		 dir);
	conf = sc_conf_parse(text, strlen(text), "bench.conf", &diag);
	if (!conf) {
		fprintf(stderr, "bench_simulate: %s\n", diag.n ? diag.msgs[0] : "invalid configuration");
		return 1;
	}
	printf("%-30s %-15s %9s %9s %9s %9s %10s\n", "trace", "forecast", "jobs", "read", "intensity", "replay",
	       "total");
	for (size_t t = 0; t < sizeof(traces) / sizeof(traces[0]); t++) {
		for (size_t m = 0; m < 4; m++) {
			double best[4] = { 1e9, 1e9, 1e9, 1e9 };
			size_t jobs = 0;
			for (int r = 0; r < reps; r++) {
				struct sc_grid *truth = NULL;
				struct sc_trace *tr;
				struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1 };
				struct sc_sim_result res;
				double t0 = bench_now(), t1, t2, t3;

				snprintf(path, sizeof(path), "%s/traces/%s", dir, traces[t]);
				tr = sc_trace_read(path, SC_TRACE_AUTO, SC_UNIT_AUTO, &err);
				if (!tr) {
					fprintf(stderr, "bench_simulate: %s\n", err.msg);
					return 1;
				}
				t1 = bench_now();
				if (sc_sim_truth_load(conf, NULL, &truth, &err) < 0) {
					fprintf(stderr, "bench_simulate: %s\n", err.msg);
					return 1;
				}
				sc_trace_anchor(tr, truth->start);
				t2 = bench_now();
				sc_fview_mode_parse(modes[m == 2 ? 0 : m == 3 ? 1 : m], &o.forecast, NULL);
				o.cores = m == 2 ? 20000 : 0;
				o.replan = m == 3 ? 1800 : 0;
				if (sc_sim_run(conf, (const struct sc_grid *const *)&truth, tr, &o, &res, &err) < 0) {
					fprintf(stderr, "bench_simulate: %s\n", err.msg);
					return 1;
				}
				t3 = bench_now();
				jobs = res.jobs;
				if (t1 - t0 < best[0])
					best[0] = t1 - t0;
				if (t2 - t1 < best[1])
					best[1] = t2 - t1;
				if (t3 - t2 < best[2])
					best[2] = t3 - t2;
				if (t3 - t0 < best[3])
					best[3] = t3 - t0;
				sc_sim_result_free(&res);
				sc_trace_destroy(tr);
				sc_grid_destroy(truth);
			}
			printf("%-30s %-15s %9zu %7.0fms %7.0fms %7.0fms %8.2f s\n", traces[t],
			       m == 2 ? "perfect+cap" : m == 3 ? "error:25+replan" : modes[m], jobs, best[0] * 1e3, best[1] * 1e3, best[2] * 1e3,
			       best[3]);
		}
	}
	sc_conf_destroy(conf);
	sc_diag_free(&diag);
	return 0;
}
