/* slurm-carbon: the replay engine.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/csvfile.h"
#include "forecast/provider.h"
#include "forecast/series.h"
#include "policy/energy.h"
#include "policy/request.h"
#include "policy/units.h"
#include "sim/peers.h"
#include "sim/sim.h"

const char *sc_sim_policy_name(enum sc_sim_policy p)
{
	switch (p) {
	case SC_POL_BASELINE: return "baseline";
	case SC_POL_CARBON: return "slurm-carbon";
	case SC_POL_ORACLE: return "oracle";
	case SC_POL_CASDK: return "casdk";
	case SC_POL_CATS: return "cats";
	case SC_POL_THRESHOLD: return "threshold";
	case SC_POL_ONESHOT: return "one-shot";
	case SC_POL_N: break;
	}
	return "?";
}

/* The kind of data a zone's provider gives (forecast/provider.h), -1 when
 * it has none. */
static int kind(const struct sc_zone_spec *z)
{
	return z->provider ? (int)z->provider->kind : -1;
}

/* What forecast/snapshot.c uses when a zone's MaxGap is 0. */
#define DEFAULT_MAX_GAP (6 * 3600)

int sc_sim_truth_load(const struct sc_conf *conf, const char *intensity, struct sc_grid **truth,
		      struct sc_err *err)
{
	struct sc_series *shared[2] = { NULL, NULL }; /* --intensity, per column */
	int rc = 0;

	for (size_t z = 0; z < conf->n_zones; z++)
		truth[z] = NULL;
	for (size_t z = 0; z < conf->n_zones; z++) {
		const struct sc_zone_spec *spec = &conf->zones[z];
		struct sc_series *s = NULL;
		int used = 0;
		int64_t max_gap = spec->max_gap > 0 ? spec->max_gap : DEFAULT_MAX_GAP;

		for (size_t p = 0; p < conf->n_parts; p++)
			used |= conf->site.parts[p].zone == z;
		if (intensity) {
			int c = spec->column == SC_COLUMN_DIRECT;
			if (!shared[c]) {
				shared[c] = sc_csv_read_intensity(intensity, spec->column, err);
				if (!shared[c])
					goto error;
			}
			truth[z] = sc_series_to_grid(shared[c], spec->step, 0, 0, max_gap, err);
		} else if (kind(spec) == SC_PROVIDER_CSV && spec->path) {
			s = sc_csv_read_intensity(spec->path, spec->column, err);
			if (!s) {
				sc_err_prefix(err, "zone %s: ", spec->name);
				goto error;
			}
			truth[z] = sc_series_to_grid(s, spec->step, 0, 0, max_gap, err);
			sc_series_destroy(s);
		} else if (kind(spec) == SC_PROVIDER_CONSTANT) {
			continue;
		} else {
			if (used) {
				char csv[128];
				sc_err_set(err,
					   "zone %s (provider %s) has no past intensity to replay: give its history with "
					   "--intensity FILE, or simulate with a %s zone",
					   spec->name, sc_provider_name(spec->provider),
					   sc_provider_list(SC_PROVIDER_KIND_BIT(SC_PROVIDER_CSV), "Provider=", csv,
							    sizeof(csv)));
				goto error;
			}
			continue;
		}
		if (!truth[z]) {
			sc_err_prefix(err, "zone %s: no usable intensity data: ", spec->name);
			goto error;
		}
	}
	goto out;
error:
	rc = -1;
	for (size_t z = 0; z < conf->n_zones; z++) {
		sc_grid_destroy(truth[z]);
		truth[z] = NULL;
	}
out:
	sc_series_destroy(shared[0]);
	sc_series_destroy(shared[1]);
	return rc;
}

