/* slurm-carbon: the planned-load ledger.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/load.h"

struct entry {
	uint32_t id;
	unsigned char used;
	unsigned char seen; /* sc_load_reconcile's marks (SEEN_*); 0 outside it */
	size_t part;
	int64_t start, end; /* as added */
	int64_t la, lb; /* the absolute slots that carry its load: [la, lb) */
	uint32_t cores, gpus;
};

struct sc_load {
	size_t n_parts, n_slots, max_jobs, n_jobs;
	int64_t origin;     /* absolute slot of the first slot */
	uint32_t *cores;    /* [part × n_slots + absolute slot % n_slots] */
	uint32_t *gpus;
	struct entry *tab;  /* open addressing, linear probing */
	size_t mask;        /* table size − 1 (a power of two >= 2 × max_jobs) */
};

/* Where absolute slot a lives in a ring of n. */
static size_t ring(int64_t a, int64_t n)
{
	int64_t r = a % n;

	return (size_t)(r < 0 ? r + n : r);
}

static size_t hash(uint32_t id, size_t mask)
{
	return (size_t)((id * 2654435761u) ^ (id >> 16)) & mask;
}

struct sc_load *sc_load_create(size_t n_parts, size_t n_slots, size_t max_jobs, int64_t now, struct sc_err *err)
{
	struct sc_load *l;
	size_t size = 2;

	if (n_parts < 1 || n_parts > 4096)
		return sc_err_set(err, "load ledger: %zu partitions: expected 1 to 4096", n_parts), NULL;
	if (n_slots < 1 || n_slots > SC_LOAD_MAX_SLOTS)
		return sc_err_set(err, "load ledger: %zu slots: expected 1 to %d", n_slots, SC_LOAD_MAX_SLOTS), NULL;
	if (max_jobs < 1 || max_jobs > SC_LOAD_MAX_JOBS)
		return sc_err_set(err, "load ledger: %zu jobs: expected 1 to %d", max_jobs, SC_LOAD_MAX_JOBS), NULL;
	while (size < 2 * max_jobs)
		size *= 2;
	l = calloc(1, sizeof(*l));
	if (l) {
		l->cores = calloc(n_parts * n_slots, sizeof(*l->cores));
		l->gpus = calloc(n_parts * n_slots, sizeof(*l->gpus));
		l->tab = calloc(size, sizeof(*l->tab));
	}
	if (!l || !l->cores || !l->gpus || !l->tab) {
		sc_load_destroy(l);
		return sc_err_set(err, "load ledger: out of memory"), NULL;
	}
	l->n_parts = n_parts;
	l->n_slots = n_slots;
	l->max_jobs = max_jobs;
	l->mask = size - 1;
	l->origin = sc_load_slot_of(now);
	return l;
}

void sc_load_destroy(struct sc_load *l)
{
	if (!l)
		return;
	free(l->cores);
	free(l->gpus);
	free(l->tab);
	free(l);
}

void sc_load_clear(struct sc_load *l, int64_t now)
{
	memset(l->cores, 0, l->n_parts * l->n_slots * sizeof(*l->cores));
	memset(l->gpus, 0, l->n_parts * l->n_slots * sizeof(*l->gpus));
	memset(l->tab, 0, (l->mask + 1) * sizeof(*l->tab));
	l->n_jobs = 0;
	l->origin = sc_load_slot_of(now);
}

void sc_load_advance(struct sc_load *l, int64_t now)
{
	int64_t to = sc_load_slot_of(now), n = (int64_t)l->n_slots;

	if (to <= l->origin)
		return;
	if (to - l->origin >= n) {
		memset(l->cores, 0, l->n_parts * l->n_slots * sizeof(*l->cores));
		memset(l->gpus, 0, l->n_parts * l->n_slots * sizeof(*l->gpus));
	} else {
		for (int64_t a = l->origin; a < to; a++)
			for (size_t p = 0; p < l->n_parts; p++) {
				l->cores[p * l->n_slots + ring(a, n)] = 0;
				l->gpus[p * l->n_slots + ring(a, n)] = 0;
			}
	}
	l->origin = to;
}

/* Adds sign × e's load to the slots it carries that are still in range. */
static void apply(struct sc_load *l, const struct entry *e, int sign)
{
	int64_t a = e->la > l->origin ? e->la : l->origin, n = (int64_t)l->n_slots;
	uint32_t *c = l->cores + e->part * l->n_slots, *g = l->gpus + e->part * l->n_slots;

	for (; a < e->lb; a++) {
		size_t i = ring(a, n);
		if (sign > 0) {
			c[i] += e->cores;
			g[i] += e->gpus;
		} else {
			c[i] -= e->cores;
			g[i] -= e->gpus;
		}
	}
}

