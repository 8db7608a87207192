/* slurm-carbon: the plugin's decision counters (see counters.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/grow.h"
#include "base/json.h"
#include "forecast/cache.h"
#include "metrics/counters.h"

#define COUNTERS_VERSION 1
/* A few hundred bytes per partition: more is no counters file. */
#define COUNTERS_MAX_BYTES ((off_t)16 << 20)

static const char *const kind_names[SC_KIND_N] = {
	[SC_KIND_NONE] = "none",
	[SC_KIND_RUN] = "run",
	[SC_KIND_DELAY] = "delay",
	[SC_KIND_REROUTE] = "reroute",
	[SC_KIND_DELAY_REROUTE] = "delay_reroute",
	[SC_KIND_REJECT] = "reject",
	[SC_KIND_INVALID] = "invalid",
};

enum sc_counter_kind sc_counter_kind_of(enum sc_action a)
{
	switch (a) {
	case SC_ACT_RUN: return SC_KIND_RUN;
	case SC_ACT_DELAY: return SC_KIND_DELAY;
	case SC_ACT_REROUTE: return SC_KIND_REROUTE;
	case SC_ACT_DELAY_REROUTE: return SC_KIND_DELAY_REROUTE;
	case SC_ACT_REJECT: return SC_KIND_REJECT;
	case SC_ACT_NONE: break;
	}
	return SC_KIND_NONE;
}

const char *sc_counter_kind_name(enum sc_counter_kind k)
{
	return (unsigned)k < SC_KIND_N ? kind_names[k] : "none";
}

static int kind_from_name(const char *s)
{
	for (int k = 0; k < SC_KIND_N; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
}

static int add_row(struct sc_counters *c, const char *name)
{
	char *copy = strdup(name);

	if (!copy || SC_GROW(c->rows, c->cap, c->n + 1) < 0) {
		free(copy);
		return -1;
	}
	memset(&c->rows[c->n], 0, sizeof(c->rows[c->n]));
	c->rows[c->n++].partition = copy;
	return 0;
}

int sc_counters_init(struct sc_counters *c, char *const *names, size_t n)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < n; i++)
		if (add_row(c, names[i]) < 0) {
			sc_counters_free(c);
			return -1;
		}
	return 0;
}

void sc_counters_free(struct sc_counters *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->rows[i].partition);
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

static double amount(double g)
{
	return isfinite(g) && g > 0 ? g : 0;
}

void sc_counters_add(struct sc_counters *c, size_t row, enum sc_counter_kind k, double est_g,
		     double avoided_g)
{
	struct sc_counter_row *r;

	if (row >= c->n || (unsigned)k >= SC_KIND_N)
		return;
	r = &c->rows[row];
	r->n[k]++;
	r->estimated_g += amount(est_g);
	r->avoided_g += amount(avoided_g);
}

int sc_counters_copy(struct sc_counters *dst, const struct sc_counters *src)
{
	if (dst->n != src->n)
		return -1;
	for (size_t i = 0; i < src->n; i++) {
		if (strcmp(dst->rows[i].partition, src->rows[i].partition) != 0)
			return -1;
		memcpy(dst->rows[i].n, src->rows[i].n, sizeof(src->rows[i].n));
		dst->rows[i].estimated_g = src->rows[i].estimated_g;
		dst->rows[i].avoided_g = src->rows[i].avoided_g;
	}
	dst->updated = src->updated;
	return 0;
}

char *sc_counters_path(const char *state_dir, struct sc_err *err)
{
	return sc_state_file(state_dir, "counters.json", "the plugin's decision counters", err);
}

/* One partition's object from the file into *r (counts added). */
static int load_row(struct sc_counter_row *r, const char *name, json_t *o, struct sc_err *err)
{
	json_t *d = json_object_get(o, "decisions"), *est = json_object_get(o, "estimated_g"),
	       *av = json_object_get(o, "avoided_g"), *v;
	const char *k;
	uint64_t n[SC_KIND_N] = { 0 };

	if (!json_is_object(o) || !json_is_object(d) || !json_is_number(est) || !json_is_number(av) ||
	    json_number_value(est) < 0 || json_number_value(av) < 0)
		return sc_err_set(err, "partition '%.80s': expected {\"decisions\":{...},\"estimated_g\":"
				  "N,\"avoided_g\":N} with non-negative numbers", name);
	json_object_foreach(d, k, v) {
		int kind = kind_from_name(k);
		if (kind < 0 || !json_is_integer(v) || json_integer_value(v) < 0)
			return sc_err_set(err, "partition '%.80s': decision '%.40s' is not one of none, run, "
					  "delay, reroute, delay_reroute, reject, invalid with a count >= 0",
					  name, k);
		n[kind] = (uint64_t)json_integer_value(v);
	}
	for (int i = 0; i < SC_KIND_N; i++)
		r->n[i] += n[i];
	r->estimated_g += json_number_value(est);
	r->avoided_g += json_number_value(av);
	return 0;
}

