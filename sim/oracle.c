/* slurm-carbon: the simulator's exact oracle.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>

#include "sim/oracle.h"

struct best {
	int found;
	size_t part;
	int64_t start;
	double g;
};

/* Considers start s on partition k (carbon factor × mean over the run). */
static void consider(struct best *b, const struct sc_oracle_part *p, size_t k, int64_t s, int64_t runtime)
{
	double mean, g, tol;

	if (sc_grid_mean(p->truth, s, s + runtime, &mean) < 0)
		return;
	g = p->factor * mean;
	tol = 1e-12 * fabs(b->g);
	if (!b->found || g < b->g - tol || (g <= b->g + tol && s < b->start)) {
		b->found = 1;
		b->part = k;
		b->start = s;
		b->g = g;
	}
}

/* The first slot boundary of g at or after t. */
static int64_t boundary_from(const struct sc_grid *g, int64_t t)
{
	int64_t q = (t - g->start) / g->step;

	if (g->start + q * g->step < t)
		q++;
	return g->start + q * g->step;
}

int sc_oracle_best(const struct sc_oracle_part *parts, size_t n, int64_t t0, int64_t runtime, size_t *part,
		   int64_t *start, double *gco2e)
{
	struct best b = { 0, 0, 0, 0 };

	for (size_t k = 0; k < n; k++) {
		const struct sc_oracle_part *p = &parts[k];
		const struct sc_grid *g = p->truth;
		int64_t lo, hi;

		if (!g || p->latest < t0 || runtime <= 0)
			continue;
		lo = t0 > g->start ? t0 : g->start;
		hi = p->latest < sc_grid_end(g) - runtime ? p->latest : sc_grid_end(g) - runtime;
		if (hi < lo)
			continue;
		consider(&b, p, k, lo, runtime);
		consider(&b, p, k, hi, runtime);
		/* Starts on a boundary, then runs that end on one. */
		for (int64_t s = boundary_from(g, lo); s <= hi; s += g->step)
			consider(&b, p, k, s, runtime);
		for (int64_t e = boundary_from(g, lo + runtime); e - runtime <= hi; e += g->step)
			consider(&b, p, k, e - runtime, runtime);
	}
	if (!b.found)
		return -1;
	*part = b.part;
	*start = b.start;
	if (gco2e)
		*gco2e = b.g;
	return 0;
}
