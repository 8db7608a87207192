/* slurm-carbon: the learned estimates at submission — the time of one
 * sc_model_lookup (what plan/ adds per job and partition), and of loading
 * the model (what the plugin's reloader does when the file changes).
 * Usage: bench/bench_learn ESTIMATES.json [LOOKUPS]
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/benchutil.h"
#include "learn/model.h"

int main(int argc, char **argv)
{
	struct sc_err err = { "" };
	long n = argc > 2 ? atol(argv[2]) : 1000000, found = 0;
	double t0, t_load, *lat;
	struct sc_model *m;
	size_t ne;

	if (argc < 2) {
		fprintf(stderr, "usage: %s ESTIMATES.json [LOOKUPS]\n", argv[0]);
		return 2;
	}
	t0 = bench_now();
	m = sc_model_load(argv[1], INT64_MAX / 2, 0, &err);
	t_load = bench_now() - t0;
	if (!m) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	ne = sc_model_count(m);
	lat = malloc((size_t)n * sizeof(*lat));
	if (!lat || !ne)
		return 1;
	for (long i = 0; i < n; i++) {
		/* Every entry's keys in turn (a name entry's with its job
		 * name), and one in 4 for an unknown user: the fallbacks are
		 * walked too. */
		const struct sc_model_entry *e = sc_model_entry(m, (size_t)(i * 7919) % ne);
		struct sc_model_match mm;
		double t = bench_now();
		found += sc_model_lookup(m, i % 4 ? e->user : "nobody", e->account, e->partition,
					 e->name, &mm);
		lat[i] = bench_now() - t;
	}
	bench_sort(lat, (size_t)n);
	printf("entries %zu, load %.1f ms; %ld lookups (%ld found): median %.2f us, p99 %.2f us, max %.2f us\n",
	       ne, t_load * 1e3, n, found, bench_pct(lat, (size_t)n, 50) * 1e6,
	       bench_pct(lat, (size_t)n, 99) * 1e6, lat[n - 1] * 1e6);
	free(lat);
	sc_model_destroy(m);
	return 0;
}
