/* slurm-carbon: the accounting records.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "record/record.h"

double sc_round(double x, double q)
{
	char b[40];
	double r = round(x / q) * q;

	/* Avoid "-0" and binary noise such as 0.30000000000000004: go through
	 * the shortest decimal that the rounding meant. */
	if (r == 0 || !isfinite(r))
		return r == 0 ? 0 : r;
	snprintf(b, sizeof(b), "%.12g", r);
	return strtod(b, NULL);
}

static int put(json_t *o, const char *k, json_t *v)
{
	return json_object_set_new(o, k, v);
}

static int put_plan(json_t *o, const char *prefix, const struct sc_plan *p)
{
	(void)prefix;
	return put(o, "kwh", json_real(sc_round(p->kwh, 1e-4))) |
	       put(o, "pue", json_real(sc_round(p->pue, 0.01))) |
	       put(o, "ci", json_real(sc_round(p->ci, 0.1))) |
	       put(o, "gco2e", json_real(sc_round(p->gco2e, 0.1)));
}

json_t *sc_record_carbon(const struct sc_site *site, const struct sc_decision *d,
			 const struct sc_record_ctx *ctx)
{
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return NULL;
	rc |= put(o, "v", json_integer(SC_RECORD_VERSION));
	rc |= put(o, "decision", json_string(sc_action_name(d->action)));
	rc |= put(o, "mode", json_string(sc_mode_name(ctx->mode)));
	rc |= put(o, "applied", json_boolean(ctx->applied));
	if (d->action != SC_ACT_NONE) {
		const struct sc_partition *pt = &site->parts[d->chosen.part];
		rc |= put(o, "partition", json_string(pt->name));
		rc |= put(o, "zone", json_string(site->zones[pt->zone]));
		rc |= put(o, "start", json_integer(d->chosen.start));
		rc |= put_plan(o, "", &d->chosen);
		rc |= put(o, "runtime_s", json_integer(d->chosen.runtime));
		rc |= put(o, "watts", json_real(sc_round(d->chosen.watts, 0.1)));
		rc |= put(o, "delay_s", json_integer(d->chosen.start - d->t0));
		rc |= put(o, "saving_pct", json_real(sc_round(d->saving_pct, 0.1)));
		if (d->chosen.partial)
			rc |= put(o, "partial", json_true());
	}
	if (d->has_baseline) {
		rc |= put(o, "baseline_gco2e", json_real(sc_round(d->baseline.gco2e, 0.1)));
		rc |= put(o, "baseline_partition", json_string(site->parts[d->baseline.part].name));
		rc |= put(o, "baseline_start", json_integer(d->baseline.start));
		rc |= put(o, "baseline_ci", json_real(sc_round(d->baseline.ci, 0.1)));
		rc |= put(o, "best_gco2e", json_real(sc_round(d->best_gco2e, 0.1)));
	}
	if (d->budget_g >= 0)
		rc |= put(o, "budget_gco2e", json_real(sc_round(d->budget_g, 0.1)));
	if (d->action == SC_ACT_REJECT)
		rc |= put(o, "fit_time_s", json_integer(d->fit_runtime));
	if (d->action == SC_ACT_NONE || d->action == SC_ACT_REJECT)
		rc |= put(o, "reason", json_string(d->reason));
	if (ctx->requested)
		rc |= put(o, "requested", json_string(ctx->requested));
	if (ctx->signal)
		rc |= put(o, "signal", json_string(ctx->signal));
	if (ctx->source)
		rc |= put(o, "source", json_string(ctx->source));
	if (ctx->issued_at > 0)
		rc |= put(o, "issued_at", json_integer(ctx->issued_at));
	if (ctx->submit > 0)
		rc |= put(o, "submit", json_integer(ctx->submit));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Position of the last top-level JSON object in s that contains key as a
 * member, parsed into *obj; -1 if none. */
static long find_object(const char *s, const char *key, json_t **obj)
{
	long best = -1;

	*obj = NULL;
	for (const char *p = s; (p = strchr(p, '{')); p++) {
		json_error_t e;
		json_t *o = json_loads(p, JSON_DISABLE_EOF_CHECK, &e);
		if (!o)
			continue;
		if (json_is_object(o) && json_object_get(o, key)) {
			json_decref(*obj);
			*obj = o;
			best = p - s;
			p += e.position - 1; /* skip over the object */
		} else {
			json_decref(o);
		}
	}
	return best;
}

char *sc_comment_set(const char *existing, const char *key, json_t *value)
{
	json_t *root = NULL;
	json_error_t e;
	char *out = NULL, *enc = NULL;
	size_t n;

	if (!value)
		return NULL;
	if (!existing || !*existing) {
		root = json_object();
		if (!root || json_object_set_new(root, key, value)) {
			json_decref(root);
			return NULL;
		}
		out = sc_json_dumps(root);
		json_decref(root);
		return out;
	}
	root = json_loads(existing, 0, &e);
	if (root && json_is_object(root)) {
		/* The whole comment is one JSON object: add or replace the key. */
		if (json_object_set_new(root, key, value)) {
			json_decref(root);
			return NULL;
		}
		out = sc_json_dumps(root);
		json_decref(root);
		return out;
	}
	json_decref(root);
	{
		/* Text with our object somewhere: replace that object only. */
		json_t *old;
		long pos = find_object(existing, key, &old);
		json_t *wrap = json_object();
		if (!wrap || json_object_set_new(wrap, key, value)) {
			json_decref(wrap);
			json_decref(old);
			return NULL;
		}
		enc = sc_json_dumps(wrap);
		json_decref(wrap);
		if (!enc) {
			json_decref(old);
			return NULL;
		}
		if (pos >= 0) {
			json_error_t e2;
			json_t *again = json_loads(existing + pos, JSON_DISABLE_EOF_CHECK, &e2);
			size_t oldlen = e2.position;
			const char *tail = existing + pos + oldlen;
			json_decref(again);
			json_decref(old);
			n = (size_t)pos + strlen(enc) + strlen(tail) + 1;
			out = malloc(n);
			if (out)
				snprintf(out, n, "%.*s%s%s", (int)pos, existing, enc, tail);
		} else {
			n = strlen(existing) + 1 + strlen(enc) + 1;
			out = malloc(n);
			if (out)
				snprintf(out, n, "%s %s", existing, enc);
		}
		free(enc);
		return out;
	}
}

json_t *sc_comment_get(const char *comment, const char *key)
{
	json_t *o, *v;

	if (!comment || find_object(comment, key, &o) < 0)
		return NULL;
	v = json_object_get(o, key);
	if (!json_is_object(v)) {
		json_decref(o);
		return NULL;
	}
	json_incref(v);
	json_decref(o);
	return v;
}
