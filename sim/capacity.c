/* slurm-carbon: the simulator's capacity models (EASY backfill, FCFS).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "sim/capacity.h"

const char *sc_cap_model_name(enum sc_cap_model m)
{
	return m == SC_CAP_EASY ? "easy" : m == SC_CAP_FCFS ? "fcfs" : NULL;
}

/* A running job: its end by its time limit (what the scheduler plans with)
 * and its true end. */
struct crun {
	int64_t exp_end, end;
	uint32_t need[SC_CAP_RES];
	size_t id;
};

/* One schedule in progress. free[r] and need[r] count only the limited
 * resources (0 for unlimited ones), so "fits" is a plain comparison. */
struct sched {
	const struct sc_cap_job *jobs;
	int64_t *start;
	uint32_t cap[SC_CAP_RES];
	uint32_t free[SC_CAP_RES];
	struct crun *heap;   /* min-heap by true end */
	size_t nh, caph;
	struct crun *byexp;  /* sorted by exp_end */
	size_t nx, capx;
	size_t *q;           /* waiting jobs, by priority (index), from q[q0] */
	size_t q0, nq, capq;
};

static void need_of(const struct sched *s, size_t i, uint32_t *need)
{
	for (int r = 0; r < SC_CAP_RES; r++) {
		uint32_t v = s->jobs[i].need[r];
		need[r] = s->cap[r] == 0 ? 0 : v < s->cap[r] ? v : s->cap[r];
	}
}

static int fits(const uint32_t *need, const uint32_t *avail)
{
	for (int r = 0; r < SC_CAP_RES; r++)
		if (need[r] > avail[r])
			return 0;
	return 1;
}

static int64_t limit_of(const struct sc_cap_job *j)
{
	return j->limit > j->runtime ? j->limit : j->runtime;
}

static void heap_push(struct crun *h, size_t *n, const struct crun *x)
{
	size_t i = (*n)++;

	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (h[up].end <= x->end)
			break;
		h[i] = h[up];
		i = up;
	}
	h[i] = *x;
}

static struct crun heap_pop(struct crun *h, size_t *n)
{
	struct crun top = h[0], last = h[--(*n)];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, m = l + 1, sm = i;
		int64_t se = last.end;
		if (l < *n && h[l].end < se) {
			sm = l;
			se = h[l].end;
		}
		if (m < *n && h[m].end < se)
			sm = m;
		if (sm == i)
			break;
		h[i] = h[sm];
		i = sm;
	}
	if (*n)
		h[i] = last;
	return top;
}

