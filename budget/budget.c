/* slurm-carbon: carbon budgets over time (budget/budget.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/file.h"
#include "base/grow.h"
#include "base/json.h"
#include "base/units.h"
#include "budget/budget.h"
#include "forecast/cache.h"
#include "record/record.h"

/* A few hundred bytes per budget period: more is no ledger. */
#define LEDGER_MAX_BYTES ((off_t)16 << 20)

const char *sc_budget_period_name(enum sc_budget_period p)
{
	static const char *const n[] = { "month", "quarter", "year", "fixed" };
	return (unsigned)p < 4 ? n[p] : "?";
}

const char *sc_budget_action_name(enum sc_budget_action a)
{
	static const char *const n[] = { "reject", "delay", "warn" };
	return (unsigned)a < 3 ? n[a] : "?";
}

int sc_budget_period_at(const struct sc_budget *b, int64_t t, int64_t *start, int64_t *end)
{
	int64_t y, first;
	unsigned m, d, step;

	if (b->period == SC_PERIOD_FIXED) {
		int64_t k;
		if (t < b->start || b->length <= 0)
			return 0;
		k = (t - b->start) / b->length;
		*start = b->start + k * b->length;
		*end = *start + b->length;
		return 1;
	}
	sc_civil_from_days(t >= 0 ? t / 86400 : (t - 86399) / 86400, &y, &m, &d);
	step = b->period == SC_PERIOD_MONTH ? 1 : b->period == SC_PERIOD_QUARTER ? 3 : 12;
	m = (m - 1) / step * step + 1; /* the first month of the period */
	first = sc_epoch_from_utc(y, m, 1, 0, 0, 0);
	m += step;
	if (m > 12) {
		m -= 12;
		y++;
	}
	*start = first;
	*end = sc_epoch_from_utc(y, m, 1, 0, 0, 0);
	return 1;
}

int sc_budget_matches(const struct sc_budget *b, const char *user, const char *account)
{
	if (b->user && (!user || strcmp(b->user, user) != 0))
		return 0;
	if (b->account && (!account || strcasecmp(b->account, account) != 0))
		return 0;
	return b->user || b->account;
}

void sc_ledger_free(struct sc_ledger *l)
{
	if (!l)
		return;
	free(l->e);
	memset(l, 0, sizeof(*l));
}

struct sc_ledger_entry *sc_ledger_add(struct sc_ledger *l, const struct sc_budget *b, int64_t at)
{
	struct sc_ledger_entry *e;

	if (SC_GROW(l->e, l->cap, l->n + 1) < 0)
		return NULL;
	e = &l->e[l->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", b->name);
	e->limit_g = b->limit_g;
	if (!sc_budget_period_at(b, at, &e->start, &e->end))
		e->start = e->end = 0;
	return e;
}

const struct sc_ledger_entry *sc_ledger_find(const struct sc_ledger *l, const char *name,
					     int64_t start)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (l->e[i].start == start && strcmp(l->e[i].name, name) == 0)
			return &l->e[i];
	return NULL;
}

char *sc_ledger_path(const char *state_dir, struct sc_err *err)
{
	return sc_state_file(state_dir, "budgets.json", "the budget ledger", err);
}

/* A number field of o, finite and >= 0. */
static int num(json_t *o, const char *k, double *x)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_number(v))
		return -1;
	*x = json_number_value(v);
	return isfinite(*x) && *x >= 0 ? 0 : -1;
}

static int load_entry(struct sc_ledger *l, const char *name, json_t *o, struct sc_err *err)
{
	struct sc_ledger_entry *e;
	json_t *s = json_object_get(o, "start"), *en = json_object_get(o, "end"), *j = json_object_get(o, "jobs");

	if (strlen(name) == 0 || strlen(name) > SC_BUDGET_MAX_NAME)
		return sc_err_set(err, "budget name '%s' is empty or longer than %d bytes",
				  SC_PRINTABLE(name), SC_BUDGET_MAX_NAME);
	if (SC_GROW(l->e, l->cap, l->n + 1) < 0)
		return sc_err_set(err, "out of memory");
	e = &l->e[l->n];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (!json_is_object(o) || !json_is_integer(s) || !json_is_integer(en) || !json_is_integer(j) ||
	    json_integer_value(en) < json_integer_value(s) || json_integer_value(j) < 0 ||
	    num(o, "limit_g", &e->limit_g) < 0 || num(o, "actual_g", &e->actual_g) < 0 ||
	    num(o, "estimated_g", &e->estimated_g) < 0)
		return sc_err_set(err, "budget %s: expected {\"start\":EPOCH,\"end\":EPOCH (not before "
				  "start),\"limit_g\":G,\"actual_g\":G,\"estimated_g\":G,\"jobs\":N} with "
				  "numbers >= 0", SC_PRINTABLE(name));
	e->start = json_integer_value(s);
	e->end = json_integer_value(en);
	e->jobs = (long)json_integer_value(j);
	l->n++;
	return 0;
}

/* The ledger from its parsed JSON root (NULL: not JSON, je says why), into
 * *l (zeroed); name for messages. 0, or -1 with err and l empty. */
