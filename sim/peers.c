/* slurm-carbon: the peers' scheduling rules.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/peers.h"

/* The requested partition's grid, or NULL (the rule then starts at t0). */
static const struct sc_grid *usable(const struct sc_peer_job *j, size_t k)
{
	const struct sc_partition *p = &j->site->parts[j->parts[k]];
	const struct sc_grid *g;

	if (p->zone >= j->fc->n)
		return NULL;
	g = j->fc->grids[p->zone];
	if (!g || j->t0 < g->start || j->t0 >= sc_grid_end(g))
		return NULL;
	return g;
}

static void at_t0(const struct sc_peer_job *j, struct sc_peer_choice *c, int none)
{
	c->part = j->parts[0];
	c->start = j->t0;
	c->none = none;
}

/* Slot index of t (inside g). */
static size_t slot_of(const struct sc_grid *g, int64_t t)
{
	return (size_t)((t - g->start) / g->step);
}

/* Last start slot index k (slot boundary start + k·step > t0, or the t0
 * slot) allowed by the max delay, and by the window fitting in n_win slots.
 * Returns the number of candidate slots from the t0 slot (0: none). */
static size_t n_starts(const struct sc_peer_job *j, const struct sc_grid *g, size_t need_after)
{
	size_t k0 = slot_of(g, j->t0);
	int64_t last_t = j->t0 + j->max_delay;
	size_t k1 = slot_of(g, last_t < sc_grid_end(g) ? last_t : sc_grid_end(g) - 1);

	/* A window starting in slot k needs slots up to k + need_after - 1. */
	if (k0 + need_after > g->n)
		return 0;
	if (k1 + need_after > g->n)
		k1 = g->n - need_after;
	return k1 >= k0 ? k1 - k0 + 1 : 0;
}

void sc_peer_casdk(const struct sc_peer_job *j, struct sc_peer_choice *c)
{
	double best = INFINITY;

	at_t0(j, c, 0);
	if (!usable(j, 0)) {
		c->none = 1;
		return;
	}
	for (size_t p = 0; p < j->n_parts; p++) {
		const struct sc_grid *g = usable(j, p);
		size_t w, k0, ns;

		if (!g)
			continue;
		w = (size_t)((j->runtime + g->step - 1) / g->step);
		if (w < 1)
			w = 1;
		k0 = slot_of(g, j->t0);
		ns = n_starts(j, g, w);
		for (size_t i = 0; i < ns; i++) {
			size_t k = k0 + i;
			double m = (g->cum[k + w] - g->cum[k]) / (double)w * j->factor[p];
			int64_t start = i == 0 ? j->t0 : g->start + (int64_t)k * g->step;
			if (m < best * (1 - 1e-12)) {
				best = m;
				c->part = j->parts[p];
				c->start = start;
			}
		}
	}
}

/* Integral from the grid's first point to x of the forecast interpolated
 * linearly between the points (slot start, value); x within the points. */
static double lin_integral(const struct sc_grid *g, int64_t x)
{
	double pos = (double)(x - g->start) / (double)g->step;
	size_t k = (size_t)pos;
	double fr, tk;

	if (k >= g->n - 1)
		k = g->n - 2;
	fr = pos - (double)k;
	tk = (g->cum[k] + g->cum[k + 1] - g->v[0]) / 2;
	return (tk + fr * (g->v[k] + 0.5 * fr * (g->v[k + 1] - g->v[k]))) * (double)g->step;
}

void sc_peer_cats(const struct sc_peer_job *j, struct sc_peer_choice *c)
{
	double best = INFINITY;

	at_t0(j, c, 0);
	if (!usable(j, 0)) {
		c->none = 1;
		return;
	}
	for (size_t p = 0; p < j->n_parts; p++) {
		const struct sc_grid *g = usable(j, p);
		int64_t last_point, latest, t;

		if (!g || g->n < 2)
			continue;
		last_point = g->start + (int64_t)(g->n - 1) * g->step;
		latest = j->t0 + j->max_delay;
		if (latest > last_point - j->runtime)
			latest = last_point - j->runtime;
		if (latest < j->t0)
			continue;
		t = j->t0;
		while (t <= latest) {
			double m = (lin_integral(g, t + j->runtime) - lin_integral(g, t)) / (double)j->runtime *
				   j->factor[p];
			if (m < best * (1 - 1e-12)) {
				best = m;
				c->part = j->parts[p];
				c->start = t;
			}
			t = g->start + ((t - g->start) / g->step + 1) * g->step;
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define THRESH_BUF 8192

void sc_peer_threshold(const struct sc_peer_job *j, double pct, struct sc_peer_choice *c)
{
	double vals[THRESH_BUF], thr;
	size_t nv = 0, rank;
	int64_t best_start = INT64_MAX;
	size_t best_order = SIZE_MAX;

	at_t0(j, c, 0);
	if (!usable(j, 0)) {
		c->none = 1;
		return;
	}
	for (size_t p = 0; p < j->n_parts; p++) {
		const struct sc_grid *g = usable(j, p);
		size_t k0, ns;
		if (!g)
			continue;
		k0 = slot_of(g, j->t0);
		ns = n_starts(j, g, 1);
		for (size_t i = 0; i < ns && nv < THRESH_BUF; i++)
			vals[nv++] = g->v[k0 + i] * j->factor[p];
	}
	if (!nv)
		return;
	qsort(vals, nv, sizeof(vals[0]), cmp_double);
	rank = (size_t)ceil(pct / 100.0 * (double)nv);
	thr = vals[rank > 0 ? rank - 1 : 0];
	for (size_t p = 0; p < j->n_parts; p++) {
		const struct sc_grid *g = usable(j, p);
		size_t k0, ns;
		if (!g)
			continue;
		k0 = slot_of(g, j->t0);
		ns = n_starts(j, g, 1);
		for (size_t i = 0; i < ns; i++) {
			int64_t start = i == 0 ? j->t0 : g->start + (int64_t)(k0 + i) * g->step;
			if (g->v[k0 + i] * j->factor[p] <= thr) {
				if (start < best_start || (start == best_start && p < best_order)) {
					best_start = start;
					best_order = p;
				}
				break;
			}
		}
	}
	if (best_order != SIZE_MAX) {
		c->part = j->parts[best_order];
		c->start = best_start;
	}
}