int sc_sim_truth_static(const struct sc_conf *conf, const struct sc_trace *trace, int64_t max_delay,
			struct sc_grid **truth, struct sc_err *err)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	for (size_t k = 0; k < trace->n; k++) {
		int64_t end = trace->jobs[k].submit + max_delay + trace->jobs[k].runtime;
		if (trace->jobs[k].submit < lo)
			lo = trace->jobs[k].submit;
		if (end > hi)
			hi = end;
	}
	if (lo > hi)
		return 0;
	lo -= ((lo % 3600) + 3600) % 3600;
	for (size_t z = 0; z < conf->n_zones; z++) {
		const struct sc_zone_spec *spec = &conf->zones[z];
		size_t n = (size_t)((hi - lo) / 3600 + 2);
		double *v;

		if (kind(spec) != SC_PROVIDER_CONSTANT || truth[z])
			continue;
		if (n > ((size_t)1 << 26))
			return sc_err_set(err, "zone %s: the trace spans too long a time", spec->name);
		v = malloc(n * sizeof(*v));
		if (!v)
			return sc_err_set(err, "out of memory");
		for (size_t i = 0; i < n; i++)
			v[i] = spec->intensity;
		truth[z] = sc_grid_create(lo, 3600, v, n, err);
		free(v);
		if (!truth[z])
			return sc_err_prefix(err, "zone %s: ", spec->name);
	}
	return 0;
}

/* One replayed job, as the capacity model and the statistics need it. */
struct rjob {
	size_t k;           /* index in the trace */
	int64_t submit;
	int64_t runtime;    /* true */
	uint32_t cores;
	size_t home;        /* requested partition */
	double *watts;      /* per partition of the site */
};

struct plan {
	size_t part;
	int64_t planned;
	int64_t start;
	double g;
};

/* A job slurm-carbon holds for a later start (re-planning). */
struct held {
	size_t i;                 /* index into the replayed jobs */
	struct sc_request req;
	struct sc_held h;
	int moved;
};

struct replan_state {
	struct held *v;
	size_t n, cap;
	int64_t next;             /* the next pass; INT64_MAX: none */
	int64_t last;             /* the previous pass; INT64_MIN: none */
};

void sc_sim_result_free(struct sc_sim_result *res)
{
	if (!res)
		return;
	for (int p = 0; p < SC_POL_N; p++) {
		free(res->out[p]);
		res->out[p] = NULL;
	}
	free(res->in);
	res->in = NULL;
}

/* gCO2e of running for runtime seconds from start on partition part, on
 * the truth; a window past the data's end is priced on the part inside
 * (only capacity delays can push one there). */
static double price(const struct sc_conf *conf, const struct sc_grid *const *truth, size_t part,
		    double watts, int64_t start, int64_t runtime)
{
	const struct sc_partition *p = &conf->site.parts[part];
	const struct sc_grid *g = truth[p->zone];
	int64_t end = start + runtime, gend = sc_grid_end(g);
	double ci;

	if (end > gend)
		end = gend;
	if (start >= end)
		ci = g->v[g->n - 1];
	else if (sc_grid_mean(g, start, end, &ci) < 0)
		ci = 0;
	return sc_carbon_g(sc_energy_kwh(watts, runtime), p->pue, ci);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* 95th percentile (nearest rank) of v[0..n-1]; sorts v. */
static double p95(int64_t *v, size_t n)
{
	size_t r;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_i64);
	r = (size_t)ceil(0.95 * (double)n);
	return (double)v[r ? r - 1 : 0];
}

/* A min-heap of (end time, cores) for the capacity model. */
struct run {
	int64_t end;
	uint32_t cores;
};

static void heap_push(struct run *h, size_t *n, struct run r)
{
	size_t i = (*n)++;

	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (h[up].end <= r.end)
			break;
		h[i] = h[up];
		i = up;
	}
	h[i] = r;
}

static struct run heap_pop(struct run *h, size_t *n)
{
	struct run top = h[0], last = h[--(*n)];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, m = l + 1, s = i;
		int64_t se = last.end;
		if (l < *n && h[l].end < se) {
			s = l;
			se = h[l].end;
		}
		if (m < *n && h[m].end < se)
			s = m;
		if (s == i)
			break;
		h[i] = h[s];
		i = s;
	}
	if (*n)
		h[i] = last;
	return top;
}

struct key {
	int64_t planned;
	size_t i;
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->planned != y->planned)
		return x->planned < y->planned ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* First come first served in planned-start order on `cores` cores. */