/* The table slot of id, or of the free slot where it would go. */
static size_t find(const struct sc_load *l, uint32_t id)
{
	size_t i = hash(id, l->mask);

	while (l->tab[i].used && l->tab[i].id != id)
		i = (i + 1) & l->mask;
	return i;
}

int sc_load_remove(struct sc_load *l, uint32_t id)
{
	size_t i = find(l, id), j;

	if (!l->tab[i].used)
		return 0;
	apply(l, &l->tab[i], -1);
	l->tab[i].used = 0;
	l->n_jobs--;
	/* Backward-shift deletion: later entries of the probe run move up. */
	for (j = (i + 1) & l->mask; l->tab[j].used; j = (j + 1) & l->mask) {
		size_t h = hash(l->tab[j].id, l->mask);
		/* j's entry may fill the hole at i unless its home lies in (i, j]. */
		if (i <= j ? (h <= i || h > j) : (h <= i && h > j)) {
			l->tab[i] = l->tab[j];
			l->tab[j].used = 0;
			i = j;
		}
	}
	return 1;
}

int sc_load_add(struct sc_load *l, uint32_t id, size_t part, int64_t start, int64_t end, uint32_t cores,
		uint32_t gpus, struct sc_err *err)
{
	struct entry e = { .id = id, .used = 1, .part = part, .start = start, .end = end, .cores = cores,
			   .gpus = gpus };
	int64_t hi = l->origin + (int64_t)l->n_slots;
	size_t i;

	if (part >= l->n_parts)
		return sc_err_set(err, "load ledger: partition index %zu out of range (%zu partitions)", part,
				  l->n_parts);
	if (end <= start)
		return sc_err_set(err, "load ledger: job %u: empty window (end %lld <= start %lld)", id,
				  (long long)end, (long long)start);
	if (!cores && !gpus)
		return sc_err_set(err, "load ledger: job %u uses no cores and no GPUs", id);
	i = find(l, id);
	if (!l->tab[i].used && l->n_jobs >= l->max_jobs)
		return sc_err_set(err, "load ledger: full (%zu jobs): job %u not recorded", l->max_jobs, id);
	sc_load_remove(l, id);
	e.la = sc_load_slot_of(start);
	e.lb = sc_load_slot_of(end - 1) + 1;
	if (e.la < l->origin)
		e.la = l->origin;
	if (e.lb > hi)
		e.lb = hi;
	if (e.lb < e.la)
		e.lb = e.la;
	apply(l, &e, 1);
	l->tab[find(l, id)] = e;
	l->n_jobs++;
	return 0;
}

size_t sc_load_expire(struct sc_load *l)
{
	size_t n = 0;

	/* A removal shifts later entries of the probe run back into slot i:
	 * look at i again. Entries that wrap around are only seen twice. */
	for (size_t i = 0; i <= l->mask;) {
		if (l->tab[i].used && l->tab[i].lb <= l->origin) {
			sc_load_remove(l, l->tab[i].id);
			n++;
		} else {
			i++;
		}
	}
	return n;
}

int sc_load_get(const struct sc_load *l, uint32_t id, struct sc_load_job *out)
{
	const struct entry *e = &l->tab[find(l, id)];

	if (!e->used)
		return 0;
	*out = (struct sc_load_job){ e->id, e->part, e->start, e->end, e->cores, e->gpus };
	return 1;
}

size_t sc_load_list(const struct sc_load *l, struct sc_load_job *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i <= l->mask && n < max; i++)
		if (l->tab[i].used) {
			const struct entry *e = &l->tab[i];
			out[n++] = (struct sc_load_job){ e->id, e->part, e->start, e->end, e->cores, e->gpus };
		}
	return n;
}

size_t sc_load_jobs(const struct sc_load *l)
{
	return l->n_jobs;
}

size_t sc_load_parts(const struct sc_load *l)
{
	return l->n_parts;
}

size_t sc_load_slots(const struct sc_load *l)
{
	return l->n_slots;
}

int64_t sc_load_origin(const struct sc_load *l)
{
	return l->origin * SC_LOAD_SLOT;
}

void sc_load_at(const struct sc_load *l, size_t part, int64_t t, uint32_t *cores, uint32_t *gpus)
{
	int64_t a = sc_load_slot_of(t);
	uint32_t c = 0, g = 0;

	if (part < l->n_parts && a >= l->origin && a < l->origin + (int64_t)l->n_slots) {
		size_t i = part * l->n_slots + ring(a, (int64_t)l->n_slots);
		c = l->cores[i];
		g = l->gpus[i];
	}
	if (cores)
		*cores = c;
	if (gpus)
		*gpus = g;
}