/* The first index of byexp whose exp_end is >= t. */
static size_t byexp_lower(const struct sched *s, int64_t t)
{
	size_t lo = 0, hi = s->nx;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->byexp[mid].exp_end < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Starts job i at t. Returns 0, or -1 when out of memory. */
static int start_job(struct sched *s, size_t i, int64_t t)
{
	struct crun c = { t + limit_of(&s->jobs[i]), t + s->jobs[i].runtime, { 0 }, i };
	size_t at;

	need_of(s, i, c.need);
	for (int r = 0; r < SC_CAP_RES; r++)
		s->free[r] -= c.need[r];
	s->start[i] = t;
	if (SC_GROW(s->heap, s->caph, s->nh + 1) < 0 || SC_GROW(s->byexp, s->capx, s->nx + 1) < 0)
		return -1;
	heap_push(s->heap, &s->nh, &c);
	at = byexp_lower(s, c.exp_end + 1);
	memmove(&s->byexp[at + 1], &s->byexp[at], (s->nx - at) * sizeof(*s->byexp));
	s->byexp[at] = c;
	s->nx++;
	return 0;
}

/* Ends the running jobs whose true end is <= t. */
static void end_jobs(struct sched *s, int64_t t)
{
	while (s->nh && s->heap[0].end <= t) {
		struct crun c = heap_pop(s->heap, &s->nh);
		size_t at = byexp_lower(s, c.exp_end);

		while (at < s->nx && s->byexp[at].id != c.id)
			at++;
		memmove(&s->byexp[at], &s->byexp[at + 1], (s->nx - at - 1) * sizeof(*s->byexp));
		s->nx--;
		for (int r = 0; r < SC_CAP_RES; r++)
			s->free[r] += c.need[r];
	}
}

/* Queues job i in priority order. Returns 0, or -1 when out of memory. */
static int enqueue(struct sched *s, size_t i)
{
	size_t lo = s->q0, hi = s->q0 + s->nq;

	if (s->q0 > 0 && s->q0 >= s->nq) {
		memmove(s->q, &s->q[s->q0], s->nq * sizeof(*s->q));
		lo = s->q0 = 0;
		hi = s->nq;
	}
	if (SC_GROW(s->q, s->capq, s->q0 + s->nq + 1) < 0)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->q[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&s->q[lo + 1], &s->q[lo], (s->q0 + s->nq - lo) * sizeof(*s->q));
	s->q[lo] = i;
	s->nq++;
	return 0;
}

/* The head's reservation: the earliest time it fits if the running jobs end
 * by their limits (*shadow), and what it leaves spare then (extra). */
static void reserve(const struct sched *s, const uint32_t *need, int64_t t, int64_t *shadow, uint32_t *extra)
{
	uint32_t avail[SC_CAP_RES];
	size_t k = 0;

	memcpy(avail, s->free, sizeof(avail));
	*shadow = t;
	while (k < s->nx && !fits(need, avail)) {
		int64_t at = s->byexp[k].exp_end;
		for (; k < s->nx && s->byexp[k].exp_end == at; k++)
			for (int r = 0; r < SC_CAP_RES; r++)
				avail[r] += s->byexp[k].need[r];
		*shadow = at;
	}
	for (int r = 0; r < SC_CAP_RES; r++)
		extra[r] = avail[r] >= need[r] ? avail[r] - need[r] : 0;
}

/* One EASY pass at t: the head while it fits, then backfilling around its
 * reservation. Returns 0, or -1 when out of memory. */
static int easy_pass(struct sched *s, int64_t t)
{
	uint32_t need[SC_CAP_RES], extra[SC_CAP_RES];
	int64_t shadow;
	size_t w, k;

	for (; s->nq; s->q0++, s->nq--) {
		need_of(s, s->q[s->q0], need);
		if (!fits(need, s->free))
			break;
		if (start_job(s, s->q[s->q0], t) < 0)
			return -1;
	}
	if (!s->nq)
		return 0;
	reserve(s, need, t, &shadow, extra);
	/* Backfill, compacting the queue behind the scan (w: next kept). */
	for (w = k = s->q0 + 1; k < s->q0 + s->nq; k++) {
		size_t i = s->q[k];
		int start = 0;

		if (s->cap[0] && s->free[0] == 0)
			break;
		need_of(s, i, need);
		if (fits(need, s->free)) {
			if (t + limit_of(&s->jobs[i]) <= shadow) {
				start = 1;
			} else if (fits(need, extra)) {
				start = 1;
				for (int r = 0; r < SC_CAP_RES; r++)
					extra[r] -= need[r];
			}
		}
		if (start && start_job(s, i, t) < 0)
			return -1;
		if (!start)
			s->q[w++] = i;
	}
	memmove(&s->q[w], &s->q[k], (s->q0 + s->nq - k) * sizeof(*s->q));
	s->nq -= k - w;
	return 0;
}

struct rel {
	int64_t t;
	size_t i;
};

static int cmp_rel(const void *a, const void *b)
{
	const struct rel *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Jobs by release time (ties: index). NULL when out of memory. */
static struct rel *by_release(const struct sc_cap_job *jobs, size_t n)
{
	struct rel *o = malloc((n ? n : 1) * sizeof(*o));

	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++)
		o[i] = (struct rel){ jobs[i].release, i };
	qsort(o, n, sizeof(*o), cmp_rel);
	return o;
}

static int run_easy(struct sched *s, size_t n)
{
	struct rel *ord = by_release(s->jobs, n);
	size_t ri = 0;
	int rc = -1;

	if (!ord)
		return -1;
	while (ri < n || s->nh) {
		int64_t t = ri < n ? ord[ri].t : INT64_MAX;
		if (s->nh && s->heap[0].end < t)
			t = s->heap[0].end;
		end_jobs(s, t);
		for (; ri < n && ord[ri].t <= t; ri++)
			if (enqueue(s, ord[ri].i) < 0)
				goto out;
		if (easy_pass(s, t) < 0)
			goto out;
	}
	rc = 0;
out:
	free(ord);
	return rc;
}

/* FCFS: in release order, each job at its release or, no earlier than the
 * previous one, when it fits. */
static int run_fcfs(struct sched *s, size_t n)
{
	struct rel *ord = by_release(s->jobs, n);
	int64_t last = INT64_MIN;
	int rc = -1;

	if (!ord)
		return -1;
	for (size_t oi = 0; oi < n; oi++) {
		size_t i = ord[oi].i;
		uint32_t need[SC_CAP_RES];
		int64_t t = ord[oi].t > last ? ord[oi].t : last;

		need_of(s, i, need);
		end_jobs(s, t);
		while (!fits(need, s->free)) {
			t = s->heap[0].end;
			end_jobs(s, t);
		}
		if (start_job(s, i, t) < 0)
			goto out;
		last = t;
	}
	rc = 0;
out:
	free(ord);
	return rc;
}

int sc_cap_schedule(enum sc_cap_model m, const uint32_t *cap, const struct sc_cap_job *jobs, size_t n,
		    int64_t *start)
{
	struct sched s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.jobs = jobs;
	s.start = start;
	memcpy(s.cap, cap, sizeof(s.cap));
	memcpy(s.free, cap, sizeof(s.free));
	rc = m == SC_CAP_FCFS ? run_fcfs(&s, n) : run_easy(&s, n);
	free(s.heap);
	free(s.byexp);
	free(s.q);
	return rc;
}
