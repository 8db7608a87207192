/* slurm-carbon: the planned-load ledger of the simulator.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "policy/load.h"
#include "sim/congest.h"

#define CONGEST_SLOTS 2016  /* 7 days */
#define CONGEST_JOBS 262144 /* rows held at once */

/* A recorded job, released at `start`: its planned end, or its true end when earlier. */
struct due {
	int64_t start;
	uint32_t id;
};

struct sc_sim_congest {
	struct sc_load *load;
	uint32_t *cores, *gpus; /* per partition: the pool's */
	size_t n_parts;
	struct sc_congestion cong;
	struct due *heap; /* min-heap on start */
	size_t n, cap;
};

struct sc_sim_congest *sc_sim_congest_create(size_t n_parts, uint32_t cores, uint32_t gpus, enum sc_cong_model m,
					     double weight, int64_t now, struct sc_err *err)
{
	struct sc_sim_congest *c;

	if (n_parts < 1 || n_parts > 64 || cores < 1)
		return sc_err_set(err, "congestion ledger: %zu partitions, %u cores: expected 1 to 64 and at least 1",
				  n_parts, cores), NULL;
	if (m != SC_CONG_HARD && !(weight > 0))
		return sc_err_set(err, "congestion weight %g: expected a number > 0", weight), NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return sc_err_set(err, "out of memory"), NULL;
	c->n_parts = n_parts;
	c->load = sc_load_create(n_parts, CONGEST_SLOTS, CONGEST_JOBS, now, err);
	c->cores = calloc(n_parts, sizeof(*c->cores));
	c->gpus = calloc(n_parts, sizeof(*c->gpus));
	if (!c->load || !c->cores || !c->gpus) {
		if (c->load)
			sc_err_set(err, "out of memory");
		sc_sim_congest_destroy(c);
		return NULL;
	}
	for (size_t p = 0; p < n_parts; p++) {
		c->cores[p] = cores;
		c->gpus[p] = gpus;
	}
	c->cong = (struct sc_congestion){ .load = c->load, .cores = c->cores, .gpus = c->gpus,
					  .model = m, .weight = weight };
	return c;
}

void sc_sim_congest_destroy(struct sc_sim_congest *c)
{
	if (!c)
		return;
	sc_load_destroy(c->load);
	free(c->cores);
	free(c->gpus);
	free(c->heap);
	free(c);
}

static int heap_push(struct sc_sim_congest *c, int64_t start, uint32_t id)
{
	size_t i;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 1024;
		struct due *h = realloc(c->heap, cap * sizeof(*h));
		if (!h)
			return -1;
		c->heap = h;
		c->cap = cap;
	}
	for (i = c->n++; i > 0 && c->heap[(i - 1) / 2].start > start; i = (i - 1) / 2)
		c->heap[i] = c->heap[(i - 1) / 2];
	c->heap[i] = (struct due){ start, id };
	return 0;
}

static void heap_pop(struct sc_sim_congest *c)
{
	struct due last = c->heap[--c->n];
	size_t i = 0, k;

	while ((k = 2 * i + 1) < c->n) {
		if (k + 1 < c->n && c->heap[k + 1].start < c->heap[k].start)
			k++;
		if (c->heap[k].start >= last.start)
			break;
		c->heap[i] = c->heap[k];
		i = k;
	}
	if (c->n)
		c->heap[i] = last;
}

/* Releases the jobs whose release time is at or before t (their rows on every partition). */
static void release_due(struct sc_sim_congest *c, int64_t t)
{
	while (c->n && c->heap[0].start <= t) {
		uint32_t id = c->heap[0].id;
		heap_pop(c);
		for (size_t p = 0; p < c->n_parts; p++)
			sc_load_remove(c->load, id * (uint32_t)c->n_parts + (uint32_t)p);
	}
	sc_load_advance(c->load, t);
}

/* Records d's plan for job id on every partition's row (one pool), to be
 * released at the planned end or, when runtime > 0 ends it sooner, at
 * start + runtime. */
static int record(struct sc_sim_congest *c, const struct sc_request *req, uint32_t id, const struct sc_decision *d,
		  int64_t runtime)
{
	const struct sc_plan *pl = &d->chosen;
	uint32_t cores = req->shape.cores ? req->shape.cores : 1;
	int64_t end = runtime > 0 && runtime < pl->runtime ? pl->start + runtime : pl->start + pl->runtime;

	for (size_t p = 0; p < c->n_parts; p++)
		if (sc_load_add(c->load, id * (uint32_t)c->n_parts + (uint32_t)p, p, pl->start, pl->start + pl->runtime,
				cores, req->shape.gpus, NULL) < 0) {
			for (size_t q = 0; q < p; q++)
				sc_load_remove(c->load, id * (uint32_t)c->n_parts + (uint32_t)q);
			return -1;
		}
	if (heap_push(c, end, id) < 0) {
		for (size_t p = 0; p < c->n_parts; p++)
			sc_load_remove(c->load, id * (uint32_t)c->n_parts + (uint32_t)p);
		return -1;
	}
	return 0;
}

int sc_sim_congest_decide(struct sc_sim_congest *c, const struct sc_site *site,
			  const struct sc_zone_forecasts *forecasts, const struct sc_request *req, int64_t t0,
			  int64_t runtime, uint32_t id, struct sc_decision *d, size_t *dropped)
{
	int r;

	release_due(c, t0);
	r = sc_decide_loaded(site, forecasts, req, t0, &c->cong, d);
	if (r == 0 && (d->action == SC_ACT_DELAY || d->action == SC_ACT_REROUTE || d->action == SC_ACT_DELAY_REROUTE) &&
	    record(c, req, id, d, runtime) < 0 && dropped)
		(*dropped)++;
	return r;
}
