/* slurm-carbon: fitting the learned estimates.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/json.h"
#include "forecast/cache.h"
#include "learn/fit.h"
#include "learn/model.h"

/* A GPU job's measurement: its power and what it allocated. */
struct gpu_obs {
	float watts;
	uint32_t cores, gpus;
};

/* What one key has seen. key: "user\0account\0partition\0", then
 * "name\0" at the name level. */
struct bucket {
	enum sc_model_level level;
	struct bucket *parent; /* the name level's user-level bucket */
	struct bucket *names;  /* the user level's name buckets, linked by next_name */
	struct bucket *next_name;
	size_t n_names;        /* the user level's name buckets */
	char *key;
	size_t keylen;
	size_t hash;
	float *ratio;
	size_t n_ratio, cap_ratio;
	double sum_used, sum_limit; /* core-seconds: elapsed (at most the limit), time limit */
	float *core_w; /* W per core of jobs without GPUs */
	size_t n_core, cap_core;
	struct gpu_obs *gpu;
	size_t n_gpu, cap_gpu;
};

struct sc_fit {
	struct sc_fit_params p;
	struct sc_fit_stats st;
	struct bucket **slot; /* open addressing */
	size_t nslot, n;
	size_t n_names; /* name-level buckets */
	int names_full; /* a pruning freed little: no more (learn/fit.h) */
};

struct sc_fit *sc_fit_create(const struct sc_fit_params *params, struct sc_err *err)
{
	struct sc_fit *f;

	if (params->min_jobs < 1) {
		sc_err_set(err, "minimum job count %ld; expected 1 or more", params->min_jobs);
		return NULL;
	}
	if (!(params->quantile >= 0.5 && params->quantile < 1)) {
		sc_err_set(err, "quantile %g; expected 0.5 to 0.99", params->quantile);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (f)
		f->slot = calloc(1024, sizeof(*f->slot));
	if (!f || !f->slot) {
		free(f);
		sc_err_set(err, "out of memory");
		return NULL;
	}
	f->nslot = 1024;
	f->p = *params;
	return f;
}

static void bucket_free(struct bucket *b)
{
	if (!b)
		return;
	free(b->key);
	free(b->ratio);
	free(b->core_w);
	free(b->gpu);
	free(b);
}

void sc_fit_destroy(struct sc_fit *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nslot; i++)
		bucket_free(f->slot[i]);
	free(f->slot);
	free(f);
}

const struct sc_fit_stats *sc_fit_stats(const struct sc_fit *f)
{
	return &f->st;
}

static size_t hash_bytes(enum sc_model_level l, const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)l;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
	return (size_t)h;
}

static int rehash(struct sc_fit *f)
{
	size_t n = f->nslot * 2;
	struct bucket **s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	for (size_t i = 0; i < f->nslot; i++) {
		struct bucket *b = f->slot[i];
		size_t j;
		if (!b)
			continue;
		for (j = b->hash & (n - 1); s[j]; j = (j + 1) & (n - 1))
			;
		s[j] = b;
	}
	free(f->slot);
	f->slot = s;
	f->nslot = n;
	return 0;
}

/* The bucket of (level, key[0..n)) with hash h, or NULL. */
static struct bucket *bucket_find(const struct sc_fit *f, enum sc_model_level l, const char *key,
				  size_t n, size_t h)
{
	struct bucket *b;

	for (size_t i = h & (f->nslot - 1); (b = f->slot[i]); i = (i + 1) & (f->nslot - 1))
		if (b->hash == h && b->level == l && b->keylen == n && memcmp(b->key, key, n) == 0)
			return b;
	return NULL;
}

/* A new bucket of (level, key[0..n)) with hash h (not in f); NULL when out
 * of memory. */
static struct bucket *bucket_new(struct sc_fit *f, enum sc_model_level l, const char *key, size_t n,
				 size_t h)
{
	struct bucket *b;
	size_t i;

	if (2 * (f->n + 1) > f->nslot && rehash(f) < 0)
		return NULL;
	for (i = h & (f->nslot - 1); f->slot[i]; i = (i + 1) & (f->nslot - 1))
		;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->key = malloc(n))) {
		free(b);
		return NULL;
	}
	memcpy(b->key, key, n);
	b->keylen = n;
	b->level = l;
	b->hash = h;
	f->slot[i] = b;
	f->n++;
	return b;
}

