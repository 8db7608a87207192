/* slurm-carbon: a job's actual emissions and its accounting records.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acct/actual.h"
#include "record/record.h"

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

/* ---- comments ----------------------------------------------------------- */

json_t *sc_acct_comment_get(const char *comment, const char *key)
{
	json_t *o;
	char *dec;

	if (!comment || !*comment)
		return NULL;
	o = sc_comment_get(comment, key);
	if (o || !strchr(comment, '`'))
		return o;
	/* The form sacctmgr stores: quotes became backticks. */
	dec = strdup(comment);
	if (!dec)
		return NULL;
	for (char *p = dec; *p; p++)
		if (*p == '`')
			*p = '"';
	o = sc_comment_get(dec, key);
	free(dec);
	return o;
}

/* existing with what sacctmgr made of JSON turned back into JSON: the whole
 * comment when it is one JSON object in the backtick form (someone set JSON
 * through sacctmgr), else the object that begins "{`key`:". malloc'd; NULL
 * when out of memory. A copy of existing when neither is there. */
static char *unbacktick(const char *existing, const char *key)
{
	size_t n = strlen(existing), klen = strlen(key);
	char *out = strdup(existing), *pat;
	const char *at;
	json_t *o;
	json_error_t e;

	if (!out)
		return NULL;
	for (char *p = out; *p; p++)
		if (*p == '`')
			*p = '"';
	o = json_loads(out, 0, &e);
	if (o && json_is_object(o)) {
		json_decref(o);
		return out;
	}
	json_decref(o);
	memcpy(out, existing, n + 1);
	pat = malloc(klen + 5);
	if (!pat) {
		free(out);
		return NULL;
	}
	snprintf(pat, klen + 5, "{`%s`:", key);
	at = strstr(existing, pat);
	free(pat);
	if (at) {
		size_t pos = (size_t)(at - existing), len;
		for (char *p = out + pos; *p; p++)
			if (*p == '`')
				*p = '"';
		o = json_loads(out + pos, JSON_DISABLE_EOF_CHECK, &e);
		len = o ? (size_t)e.position : 0;
		json_decref(o);
		/* Only the object's own text stays decoded. */
		memcpy(out + pos + len, existing + pos + len, n - pos - len + 1);
	}
	return out;
}

char *sc_acct_comment_encode(const char *existing, const char *key, json_t *value,
			     enum sc_comment_form form)
{
	char *dec = NULL, *out;

	if (!value)
		return NULL;
	if (existing && *existing) {
		if (form == SC_COMMENT_SACCTMGR) {
			/* All of it is stored with backticks anyway: read it
			 * back as JSON so that every object is found. */
			dec = strdup(existing);
			for (char *p = dec; p && *p; p++)
				if (*p == '`')
					*p = '"';
		} else {
			json_t *plain = sc_comment_get(existing, key);
			dec = plain ? strdup(existing) : unbacktick(existing, key);
			json_decref(plain);
		}
		if (!dec) {
			json_decref(value);
			return NULL;
		}
	}
	out = sc_comment_set(dec, key, value);
	free(dec);
	if (out && form == SC_COMMENT_SACCTMGR)
		for (char *p = out; *p; p++)
			if (*p == '"' || *p == '\'')
				*p = '`';
	return out;
}

int sc_acct_comment_same(const char *value, const char *stored)
{
	int folded;

	value = value ? value : "";
	stored = stored ? stored : "";
	folded = !strchr(stored, '"');
	for (; *value && *stored; value++, stored++) {
		int v = (unsigned char)*value, s = (unsigned char)*stored;
		if (v == s)
			continue;
		if (!folded)
			return 0;
		if ((v == '"' || v == '\'') && s == '`')
			continue;
		if (tolower(v) != tolower(s))
			return 0;
	}
	return !*value && !*stored;
}

/* ---- records ------------------------------------------------------------ */