static int run_capacity(const struct sc_conf *conf, const struct sc_grid *const *truth,
			struct rjob *jobs, struct plan *pl, size_t n, uint32_t cores)
{
	struct key *ord = malloc((n ? n : 1) * sizeof(*ord));
	struct run *heap = malloc((n ? n : 1) * sizeof(*heap));
	size_t nh = 0;
	uint32_t freec = cores;
	int64_t last = INT64_MIN;

	if (!ord || !heap) {
		free(ord);
		free(heap);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		ord[i].planned = pl[i].planned;
		ord[i].i = i;
	}
	qsort(ord, n, sizeof(*ord), cmp_key);
	for (size_t oi = 0; oi < n; oi++) {
		size_t i = ord[oi].i;
		uint32_t need = jobs[i].cores < cores ? jobs[i].cores : cores;
		int64_t start = pl[i].planned > last ? pl[i].planned : last;

		while (nh && heap[0].end <= start) {
			struct run r = heap_pop(heap, &nh);
			freec += r.cores;
		}
		while (freec < need) {
			struct run r = heap_pop(heap, &nh);
			freec += r.cores;
			if (r.end > start)
				start = r.end;
		}
		freec -= need;
		heap_push(heap, &nh, (struct run){ start + jobs[i].runtime, need });
		last = start;
		if (start != pl[i].start) {
			pl[i].start = start;
			pl[i].g = price(conf, truth, pl[i].part, jobs[i].watts[pl[i].part], start,
					jobs[i].runtime);
		}
	}
	free(ord);
	free(heap);
	return 0;
}

static void make_fields(const struct sc_trace_job *tj, const char *partition, int64_t limit,
			struct sc_job_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->partition = partition;
	f->ntasks = tj->cpus;
	f->cpus_per_task = 1;
	f->nodes = tj->nodes;
	f->mem_per_cpu_mb = tj->mem_per_cpu_mb;
	f->mem_per_node_mb = tj->mem_per_cpu_mb ? 0 : tj->mem_per_node_mb;
	f->gpus_per_job = tj->gpus;
	f->time_limit = limit;
}

/* The allowed partitions of req (requested, then Alternatives when
 * rerouting), as sc_decide orders them. */
static size_t allowed_parts(const struct sc_site *site, const struct sc_request *req, size_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < req->n_parts + (site->params.reroute ? req->n_parts : 0); i++) {
		size_t cand[SC_PEER_MAX_PARTS], nc = 0;
		if (i < req->n_parts) {
			cand[nc++] = req->parts[i];
		} else {
			const struct sc_partition *pt = &site->parts[req->parts[i - req->n_parts]];
			for (size_t a = 0; a < pt->n_alt && nc < SC_PEER_MAX_PARTS; a++)
				cand[nc++] = pt->alt[a];
		}
		for (size_t c = 0; c < nc; c++) {
			int dup = 0;
			for (size_t k = 0; k < n; k++)
				dup |= out[k] == cand[c];
			if (!dup && n < SC_PEER_MAX_PARTS && cand[c] < site->n_parts)
				out[n++] = cand[c];
		}
	}
	return n;
}

/* The first pass after t: a multiple of interval; for archive views the
 * first issue after t that is at least interval after the previous pass. */
static int64_t next_pass(struct sc_fview *view, const struct sc_sim_opts *opts, int64_t last, int64_t t)
{
	int64_t q;

	if (opts->forecast.kind == SC_FC_ARCHIVE) {
		int64_t n = sc_fview_next_update(view, t);
		while (n != INT64_MAX && last != INT64_MIN && n - last < opts->replan)
			n = sc_fview_next_update(view, n);
		return n;
	}
	q = t / opts->replan;
	if (t % opts->replan && t < 0)
		q--;
	return (q + 1) * opts->replan;
}

/* One re-planning pass at time t over the held jobs: each is reconsidered
 * with the forecasts of t; a job whose planned start has come leaves the
 * list. */
static void replan_pass(const struct sc_conf *conf, const struct sc_grid *const *truth,
			const struct sc_site *site, struct sc_fview *view, struct replan_state *rs,
			struct rjob *jobs, struct plan *pl, int64_t t, struct sc_sim_result *res)
{
	const struct sc_forecast_set *fc = NULL;
	size_t k = 0;

