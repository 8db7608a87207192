/* slurm-carbon: the learned estimates — reading the model file and the lookup.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/file.h"
#include "base/grow.h"
#include "base/units.h"
#include "forecast/cache.h"
#include "learn/model.h"

struct sc_model {
	int version;
	int64_t created;
	double quantile;
	struct sc_model_entry *e;
	size_t n, cap;
	size_t *slot; /* open addressing: entry index + 1, 0 empty */
	size_t nslot; /* a power of two, at least 2 n */
	json_t *root; /* owns the strings the entries point to */
};

static const char *const level_names[] = { "name", "user", "account", "partition" };

const char *sc_model_level_name(enum sc_model_level l)
{
	return (unsigned)l < 4 ? level_names[l] : "?";
}

/* FNV-1a over the level and the four names, with separators. */
static size_t hash_key(enum sc_model_level l, const char *u, const char *a, const char *p,
		       const char *n)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)l;
	const char *s[4] = { u, a, p, n };

	for (int i = 0; i < 4; i++) {
		for (const unsigned char *c = (const unsigned char *)s[i]; *c; c++)
			h = (h ^ *c) * 1099511628211ULL;
		h = (h ^ 0x1f) * 1099511628211ULL;
	}
	return (size_t)h;
}

static const struct sc_model_entry *find(const struct sc_model *m, enum sc_model_level l,
					 const char *u, const char *a, const char *p, const char *n)
{
	size_t mask = m->nslot - 1;

	if (!m->nslot)
		return NULL;
	for (size_t i = hash_key(l, u, a, p, n) & mask;; i = (i + 1) & mask) {
		const struct sc_model_entry *e;
		if (!m->slot[i])
			return NULL;
		e = &m->e[m->slot[i] - 1];
		if (e->level == l && strcmp(e->partition, p) == 0 && strcmp(e->account, a) == 0 &&
		    strcmp(e->user, u) == 0 && strcmp(e->name, n) == 0)
			return e;
	}
}

/* Builds the index; -1 with err on a duplicate key or out of memory. */
static int index_entries(struct sc_model *m, const char *name, struct sc_err *err)
{
	size_t n = 16;

	while (n < 2 * m->n)
		n *= 2;
	m->slot = calloc(n, sizeof(*m->slot));
	if (!m->slot)
		return sc_err_set(err, "%s: out of memory", name);
	m->nslot = n;
	for (size_t k = 0; k < m->n; k++) {
		const struct sc_model_entry *e = &m->e[k];
		size_t i;
		char key[SC_MODEL_KEY_MAX];

		if (find(m, e->level, e->user, e->account, e->partition, e->name))
			return sc_err_set(err, "%s: entries[%zu]: duplicate %s entry %s; expected one entry per key",
					  name, k, sc_model_level_name(e->level),
					  SC_PRINTABLE(sc_model_key(e, key, sizeof(key))));
		for (i = hash_key(e->level, e->user, e->account, e->partition, e->name) & (n - 1); m->slot[i];
		     i = (i + 1) & (n - 1))
			;
		m->slot[i] = k + 1;
	}
	return 0;
}

/* A name: a non-empty string without control characters, at most
 * SC_MODEL_NAME_MAX bytes. */
static int get_name(json_t *o, const char *key, const char **out, const char *name, size_t k,
		    struct sc_err *err)
{
	json_t *v = json_object_get(o, key);
	const char *s;

	if (!json_is_string(v) || !*(s = json_string_value(v)) || strlen(s) > SC_MODEL_NAME_MAX)
		return sc_err_set(err, "%s: entries[%zu]: \"%s\" missing or not a name; expected a string "
				  "of 1 to %d bytes", name, k, key, SC_MODEL_NAME_MAX);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < ' ' || *c == 0x7f)
			return sc_err_set(err, "%s: entries[%zu]: \"%s\" '%s' has a control character; "
					  "expected a plain name", name, k, key, SC_PRINTABLE(s));
	*out = s;
	return 0;
}

