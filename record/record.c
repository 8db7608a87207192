/* slurm-carbon: the accounting records.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "record/comment.h"
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
	rc |= put(o, "decision", sc_json_text(sc_action_name(d->action)));
	rc |= put(o, "mode", sc_json_text(sc_mode_name(ctx->mode)));
	rc |= put(o, "applied", json_boolean(ctx->applied));
	if (d->action != SC_ACT_NONE) {
		const struct sc_partition *pt = &site->parts[d->chosen.part];
		rc |= put(o, "partition", sc_json_text(pt->name));
		rc |= put(o, "zone", sc_json_text(site->zones[pt->zone]));
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
		rc |= put(o, "baseline_partition", sc_json_text(site->parts[d->baseline.part].name));
		rc |= put(o, "baseline_start", json_integer(d->baseline.start));
		rc |= put(o, "baseline_ci", json_real(sc_round(d->baseline.ci, 0.1)));
		rc |= put(o, "best_gco2e", json_real(sc_round(d->best_gco2e, 0.1)));
	}
	if (d->congested) { /* the planned load moved the plan: what it would have been */
		rc |= put(o, "congestion", json_true());
		rc |= put(o, "uncongested_decision", sc_json_text(sc_action_name(d->uncongested_action)));
		rc |= put(o, "uncongested_partition", sc_json_text(site->parts[d->uncongested.part].name));
		rc |= put(o, "uncongested_start", json_integer(d->uncongested.start));
		rc |= put(o, "uncongested_gco2e", json_real(sc_round(d->uncongested.gco2e, 0.1)));
	}
	if (d->budget_g >= 0)
		rc |= put(o, "budget_gco2e", json_real(sc_round(d->budget_g, 0.1)));
	if (d->action == SC_ACT_REJECT)
		rc |= put(o, "fit_time_s", json_integer(d->fit_runtime));
	if (d->action == SC_ACT_NONE || d->action == SC_ACT_REJECT)
		rc |= put(o, "reason", sc_json_text(d->reason));
	if (ctx->estimate) {
		rc |= put(o, "estimate", sc_json_text(ctx->estimate));
		if (ctx->estimate_key) {
			rc |= put(o, "estimate_key", sc_json_text(ctx->estimate_key));
			rc |= put(o, "estimate_jobs", json_integer(ctx->estimate_jobs));
		}
		rc |= put(o, "estimate_ratio", json_real(sc_round(ctx->estimate_ratio, 1e-4)));
	}
	if (ctx->requested)
		rc |= put(o, "requested", sc_json_text(ctx->requested));
	if (ctx->signal)
		rc |= put(o, "signal", sc_json_text(ctx->signal));
	if (ctx->source)
		rc |= put(o, "source", sc_json_text(ctx->source));
	if (ctx->issued_at > 0)
		rc |= put(o, "issued_at", json_integer(ctx->issued_at));
	if (ctx->submit > 0)
		rc |= put(o, "submit", json_integer(ctx->submit));
	if (ctx->time_note && *ctx->time_note)
		rc |= put(o, "time_note", sc_json_text(ctx->time_note));
	if (ctx->budget) { /* the period budget the job counted against, at submission */
		rc |= put(o, "budget", json_string(ctx->budget));
		rc |= put(o, "budget_used_g", json_real(sc_round(ctx->budget_used_g, 0.1)));
		rc |= put(o, "budget_limit_g", json_real(sc_round(ctx->budget_limit_g, 0.1)));
	}
	if (ctx->ledger)
		rc |= put(o, "ledger", json_integer(ctx->ledger));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *sc_record_estimate_comment(const char *existing, const struct sc_site *site,
				 const struct sc_decision *d, const struct sc_record_ctx *ctx)
{
	json_t *rec = sc_record_carbon(site, d, ctx);

	if (!rec)
		return NULL;
	return sc_comment_set(existing, SC_RECORD_ESTIMATE_KEY, rec);
}