	for (size_t j = 0; j < rs->n; j++) {
		struct held *hj = &rs->v[j];
		struct plan *p = &pl[hj->i];
		struct sc_replan rp;

		if (p->planned > t) {
			if (!fc)
				fc = sc_fview_at(view, t);
			if (sc_redecide(site, fc, &hj->req, &hj->h, t, &rp) == 0 && rp.action == SC_REPLAN_MOVE &&
			    truth[conf->site.parts[rp.chosen.part].zone]) {
				hj->h.part = rp.chosen.part;
				hj->h.start = rp.chosen.start;
				p->part = rp.chosen.part;
				p->planned = p->start = rp.chosen.start;
				p->g = price(conf, truth, p->part, jobs[hj->i].watts[p->part], p->start,
					     jobs[hj->i].runtime);
				res->replan_moves++;
				res->replan_jobs += !hj->moved;
				hj->moved = 1;
				if (p->planned <= t)
					res->replan_started++;
			}
		}
		if (p->planned > t)
			rs->v[k++] = *hj;
	}
	res->replan_passes += fc != NULL;
	rs->n = k;
	rs->last = t;
}

/* Passes up to and including time t (all remaining ones when t is
 * INT64_MAX); passes while nothing is held are skipped. */
static void replan_until(const struct sc_conf *conf, const struct sc_grid *const *truth,
			 const struct sc_site *site, struct sc_fview *view, const struct sc_sim_opts *opts,
			 struct replan_state *rs, struct rjob *jobs, struct plan *pl, int64_t t,
			 struct sc_sim_result *res)
{
	while (rs->n && rs->next != INT64_MAX && rs->next <= t) {
		replan_pass(conf, truth, site, view, rs, jobs, pl, rs->next, res);
		rs->next = next_pass(view, opts, rs->last, rs->next);
	}
	if (!rs->n)
		rs->next = INT64_MAX; /* set again when a job is held */
}

int sc_sim_run(const struct sc_conf *conf, const struct sc_grid *const *truth,
	       const struct sc_trace *trace, const struct sc_sim_opts *opts,
	       struct sc_sim_result *res, struct sc_err *err)
{
	struct replan_state rs = { NULL, 0, 0, INT64_MAX, INT64_MIN };
	struct sc_site site_pol, site_orc;
	struct sc_forecast_set truth_set;
	struct sc_fview *view = NULL;
	struct rjob *jobs = NULL;
	double *watts = NULL, *zone_err = NULL;
	struct plan *pl[SC_POL_N] = { 0 };
	int64_t *delays = NULL;
	size_t nj = 0;
	int64_t max_delay, span = 0, max_step = 1;
	int fallback;
	const char *fallback_name;
	double thr_pct = opts->threshold_pct > 0 ? opts->threshold_pct : 30;
	int have_data = 0, rc = -1;

	memset(res, 0, sizeof(*res));
	if (conf->n_parts == 0 || conf->n_zones == 0)
		return sc_err_set(err, "the configuration manages no partition: nothing to simulate");
	if (conf->site.n_parts > SC_PEER_MAX_PARTS)
		return sc_err_set(err, "the simulator handles at most %d partitions", SC_PEER_MAX_PARTS);
	if (trace->relative)
		return sc_err_set(err, "the trace's times are relative: anchor them first");
	if (opts->replan < 0)
		return sc_err_set(err, "the re-planning interval must be positive (0: off)");
	fallback = opts->fallback_part >= 0 ? opts->fallback_part : conf->default_part;
	if (fallback < 0 || (size_t)fallback >= conf->n_parts)
		fallback = 0;
	fallback_name = conf->site.parts[fallback].name;
	max_delay = opts->max_delay >= 0 ? opts->max_delay : conf->site.params.max_delay;