static int from_json(struct sc_ledger *l, json_t *root, const json_error_t *je, const char *name,
		     struct sc_err *err)
{
	json_t *bs, *o, *c;
	const char *key;
	int rc = -1;

	if (!root)
		return sc_err_set(err, "%s: not a budget ledger: %s (line %d)", SC_PRINTABLE(name),
				  SC_PRINTABLE(je->text), je->line);
	bs = json_object_get(root, "budgets");
	c = json_object_get(root, "computed");
	if (!json_is_object(root) || !json_is_integer(json_object_get(root, "v")) ||
	    json_integer_value(json_object_get(root, "v")) != SC_LEDGER_VERSION ||
	    !json_is_integer(c) || json_integer_value(c) < 0 || !json_is_object(bs)) {
		sc_err_set(err, "%s: expected {\"v\":%d,\"computed\":EPOCH,\"budgets\":{...}}",
			   SC_PRINTABLE(name), SC_LEDGER_VERSION);
		goto out;
	}
	l->computed = json_integer_value(c);
	json_object_foreach(bs, key, o) {
		if (load_entry(l, key, o, err) < 0) {
			sc_err_prefix(err, "%s: ", SC_PRINTABLE(name));
			goto out;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		sc_ledger_free(l);
	json_decref(root);
	return rc;
}

int sc_ledger_parse(struct sc_ledger *l, const char *text, size_t len, const char *name,
		    struct sc_err *err)
{
	json_error_t je;

	memset(l, 0, sizeof(*l));
	return from_json(l, json_loadb(text ? text : "", text ? len : 0, JSON_REJECT_DUPLICATES, &je),
			 &je, name ? name : "budgets.json", err);
}

int sc_ledger_load(struct sc_ledger *l, const char *path, struct sc_err *err)
{
	json_error_t je;
	FILE *f;

	memset(l, 0, sizeof(*l));
	/* Never waits on a FIFO: the plugin reads this when slurmctld starts. */
	f = sc_open_regular(path, "budget ledger", LEDGER_MAX_BYTES, err);
	if (!f)
		return errno == ENOENT ? (sc_err_clear(err), 0) : -1;
	json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	return from_json(l, root, &je, path, err) < 0 ? -1 : 1;
}

static int fill(FILE *f, void *arg, struct sc_err *err)
{
	const struct sc_ledger *l = arg;
	json_t *root = json_pack("{s:i,s:I,s:{}}", "v", SC_LEDGER_VERSION, "computed",
				 (json_int_t)l->computed, "budgets");
	json_t *bs = root ? json_object_get(root, "budgets") : NULL;
	char *text = NULL;
	int rc = -1;

	for (size_t i = 0; bs && i < l->n; i++) {
		const struct sc_ledger_entry *e = &l->e[i];
		if (json_object_set_new(bs, e->name, json_pack("{s:I,s:I,s:f,s:f,s:f,s:I}", "start",
			(json_int_t)e->start, "end", (json_int_t)e->end, "limit_g", e->limit_g,
			"actual_g", sc_round(e->actual_g, 0.001), "estimated_g",
			sc_round(e->estimated_g, 0.001), "jobs", (json_int_t)e->jobs)) < 0)
			goto out;
	}
	text = bs ? sc_json_dumps(root) : NULL;
	if (text && fprintf(f, "%s\n", text) >= 0)
		rc = 0;
out:
	if (rc < 0)
		sc_err_set(err, "out of memory");
	free(text);
	json_decref(root);
	return rc;
}

int sc_ledger_save(const struct sc_ledger *l, const char *path, struct sc_err *err)
{
	return sc_atomic_write(path, 0644, fill, (void *)l, err);
}

enum sc_budget_verdict sc_budget_verdict(const struct sc_budget *b, double used_g, double est_g)
{
	double after = used_g + (est_g > 0 ? est_g : 0);

	if (after > b->limit_g)
		return SC_BV_OVER;
	if (b->warn_pct > 0 && after > b->limit_g * b->warn_pct / 100)
		return SC_BV_WARN;
	return SC_BV_OK;
}

char *sc_budget_message(const struct sc_budget *b, double used_g, double est_g, int64_t end,
			const char *what, char *buf, size_t n)
{
	char used[32], lim[32], est[32], when[64] = "";

	sc_format_carbon(used_g, used, sizeof(used));
	sc_format_carbon(b->limit_g, lim, sizeof(lim));
	sc_format_carbon(est_g, est, sizeof(est));
	if (end > 0) {
		snprintf(when, sizeof(when), "; the period resets at ");
		sc_format_time(end, when + strlen(when), sizeof(when) - strlen(when));
	}
	snprintf(buf, n, "carbon budget %s: %s of %s used (%.0f%%), this job's estimate %s would make "
		 "it %.0f%%%s: %s", b->name, used, lim, b->limit_g > 0 ? 100 * used_g / b->limit_g : 0,
		 est, b->limit_g > 0 ? 100 * (used_g + est_g) / b->limit_g : 0, when, what);
	return buf;
}