/* The bucket of (level, key[0..n)), created when new; NULL when out of memory. */
static struct bucket *bucket_get(struct sc_fit *f, enum sc_model_level l, const char *key, size_t n)
{
	size_t h = hash_bytes(l, key, n);
	struct bucket *b = bucket_find(f, l, key, n, h);

	return b ? b : bucket_new(f, l, key, n, h);
}

/* Adds the job's figures to one bucket. */
static int bucket_add(struct bucket *b, float ratio, double watts, const struct sc_fit_job *j)
{
	double cores = j->cores ? (double)j->cores : 1;

	if (SC_GROW(b->ratio, b->cap_ratio, b->n_ratio + 1) < 0)
		return -1;
	b->ratio[b->n_ratio++] = ratio;
	b->sum_used += cores * (double)(j->elapsed < j->timelimit ? j->elapsed : j->timelimit);
	b->sum_limit += cores * (double)j->timelimit;
	if (watts < 0)
		return 0;
	if (!j->gpus) {
		if (SC_GROW(b->core_w, b->cap_core, b->n_core + 1) < 0)
			return -1;
		b->core_w[b->n_core++] = (float)(watts / j->cores);
	} else {
		if (SC_GROW(b->gpu, b->cap_gpu, b->n_gpu + 1) < 0)
			return -1;
		b->gpu[b->n_gpu++] = (struct gpu_obs){ (float)watts, j->cores, j->gpus };
	}
	return 0;
}

/* The job's measured power in W, or -1 when not measured or implausible. */
static double job_watts(const struct sc_fit_job *j)
{
	double w;

	if (!(j->energy_j > 0) || j->elapsed <= 0 || !isfinite(j->energy_j))
		return -1;
	w = j->energy_j / (double)j->elapsed;
	if (!j->gpus && (!j->cores || w / j->cores > SC_MODEL_MAX_WATTS))
		return -1;
	if (j->gpus && w / j->gpus > SC_MODEL_MAX_WATTS)
		return -1;
	return w;
}

/* The length of name when the name level can use it (1 to
 * SC_MODEL_NAME_MAX bytes, no control character), else 0. */
static size_t usable_name(const char *name)
{
	size_t n = 0;

	for (const unsigned char *c = (const unsigned char *)name; c && *c; c++, n++)
		if (*c < ' ' || *c == 0x7f || n >= SC_MODEL_NAME_MAX)
			return 0;
	return n;
}

/* Removes slot i's bucket from the table (linear probing: the entries
 * after it that would no longer be found move back). */
static void slot_delete(struct sc_fit *f, size_t i)
{
	size_t mask = f->nslot - 1, j = i;

	f->slot[i] = NULL;
	for (;;) {
		struct bucket *b;
		size_t home;
		j = (j + 1) & mask;
		if (!(b = f->slot[j]))
			break;
		home = b->hash & mask;
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		f->slot[i] = b;
		f->slot[j] = NULL;
		i = j;
	}
	f->n--;
}

/* Frees parent's name buckets that rest on one job (generated names, the
 * long tail); their job then only feeds the other levels. Returns how many. */
static size_t prune_names(struct sc_fit *f, struct bucket *parent)
{
	struct bucket **link = &parent->names, *b;
	size_t freed = 0;

	while ((b = *link)) {
		size_t i;
		if (b->n_ratio > 1) {
			link = &b->next_name;
			continue;
		}
		*link = b->next_name;
		for (i = b->hash & (f->nslot - 1); f->slot[i] != b; i = (i + 1) & (f->nslot - 1))
			;
		slot_delete(f, i);
		bucket_free(b);
		freed++;
	}
	parent->n_names -= freed;
	f->n_names -= freed;
	f->st.named -= (long)freed;
	f->st.names_untracked += (long)freed;
	return freed;
}

/* Prunes every user-level bucket's names (when the fit holds SC_FIT_NAME_KEYS
 * of them); when that frees less than a quarter, no more prunings. */