	/* The window where every zone with data has data. */
	res->data_start = INT64_MIN;
	res->data_end = INT64_MAX;
	for (size_t z = 0; z < conf->n_zones; z++) {
		if (!truth[z])
			continue;
		have_data = 1;
		if (truth[z]->start > res->data_start)
			res->data_start = truth[z]->start;
		if (sc_grid_end(truth[z]) < res->data_end)
			res->data_end = sc_grid_end(truth[z]);
		if (truth[z]->step > max_step)
			max_step = truth[z]->step;
	}
	if (!have_data)
		return sc_err_set(err, "no zone has intensity data");
	res->max_delay = max_delay;
	res->replan = opts->replan;

	site_pol = conf->site;
	site_pol.params.max_delay = max_delay;
	site_orc = site_pol;
	site_orc.params.min_savings_pct = 0;
	site_orc.params.near_best_pct = 0;
	site_orc.params.runtime_ratio = 1;
	truth_set.grids = truth;
	truth_set.why = NULL;
	truth_set.n = conf->n_zones;

	jobs = calloc(trace->n ? trace->n : 1, sizeof(*jobs));
	watts = calloc((trace->n ? trace->n : 1) * conf->site.n_parts, sizeof(*watts));
	for (int p = 0; p < SC_POL_N; p++)
		pl[p] = calloc(trace->n ? trace->n : 1, sizeof(*pl[p]));
	for (int p = 0; p < SC_POL_N; p++)
		if (!pl[p])
			goto oom;
	if (!jobs || !watts)
		goto oom;
	if (opts->keep_jobs) {
		res->in = calloc(trace->n ? trace->n : 1, 1);
		if (!res->in)
			goto oom;
		for (int p = 0; p < SC_POL_N; p++) {
			res->out[p] = calloc(trace->n ? trace->n : 1, sizeof(*res->out[p]));
			if (!res->out[p])
				goto oom;
		}
		res->n_out = trace->n;
	}

	for (size_t k = 0; k < trace->n; k++) {
		const struct sc_trace_job *tj = &trace->jobs[k];
		int64_t planned = tj->requested > 0 ? tj->requested : tj->runtime;
		if (planned > span)
			span = planned;
	}
	span += max_delay + 2 * max_step;
	view = sc_fview_create(&opts->forecast, truth, conf->n_zones, span,
			       conf->zones[0].max_gap > 0 ? conf->zones[0].max_gap : DEFAULT_MAX_GAP,
			       conf->zones[0].max_age, err);
	if (!view)
		goto error;
	/* What slurm-carbon assumes of its forecasts' error, per zone. */
	zone_err = calloc(conf->n_zones, sizeof(*zone_err));
	if (!zone_err)
		goto oom;
	for (size_t z = 0; z < conf->n_zones; z++) {
		if (conf->zones[z].forecast_error_set) {
			zone_err[z] = conf->zones[z].forecast_error_pct;
		} else {
			double e = sc_fview_error_24h(view, z);
			zone_err[z] = isfinite(e) ? e : conf->zones[z].forecast_error_pct;
		}
	}
	site_pol.zone_error = zone_err;
	site_orc.zone_error = NULL;
	{
		size_t fz = conf->site.parts[fallback].zone;
		res->forecast_error_pct = zone_err[fz];
		res->forecast_error_configured = conf->zones[fz].forecast_error_set;
	}