void sc_load_span(const struct sc_load *l, size_t part, int64_t t, size_t n, uint32_t *cores, uint32_t *gpus)
{
	int64_t a = sc_load_slot_of(t), hi = l->origin + (int64_t)l->n_slots;
	size_t i = ring(a, (int64_t)l->n_slots), base = part * l->n_slots;

	for (size_t k = 0; k < n; k++, a++) {
		int in = part < l->n_parts && a >= l->origin && a < hi;
		cores[k] = in ? l->cores[base + i] : 0;
		gpus[k] = in ? l->gpus[base + i] : 0;
		if (++i == l->n_slots)
			i = 0;
	}
}

/* sc_load_reconcile's marks on an entry. */
enum { SEEN_NONE = 0, SEEN_ENDED, SEEN_LIVE, SEEN_RELEASE };

int sc_load_issued_after(uint32_t key, uint32_t seq_sent, uint32_t seq_now)
{
	uint32_t d = key - seq_sent;

	return d >= 1 && d <= (uint32_t)(seq_now - seq_sent);
}

/* Marks the entries the jobs' keys name: live wins over ended. */
static void reconcile_mark(struct sc_load *l, const struct sc_load_seen *seen, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct entry *e;

		if (!seen[k].key)
			continue;
		e = &l->tab[find(l, seen[k].key)];
		if (e->used && e->seen != SEEN_LIVE)
			e->seen = seen[k].state == SC_LOAD_ENDED ? SEEN_ENDED : SEEN_LIVE;
	}
}

/* Releases the entries of ended jobs and, among those no job names, the
 * ones issued by seq_sent; clears the other marks. Returns how many. */
static size_t reconcile_release(struct sc_load *l, uint32_t seq_sent, uint32_t seq_now)
{
	size_t n = 0;

	/* Marked first, removed after: a removal moves entries, and one moved
	 * back past the end of the table would be looked at twice. */
	for (size_t i = 0; i <= l->mask; i++) {
		struct entry *e = &l->tab[i];
		if (!e->used)
			continue;
		e->seen = e->seen == SEEN_ENDED ||
				  (e->seen == SEEN_NONE && !sc_load_issued_after(e->id, seq_sent, seq_now))
			  ? SEEN_RELEASE : SEEN_NONE;
	}
	for (size_t i = 0; i <= l->mask;) {
		if (l->tab[i].used && l->tab[i].seen == SEEN_RELEASE) {
			sc_load_remove(l, l->tab[i].id);
			n++;
		} else {
			i++;
		}
	}
	return n;
}

/* Adds back or updates the pending planned jobs (sc_load_reconcile). */
static int reconcile_pending(struct sc_load *l, const struct sc_load_seen *seen, size_t n,
			     const uint32_t *cap_cores, struct sc_load_sync *out, struct sc_err *err)
{
	for (size_t k = 0; k < n; k++) {
		const struct sc_load_seen *s = &seen[k];
		struct sc_load_job j;
		struct sc_err aerr;
		int had;

		if (!s->key || s->state != SC_LOAD_PENDING || !s->planned || s->part >= l->n_parts ||
		    !cap_cores[s->part] || s->end <= s->start || (!s->cores && !s->gpus))
			continue;
		had = sc_load_get(l, s->key, &j);
		if (had && j.part == s->part && j.start == s->start && j.end == s->end && j.cores == s->cores &&
		    j.gpus == s->gpus)
			continue;
		if (sc_load_add(l, s->key, s->part, s->start, s->end, s->cores, s->gpus, &aerr) < 0) {
			if (!out->failed++)
				sc_err_set(err, "%s", aerr.msg);
			continue;
		}
		if (had)
			out->updated++;
		else
			out->added++;
	}
	return out->failed ? -1 : 0;
}

int sc_load_reconcile(struct sc_load *l, const struct sc_load_seen *seen, size_t n, uint32_t seq_sent,
		      uint32_t seq_now, const uint32_t *cap_cores, struct sc_load_sync *out, struct sc_err *err)
{
	memset(out, 0, sizeof(*out));
	out->seq = seq_now;
	for (size_t k = 0; k < n; k++)
		if (seen[k].key && sc_load_issued_after(seen[k].key, out->seq, out->seq + 0x7fffffffu))
			out->seq = seen[k].key;
	reconcile_mark(l, seen, n);
	out->released = reconcile_release(l, seq_sent, seq_now);
	return reconcile_pending(l, seen, n, cap_cores, out, err);
}