static void prune_all(struct sc_fit *f)
{
	struct bucket **parents = malloc((f->n ? f->n : 1) * sizeof(*parents));
	size_t n = 0, freed = 0;

	if (!parents) {
		f->names_full = 1;
		return;
	}
	for (size_t i = 0; i < f->nslot; i++)
		if (f->slot[i] && f->slot[i]->names)
			parents[n++] = f->slot[i];
	for (size_t i = 0; i < n; i++)
		freed += prune_names(f, parents[i]);
	free(parents);
	if (freed < SC_FIT_NAME_KEYS / 4)
		f->names_full = 1;
}

/* Room for a new name under parent (pruning when at a bound); 0 when none. */
static int name_room(struct sc_fit *f, struct bucket *parent)
{
	if (parent->n_names >= SC_FIT_NAMES_TRACKED)
		prune_names(f, parent);
	if (f->n_names >= SC_FIT_NAME_KEYS && !f->names_full)
		prune_all(f);
	return parent->n_names < SC_FIT_NAMES_TRACKED && f->n_names < SC_FIT_NAME_KEYS;
}

/* Adds the job to the name level under user-level bucket parent: key[0..n)
 * is parent's key, room for the name after it. 0 (also when the name is
 * not tracked: the bounds of learn/fit.h), -1 when out of memory. */
static int add_name(struct sc_fit *f, struct bucket *parent, char *key, size_t n, const char *name,
		    size_t ln, float ratio, double watts, const struct sc_fit_job *j)
{
	size_t h;
	struct bucket *b;

	memcpy(key + n, name, ln + 1);
	n += ln + 1;
	h = hash_bytes(SC_LEVEL_NAME, key, n);
	b = bucket_find(f, SC_LEVEL_NAME, key, n, h);
	if (!b) {
		if (!name_room(f, parent)) {
			f->st.names_untracked++;
			return 0;
		}
		if (!(b = bucket_new(f, SC_LEVEL_NAME, key, n, h)))
			return -1;
		b->parent = parent;
		b->next_name = parent->names;
		parent->names = b;
		parent->n_names++;
		f->n_names++;
	}
	f->st.named++;
	return bucket_add(b, ratio, watts, j);
}

