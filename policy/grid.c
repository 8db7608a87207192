/* slurm-carbon: a regular intensity grid with prefix sums.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policy/grid.h"

struct sc_grid *sc_grid_create(int64_t start, int64_t step, const double *values,
			       size_t n, struct sc_err *err)
{
	struct sc_grid *g = NULL;

	if (step <= 0 || n == 0 || !values) {
		sc_err_set(err, "an intensity grid needs a positive step and at least one value");
		return NULL;
	}
	if (n > (size_t)1 << 26) {
		sc_err_set(err, "an intensity grid of %zu slots is too large", n);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(values[i]) || values[i] < 0 || values[i] > SC_INTENSITY_MAX) {
			sc_err_set(err, "intensity value %g at slot %zu is outside 0..%g gCO2e/kWh",
				   values[i], i, SC_INTENSITY_MAX);
			return NULL;
		}
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		goto error;
	g->v = malloc(n * sizeof(*g->v));
	g->cum = malloc((n + 1) * sizeof(*g->cum));
	if (!g->v || !g->cum)
		goto error;
	g->start = start;
	g->step = step;
	g->n = n;
	memcpy(g->v, values, n * sizeof(*g->v));
	g->cum[0] = 0;
	for (size_t i = 0; i < n; i++)
		g->cum[i + 1] = g->cum[i] + values[i];
	return g;
error:
	sc_err_set(err, "out of memory");
	sc_grid_destroy(g);
	return NULL;
}

void sc_grid_destroy(struct sc_grid *g)
{
	if (!g)
		return;
	free(g->v);
	free(g->cum);
	free(g);
}

int64_t sc_grid_end(const struct sc_grid *g)
{
	return g->start + (int64_t)g->n * g->step;
}

double sc_grid_integral(const struct sc_grid *g, int64_t t)
{
	int64_t off = t - g->start;
	size_t i;

	if (off <= 0)
		return 0;
	i = (size_t)(off / g->step);
	if (i >= g->n)
		return g->cum[g->n];
	return g->cum[i] + g->v[i] * (double)(off - (int64_t)i * g->step) / (double)g->step;
}

int sc_grid_mean(const struct sc_grid *g, int64_t t0, int64_t t1, double *mean)
{
	if (t1 <= t0 || t0 < g->start || t1 > sc_grid_end(g))
		return -1;
	*mean = (sc_grid_integral(g, t1) - sc_grid_integral(g, t0)) * (double)g->step /
		(double)(t1 - t0);
	return 0;
}

double sc_grid_at(const struct sc_grid *g, int64_t t)
{
	if (t < g->start || t >= sc_grid_end(g))
		return -1;
	return g->v[(size_t)((t - g->start) / g->step)];
}
