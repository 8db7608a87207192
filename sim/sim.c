/* slurm-carbon: the replay engine.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * sc_sim_run in three steps: set up (options, data window, forecast view),
 * then each job of the trace (run_job: the request, then every policy of
 * policies[] decides it and each plan is priced), then each policy
 * (the capacity model over its plans, then the window every policy's
 * utilisation is counted in, then its totals).
 * A policy is a decide function and one line of policies[] (and its value
 * in sim.h's enum); a capacity model is one function (sim_run.capacity). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/csvfile.h"
#include "forecast/provider.h"
#include "forecast/series.h"
#include "plan/plan.h"
#include "policy/energy.h"
#include "policy/request.h"
#include "base/units.h"
#include "sim/capacity.h"
#include "sim/congest.h"
#include "sim/oracle.h"
#include "sim/peers.h"
#include "sim/sim.h"

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
	int64_t limit;      /* requested (else the true run time) */
	uint32_t cores, gpus, nodes;
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

/* One run of sc_sim_run: set up once (run_setup, run_alloc, run_view),
 * grown job by job (run_job), then finished policy by policy
 * (the capacity model, then the statistics). */
struct sim_run {
	const struct sc_conf *conf;
	const struct sc_grid *const *truth;
	const struct sc_sim_opts *opts;
	struct sc_sim_result *res;
	struct sc_site site_pol;          /* slurm-carbon's and the peers' site: the simulation's max delay */
	struct sc_fview *view;            /* what slurm-carbon and the peers see */
	double *zone_err;                 /* the ForecastError slurm-carbon plans with, per zone */
	int64_t max_delay;
	int fallback;                     /* partition of the jobs the config does not manage */
	const char *fallback_name;
	double thr_pct;                   /* the threshold peer's percentile */
	struct rjob *jobs;                /* the replayed jobs: nj of them */
	double *watts;                    /* jobs[i].watts point in here */
	size_t nj;
	struct plan *pl[SC_POL_N];        /* pl[p][i]: policy p's plan for replayed job i */
	int64_t *scratch;                 /* nj values for the percentiles */
	struct sc_partition *learned_parts; /* with estimates: the learned site's partitions, reused job
					     * after job (sc_eval_learned_site's scratch) */
	unsigned char *outside;           /* outside[i]: job i's run leaves the data under some policy
					   * after queueing: left out of every policy's figures */
	struct replan_state rs;
	/* The capacity model: moves the starts of one policy's plans pl[0..nj-1]
	 * where the cluster has no room for them (re-pricing them). Returns 0,
	 * or -1 when out of memory. NULL: unlimited capacity. */
	int (*capacity)(const struct sim_run *r, struct plan *pl);
	struct sc_sim_congest *cg;        /* capacity-aware's ledger (with cores) */
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

/* The capacity model (sim/capacity.h) over one policy's plans: released
 * at their planned starts, in submit order; moved starts are re-priced. */
static int capacity_model(const struct sim_run *r, struct plan *pl)
{
	const struct sc_sim_opts *o = r->opts;
	const uint32_t cap[SC_CAP_RES] = { o->cores, o->gpus, o->nodes };
	struct sc_cap_job *cj = malloc((r->nj ? r->nj : 1) * sizeof(*cj));
	int64_t *start = malloc((r->nj ? r->nj : 1) * sizeof(*start));
	int rc = -1;

	if (!cj || !start)
		goto out;
	for (size_t i = 0; i < r->nj; i++) {
		const struct rjob *j = &r->jobs[i];
		cj[i] = (struct sc_cap_job){ pl[i].planned, j->runtime, j->limit, { j->cores, j->gpus, j->nodes } };
	}
	if (sc_cap_schedule(o->capacity_model, cap, cj, r->nj, start) < 0)
		goto out;
	for (size_t i = 0; i < r->nj; i++) {
		if (start[i] == pl[i].start)
			continue;
		pl[i].start = start[i];
		pl[i].g = price(r->conf, r->truth, pl[i].part, r->jobs[i].watts[pl[i].part], start[i],
				r->jobs[i].runtime);
	}
	rc = 0;
out:
	free(cj);
	free(start);
	return rc;
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

/* ------------------------------------------------------------ re-planning */

/* The first pass after t: a multiple of the interval; for archive views the
 * first issue after t that is at least the interval after the previous
 * pass (last; INT64_MIN: none). */
static int64_t next_pass(const struct sim_run *r, int64_t last, int64_t t)
{
	int64_t replan = r->opts->replan, q;

	if (r->opts->forecast.kind == SC_FVIEW_ARCHIVE) {
		int64_t n = sc_fview_next_update(r->view, t);
		while (n != INT64_MAX && last != INT64_MIN && n - last < replan)
			n = sc_fview_next_update(r->view, n);
		return n;
	}
	q = t / replan;
	if (t % replan && t < 0)
		q--;
	return (q + 1) * replan;
}

/* One re-planning pass at time t over the held jobs: each is reconsidered
 * with the forecasts of t; a job whose planned start has come leaves the
 * list. */
static void replan_pass(struct sim_run *r, int64_t t)
{
	const struct sc_conf *conf = r->conf;
	struct replan_state *rs = &r->rs;
	struct sc_sim_result *res = r->res;
	struct plan *pl = r->pl[SC_POL_CARBON];
	const struct sc_zone_forecasts *fc = NULL;
	size_t k = 0;

	for (size_t j = 0; j < rs->n; j++) {
		struct held *hj = &rs->v[j];
		struct plan *p = &pl[hj->i];
		struct sc_replan rp;

		if (p->planned > t) {
			if (!fc)
				fc = sc_fview_at(r->view, t);
			if (sc_redecide(&r->site_pol, fc, &hj->req, &hj->h, t, &rp) == 0 &&
			    rp.action == SC_REPLAN_MOVE && r->truth[conf->site.parts[rp.chosen.part].zone]) {
				hj->h.part = rp.chosen.part;
				hj->h.start = rp.chosen.start;
				p->part = rp.chosen.part;
				p->planned = p->start = rp.chosen.start;
				p->g = price(conf, r->truth, p->part, r->jobs[hj->i].watts[p->part], p->start,
					     r->jobs[hj->i].runtime);
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
static void replan_until(struct sim_run *r, int64_t t)
{
	struct replan_state *rs = &r->rs;

	while (rs->n && rs->next != INT64_MAX && rs->next <= t) {
		replan_pass(r, rs->next);
		rs->next = next_pass(r, rs->last, rs->next);
	}
	if (!rs->n)
		rs->next = INT64_MAX; /* set again when a job is held */
}

/* Holds replayed job i (request req, borrowed: copied), which slurm-carbon
 * planned after its submission t0, for the next passes. Returns 0, or -1
 * when out of memory. */
static int replan_hold(struct sim_run *r, size_t i, const struct sc_request *req, int64_t t0)
{
	struct replan_state *rs = &r->rs;
	const struct plan *p = &r->pl[SC_POL_CARBON][i];
	struct held *hj;
	int64_t md = r->max_delay;

	if (rs->n == rs->cap) {
		size_t nc = rs->cap ? 2 * rs->cap : 256;
		struct held *nv = realloc(rs->v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		rs->v = nv;
		rs->cap = nc;
	}
	hj = &rs->v[rs->n++];
	hj->i = i;
	hj->req = *req;
	hj->moved = 0;
	hj->h.part = p->part;
	hj->h.start = p->planned;
	hj->h.earliest = req->begin > t0 ? req->begin : t0;
	if (req->max_delay >= 0 && req->max_delay < md)
		md = req->max_delay;
	hj->h.latest = hj->h.earliest + md;
	if (rs->next == INT64_MAX)
		rs->next = next_pass(r, rs->last, t0);
	return 0;
}

/* ------------------------------------------------------------ the policies */

/* One replayed job at its submission, as the policies see it. */
struct sim_job {
	const struct sc_trace_job *tj;
	const struct rjob *rj;          /* the replayed job */
	const struct sc_request *req;   /* as the plugin builds it */
	int64_t t0;                     /* submission */
	const struct sc_zone_forecasts *fc; /* the view at t0 */
	struct sc_peer_job pj;          /* the same, as the peers' rules take it */
	const struct plan *decided;     /* this job's plans of the policies decided before */
	const unsigned char *none;      /* ... and whether each had no forecast */
};

/* One policy of the comparison. */
struct sim_policy {
	const char *name;
	/* Decides job j at its submission (never called for exempt jobs): c
	 * comes in as a start at submission on the job's partition; the policy
	 * may change c->part and c->planned. Returns 1 when it left the job
	 * alone for want of a forecast (counted in decided_none), else 0. */
	int (*decide)(const struct sim_run *r, const struct sim_job *j, const struct sim_policy *self,
		      struct plan *c);
	/* decide_peer: the peer's rule (pct: the threshold rule's percentile). */
	void (*rule)(const struct sc_peer_job *pj, double pct, struct sc_peer_choice *pc);
};

static int decide_at_submit(const struct sim_run *r, const struct sim_job *j, const struct sim_policy *self,
			    struct plan *c)
{
	return 0;
}

/* slurm-carbon: the plugin's decision on the view's forecasts. */
/* The site slurm-carbon plans job j on: the simulation's, or with --estimates
 * its learned copy (*parts backs it: caller frees; *window: the learned
 * window ratio, 0 when not learned); count: add the job to jobs_learned. */
static const struct sc_site *plan_site(const struct sim_run *r, const struct sim_job *j, struct sc_site *learned,
				       struct sc_partition **parts, double *window, int count)
{
	int got;

	struct sc_eval ev;

	*parts = NULL;
	*window = 0;
	if (!r->opts->estimates)
		return &r->site_pol;
	memset(&ev, 0, sizeof(ev));
	ev.req = *j->req;
	got = sc_eval_learned_site(&r->site_pol, r->opts->estimates, j->tj->user, j->tj->account, j->tj->name,
				   learned, r->learned_parts, parts, &ev) == 1;
	if (count)
		r->res->jobs_learned += got;
	*window = ev.window_ratio;
	return learned;
}

/* A decision's plan into *c: 0, or 1 when rc failed or d left the job alone
 * or rejected it (the policy has no plan for it). */
static int take_plan(int rc, const struct sc_decision *d, struct plan *c)
{
	if (rc != 0 || d->action == SC_ACT_NONE || d->action == SC_ACT_REJECT)
		return 1;
	c->part = d->chosen.part;
	c->planned = d->chosen.start;
	return 0;
}

static int decide_carbon(const struct sim_run *r, const struct sim_job *j, const struct sim_policy *self,
			 struct plan *c)
{
	struct sc_decision d;
	struct sc_partition *parts;
	struct sc_site learned;
	double window;
	const struct sc_site *site = plan_site(r, j, &learned, &parts, &window, 1);
	int rc = sc_decide_learned(site, window, j->fc, j->req, j->t0, &d);

	free(parts);
	return take_plan(rc, &d, c);
}

/* The oracle: the true minimum (sim/oracle.h) over the allowed partitions
 * and every start in [t0, t0 + max delay] (the user's when shorter; before
 * the deadline), with the job's true run time on the truth. */
static int decide_oracle(const struct sim_run *r, const struct sim_job *j, const struct sim_policy *self,
			 struct plan *c)
{
	const struct sc_request *req = j->req;
	struct sc_oracle_part op[SC_PEER_MAX_PARTS];
	int64_t rt = j->rj->runtime, t0 = req->begin > j->t0 ? req->begin : j->t0, md = r->max_delay;
	size_t n = j->pj.n_parts, best;
	int64_t start;

	if (req->max_delay >= 0 && req->max_delay < md)
		md = req->max_delay;
	for (size_t k = 0; k < n; k++) {
		const struct sc_partition *pt = &r->conf->site.parts[j->pj.parts[k]];
		op[k].truth = r->truth[pt->zone];
		op[k].factor = sc_carbon_g(sc_energy_kwh(j->rj->watts[j->pj.parts[k]], rt), pt->pue, 1);
		op[k].latest = t0 + md;
		if (req->deadline > 0 && req->deadline - rt < op[k].latest)
			op[k].latest = req->deadline - rt;
	}
	if (sc_oracle_best(op, n, t0, rt, &best, &start, NULL) == 0) {
		c->part = j->pj.parts[best];
		c->planned = start;
	}
	return 0;
}

/* A peer: its rule on the same forecasts and planned run time. */
static int decide_peer(const struct sim_run *r, const struct sim_job *j, const struct sim_policy *self,
		       struct plan *c)
{
	struct sc_peer_choice pc;

	self->rule(&j->pj, r->thr_pct, &pc);
	c->part = pc.part;
	c->planned = pc.start;
	return pc.none != 0;
}

/* capacity-aware: the plugin's decision with its planned-load
 * ledger (sim/congest.h); without cores, slurm-carbon's submit-time plan. */
static int decide_capacity(const struct sim_run *r, const struct sim_job *j, const struct sim_policy *self,
			   struct plan *c)
{
	struct sc_decision d;
	struct sc_partition *parts;
	struct sc_site learned;
	double window;
	const struct sc_site *site;
	int rc;

	if (!r->cg) {
		*c = j->decided[SC_POL_CARBON];
		return j->none[SC_POL_CARBON];
	}
	/* As the plugin: learned figures, the planned load deciding (no window choice). */
	site = plan_site(r, j, &learned, &parts, &window, 0);
	rc = sc_sim_congest_decide(r->cg, site, j->fc, j->req, j->t0, j->rj->runtime, (uint32_t)(j->rj - r->jobs), &d,
				   NULL);
	free(parts);
	return take_plan(rc, &d, c);
}

/* one-shot: slurm-carbon's submit-time plan, which re-planning leaves be. */
static int decide_oneshot(const struct sim_run *r, const struct sim_job *j, const struct sim_policy *self,
			  struct plan *c)
{
	*c = j->decided[SC_POL_CARBON];
	return j->none[SC_POL_CARBON];
}

static void rule_casdk(const struct sc_peer_job *pj, double pct, struct sc_peer_choice *pc)
{
	sc_peer_casdk(pj, pc);
}

static void rule_cats(const struct sc_peer_job *pj, double pct, struct sc_peer_choice *pc)
{
	sc_peer_cats(pj, pc);
}

/* Decided in this order for each job (one-shot after slurm-carbon). */
static const struct sim_policy policies[SC_POL_N] = {
	[SC_POL_BASELINE] = { "baseline", decide_at_submit, NULL },
	[SC_POL_CARBON] = { "slurm-carbon", decide_carbon, NULL },
	[SC_POL_ORACLE] = { "oracle", decide_oracle, NULL },
	[SC_POL_CASDK] = { "casdk", decide_peer, rule_casdk },
	[SC_POL_CATS] = { "cats", decide_peer, rule_cats },
	[SC_POL_THRESHOLD] = { "threshold", decide_peer, sc_peer_threshold },
	[SC_POL_ONESHOT] = { "one-shot", decide_oneshot, NULL },
	[SC_POL_CAPACITY] = { "capacity-aware", decide_capacity, NULL },
};

int sc_sim_opt_set(struct sc_sim_opts *o, const char *name, const char *value, struct sc_err *err)
{
	double v;

	if (!strcmp(name, "capacity-model")) {
		for (int m = SC_CAP_EASY; m <= SC_CAP_FCFS; m++)
			if (!strcmp(value, sc_cap_model_name((enum sc_cap_model)m)))
				return o->capacity_model = m, 0;
		return sc_err_set(err, "--capacity-model: invalid value '%s': expected easy or fcfs",
				  SC_PRINTABLE(value));
	}
	if (!strcmp(name, "congestion-model")) {
		if (!strcmp(value, "hard"))
			return o->congestion_model = SC_CONG_HARD, 0;
		if (!strcmp(value, "marginal"))
			return o->congestion_model = SC_CONG_MARGINAL, 0;
		if (!strcmp(value, "capped"))
			return o->congestion_model = SC_CONG_CAPPED, 0;
		return sc_err_set(err, "--congestion-model: invalid value '%s': expected hard, marginal or capped",
				  SC_PRINTABLE(value));
	}
	if (!strcmp(name, "congestion-weight")) {
		if (sc_parse_number(value, 1e-6, 1e6, "--congestion-weight", &v, err) < 0)
			return -1;
		o->congestion_weight = v;
		return 0;
	}
	if (!strcmp(name, "idle-watts-per-core")) {
		if (sc_parse_number(value, 0, 1e6, "--idle-watts-per-core", &v, err) < 0)
			return -1;
		o->idle_watts_per_core = v;
		return 0;
	}
	if (strcmp(name, "gpus") && strcmp(name, "nodes"))
		return sc_err_set(err, "unknown simulation option '%s'", SC_PRINTABLE(name));
	if (sc_parse_number(value, 1, 1e9, name, &v, NULL) < 0 || v != (double)(uint32_t)v)
		return sc_err_set(err, "--%s: invalid value '%s': expected a whole number from 1 to 1000000000", name,
				  SC_PRINTABLE(value));
	*(name[0] == 'g' ? &o->gpus : &o->nodes) = (uint32_t)v;
	return 0;
}

const char *sc_sim_policy_name(enum sc_sim_policy p)
{
	return (unsigned)p < SC_POL_N ? policies[p].name : "?";
}

/* ------------------------------------------------------------ the run */

/* Checks the options and finds the window where every zone with data has
 * data; sets r's settings and the sites. Allocates nothing. */
static int run_setup(struct sim_run *r, const struct sc_trace *trace, int64_t *max_step, struct sc_err *err)
{
	const struct sc_conf *conf = r->conf;
	const struct sc_sim_opts *opts = r->opts;
	struct sc_sim_result *res = r->res;
	int have_data = 0;

	if (conf->n_parts == 0 || conf->n_zones == 0)
		return sc_err_set(err, "the configuration manages no partition: nothing to simulate");
	if (conf->site.n_parts > SC_PEER_MAX_PARTS)
		return sc_err_set(err, "the simulator handles at most %d partitions", SC_PEER_MAX_PARTS);
	if (trace->relative)
		return sc_err_set(err, "the trace's times are relative: anchor them first");
	if (opts->replan < 0)
		return sc_err_set(err, "the re-planning interval must be positive (0: off)");
	if (opts->replan > 0 && opts->estimates)
		return sc_err_set(err, "re-planning and learned estimates together are not supported; "
				  "expected one of them");
	r->fallback = opts->fallback_part >= 0 ? opts->fallback_part : conf->default_part;
	if (r->fallback < 0 || (size_t)r->fallback >= conf->n_parts)
		r->fallback = 0;
	r->fallback_name = conf->site.parts[r->fallback].name;
	r->max_delay = opts->max_delay >= 0 ? opts->max_delay : conf->site.params.max_delay;
	r->thr_pct = opts->threshold_pct > 0 ? opts->threshold_pct : 30;
	r->capacity = opts->cores || opts->gpus || opts->nodes ? capacity_model : NULL;
	if (!sc_cap_model_name(opts->capacity_model))
		return sc_err_set(err, "unknown capacity model %d", opts->capacity_model);
	if (!(opts->idle_watts_per_core >= 0) || !isfinite(opts->idle_watts_per_core))
		return sc_err_set(err, "the idle power per core must be a finite number of watts >= 0");
	res->cores = opts->cores;
	res->gpus = opts->gpus;
	res->nodes = opts->nodes;
	res->capacity_model = opts->capacity_model;
	res->estimates = opts->estimates != NULL;
	res->idle_watts_per_core = opts->idle_watts_per_core;

	res->data_start = INT64_MIN;
	res->data_end = INT64_MAX;
	*max_step = 1;
	for (size_t z = 0; z < conf->n_zones; z++) {
		const struct sc_grid *g = r->truth[z];
		if (!g)
			continue;
		have_data = 1;
		if (g->start > res->data_start)
			res->data_start = g->start;
		if (sc_grid_end(g) < res->data_end)
			res->data_end = sc_grid_end(g);
		if (g->step > *max_step)
			*max_step = g->step;
	}
	if (!have_data)
		return sc_err_set(err, "no zone has intensity data");
	res->max_delay = r->max_delay;
	res->replan = opts->replan;
	if (opts->cores) {
		r->cg = sc_sim_congest_create(conf->site.n_parts, opts->cores, opts->gpus,
					      (enum sc_cong_model)opts->congestion_model,
					      opts->congestion_weight > 0 ? opts->congestion_weight : SC_CONG_WEIGHT,
					      trace->n ? trace->jobs[0].submit : 0, err);
		if (!r->cg)
			return -1;
	}

	r->site_pol = conf->site;
	r->site_pol.params.max_delay = r->max_delay;
	return 0;
}

/* Room for every job of the trace, in r and (keep_jobs) in the result. */
static int run_alloc(struct sim_run *r, size_t n_trace, struct sc_err *err)
{
	size_t n = n_trace ? n_trace : 1;

	r->jobs = calloc(n, sizeof(*r->jobs));
	r->watts = calloc(n * r->conf->site.n_parts, sizeof(*r->watts));
	r->scratch = malloc(n * sizeof(*r->scratch));
	r->outside = calloc(n, 1);
	if (!r->jobs || !r->watts || !r->scratch || !r->outside)
		return sc_err_set(err, "out of memory");
	if (r->opts->estimates &&
	    !(r->learned_parts = calloc(r->conf->site.n_parts ? r->conf->site.n_parts : 1, sizeof(*r->learned_parts))))
		return sc_err_set(err, "out of memory");
	for (int p = 0; p < SC_POL_N; p++)
		if (!(r->pl[p] = calloc(n, sizeof(*r->pl[p]))))
			return sc_err_set(err, "out of memory");
	if (r->opts->keep_jobs) {
		r->res->in = calloc(n, 1);
		if (!r->res->in)
			return sc_err_set(err, "out of memory");
		for (int p = 0; p < SC_POL_N; p++)
			if (!(r->res->out[p] = calloc(n, sizeof(*r->res->out[p]))))
				return sc_err_set(err, "out of memory");
		r->res->n_out = n_trace;
	}
	return 0;
}

/* The forecast view, reaching the longest planned run past the max delay,
 * and the ForecastError slurm-carbon plans with in each zone: the
 * configured one, else the view's. */
static int run_view(struct sim_run *r, const struct sc_trace *trace, int64_t max_step, struct sc_err *err)
{
	const struct sc_conf *conf = r->conf;
	int64_t span = 0;
	size_t fz = conf->site.parts[r->fallback].zone;

	for (size_t k = 0; k < trace->n; k++) {
		const struct sc_trace_job *tj = &trace->jobs[k];
		int64_t planned = tj->requested > 0 ? tj->requested : tj->runtime;
		if (planned > span)
			span = planned;
	}
	span += r->max_delay + 2 * max_step;
	r->view = sc_fview_create(&r->opts->forecast, r->truth, conf->n_zones, span,
				  conf->zones[0].max_gap > 0 ? conf->zones[0].max_gap : DEFAULT_MAX_GAP,
				  conf->zones[0].max_age, err);
	if (!r->view)
		return -1;
	r->zone_err = calloc(conf->n_zones, sizeof(*r->zone_err));
	if (!r->zone_err)
		return sc_err_set(err, "out of memory");
	for (size_t z = 0; z < conf->n_zones; z++) {
		if (conf->zones[z].forecast_error_set) {
			r->zone_err[z] = conf->zones[z].forecast_error_pct;
		} else {
			double e = sc_fview_error_24h(r->view, z);
			r->zone_err[z] = isfinite(e) ? e : conf->zones[z].forecast_error_pct;
		}
	}
	r->site_pol.zone_error = r->zone_err;
	r->res->forecast_error_pct = r->zone_err[fz];
	r->res->forecast_error_configured = conf->zones[fz].forecast_error_set;
	return 0;
}

/* Builds tj's request as the plugin would (a partition the config does not
 * manage: the fallback one). Returns 0, or -1 when the job is not replayed
 * (counted as skipped or outside the data). */
static int job_request(struct sim_run *r, const struct sc_trace_job *tj, struct sc_request *req)
{
	const struct sc_conf *conf = r->conf;
	struct sc_sim_result *res = r->res;
	int64_t limit = tj->requested > 0 ? tj->requested : tj->runtime;
	const char *part = tj->partition && *tj->partition ? tj->partition : r->fallback_name;
	struct sc_job_fields f;
	struct sc_err why;
	enum sc_build b;

	make_fields(tj, part, limit, &f);
	b = sc_request_build(&conf->site, conf->part_defaults, r->fallback, 1, &f, req, &why);
	if (b == SC_BUILD_UNMANAGED) {
		make_fields(tj, r->fallback_name, limit, &f);
		b = sc_request_build(&conf->site, conf->part_defaults, r->fallback, 1, &f, req, &why);
	}
	if (b != SC_BUILD_OK || !r->truth[conf->site.parts[req->parts[0]].zone]) {
		res->jobs_skipped++;
		return -1;
	}
	if (tj->submit < res->data_start || tj->submit > res->data_end - r->max_delay - tj->runtime) {
		res->jobs_outside_data++;
		return -1;
	}
	return 0;
}

/* What the policies see of job j (tj, req and t0 set) at its submission:
 * the view's forecasts, and the job as the peers' rules take it. */
static void job_view(const struct sim_run *r, const struct rjob *rj, struct sim_job *j)
{
	const struct sc_site *site = &r->site_pol;
	struct sc_peer_job *pj = &j->pj;
	int64_t limit = j->tj->requested > 0 ? j->tj->requested : j->tj->runtime;

	j->fc = sc_fview_at(r->view, j->t0);
	memset(pj, 0, sizeof(*pj));
	pj->site = site;
	pj->fc = j->fc;
	pj->n_parts = allowed_parts(site, j->req, pj->parts);
	pj->runtime = (int64_t)ceil((double)limit * site->params.runtime_ratio);
	if (pj->runtime < 1)
		pj->runtime = 1;
	pj->t0 = j->t0;
	pj->max_delay = r->max_delay;
	for (size_t p = 0; p < pj->n_parts; p++)
		pj->factor[p] = sc_energy_kwh(rj->watts[pj->parts[p]], pj->runtime) * site->parts[pj->parts[p]].pue;
}

/* Replays trace job k: every policy decides it at its submission (exempt
 * jobs start then under all), each plan is priced on the truth, and
 * slurm-carbon's delayed plans are held for re-planning. Returns 0, or -1
 * with err (out of memory). */
static int run_job(struct sim_run *r, const struct sc_trace_job *tj, size_t k, struct sc_err *err)
{
	const struct sc_conf *conf = r->conf;
	struct sc_sim_result *res = r->res;
	struct rjob *rj = &r->jobs[r->nj];
	struct sc_request req;
	struct plan c[SC_POL_N];
	unsigned char none[SC_POL_N] = { 0 };
	struct sim_job j = { .tj = tj, .rj = rj, .req = &req, .t0 = tj->submit, .decided = c, .none = none };
	int exempt;

	if (job_request(r, tj, &req) < 0)
		return 0;
	exempt = sc_conf_exempt(conf, tj->user, tj->account, tj->qos) != NULL;
	res->jobs_exempt += exempt != 0;

	memset(rj, 0, sizeof(*rj));
	rj->k = k;
	rj->submit = j.t0;
	rj->runtime = tj->runtime;
	rj->limit = tj->requested > 0 ? tj->requested : tj->runtime;
	rj->cores = req.shape.cores ? req.shape.cores : 1;
	rj->gpus = tj->gpus;
	rj->nodes = tj->nodes;
	rj->home = req.parts[0];
	rj->watts = r->watts + r->nj * conf->site.n_parts;
	for (size_t p = 0; p < conf->site.n_parts; p++)
		rj->watts[p] = sc_power_watts(&conf->site.parts[p].power, &req.shape);

	for (int p = 0; p < SC_POL_N; p++) {
		c[p].part = rj->home;
		c[p].planned = j.t0;
	}
	if (r->opts->replan > 0)
		replan_until(r, j.t0);
	if (!exempt) {
		job_view(r, rj, &j);
		for (int p = 0; p < SC_POL_N; p++) {
			none[p] = (unsigned char)policies[p].decide(r, &j, &policies[p], &c[p]);
			res->pol[p].decided_none += none[p];
		}
	}
	for (int p = 0; p < SC_POL_N; p++) {
		/* A plan on a partition without truth cannot be priced: it is
		 * no candidate for anyone (sc_decide skips zones without
		 * forecast, and forecasts come from the truth). */
		if (!r->truth[conf->site.parts[c[p].part].zone])
			c[p].part = rj->home, c[p].planned = j.t0;
		c[p].start = c[p].planned;
		c[p].g = price(conf, r->truth, c[p].part, rj->watts[c[p].part], c[p].start, rj->runtime);
		r->pl[p][r->nj] = c[p];
	}
	if (r->opts->replan > 0 && c[SC_POL_CARBON].planned > j.t0 && replan_hold(r, r->nj, &req, j.t0) < 0)
		return sc_err_set(err, "out of memory");
	r->nj++;
	return 0;
}

/* The utilisation window (with cores): from the first replayed submission
 * to the last end under any policy. */
static void run_window(struct sim_run *r)
{
	struct sc_sim_result *res = r->res;

	res->window_start = r->nj ? r->jobs[0].submit : 0;
	res->window_end = res->window_start;
	for (int p = 0; p < SC_POL_N; p++)
		for (size_t i = 0; i < r->nj; i++)
			if (r->pl[p][i].start + r->jobs[i].runtime > res->window_end)
				res->window_end = r->pl[p][i].start + r->jobs[i].runtime;
}

/* Integral of g over [a, b), in (gCO2e/kWh) × s, clamped to its data. */
static double integral_s(const struct sc_grid *g, int64_t a, int64_t b)
{
	return (sc_grid_integral(g, b) - sc_grid_integral(g, a)) * (double)g->step;
}

/* Policy p's utilisation and idle figures over the window: busy
 * core-seconds are the same for every policy, when the cores idle is not. */
static void policy_idle(struct sim_run *r, int p)
{
	struct sc_sim_stats *s = &r->res->pol[p];
	const struct sc_partition *home = &r->conf->site.parts[r->fallback];
	const struct sc_grid *g = r->truth[home->zone];
	const struct plan *pl = r->pl[p];
	uint32_t cores = r->opts->cores;
	double win = (double)(r->res->window_end - r->res->window_start), busy = 0, busy_ci = 0, idle_s;

	s->utilisation_pct = s->idle_core_h = s->idle_kwh = s->idle_gco2e = NAN;
	if (!cores || win <= 0)
		return;
	for (size_t i = 0; i < r->nj; i++) {
		double c = r->jobs[i].cores < cores ? r->jobs[i].cores : cores;
		busy += c * (double)r->jobs[i].runtime;
		if (g)
			busy_ci += c * integral_s(g, pl[i].start, pl[i].start + r->jobs[i].runtime);
	}
	idle_s = (double)cores * win - busy;
	s->utilisation_pct = 100.0 * busy / ((double)cores * win);
	s->idle_core_h = idle_s / 3600;
	if (r->opts->idle_watts_per_core <= 0)
		return;
	s->idle_kwh = sc_energy_kwh(r->opts->idle_watts_per_core, 1) * idle_s;
	if (g)
		s->idle_gco2e = sc_carbon_g(sc_energy_kwh(r->opts->idle_watts_per_core, 1), home->pue, 1) *
				((double)cores * integral_s(g, r->res->window_start, r->res->window_end) - busy_ci);
}

/* Policy p's totals over the replayed jobs, but for the figures relative to
 * other policies (run_relative). */
static void policy_stats(struct sim_run *r, int p)
{
	struct sc_sim_stats *s = &r->res->pol[p];
	const struct plan *pl = r->pl[p];
	int64_t *v = r->scratch;
	size_t nj = 0, moved = 0;
	double sum = 0, qsum = 0;

	s->gco2e = 0;
	for (size_t i = 0; i < r->nj; i++) {
		if (r->outside[i])
			continue;
		s->gco2e += pl[i].g;
		v[nj] = pl[i].planned - r->jobs[i].submit;
		sum += (double)v[nj++];
		moved += pl[i].part != r->jobs[i].home;
	}
	s->mean_delay_s = nj ? sum / (double)nj : 0;
	s->p95_delay_s = p95(v, nj);
	s->rerouted_pct = nj ? 100.0 * (double)moved / (double)nj : 0;
	nj = 0;
	for (size_t i = 0; i < r->nj; i++) {
		if (r->outside[i])
			continue;
		v[nj] = pl[i].start - pl[i].planned;
		qsum += (double)v[nj++];
	}
	s->mean_queue_s = nj ? qsum / (double)nj : 0;
	s->p95_queue_s = p95(v, nj);
	s->mean_wait_s = s->mean_delay_s + s->mean_queue_s;
	policy_idle(r, p);
}

/* The savings against the baseline and the share of the oracle's. */
static void run_relative(struct sc_sim_result *res)
{
	double base = res->pol[SC_POL_BASELINE].gco2e, o;

	for (int p = 0; p < SC_POL_N; p++)
		res->pol[p].savings_pct = base > 0 ? 100.0 * (base - res->pol[p].gco2e) / base : 0;
	o = res->pol[SC_POL_ORACLE].savings_pct;
	for (int p = 0; p < SC_POL_N; p++)
		res->pol[p].oracle_fraction = o > 1e-9 ? res->pol[p].savings_pct / o : NAN;
}

/* With a capacity: the jobs that queueing pushed past the end of the data
 * under some policy (their run from its start to its end is not all inside
 * the data, so that no policy can be priced on it) are outside the data,
 * for every policy: the figures compare the same jobs, all priced on data. */
static void run_outside(struct sim_run *r)
{
	struct sc_sim_result *res = r->res;

	for (size_t i = 0; i < r->nj; i++) {
		for (int p = 0; p < SC_POL_N && !r->outside[i]; p++)
			r->outside[i] = r->pl[p][i].start + r->jobs[i].runtime > res->data_end;
		res->jobs_queued_outside_data += r->outside[i];
	}
	res->jobs -= res->jobs_queued_outside_data;
	res->jobs_outside_data += res->jobs_queued_outside_data;
}

/* keep_jobs: each replayed job's outcome under each policy. */
static void run_keep(struct sim_run *r)
{
	for (size_t i = 0; i < r->nj; i++) {
		size_t k = r->jobs[i].k;
		r->res->in[k] = !r->outside[i];
		for (int p = 0; p < SC_POL_N; p++) {
			struct sc_sim_out *o = &r->res->out[p][k];
			o->part = r->pl[p][i].part;
			o->planned = r->pl[p][i].planned;
			o->start = r->pl[p][i].start;
			o->gco2e = r->pl[p][i].g;
		}
	}
}

static void run_free(struct sim_run *r)
{
	free(r->scratch);
	free(r->outside);
	free(r->learned_parts);
	free(r->rs.v);
	for (int p = 0; p < SC_POL_N; p++)
		free(r->pl[p]);
	free(r->jobs);
	free(r->watts);
	free(r->zone_err);
	sc_fview_destroy(r->view);
	sc_sim_congest_destroy(r->cg);
}

int sc_sim_run(const struct sc_conf *conf, const struct sc_grid *const *truth,
	       const struct sc_trace *trace, const struct sc_sim_opts *opts,
	       struct sc_sim_result *res, struct sc_err *err)
{
	struct sim_run r = { .conf = conf, .truth = truth, .opts = opts, .res = res,
			     .rs = { NULL, 0, 0, INT64_MAX, INT64_MIN } };
	int64_t max_step = 1;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (run_setup(&r, trace, &max_step, err) < 0)
		return -1;
	if (run_alloc(&r, trace->n, err) < 0 || run_view(&r, trace, max_step, err) < 0)
		goto error;
	res->jobs_skipped = trace->skipped;
	for (size_t k = 0; k < trace->n; k++)
		if (run_job(&r, &trace->jobs[k], k, err) < 0)
			goto error;
	res->jobs = r.nj;
	if (opts->replan > 0)
		replan_until(&r, INT64_MAX);
	for (int p = 0; p < SC_POL_N; p++)
		if (r.capacity && r.capacity(&r, r.pl[p]) < 0) {
			sc_err_set(err, "out of memory");
			goto error;
		}
	run_outside(&r);
	run_window(&r);
	for (int p = 0; p < SC_POL_N; p++)
		policy_stats(&r, p);
	run_relative(res);
	if (opts->keep_jobs)
		run_keep(&r);
	rc = 0;
	goto out;
error:
	sc_sim_result_free(res);
out:
	run_free(&r);
	return rc;
}