int sc_fit_add(struct sc_fit *f, const struct sc_fit_job *j)
{
	const char *u = j->user ? j->user : "", *a = j->account ? j->account : "";
	char key[4 * (SC_MODEL_NAME_MAX + 1)], pkey[SC_MODEL_NAME_MAX + 3];
	size_t lu = strlen(u), la = strlen(a), lp, ln = usable_name(j->name);
	double ratio, watts;
	int r = 0;

	f->st.seen++;
	if (!j->partition || !*j->partition) {
		f->st.no_part++;
		return 0;
	}
	if (j->timelimit <= 0 || j->elapsed < 0) {
		f->st.no_limit++;
		return 0;
	}
	lp = strlen(j->partition);
	if (lu > SC_MODEL_NAME_MAX || la > SC_MODEL_NAME_MAX || lp > SC_MODEL_NAME_MAX) {
		f->st.no_part++;
		return 0;
	}
	ratio = (double)j->elapsed / (double)j->timelimit;
	if (ratio > 1)
		ratio = 1;
	watts = job_watts(j);
	/* Keys, always "user\0account\0partition\0" with the names a level
	 * leaves out empty: key + lu is the account level's. */
	memcpy(key, u, lu + 1);
	memcpy(key + lu + 1, a, la + 1);
	memcpy(key + lu + la + 2, j->partition, lp + 1);
	pkey[0] = pkey[1] = '\0';
	memcpy(pkey + 2, j->partition, lp + 1);
	if (lu && la) {
		struct bucket *b = bucket_get(f, SC_LEVEL_USER, key, lu + la + lp + 3);
		r = b ? bucket_add(b, (float)ratio, watts, j) : -1;
		if (r == 0 && ln)
			r = add_name(f, b, key, lu + la + lp + 3, j->name, ln, (float)ratio, watts, j);
	}
	if (r == 0 && la) {
		struct bucket *b = bucket_get(f, SC_LEVEL_ACCOUNT, key + lu, la + lp + 3);
		r = b ? bucket_add(b, (float)ratio, watts, j) : -1;
	}
	if (r == 0) {
		struct bucket *b = bucket_get(f, SC_LEVEL_PARTITION, pkey, lp + 3);
		r = b ? bucket_add(b, (float)ratio, watts, j) : -1;
	}
	if (r < 0)
		return -1;
	f->st.used++;
	f->st.measured += watts >= 0;
	if (j->end > 0) {
		if (!f->st.first_end || j->end < f->st.first_end)
			f->st.first_end = j->end;
		if (j->end > f->st.last_end)
			f->st.last_end = j->end;
	}
	return 1;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* The q quantile of v[0..n) (sorted in place), interpolated between order
 * statistics (Hyndman and Fan's type 7, R's default). n > 0. */
static double quantile(float *v, size_t n, double q)
{
	double h, lo;
	size_t i;

	qsort(v, n, sizeof(*v), cmp_float);
	h = (double)(n - 1) * q;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

/* Rounds for a file that reads well and compares exactly. */
static double rnd(double x, double q)
{
	return round(x / q) * q;
}

/* The entry of b, or NULL when it rests on too few jobs (or out of memory:
 * *oom set). */
static json_t *bucket_json(const struct sc_fit *f, struct bucket *b, int *oom)
{
	const char *u = b->key, *a = u + strlen(u) + 1, *p = a + strlen(a) + 1;
	json_t *o;
	double cw = 0;

	if ((long)b->n_ratio < f->p.min_jobs)
		return NULL;
	o = json_object();
	if (!o) {
		*oom = 1;
		return NULL;
	}
	json_object_set_new(o, "level", sc_json_text(sc_model_level_name(b->level)));
	if (b->level <= SC_LEVEL_USER)
		json_object_set_new(o, "user", sc_json_text(u));
	if (b->level != SC_LEVEL_PARTITION)
		json_object_set_new(o, "account", sc_json_text(a));
	json_object_set_new(o, "partition", sc_json_text(p));
	if (b->level == SC_LEVEL_NAME)
		json_object_set_new(o, "name", sc_json_text(p + strlen(p) + 1));
	json_object_set_new(o, "jobs", json_integer((json_int_t)b->n_ratio));
	json_object_set_new(o, "ratio_median", json_real(rnd(quantile(b->ratio, b->n_ratio, 0.5), 1e-5)));
	json_object_set_new(o, "ratio_q", json_real(rnd(quantile(b->ratio, b->n_ratio, f->p.quantile), 1e-5)));
	json_object_set_new(o, "ratio_total", json_real(rnd(b->sum_used / b->sum_limit, 1e-5)));
	if ((long)b->n_core >= f->p.min_jobs) {
		cw = rnd(quantile(b->core_w, b->n_core, 0.5), 1e-3);
		json_object_set_new(o, "core_w", json_real(cw));
		json_object_set_new(o, "core_w_jobs", json_integer((json_int_t)b->n_core));
	}
	if ((long)b->n_gpu >= f->p.min_jobs) {
		float *g = malloc(b->n_gpu * sizeof(*g));
		if (!g) {
			*oom = 1;
			json_decref(o);
			return NULL;
		}
		for (size_t i = 0; i < b->n_gpu; i++) {
			double w = ((double)b->gpu[i].watts - cw * b->gpu[i].cores) / b->gpu[i].gpus;
			g[i] = (float)(w > 0 ? w : 0);
		}
		json_object_set_new(o, "gpu_w", json_real(rnd(quantile(g, b->n_gpu, 0.5), 1e-3)));
		json_object_set_new(o, "gpu_w_jobs", json_integer((json_int_t)b->n_gpu));
		free(g);
	}
	return o;
}

/* Stable order: level, then partition, account, user; names by jobs (most
 * first), then name. */
static int cmp_bucket(const void *x, const void *y)
{
	const struct bucket *a = *(struct bucket *const *)x, *b = *(struct bucket *const *)y;
	const char *ka[4], *kb[4];

	if (a->level != b->level)
		return a->level > b->level ? -1 : 1;
	ka[0] = a->key, kb[0] = b->key;
	for (int i = 1; i < 4; i++) {
		ka[i] = ka[i - 1] + strlen(ka[i - 1]) + 1;
		kb[i] = kb[i - 1] + strlen(kb[i - 1]) + 1;
	}
	for (int i = 2; i >= 0; i--) {
		int c = strcmp(ka[i], kb[i]);
		if (c)
			return c;
	}
	if (a->level != SC_LEVEL_NAME)
		return 0;
	if (a->n_ratio != b->n_ratio)
		return a->n_ratio > b->n_ratio ? -1 : 1;
	return strcmp(ka[3], kb[3]);
}

/* Whether name bucket b is written (learn/fit.h): enough jobs, a ratio
 * that differs from its parent's, and room under the parent. *cur and
 * *count: the parent of the last one written and how many it has (b comes
 * in cmp_bucket's order, so a parent's names are together). */
static int name_written(const struct sc_fit *f, const struct bucket *b, const struct bucket **cur,
			int *count)
{
	const struct bucket *p = b->parent;
	double diff = rnd(b->sum_used / b->sum_limit, 1e-5) - rnd(p->sum_used / p->sum_limit, 1e-5);

	if ((long)b->n_ratio < f->p.min_jobs || fabs(diff) < SC_MODEL_NAME_MIN_DIFF - 1e-9)
		return 0;
	if (*cur != p) {
		*cur = p;
		*count = 0;
	}
	if (*count >= SC_MODEL_MAX_NAMES)
		return 0;
	++*count;
	return 1;
}

static json_t *model_header(const struct sc_fit *f, int64_t created, const char *input,
			    int64_t start, int64_t end)
{
	json_t *o = json_object(), *src = json_object();

	if (!o || !src) {
		json_decref(o);
		json_decref(src);
		return NULL;
	}
	json_object_set_new(o, "version", json_integer(SC_MODEL_VERSION));
	json_object_set_new(o, "kind", sc_json_text(SC_MODEL_KIND));
	json_object_set_new(o, "created", json_integer(created));
	json_object_set_new(src, "input", sc_json_text(input ? input : ""));
	json_object_set_new(src, "start", json_integer(start ? start : f->st.first_end));
	json_object_set_new(src, "end", json_integer(end ? end : f->st.last_end));
	json_object_set_new(src, "jobs_read", json_integer(f->st.seen));
	json_object_set_new(src, "jobs_used", json_integer(f->st.used));
	json_object_set_new(src, "jobs_measured", json_integer(f->st.measured));
	json_object_set_new(o, "source", src);
	json_object_set_new(o, "min_jobs", json_integer(f->p.min_jobs));
	json_object_set_new(o, "quantile", json_real(f->p.quantile));
	return o;
}

json_t *sc_fit_model(struct sc_fit *f, int64_t created, const char *input, int64_t start,
		     int64_t end, size_t *n_entries, struct sc_err *err)
{
	struct bucket **all = malloc((f->n ? f->n : 1) * sizeof(*all));
	json_t *o = model_header(f, created, input, start, end), *ents = json_array();
	const struct bucket *cur = NULL;
	size_t n = 0;
	int oom = !all || !o || !ents, count = 0;

	for (size_t i = 0; !oom && i < f->nslot; i++)
		if (f->slot[i])
			all[n++] = f->slot[i];
	if (!oom)
		qsort(all, n, sizeof(*all), cmp_bucket);
	for (size_t i = 0; !oom && i < n; i++) {
		json_t *e;
		if (all[i]->level == SC_LEVEL_NAME && !name_written(f, all[i], &cur, &count))
			continue;
		e = bucket_json(f, all[i], &oom);
		if (e && json_array_append_new(ents, e) < 0)
			oom = 1;
	}
	free(all);
	if (oom || json_object_set_new(o, "entries", ents) < 0) {
		json_decref(o);
		sc_err_set(err, "out of memory");
		return NULL;
	}
	if (n_entries)
		*n_entries = json_array_size(ents);
	return o;
}

static int fill(FILE *f, void *ctx, struct sc_err *err)
{
	if (json_dumpf((const json_t *)ctx, f, JSON_COMPACT | JSON_REAL_PRECISION(10)) < 0 ||
	    fputc('\n', f) == EOF)
		return sc_err_set(err, "write failed");
	return 0;
}

int sc_fit_write(const json_t *model, const char *path, struct sc_err *err)
{
	if (sc_atomic_write(path, 0644, fill, (void *)model, err) < 0)
		return sc_err_prefix(err, "%s: ", path);
	return 0;
}