	res->jobs_skipped = trace->skipped;
	for (size_t k = 0; k < trace->n; k++) {
		const struct sc_trace_job *tj = &trace->jobs[k];
		struct rjob *rj = &jobs[nj];
		struct sc_job_fields f;
		struct sc_request req, req_o;
		struct sc_decision d;
		struct sc_err why;
		const struct sc_forecast_set *fc;
		struct sc_peer_job pj;
		struct sc_peer_choice pc;
		int64_t t0 = tj->submit, limit = tj->requested > 0 ? tj->requested : tj->runtime;
		const char *part = tj->partition;
		enum sc_build b;
		int exempt;
		struct plan c[SC_POL_N];

		if (!part || !*part)
			part = fallback_name;
		make_fields(tj, part, limit, &f);
		b = sc_request_build(&conf->site, conf->part_defaults, fallback, 1, &f, &req, &why);
		if (b == SC_BUILD_UNMANAGED) {
			make_fields(tj, fallback_name, limit, &f);
			b = sc_request_build(&conf->site, conf->part_defaults, fallback, 1, &f, &req, &why);
		}
		if (b != SC_BUILD_OK || !truth[conf->site.parts[req.parts[0]].zone]) {
			res->jobs_skipped++;
			continue;
		}
		if (t0 < res->data_start || t0 > res->data_end - max_delay - tj->runtime) {
			res->jobs_outside_data++;
			continue;
		}
		exempt = sc_conf_exempt(conf, tj->user, tj->account, tj->qos) != NULL;
		res->jobs_exempt += exempt != 0;

		memset(rj, 0, sizeof(*rj));
		rj->k = k;
		rj->submit = t0;
		rj->runtime = tj->runtime;
		rj->cores = req.shape.cores ? req.shape.cores : 1;
		rj->home = req.parts[0];
		rj->watts = watts + nj * conf->site.n_parts;
		for (size_t p = 0; p < conf->site.n_parts; p++)
			rj->watts[p] = sc_power_watts(&conf->site.parts[p].power, &req.shape);

		for (int p = 0; p < SC_POL_N; p++) {
			c[p].part = rj->home;
			c[p].planned = t0;
		}
		if (opts->replan > 0)
			replan_until(conf, truth, &site_pol, view, opts, &rs, jobs, pl[SC_POL_CARBON], t0, res);
		if (!exempt) {
			fc = sc_fview_at(view, t0);
			/* slurm-carbon: the plugin's decision. */
			if (sc_decide(&site_pol, fc, &req, t0, &d) == 0 && d.action != SC_ACT_NONE &&
			    d.action != SC_ACT_REJECT) {
				c[SC_POL_CARBON].part = d.chosen.part;
				c[SC_POL_CARBON].planned = d.chosen.start;
			} else {
				res->pol[SC_POL_CARBON].decided_none++;
			}
			/* The oracle: the truth and the true run time. */
			req_o = req;
			req_o.time_limit = tj->runtime;
			if (sc_decide(&site_orc, &truth_set, &req_o, t0, &d) == 0 && d.action != SC_ACT_NONE &&
			    d.action != SC_ACT_REJECT) {
				c[SC_POL_ORACLE].part = d.chosen.part;
				c[SC_POL_ORACLE].planned = d.chosen.start;
			}
			/* The peers, on the same forecasts and planned run time. */
			memset(&pj, 0, sizeof(pj));
			pj.site = &site_pol;
			pj.fc = fc;
			pj.n_parts = allowed_parts(&site_pol, &req, pj.parts);
			pj.runtime = (int64_t)ceil((double)limit * site_pol.params.runtime_ratio);
			if (pj.runtime < 1)
				pj.runtime = 1;
			pj.t0 = t0;
			pj.max_delay = max_delay;
			for (size_t p = 0; p < pj.n_parts; p++)
				pj.factor[p] = sc_energy_kwh(rj->watts[pj.parts[p]], pj.runtime) *
					       conf->site.parts[pj.parts[p]].pue;
			sc_peer_casdk(&pj, &pc);
			c[SC_POL_CASDK].part = pc.part;
			c[SC_POL_CASDK].planned = pc.start;
			res->pol[SC_POL_CASDK].decided_none += pc.none != 0;
			sc_peer_cats(&pj, &pc);
			c[SC_POL_CATS].part = pc.part;
			c[SC_POL_CATS].planned = pc.start;
			res->pol[SC_POL_CATS].decided_none += pc.none != 0;
			sc_peer_threshold(&pj, thr_pct, &pc);
			c[SC_POL_THRESHOLD].part = pc.part;
			c[SC_POL_THRESHOLD].planned = pc.start;
			res->pol[SC_POL_THRESHOLD].decided_none += pc.none != 0;
		}
		c[SC_POL_ONESHOT] = c[SC_POL_CARBON];
		res->pol[SC_POL_ONESHOT].decided_none = res->pol[SC_POL_CARBON].decided_none;
		for (int p = 0; p < SC_POL_N; p++) {
			/* A plan on a partition without truth cannot be priced:
			 * it is no candidate for anyone (sc_decide skips zones
			 * without forecast, and forecasts come from the truth). */
			if (!truth[conf->site.parts[c[p].part].zone])
				c[p].part = rj->home, c[p].planned = t0;
			c[p].start = c[p].planned;
			c[p].g = price(conf, truth, c[p].part, rj->watts[c[p].part], c[p].start, rj->runtime);
			pl[p][nj] = c[p];
		}
		if (opts->replan > 0 && pl[SC_POL_CARBON][nj].planned > t0) {
			struct held *hj;
			int64_t md = max_delay;
			if (rs.n == rs.cap) {
				size_t nc = rs.cap ? 2 * rs.cap : 256;
				struct held *nv = realloc(rs.v, nc * sizeof(*nv));
				if (!nv)
					goto oom;
				rs.v = nv;
				rs.cap = nc;
			}
			hj = &rs.v[rs.n++];
			hj->i = nj;
			hj->req = req;
			hj->moved = 0;
			hj->h.part = pl[SC_POL_CARBON][nj].part;
			hj->h.start = pl[SC_POL_CARBON][nj].planned;
			hj->h.earliest = req.begin > t0 ? req.begin : t0;
			if (req.max_delay >= 0 && req.max_delay < md)
				md = req.max_delay;
			hj->h.latest = hj->h.earliest + md;
			if (rs.next == INT64_MAX)
				rs.next = next_pass(view, opts, rs.last, t0);
		}
		nj++;
	}
	res->jobs = nj;
	if (opts->replan > 0)
		replan_until(conf, truth, &site_pol, view, opts, &rs, jobs, pl[SC_POL_CARBON], INT64_MAX, res);