static int get_num(json_t *o, const char *key, double lo, double hi, int optional, double *out,
		   const char *name, size_t k, struct sc_err *err)
{
	json_t *v = json_object_get(o, key);
	double x;

	if (!v && optional)
		return 1;
	if (!json_is_number(v) || !isfinite(x = json_number_value(v)) || x < lo || x > hi)
		return sc_err_set(err, "%s: entries[%zu]: \"%s\" %s; expected a number from %g to %g",
				  name, k, key, v ? "out of range or not a number" : "missing", lo, hi);
	*out = x;
	return 0;
}

/* Reads a count that must be a whole number >= lo. */
static int get_count(json_t *o, const char *key, long lo, int optional, long *out, const char *name,
		     size_t k, struct sc_err *err)
{
	double x;
	int r = get_num(o, key, (double)lo, 1e15, optional, &x, name, k, err);

	if (r)
		return r;
	if (x != floor(x))
		return sc_err_set(err, "%s: entries[%zu]: \"%s\" is not a whole number; expected a job count",
				  name, k, key);
	*out = (long)x;
	return 0;
}

/* The watts of one kind: both fields or neither. */
static int get_watts(json_t *o, const char *key, const char *jobs_key, double *w, long *jobs,
		     const char *name, size_t k, struct sc_err *err)
{
	int r1 = get_num(o, key, 0, SC_MODEL_MAX_WATTS, 1, w, name, k, err);
	int r2;

	if (r1 < 0)
		return -1;
	r2 = get_count(o, jobs_key, 1, 1, jobs, name, k, err);
	if (r2 < 0)
		return -1;
	if (r1 != r2)
		return sc_err_set(err, "%s: entries[%zu]: \"%s\" and \"%s\" go together; expected both or "
				  "neither", name, k, key, jobs_key);
	if (r1)
		*jobs = 0;
	return 0;
}

/* The entry's level and the names it has (and none it leaves out). */
static int read_keys(json_t *o, struct sc_model_entry *e, int version, const char *name, size_t k,
		     struct sc_err *err)
{
	const char *l = json_string_value(json_object_get(o, "level"));
	int lv = -1;

	for (int i = 0; l && i < 4; i++)
		if (strcmp(l, level_names[i]) == 0)
			lv = i;
	if (lv < 0 || (lv == SC_LEVEL_NAME && version < 3))
		return sc_err_set(err, "%s: entries[%zu]: \"level\" missing or unknown; expected %s"
				  "user, account or partition", name, k, version < 3 ? "" : "name, ");
	e->level = (enum sc_model_level)lv;
	if (get_name(o, "partition", &e->partition, name, k, err) < 0)
		return -1;
	if (e->level != SC_LEVEL_PARTITION && get_name(o, "account", &e->account, name, k, err) < 0)
		return -1;
	if (e->level <= SC_LEVEL_USER && get_name(o, "user", &e->user, name, k, err) < 0)
		return -1;
	if (e->level == SC_LEVEL_NAME && get_name(o, "name", &e->name, name, k, err) < 0)
		return -1;
	if ((e->level != SC_LEVEL_NAME && json_object_get(o, "name")) ||
	    (e->level > SC_LEVEL_USER && json_object_get(o, "user")) ||
	    (e->level == SC_LEVEL_PARTITION && json_object_get(o, "account")))
		return sc_err_set(err, "%s: entries[%zu]: a %s entry with a key its level leaves out; "
				  "expected name only at level name, user at levels name and user, "
				  "account at all but partition", name, k, l);
	return 0;
}

