/* slurm-carbon: what the benchmarks share: a monotonic clock and the
 * percentiles of a set of timings.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SC_BENCH_BENCHUTIL_H
#define SC_BENCH_BENCHUTIL_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

/* Seconds on CLOCK_MONOTONIC (an arbitrary origin: subtract two readings). */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v[0..n-1] in increasing order, for bench_pct. */
static inline void bench_sort(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
}

/* The p-th percentile (0..100) of sorted[0..n-1], n > 0: the value at
 * index n·p/100 (the median for 50), the last one for 100. */
static inline double bench_pct(const double *sorted, size_t n, unsigned p)
{
	size_t i = n * p / 100;

	return sorted[i < n ? i : n - 1];
}

#endif