static int find_row(const struct sc_counters *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->rows[i].partition, name) == 0)
			return (int)i;
	return -1;
}

int sc_counters_load(struct sc_counters *c, const char *path, struct sc_err *err)
{
	json_error_t je;
	json_t *root, *parts, *o;
	struct sc_counters tmp = { 0 };
	const char *name;
	int rc = -1;
	/* Never waits on a FIFO: the plugin reads this at slurmctld's start. */
	FILE *f = sc_open_regular(path, "decision counters", COUNTERS_MAX_BYTES, err);

	if (!f)
		return errno == ENOENT ? (sc_err_clear(err), 0) : -1; /* missing: no counters yet */
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!root)
		return sc_err_set(err, "%s: not JSON (line %d: %s)", path, je.line, SC_PRINTABLE(je.text));
	parts = json_object_get(root, "partitions");
	if (!json_is_object(root) || json_integer_value(json_object_get(root, "v")) != COUNTERS_VERSION ||
	    !json_is_object(parts)) {
		sc_err_set(err, "%s: expected {\"v\":%d,\"partitions\":{...}}", path, COUNTERS_VERSION);
		goto out;
	}
	/* Into a copy first: a bad entry leaves c as it was. */
	for (size_t i = 0; i < c->n; i++) {
		if (add_row(&tmp, c->rows[i].partition) < 0)
			goto oom;
		memcpy(tmp.rows[i].n, c->rows[i].n, sizeof(tmp.rows[i].n));
		tmp.rows[i].estimated_g = c->rows[i].estimated_g;
		tmp.rows[i].avoided_g = c->rows[i].avoided_g;
	}
	json_object_foreach(parts, name, o) {
		int i = find_row(&tmp, name);
		if (i < 0) {
			if (add_row(&tmp, name) < 0)
				goto oom;
			i = (int)tmp.n - 1;
		}
		if (load_row(&tmp.rows[i], name, o, err) < 0) {
			sc_err_prefix(err, "%s: ", path);
			goto out;
		}
	}
	tmp.updated = json_integer_value(json_object_get(root, "updated"));
	sc_counters_free(c);
	*c = tmp;
	memset(&tmp, 0, sizeof(tmp));
	rc = 0;
	goto out;
oom:
	sc_err_set(err, "out of memory");
out:
	sc_counters_free(&tmp);
	json_decref(root);
	return rc;
}

struct save_ctx {
	const struct sc_counters *c;
	int64_t now;
};

static int fill(FILE *f, void *arg, struct sc_err *err)
{
	const struct save_ctx *s = arg;
	json_t *root = json_object(), *parts = json_object();
	char *text = NULL;
	int rc = -1;

	if (!root || !parts || json_object_set_new(root, "v", json_integer(COUNTERS_VERSION)) ||
	    json_object_set_new(root, "updated", json_integer(s->now)) ||
	    json_object_set(root, "partitions", parts))
		goto out;
	for (size_t i = 0; i < s->c->n; i++) {
		const struct sc_counter_row *r = &s->c->rows[i];
		json_t *o = json_object(), *d = json_object();
		if (!o || !d || json_object_set_new(o, "decisions", d) ||
		    json_object_set_new(o, "estimated_g", json_real(r->estimated_g)) ||
		    json_object_set_new(o, "avoided_g", json_real(r->avoided_g)) ||
		    json_object_set_new(parts, r->partition, o)) {
			json_decref(o);
			goto out;
		}
		for (int k = 0; k < SC_KIND_N; k++)
			if (json_object_set_new(d, kind_names[k], json_integer((json_int_t)r->n[k])))
				goto out;
	}
	text = sc_json_dumps(root);
	if (text && fprintf(f, "%s\n", text) >= 0)
		rc = 0;
out:
	if (rc < 0)
		sc_err_set(err, "out of memory");
	free(text);
	json_decref(parts);
	json_decref(root);
	return rc;
}

int sc_counters_save(const struct sc_counters *c, const char *path, int64_t now, struct sc_err *err)
{
	struct save_ctx s = { c, now };

	return sc_atomic_write(path, 0644, fill, &s, err);
}