static int read_entry(json_t *o, struct sc_model_entry *e, int version, const char *name, size_t k,
		      struct sc_err *err)
{
	memset(e, 0, sizeof(*e));
	e->user = e->account = e->name = "";
	if (!json_is_object(o))
		return sc_err_set(err, "%s: entries[%zu] is not an object; expected {\"level\":...}", name, k);
	if (read_keys(o, e, version, name, k, err) < 0)
		return -1;
	if (get_count(o, "jobs", 1, 0, &e->jobs, name, k, err) < 0 ||
	    get_num(o, "ratio_median", 0, 1, 0, &e->ratio_median, name, k, err) < 0 ||
	    get_num(o, "ratio_q", 0, 1, 0, &e->ratio_q, name, k, err) < 0 ||
	    get_watts(o, "core_w", "core_w_jobs", &e->core_w, &e->core_w_jobs, name, k, err) < 0 ||
	    get_watts(o, "gpu_w", "gpu_w_jobs", &e->gpu_w, &e->gpu_w_jobs, name, k, err) < 0)
		return -1;
	if (version < 2)
		e->ratio_total = e->ratio_median;
	else if (get_num(o, "ratio_total", 0, 1, 0, &e->ratio_total, name, k, err) < 0)
		return -1;
	if (e->ratio_median > e->ratio_q)
		return sc_err_set(err, "%s: entries[%zu]: ratio_median %g above ratio_q %g; expected the "
				  "median at most the upper quantile", name, k, e->ratio_median, e->ratio_q);
	return 0;
}

/* The header: version, kind, created (and its age), quantile. */
static int read_header(struct sc_model *m, json_t *root, const char *name, int64_t now,
		       int64_t max_age, struct sc_err *err)
{
	json_t *v = json_object_get(root, "version"), *q = json_object_get(root, "quantile");
	json_t *c = json_object_get(root, "created");
	const char *kind = json_string_value(json_object_get(root, "kind"));
	char a[32], b[32];

	if (!json_is_integer(v) || json_integer_value(v) < SC_MODEL_VERSION_MIN ||
	    json_integer_value(v) > SC_MODEL_VERSION)
		return sc_err_set(err, "%s: \"version\" missing or not %d to %d; expected a file written by "
				  "scarbon learn of this release or an earlier one", name, SC_MODEL_VERSION_MIN,
				  SC_MODEL_VERSION);
	m->version = (int)json_integer_value(v);
	if (!kind || strcmp(kind, SC_MODEL_KIND))
		return sc_err_set(err, "%s: \"kind\" is not \"%s\"; expected a file written by scarbon learn",
				  name, SC_MODEL_KIND);
	if (!json_is_integer(c) || json_integer_value(c) <= 0)
		return sc_err_set(err, "%s: \"created\" missing or not a time; expected epoch seconds", name);
	m->created = (int64_t)json_integer_value(c);
	if (m->created > now + 86400)
		return sc_err_set(err, "%s: created %s, after now (%s); expected a file from the past "
				  "(is a clock wrong?)", name, sc_format_time(m->created, a, sizeof(a)),
				  sc_format_time(now, b, sizeof(b)));
	if (max_age > 0 && now - m->created > max_age)
		return sc_err_set(err, "%s: stale: created %s, more than %s ago; expected a file at most "
				  "EstimatesMaxAge old (run scarbon learn, or its timer)", name,
				  sc_format_time(m->created, a, sizeof(a)),
				  sc_format_duration(max_age, b, sizeof(b)));
	if (!json_is_number(q) || !(json_number_value(q) >= 0.5 && json_number_value(q) < 1))
		return sc_err_set(err, "%s: \"quantile\" missing or out of range; expected 0.5 to 0.99", name);
	m->quantile = json_number_value(q);
	return 0;
}

struct sc_model *sc_model_parse(const char *text, size_t len, const char *name, int64_t now,
				int64_t max_age, struct sc_err *err)
{
	struct sc_model *m = calloc(1, sizeof(*m));
	json_error_t je;
	json_t *ents;

	if (!name)
		name = SC_MODEL_FILE;
	if (!m) {
		sc_err_set(err, "%s: out of memory", name);
		return NULL;
	}
	m->root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &je);
	if (!m->root || !json_is_object(m->root)) {
		if (m->root)
			sc_err_set(err, "%s: not a JSON object; expected a file written by scarbon learn", name);
		else
			sc_err_set(err, "%s:%d: %s; expected a file written by scarbon learn", name, je.line,
				   SC_PRINTABLE(je.text));
		goto error;
	}
	if (read_header(m, m->root, name, now, max_age, err) < 0)
		goto error;
	ents = json_object_get(m->root, "entries");
	if (!json_is_array(ents)) {
		sc_err_set(err, "%s: \"entries\" missing or not an array; expected a list of entries", name);
		goto error;
	}
	if (SC_GROW(m->e, m->cap, json_array_size(ents) + 1) < 0) {
		sc_err_set(err, "%s: out of memory", name);
		goto error;
	}
	for (size_t k = 0; k < json_array_size(ents); k++)
		if (read_entry(json_array_get(ents, k), &m->e[m->n++], m->version, name, k, err) < 0)
			goto error;
	if (index_entries(m, name, err) < 0)
		goto error;
	return m;