	if (opts->cores > 0)
		for (int p = 0; p < SC_POL_N; p++)
			if (run_capacity(conf, truth, jobs, pl[p], nj, opts->cores) < 0)
				goto oom;

	delays = malloc((nj ? nj : 1) * sizeof(*delays));
	if (!delays)
		goto oom;
	for (int p = 0; p < SC_POL_N; p++) {
		struct sc_sim_stats *s = &res->pol[p];
		double sum = 0, qsum = 0;
		size_t moved = 0;

		s->gco2e = 0;
		for (size_t i = 0; i < nj; i++) {
			s->gco2e += pl[p][i].g;
			delays[i] = pl[p][i].planned - jobs[i].submit;
			sum += (double)delays[i];
			moved += pl[p][i].part != jobs[i].home;
		}
		s->mean_delay_s = nj ? sum / (double)nj : 0;
		s->p95_delay_s = p95(delays, nj);
		s->rerouted_pct = nj ? 100.0 * (double)moved / (double)nj : 0;
		for (size_t i = 0; i < nj; i++) {
			delays[i] = pl[p][i].start - pl[p][i].planned;
			qsum += (double)delays[i];
		}
		s->mean_queue_s = nj ? qsum / (double)nj : 0;
		s->p95_queue_s = p95(delays, nj);
	}
	for (int p = 0; p < SC_POL_N; p++) {
		double base = res->pol[SC_POL_BASELINE].gco2e;
		res->pol[p].savings_pct = base > 0 ? 100.0 * (base - res->pol[p].gco2e) / base : 0;
	}
	for (int p = 0; p < SC_POL_N; p++) {
		double o = res->pol[SC_POL_ORACLE].savings_pct;
		res->pol[p].oracle_fraction = o > 1e-9 ? res->pol[p].savings_pct / o : NAN;
	}
	if (opts->keep_jobs) {
		for (size_t i = 0; i < nj; i++) {
			res->in[jobs[i].k] = 1;
			for (int p = 0; p < SC_POL_N; p++) {
				struct sc_sim_out *o = &res->out[p][jobs[i].k];
				o->part = pl[p][i].part;
				o->planned = pl[p][i].planned;
				o->start = pl[p][i].start;
				o->gco2e = pl[p][i].g;
			}
		}
	}
	rc = 0;
	goto out;
oom:
	sc_err_set(err, "out of memory");
error:
	sc_sim_result_free(res);
out:
	free(delays);
	free(rs.v);
	for (int p = 0; p < SC_POL_N; p++)
		free(pl[p]);
	free(jobs);
	free(watts);
	free(zone_err);
	sc_fview_destroy(view);
	return rc;
}
