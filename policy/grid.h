/* slurm-carbon: a regular intensity grid with prefix sums — what the
 * decision engine plans on.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Slot i covers [start + i·step, start + (i+1)·step) and holds the mean
 * intensity over it (gCO2e/kWh); the intensity is piecewise constant. The
 * grid keeps cum[i] = v[0] + … + v[i-1] so that the exact time-weighted mean
 * over any interval inside the grid costs O(1). Irregular, gappy series are
 * turned into grids by forecast/series.h; the engine sees grids only.
 */
#ifndef SC_POLICY_GRID_H
#define SC_POLICY_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* Read-only after creation; share freely between threads. */
struct sc_grid {
	int64_t start; /* epoch seconds of slot 0 */
	int64_t step;  /* seconds, > 0 */
	size_t n;      /* number of slots, > 0 */
	double *v;     /* n values */
	double *cum;   /* n + 1 prefix sums, cum[0] = 0 */
};

/* Copies values[0..n-1] (borrowed) into a new grid. Rejects step <= 0,
 * n == 0, and values that are not finite or outside 0..SC_INTENSITY_MAX.
 * Returns NULL with err on failure; caller frees with sc_grid_destroy. */
#define SC_INTENSITY_MAX 3000.0
struct sc_grid *sc_grid_create(int64_t start, int64_t step, const double *values,
			       size_t n, struct sc_err *err);

/* NULL is a no-op. */
void sc_grid_destroy(struct sc_grid *g);

/* End of coverage: start + n·step. */
int64_t sc_grid_end(const struct sc_grid *g);

/* Integral of the intensity from g->start to t, in (gCO2e/kWh)·slots;
 * t is clamped to [start, end]. */
double sc_grid_integral(const struct sc_grid *g, int64_t t);

/* Time-weighted mean intensity over [t0, t1). Returns 0, or -1 when
 * t1 <= t0 or the interval is not inside [start, end]. */
int sc_grid_mean(const struct sc_grid *g, int64_t t0, int64_t t1, double *mean);

/* Value of the slot that contains t; -1 when t is outside the grid. */
double sc_grid_at(const struct sc_grid *g, int64_t t);

#endif