/* ---- the actual record --------------------------------------------------- */

const char *sc_energy_source_name(enum sc_energy_source s)
{
	return s == SC_ENERGY_MEASURED ? "measured" : "model";
}

static const char *const ci_names[] = { "none", "static", "submit", "forecast", "actual" };

const char *sc_ci_source_name(enum sc_ci_source s)
{
	return (unsigned)s < sizeof(ci_names) / sizeof(ci_names[0]) ? ci_names[s] : "none";
}

int sc_ci_source_from_name(const char *s)
{
	for (size_t i = 0; s && i < sizeof(ci_names) / sizeof(ci_names[0]); i++)
		if (strcasecmp(s, ci_names[i]) == 0)
			return (int)i;
	return -1;
}

void sc_record_clean(char *dst, size_t n, const char *src)
{
	size_t i = 0;

	for (; src && *src && i + 1 < n; src++)
		dst[i++] = (*src == '"' || *src == '\'' || *src == '`' || *src == '\\' ||
			    (unsigned char)*src < 0x20) ? '_' : *src;
	dst[i] = '\0';
}

json_t *sc_actual_record(const struct sc_actual *a)
{
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return NULL;
	rc |= json_object_set_new(o, "v", json_integer(SC_RECORD_ACTUAL_VERSION));
	rc |= json_object_set_new(o, "kwh", json_real(sc_round(a->kwh, 1e-6)));
	rc |= json_object_set_new(o, "gco2e", json_real(sc_round(a->gco2e, 1e-3)));
	rc |= json_object_set_new(o, "ci", json_real(sc_round(a->ci, 0.1)));
	rc |= json_object_set_new(o, "pue", json_real(sc_round(a->pue, 0.01)));
	rc |= json_object_set_new(o, "energy_source", sc_json_text(sc_energy_source_name(a->energy_source)));
	rc |= json_object_set_new(o, "ci_source", sc_json_text(sc_ci_source_name(a->ci_source)));
	if (a->partition[0])
		rc |= json_object_set_new(o, "partition", sc_json_text(a->partition));
	if (a->zone[0])
		rc |= json_object_set_new(o, "zone", sc_json_text(a->zone));
	rc |= json_object_set_new(o, "start", json_integer(a->start));
	rc |= json_object_set_new(o, "end", json_integer(a->end));
	rc |= json_object_set_new(o, "elapsed_s", json_integer(a->elapsed));
	if (isfinite(a->watts))
		rc |= json_object_set_new(o, "watts", json_real(sc_round(a->watts, 0.1)));
	if (a->note[0]) {
		char note[sizeof(a->note)];
		sc_record_clean(note, sizeof(note), a->note);
		rc |= json_object_set_new(o, "note", sc_json_text(note));
	}
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- reading the records back ---------------------------------------- */

static double num(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* A field of o holding seconds (a time or a duration): a number within
 * 0..SC_RECORD_SECONDS_MAX, truncated; else `absent` (missing, not a
 * number, negative or beyond: no record holds such a figure, and a larger
 * one would not fit an int64_t). */
#define SC_RECORD_SECONDS_MAX 253402300799.0 /* 9999-12-31T23:59:59Z */
static int64_t seconds(const json_t *o, const char *k, int64_t absent)
{
	double d = num(o, k);

	return isfinite(d) && d >= 0 && d <= SC_RECORD_SECONDS_MAX ? (int64_t)d : absent;
}

static void str(const json_t *o, const char *k, char *buf, size_t n)
{
	const json_t *v = json_object_get(o, k);

	snprintf(buf, n, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int sc_estimate_read(const char *admin_comment, struct sc_estimate *out)
{
	json_t *o = sc_comment_get(admin_comment, SC_RECORD_ESTIMATE_KEY);
	const json_t *v;

	memset(out, 0, sizeof(*out));
	out->applied = 1;
	out->delay_s = -1;
	out->runtime_s = -1;
	out->kwh = out->pue = out->ci = out->gco2e = out->baseline_gco2e = out->uncongested_gco2e = NAN;
	if (!o)
		return 0;
	out->present = 1;
	str(o, "decision", out->decision, sizeof(out->decision));
	str(o, "partition", out->partition, sizeof(out->partition));
	str(o, "zone", out->zone, sizeof(out->zone));
	v = json_object_get(o, "applied");
	if (json_is_boolean(v))
		out->applied = json_is_true(v);
	out->start = seconds(o, "start", 0);
	out->delay_s = seconds(o, "delay_s", -1);
	out->kwh = num(o, "kwh");
	out->pue = num(o, "pue");
	out->ci = num(o, "ci");
	out->gco2e = num(o, "gco2e");
	out->baseline_gco2e = num(o, "baseline_gco2e");
	v = json_object_get(o, "congestion");
	out->congestion = json_is_true(v);
	str(o, "uncongested_decision", out->uncongested_decision, sizeof(out->uncongested_decision));
	str(o, "uncongested_partition", out->uncongested_partition, sizeof(out->uncongested_partition));
	if (out->congestion)
		out->uncongested_start = seconds(o, "uncongested_start", 0);
	out->uncongested_gco2e = num(o, "uncongested_gco2e");
	out->runtime_s = seconds(o, "runtime_s", -1);
	v = json_object_get(o, "ledger");
	if (json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= UINT32_MAX)
		out->ledger = (uint32_t)json_integer_value(v);
	json_decref(o);
	return 1;
}

int sc_estimate_usable(const struct sc_estimate *e)
{
	return e->present && strcasecmp(e->decision, "none") != 0 &&
	       strcasecmp(e->decision, "reject") != 0 && isfinite(e->kwh) && e->kwh >= 0 &&
	       isfinite(e->gco2e) && e->gco2e >= 0;
}

double sc_estimate_avoided_g(const struct sc_estimate *e)
{
	if (!e->present || !e->applied || strcasecmp(e->decision, "none") == 0 ||
	    strcasecmp(e->decision, "reject") == 0 || !*e->decision)
		return e->present ? 0 : NAN;
	if (!isfinite(e->baseline_gco2e) || !isfinite(e->gco2e))
		return NAN;
	return e->baseline_gco2e - e->gco2e;
}

int sc_actual_read(const char *system_comment, struct sc_actual *out)
{
	json_t *o = sc_comment_get(system_comment, SC_RECORD_ACTUAL_KEY);
	char b[32];
	int ci;

	memset(out, 0, sizeof(*out));
	out->kwh = out->pue = out->ci = out->gco2e = out->watts = NAN;
	out->elapsed = -1;
	if (!o)
		return 0;
	out->kwh = num(o, "kwh");
	out->gco2e = num(o, "gco2e");
	out->ci = num(o, "ci");
	out->pue = num(o, "pue");
	out->watts = num(o, "watts");
	str(o, "energy_source", b, sizeof(b));
	out->energy_source = strcasecmp(b, "measured") == 0 ? SC_ENERGY_MEASURED : SC_ENERGY_MODEL;
	str(o, "ci_source", b, sizeof(b));
	ci = sc_ci_source_from_name(b);
	out->ci_source = ci < 0 ? SC_CI_NONE : (enum sc_ci_source)ci;
	str(o, "partition", out->partition, sizeof(out->partition));
	str(o, "zone", out->zone, sizeof(out->zone));
	str(o, "note", out->note, sizeof(out->note));
	out->start = seconds(o, "start", 0);
	out->end = seconds(o, "end", 0);
	out->elapsed = seconds(o, "elapsed_s", -1);
	json_decref(o);
	out->present = isfinite(out->kwh) && isfinite(out->gco2e) && isfinite(out->ci) &&
		       isfinite(out->pue) && out->kwh >= 0 && out->gco2e >= 0;
	return out->present;
}