static double num(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void str(const json_t *o, const char *k, char *buf, size_t n)
{
	const json_t *v = json_object_get(o, k);

	snprintf(buf, n, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int sc_estimate_read(const char *admin_comment, struct sc_estimate *out)
{
	json_t *o = sc_acct_comment_get(admin_comment, SC_ESTIMATE_KEY);
	const json_t *v;
	double d;

	memset(out, 0, sizeof(*out));
	out->applied = 1;
	out->delay_s = -1;
	out->kwh = out->pue = out->ci = out->gco2e = out->baseline_gco2e = NAN;
	if (!o)
		return 0;
	out->present = 1;
	str(o, "decision", out->decision, sizeof(out->decision));
	str(o, "partition", out->partition, sizeof(out->partition));
	str(o, "zone", out->zone, sizeof(out->zone));
	v = json_object_get(o, "applied");
	if (json_is_boolean(v))
		out->applied = json_is_true(v);
	d = num(o, "start");
	if (isfinite(d) && d > 0)
		out->start = (int64_t)d;
	d = num(o, "delay_s");
	if (isfinite(d) && d >= 0)
		out->delay_s = (int64_t)d;
	out->kwh = num(o, "kwh");
	out->pue = num(o, "pue");
	out->ci = num(o, "ci");
	out->gco2e = num(o, "gco2e");
	out->baseline_gco2e = num(o, "baseline_gco2e");
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
	json_t *o = sc_acct_comment_get(system_comment, SC_ACTUAL_KEY);
	char b[32];
	double d;
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
	if (isfinite(d = num(o, "start")))
		out->start = (int64_t)d;
	if (isfinite(d = num(o, "end")))
		out->end = (int64_t)d;
	if (isfinite(d = num(o, "elapsed_s")))
		out->elapsed = (int64_t)d;
	json_decref(o);
	out->present = isfinite(out->kwh) && isfinite(out->gco2e) && isfinite(out->ci) &&
		       isfinite(out->pue) && out->kwh >= 0 && out->gco2e >= 0;
	return out->present;
}

/* ---- the computation ---------------------------------------------------- */

/* Record strings must survive both writers — sacctmgr, which turns quotes
 * into backticks, and slurmdbd, which puts the text into its SQL unescaped:
 * no quotes, backticks or backslashes. */
static void clean_copy(char *dst, size_t n, const char *src)
{
	size_t i = 0;

	for (; src && *src && i + 1 < n; src++)
		dst[i++] = (*src == '"' || *src == '\'' || *src == '`' || *src == '\\' ||
			    (unsigned char)*src < 0x20) ? '_' : *src;
	dst[i] = '\0';
}

int sc_actual_compute(const struct sc_acct_job *job, const struct sc_actual_model *m,
		      const struct sc_estimate *est, const struct sc_ci_candidates *ci,
		      struct sc_actual *out, struct sc_err *err)
{
	struct sc_actual a;
	double model_w = NAN;
	int64_t nodes;

	memset(&a, 0, sizeof(a));
	if (!job->ended)
		return sc_err_set(err, "job %s has not ended (state %s)", job->jobid,
				  *job->state ? job->state : "unknown");
	if (job->elapsed < 0)
		return sc_err_set(err, "job %s: elapsed time unknown (no Elapsed, Start or End)", job->jobid);
	a.present = 1;
	a.start = job->start;
	a.end = job->end;
	a.elapsed = job->elapsed;
	a.pue = m->pue;
	clean_copy(a.partition, sizeof(a.partition), m->partition);
	clean_copy(a.zone, sizeof(a.zone), m->zone);
	nodes = job->nnodes > 0 ? job->nnodes : 1;

	if (job->ncpus >= 0) {
		struct sc_shape sh = {
			.nodes = (uint32_t)(nodes > UINT32_MAX ? UINT32_MAX : nodes),
			.cores = (uint32_t)(job->ncpus > UINT32_MAX ? UINT32_MAX : job->ncpus),
			.gpus = (uint32_t)(job->gpus > UINT32_MAX ? UINT32_MAX : job->gpus),
			.mem_gb = job->mem_mb > 0 ? job->mem_mb / 1024.0 : 0,
		};
		model_w = sc_power_watts(&m->power, &sh);
	}

	if (job->energy_j > 0 && job->elapsed > 0) {
		double w = job->energy_j / (double)job->elapsed;
		if (w > SC_ACTUAL_MAX_NODE_W * (double)nodes) {
			snprintf(a.note, sizeof(a.note),
				 "measured %.0f W over %lld node(s) is implausible: model used", w,
				 (long long)nodes);
		} else if (isfinite(model_w) && model_w > 0 &&
			   (w > model_w * SC_ACTUAL_MODEL_FACTOR || w < model_w / SC_ACTUAL_MODEL_FACTOR)) {
			snprintf(a.note, sizeof(a.note),
				 "measured %.1f W is not within x%g of the model (%.1f W): model used", w,
				 SC_ACTUAL_MODEL_FACTOR, model_w);
		} else {
			a.energy_source = SC_ENERGY_MEASURED;
			a.kwh = job->energy_j / 3.6e6;
			a.watts = w;
		}
	}
	if (a.energy_source != SC_ENERGY_MEASURED) {
		if (!isfinite(model_w))
			return sc_err_set(err, "job %s: no measured energy and its allocated CPUs are unknown "
					  "(AllocTRES or NCPUS needed)", job->jobid);
		a.energy_source = SC_ENERGY_MODEL;
		a.watts = model_w;
		a.kwh = sc_energy_kwh(model_w, job->elapsed);
		if (job->mem_mb < 0 && m->power.mem_w_per_gb > 0 && !a.note[0])
			snprintf(a.note, sizeof(a.note), "allocated memory unknown: not counted");
	}

	if (ci && isfinite(ci->actual)) {
		a.ci = ci->actual;
		a.ci_source = SC_CI_ACTUAL;
	} else if (ci && isfinite(ci->forecast)) {
		a.ci = ci->forecast;
		a.ci_source = SC_CI_FORECAST;
	} else if (est && est->present && isfinite(est->ci) && est->ci >= 0 &&
		   (!*est->zone || !m->zone || strcasecmp(est->zone, m->zone) == 0)) {
		a.ci = est->ci;
		a.ci_source = SC_CI_SUBMIT;
	} else if (ci && isfinite(ci->static_v)) {
		a.ci = ci->static_v;
		a.ci_source = SC_CI_STATIC;
	} else {
		return sc_err_set(err, "job %s: no intensity for zone %s over its run: no archive of "
				  "actual intensities, no forecast, no submit-time figure, no static value",
				  job->jobid, m->zone ? m->zone : "?");
	}
	a.gco2e = sc_carbon_g(a.kwh, a.pue, a.ci);
	*out = a;
	return 0;
}

json_t *sc_actual_record(const struct sc_actual *a)
{
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return NULL;
	rc |= json_object_set_new(o, "v", json_integer(1));
	rc |= json_object_set_new(o, "kwh", json_real(sc_round(a->kwh, 1e-6)));
	rc |= json_object_set_new(o, "gco2e", json_real(sc_round(a->gco2e, 1e-3)));
	rc |= json_object_set_new(o, "ci", json_real(sc_round(a->ci, 0.1)));
	rc |= json_object_set_new(o, "pue", json_real(sc_round(a->pue, 0.01)));
	rc |= json_object_set_new(o, "energy_source", json_string(sc_energy_source_name(a->energy_source)));
	rc |= json_object_set_new(o, "ci_source", json_string(sc_ci_source_name(a->ci_source)));
	if (a->partition[0])
		rc |= json_object_set_new(o, "partition", json_string(a->partition));
	if (a->zone[0])
		rc |= json_object_set_new(o, "zone", json_string(a->zone));
	rc |= json_object_set_new(o, "start", json_integer(a->start));
	rc |= json_object_set_new(o, "end", json_integer(a->end));
	rc |= json_object_set_new(o, "elapsed_s", json_integer(a->elapsed));
	if (isfinite(a->watts))
		rc |= json_object_set_new(o, "watts", json_real(sc_round(a->watts, 0.1)));
	if (a->note[0]) {
		char note[sizeof(a->note)];
		clean_copy(note, sizeof(note), a->note);
		rc |= json_object_set_new(o, "note", json_string(note));
	}
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}