error:
	sc_model_destroy(m);
	return NULL;
}

struct sc_model *sc_model_load(const char *path, int64_t now, int64_t max_age, struct sc_err *err)
{
	/* Never waits on a FIFO: the plugin's reloader reads this too. */
	FILE *f = sc_open_regular(path, "learned model", (off_t)SC_MODEL_MAX_SIZE, err);
	struct sc_model *m = NULL;
	struct stat st;
	char *buf = NULL;
	size_t got;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || (uintmax_t)st.st_size > SC_MODEL_MAX_SIZE) {
		sc_err_set(err, "%s: not a regular file of at most %u MiB; expected the file scarbon learn "
			   "writes", path, SC_MODEL_MAX_SIZE >> 20);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		sc_err_set(err, "%s: out of memory", path);
		goto out;
	}
	got = fread(buf, 1, (size_t)st.st_size, f);
	if (got != (size_t)st.st_size || ferror(f)) {
		sc_err_set(err, "%s: cannot read: %s", path, ferror(f) ? strerror(errno) : "short read");
		goto out;
	}
	m = sc_model_parse(buf, got, path, now, max_age, err);
out:
	free(buf);
	fclose(f);
	return m;
}

char *sc_model_path(const char *state_dir, struct sc_err *err)
{
	return sc_state_file(state_dir, SC_MODEL_FILE, "the learned model", err);
}

void sc_model_destroy(struct sc_model *m)
{
	if (!m)
		return;
	free(m->e);
	free(m->slot);
	json_decref(m->root);
	free(m);
}

int64_t sc_model_created(const struct sc_model *m)
{
	return m->created;
}

int sc_model_version(const struct sc_model *m)
{
	return m->version;
}

double sc_model_ratio(const struct sc_model_entry *e)
{
	return e->ratio_total > 1e-4 ? e->ratio_total : 1e-4;
}

const char *sc_model_ratio_name(const struct sc_model *m)
{
	return m->version >= 2 ? "total run time" : "median run time";
}

double sc_model_quantile(const struct sc_model *m)
{
	return m->quantile;
}

size_t sc_model_count(const struct sc_model *m)
{
	return m->n;
}

const struct sc_model_entry *sc_model_entry(const struct sc_model *m, size_t i)
{
	return i < m->n ? &m->e[i] : NULL;
}

int sc_model_lookup(const struct sc_model *m, const char *user, const char *account,
		    const char *partition, const char *name, struct sc_model_match *out)
{
	const struct sc_model_entry *e[4];
	int ua = user && *user && account && *account;

	memset(out, 0, sizeof(*out));
	e[0] = ua && name && *name ? find(m, SC_LEVEL_NAME, user, account, partition, name) : NULL;
	e[1] = ua ? find(m, SC_LEVEL_USER, user, account, partition, "") : NULL;
	e[2] = account && *account ? find(m, SC_LEVEL_ACCOUNT, "", account, partition, "") : NULL;
	e[3] = find(m, SC_LEVEL_PARTITION, "", "", partition, "");
	for (int i = 3; i >= 0; i--) {
		if (!e[i])
			continue;
		out->ratio = e[i];
		if (e[i]->core_w_jobs > 0)
			out->core_w = e[i];
		if (e[i]->gpu_w_jobs > 0)
			out->gpu_w = e[i];
	}
	return out->ratio != NULL;
}

char *sc_model_key(const struct sc_model_entry *e, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s/%s%s%s", *e->user ? e->user : "*", *e->account ? e->account : "*",
		 e->partition, *e->name ? "/" : "", e->name);
	return buf;
}
