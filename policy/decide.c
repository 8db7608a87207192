/* slurm-carbon: the decision engine.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/decide.h"
#include "base/error.h"
#include "base/units.h"

#define MAX_ALLOWED 64

/* A candidate plan, as the search compares them. */
struct cand {
	size_t part;
	size_t order; /* position in the allowed list: requested first */
	int64_t start;
	double ci;
	double g;
	int partial;
};

/* What one partition contributes: fixed for all its start times. */
struct pctx {
	size_t part;
	size_t order;
	const struct sc_grid *grid;
	int64_t runtime;
	double watts, kwh, factor; /* factor = kWh × PUE */
	int64_t latest;            /* last start; < t0: only t0 (partial or deadline-bound) */
	int partial;
	double sig;                /* the zone's relative error sd 24 h ahead (0: exact) */
	double kap;                /* window averaging of the error variance */
};

enum pass { PASS_BEST, PASS_NEAR, PASS_BUDGET, PASS_SCORE };

struct search {
	const struct sc_site *site;
	struct pctx p[MAX_ALLOWED];
	size_t np;
	int64_t t0;
	enum pass pass;
	size_t count;
	/* PASS_BEST */
	struct cand best;
	int have_best;
	/* PASS_NEAR / PASS_BUDGET: the earliest candidate with g <= limit */
	double limit;
	struct cand pick;
	int have_pick;
	/* baseline */
	struct cand base;
	int have_base;
	/* PASS_SCORE: the best error-adjusted saving over a reference plan
	 * (the baseline for sc_decide, the current plan for sc_redecide) */
	int64_t now;
	double base_sd;   /* the reference's relative error sd */
	double inv_base;  /* 1 / the reference's gCO2e */
	double score;
	struct cand top;
	int have_top;
	const struct sc_grid *ref_grid; /* the reference's zone grid */
	int64_t ref_start;
	int exact;        /* score every candidate: no pruning (sc_redecide) */
	double budget;    /* PASS_SCORE: candidates above it are skipped (< 0: none) */
	/* Overrides of setup_partition's window (sc_redecide): latest start. */
	int64_t latest_cap;
	int have_latest_cap;
};

/* The error model of rule 4 (decide.h). */
#define ERR_TAU 19800.0           /* 5.5 h */
#define ERR_LEAD0 43200.0         /* 12 h */
#define ERR_SQRT_PI 1.7724538509
#define ERR_MAE_TO_SD 1.2533141373 /* sqrt(pi / 2) */

/* Relative error sd of a window of partition p starting at start. */
static double window_sd(const struct search *s, const struct pctx *p, int64_t start)
{
	double lead = (double)(start - s->now) + (double)p->runtime / 2;

	return p->sig * sqrt(p->kap * (lead + ERR_LEAD0) / (86400.0 + ERR_LEAD0));
}

static int earlier(const struct cand *a, const struct cand *b);
static int lower_carbon(const struct cand *a, const struct cand *b);

/* Scores candidate c (of partition p): forecast saving over the baseline
 * minus SC_ERROR_CONFIDENCE sd of its error. Within a partition the
 * penalty never decreases with the start (the lead grows and the error's
 * correlation with the baseline's fades), so *pen_lb, the penalty of the
 * partition's last scored candidate, bounds later ones from below: a
 * candidate whose saving minus that bound cannot beat the best score is
 * skipped without computing its own. */
static void score(struct search *s, const struct pctx *p, const struct cand *c, double *pen_lb)
{
	double r = (s->base.g - c->g) * s->inv_base, sd, var, pen, sc;

	s->count++;
	if (s->budget >= 0 && c->g > s->budget * (1 + 1e-12))
		return;
	if (s->exact && (!s->have_best || lower_carbon(c, &s->best))) {
		s->best = *c; /* sc_redecide: the lowest-carbon candidate */
		s->have_best = 1;
	}
	if (!s->exact && s->have_top && r - *pen_lb < s->score - 1e-12)
		return;
	sd = window_sd(s, p, c->start);
	var = sd * sd + s->base_sd * s->base_sd;
	if (p->grid == s->ref_grid) {
		double d = (double)(c->start - s->ref_start), w = ERR_TAU * ERR_TAU + (double)p->runtime * (double)p->runtime;
		if (d * d < 40 * w) /* beyond, the correlation is below 1e-17 */
			var -= 2 * exp(-d * d / w) * sd * s->base_sd;
	}
	pen = SC_ERROR_CONFIDENCE * (var > 0 ? sqrt(var) : 0);
	if (pen > *pen_lb)
		*pen_lb = pen;
	sc = r - pen;
	if (!s->have_top || sc > s->score + 1e-12 || (sc >= s->score - 1e-12 && earlier(c, &s->top))) {
		s->score = sc;
		s->top = *c;
		s->have_top = 1;
	}
}

static int lower_carbon(const struct cand *a, const struct cand *b)
{
	double tol = 1e-9 * fmax(fabs(a->g), fabs(b->g));

	if (a->g < b->g - tol)
		return 1;
	if (a->g > b->g + tol)
		return 0;
	if (a->start != b->start)
		return a->start < b->start;
	return a->order < b->order;
}

/* Earliest start, then request order, then lower carbon. */
static int earlier(const struct cand *a, const struct cand *b)
{
	if (a->start != b->start)
		return a->start < b->start;
	if (a->order != b->order)
		return a->order < b->order;
	return a->g < b->g;
}

static inline void consider(struct search *s, const struct cand *c)
{
	switch (s->pass) {
	case PASS_BEST:
		s->count++;
		if (c->order == 0 && c->start == s->t0) {
			s->base = *c;
			s->have_base = 1;
		}
		if (!s->have_best || lower_carbon(c, &s->best)) {
			s->best = *c;
			s->have_best = 1;
		}
		break;
	case PASS_SCORE:
		break;
	case PASS_NEAR:
	case PASS_BUDGET:
		if (c->g <= s->limit * (1 + 1e-12) && (!s->have_pick || earlier(c, &s->pick))) {
			s->pick = *c;
			s->have_pick = 1;
		}
		break;
	}
}

/* Window sum (in slots × gCO2e/kWh) of the boundary candidate k. */
static inline double window_sum(const struct sc_grid *g, size_t k, size_t q, int64_t rem, double fr)
{
	double sum = g->cum[k + q] - g->cum[k];

	return rem ? sum + g->v[k + q] * fr : sum;
}

static void scan_partition(struct search *s, const struct pctx *p)
{
	const struct sc_grid *g = p->grid;
	struct cand c = { .part = p->part, .order = p->order, .partial = p->partial };
	int64_t end = p->partial ? sc_grid_end(g) : s->t0 + p->runtime;
	double sum, to_g;
	size_t k0, k1, q, best_k = 0;
	int64_t rem;
	double fr, pen_lb = 0;

	/* t0 itself, anywhere inside a slot. */
	c.start = s->t0;
	sum = sc_grid_integral(g, end) - sc_grid_integral(g, s->t0);
	c.ci = sum * (double)g->step / (double)(end - s->t0);
	c.g = p->factor * c.ci;
	if (s->pass == PASS_SCORE)
		score(s, p, &c, &pen_lb);
	else
		consider(s, &c);
	if (p->latest <= s->t0)
		return;

	/* Later slot boundaries: the window end sits at a fixed offset
	 * (q slots and rem seconds) after each start. Within a partition the
	 * runtime and factor are fixed, so window sums compare like grams:
	 * the hot loops compare sums only. */
	k0 = (size_t)((s->t0 - g->start) / g->step) + 1;
	k1 = (size_t)((p->latest - g->start) / g->step);
	if (k0 > k1)
		return;
	q = (size_t)(p->runtime / g->step);
	rem = p->runtime % g->step;
	fr = (double)rem / (double)g->step;
	to_g = p->factor * (double)g->step / (double)p->runtime;
	c.partial = 0;

	if (s->pass == PASS_SCORE) {
		/* A candidate can only win if its saving exceeds the best
		 * score plus pen_lb, i.e. its window sum is below smax. */
		double smax = INFINITY;
		for (size_t k = k0; k <= k1; k++) {
			sum = window_sum(g, k, q, rem, fr);
			if (sum > smax)
				continue;
			c.start = g->start + (int64_t)k * g->step;
			c.ci = sum * (double)g->step / (double)p->runtime;
			c.g = p->factor * c.ci;
			score(s, p, &c, &pen_lb);
			if (s->have_top && !s->exact)
				smax = s->base.g * (1 - s->score - pen_lb + 1e-12) / to_g;
		}
		return;
	}
	if (s->pass == PASS_BEST) {
		/* The lowest sum, earliest on ties (within 1e-9 relative). */
		double best = window_sum(g, k0, q, rem, fr), thr = best * (1 - 1e-9);
		best_k = k0;
		for (size_t k = k0 + 1; k <= k1; k++) {
			sum = window_sum(g, k, q, rem, fr);
			if (sum < thr) {
				best = sum;
				thr = sum * (1 - 1e-9);
				best_k = k;
			}
		}
		s->count += k1 - k0; /* consider() counts the one below */
	} else {
		/* The earliest start within the limit. */
		double lim = s->limit / to_g * (1 + 1e-12);
		size_t k;
		for (k = k0; k <= k1; k++)
			if (window_sum(g, k, q, rem, fr) <= lim)
				break;
		if (k > k1)
			return;
		best_k = k;
	}
	sum = window_sum(g, best_k, q, rem, fr);
	c.start = g->start + (int64_t)best_k * g->step;
	c.ci = sum * (double)g->step / (double)p->runtime;
	c.g = p->factor * c.ci;
	consider(s, &c);
}

static void scan(struct search *s, enum pass pass)
{
	s->pass = pass;
	for (size_t i = 0; i < s->np; i++)
		scan_partition(s, &s->p[i]);
}

static void plan_of(const struct sc_site *site, const struct pctx *p, const struct cand *c,
		    struct sc_plan *out)
{
	out->part = c->part;
	out->start = c->start;
	out->runtime = p->runtime;
	out->watts = p->watts;
	out->kwh = p->kwh;
	out->pue = site->parts[c->part].pue;
	out->ci = c->ci;
	out->gco2e = c->g;
	out->partial = c->partial;
}

/* The partition context of order in the search (orders are unique). */
static const struct pctx *ctx_of(const struct search *s, size_t order)
{
	const struct pctx *p = NULL;

	for (size_t i = 0; i < s->np; i++)
		if (s->p[i].order == order)
			p = &s->p[i];
	return p;
}

static void fill_plan(const struct search *s, const struct cand *c, struct sc_plan *out)
{
	plan_of(s->site, ctx_of(s, c->order), c, out);
}

void sc_decision_none(struct sc_decision *out, const char *fmt, ...)
{
	va_list ap;

	memset(out, 0, sizeof(*out));
	out->action = SC_ACT_NONE;
	out->budget_g = -1;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
	sc_utf8_trim(out->reason); /* a quoted name or message cut at the end */
}

static int add_allowed(size_t *list, size_t *n, size_t part)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i] == part)
			return 0;
	if (*n == MAX_ALLOWED)
		return -1;
	list[(*n)++] = part;
	return 0;
}

/* The partitions req may run on, in the order the search ranks them: the
 * requested ones, then their Alternatives when rerouting is on. Returns 0,
 * or -1 with why on inconsistent arguments. */
static int allowed_list(const struct sc_site *site, const struct sc_request *req, size_t *allowed,
			size_t *nallowed, char *why, size_t nwhy)
{
	*nallowed = 0;
	if (req->n_parts == 0 || req->n_parts > SC_MAX_REQ_PARTS) {
		snprintf(why, nwhy, "the request names no partition");
		return -1;
	}
	for (size_t i = 0; i < req->n_parts; i++) {
		if (req->parts[i] >= site->n_parts) {
			snprintf(why, nwhy, "partition index out of range");
			return -1;
		}
		add_allowed(allowed, nallowed, req->parts[i]);
	}
	if (site->params.reroute) {
		for (size_t i = 0; i < req->n_parts; i++) {
			const struct sc_partition *pt = &site->parts[req->parts[i]];
			for (size_t j = 0; j < pt->n_alt; j++) {
				if (pt->alt[j] >= site->n_parts) {
					snprintf(why, nwhy, "alternative index out of range");
					return -1;
				}
				add_allowed(allowed, nallowed, pt->alt[j]);
			}
		}
	}
	return 0;
}

/* Sets up one partition's context; returns 1 if usable, 0 if its zone has
 * no data at t0 (with *why set), -1 on inconsistent arguments. */
static int setup_partition(struct search *s, const struct sc_zone_forecasts *forecasts,
			   const struct sc_request *req, size_t part, size_t order,
			   struct pctx *p, char *why, size_t nwhy)
{
	const struct sc_site *site = s->site;
	const struct sc_partition *pt = &site->parts[part];
	const struct sc_grid *g;
	int64_t limit, latest, end, max_delay;
	char a[32], b[32];

	if (pt->zone >= site->n_zones || pt->zone >= forecasts->n) {
		snprintf(why, nwhy, "partition %s: zone index out of range", pt->name);
		return -1;
	}
	g = forecasts->grids[pt->zone];
	if (!g) {
		const char *w = forecasts->why ? forecasts->why[pt->zone] : NULL;
		snprintf(why, nwhy, "no usable forecast for zone %s%s%s", site->zones[pt->zone],
			 w ? ": " : "", w ? w : "");
		return 0;
	}
	end = sc_grid_end(g);
	if (s->t0 < g->start || s->t0 >= end) {
		char c[32];
		snprintf(why, nwhy, "the forecast for zone %s covers %s to %s, not the job's start %s",
			 site->zones[pt->zone], sc_format_time(g->start, a, sizeof(a)),
			 sc_format_time(end, b, sizeof(b)), sc_format_time(s->t0, c, sizeof(c)));
		return 0;
	}
	limit = req->time_limit > 0 ? req->time_limit : pt->default_time;
	if (limit <= 0) {
		snprintf(why, nwhy, "partition %s: no time limit and no DefaultTime", pt->name);
		return -1;
	}
	p->part = part;
	p->order = order;
	p->grid = g;
	p->runtime = (int64_t)ceil((double)limit * site->params.runtime_ratio);
	if (p->runtime <= 0)
		p->runtime = 1;
	p->watts = sc_power_watts(&pt->power, &req->shape);
	p->kwh = sc_energy_kwh(p->watts, p->runtime);
	p->factor = p->kwh * pt->pue;
	max_delay = site->params.max_delay;
	if (req->max_delay >= 0 && req->max_delay < max_delay)
		max_delay = req->max_delay;
	latest = s->have_latest_cap ? s->latest_cap : s->t0 + max_delay;
	if (req->deadline > 0 && req->deadline - p->runtime < latest)
		latest = req->deadline - p->runtime;
	if (end - p->runtime < latest)
		latest = end - p->runtime;
	p->latest = latest;
	p->partial = s->t0 + p->runtime > end;
	p->sig = site->zone_error && site->zone_error[pt->zone] > 0 ?
			 site->zone_error[pt->zone] / 100 * ERR_MAE_TO_SD : 0;
	p->kap = 1 / (1 + (double)p->runtime / (ERR_TAU * ERR_SQRT_PI));
	return 1;
}

/* Starts sc_decide: *s for req at now, with a context for every allowed
 * partition that has data, the requested one first; *out a NONE decision.
 * Returns 1 to search, 0 when the decision is made (the requested
 * partition's zone has no data: fail open, out->reason says why), or -1 on
 * inconsistent arguments (out->reason says which). */
static int decide_setup(struct search *s, const struct sc_site *site, const struct sc_zone_forecasts *forecasts,
			const struct sc_request *req, int64_t now, struct sc_decision *out)
{
	size_t allowed[MAX_ALLOWED], nallowed = 0;
	char why[sizeof(out->reason)];

	memset(s, 0, sizeof(*s));
	sc_decision_none(out, "no decision");
	s->site = site;
	s->budget = -1;
	s->t0 = req->begin > now ? req->begin : now;
	out->t0 = s->t0;
	out->budget_g = req->budget_g;

	if (allowed_list(site, req, allowed, &nallowed, out->reason, sizeof(out->reason)) < 0)
		return -1;

	for (size_t i = 0; i < nallowed; i++) {
		int r = setup_partition(s, forecasts, req, allowed[i], i, &s->p[s->np], why, sizeof(why));
		if (r < 0) {
			snprintf(out->reason, sizeof(out->reason), "%s", why);
			sc_utf8_trim(out->reason);
			return -1;
		}
		if (r == 0) {
			if (i == 0) { /* the baseline's zone: fail open */
				sc_decision_none(out, "%s", why);
				out->t0 = s->t0;
				return 0;
			}
			continue; /* an alternative without data is no candidate */
		}
		s->np++;
	}
	return 1;
}

/* The plan rule 4 takes, and the rule that took it. */
struct choice {
	struct cand c;
	const char *rule; /* a constant, or why */
	int taken;        /* a plan other than the baseline, by its saving */
	char why[sizeof(((struct sc_decision *)0)->reason)];
};

/* Rule 4 on uncertain forecasts, when a plan emits less than the baseline
 * (base_g > 0) by saving_pct: forecasts are wrong by tens of percent, more
 * so further ahead, so a saving counts for what is left of it after
 * SC_ERROR_CONFIDENCE standard deviations of its error. */
static void choose_with_error(struct search *s, int64_t now, const struct sc_params *prm, double saving_pct,
			      struct choice *ch)
{
	double base_g = s->base.g;
	const struct pctx *bp;

	s->now = now;
	s->base_sd = window_sd(s, &s->p[0], s->t0);
	s->ref_grid = s->p[0].grid;
	s->ref_start = s->t0;
	s->inv_base = 1 / base_g;
	s->have_top = 0;
	/* Seed with the lowest-carbon plan: a good score early lets the scan
	 * skip most candidates. */
	bp = ctx_of(s, s->best.order);
	if (bp) {
		double lb = 0;
		score(s, bp, &s->best, &lb);
	}
	scan(s, PASS_SCORE);
	if (s->have_top && s->top.g < base_g && s->score > 0 && 100 * s->score >= prm->min_savings_pct) {
		ch->c = s->top;
		ch->rule = "lowest-carbon plan, allowing for the forecast's error";
		ch->taken = 1;
	} else if (s->have_top && s->score > 0) {
		snprintf(ch->why, sizeof(ch->why),
			 "the best plan saves %.1f%% by the forecast, %.1f%% allowing for its error: less than MinSavings %.1f%%",
			 100 * (base_g - s->top.g) / base_g, 100 * s->score, prm->min_savings_pct);
		ch->rule = ch->why;
	} else {
		snprintf(ch->why, sizeof(ch->why),
			 "the best plan's forecast saving of %.1f%% is within the forecast's error", saving_pct);
		ch->rule = ch->why;
	}
}

/* NearBest: the earliest plan close to the chosen one that still saves
 * MinSavings, for less delay at almost the same saving. */
static void prefer_near(struct search *s, const struct sc_params *prm, struct choice *ch)
{
	double lim = ch->c.g * (1 + prm->near_best_pct / 100.0);
	double need = s->base.g * (1 - prm->min_savings_pct / 100.0);

	s->limit = lim < need ? lim : need;
	s->have_pick = 0;
	scan(s, PASS_NEAR);
	if (s->have_pick && earlier(&s->pick, &ch->c)) {
		ch->c = s->pick;
		ch->rule = "earliest plan close to the lowest-carbon one";
	}
}

/* Rule 4 before the budget, after PASS_BEST: the baseline unless a plan
 * saves at least MinSavings (allowing for the forecast's error where the
 * zones have one). */
static void choose(struct search *s, int64_t now, const struct sc_params *prm, struct choice *ch)
{
	double base_g = s->base.g;
	double saving = base_g > 0 ? 100.0 * (base_g - s->best.g) / base_g : 0;
	int uncertain = 0;

	ch->c = s->base;
	ch->rule = "no start within the allowed delay, nor another allowed partition, emits less";
	ch->taken = 0;
	for (size_t i = 0; i < s->np; i++)
		uncertain |= s->p[i].sig > 0;
	if (base_g > 0 && uncertain && lower_carbon(&s->best, &s->base)) {
		choose_with_error(s, now, prm, saving, ch);
	} else if (base_g > 0 && lower_carbon(&s->best, &s->base) && saving >= prm->min_savings_pct && saving > 0) {
		ch->c = s->best;
		ch->rule = "lowest-carbon plan";
		ch->taken = 1;
	} else if (base_g > 0 && saving > 0) {
		snprintf(ch->why, sizeof(ch->why), "the best plan saves %.1f%%, less than MinSavings %.1f%%", saving,
			 prm->min_savings_pct);
		ch->rule = ch->why;
	}
	if (ch->taken && prm->near_best_pct > 0)
		prefer_near(s, prm, ch);
}

/* No plan fits req's budget: *out rejects the job, with the lowest-carbon
 * plan and the time limit that would fit. */
static void reject_over_budget(const struct search *s, const struct sc_request *req, struct sc_decision *out)
{
	const struct sc_params *prm = &s->site->params;
	const struct pctx *bp = ctx_of(s, s->best.order);
	double base_g = s->base.g;
	double per_s;

	fill_plan(s, &s->best, &out->chosen);
	out->action = SC_ACT_REJECT;
	out->saving_pct = base_g > 0 ? 100.0 * (base_g - s->best.g) / base_g : 0;
	per_s = bp->watts / 3.6e6 * s->site->parts[s->best.part].pue * s->best.ci;
	/* Whole minutes, as Slurm's time limits. */
	out->fit_runtime = per_s > 0 ? 60 * (int64_t)floor(req->budget_g / per_s / prm->runtime_ratio / 60) : 0;
	snprintf(out->reason, sizeof(out->reason), "no plan fits the budget: the best achievable is %.1f gCO2e",
		 s->best.g);
}

/* The budget of rule 4, a hard cap on the site's choice: returns 0 with
 * ch within req's budget (the earliest plan under it if the choice was
 * over), or -1 when no plan fits. */
static int apply_budget(struct search *s, const struct sc_request *req, struct choice *ch)
{
	if (!(req->budget_g >= 0 && ch->c.g > req->budget_g * (1 + 1e-12)))
		return 0;
	s->limit = req->budget_g;
	s->have_pick = 0;
	scan(s, PASS_BUDGET);
	if (!s->have_pick)
		return -1;
	ch->c = s->pick;
	ch->rule = "earliest plan within the carbon budget";
	return 0;
}

int sc_decide(const struct sc_site *site, const struct sc_zone_forecasts *forecasts,
	      const struct sc_request *req, int64_t now, struct sc_decision *out)
{
	struct search s;
	struct choice ch;
	double base_g;
	int r = decide_setup(&s, site, forecasts, req, now, out);

	if (r <= 0)
		return r;
	scan(&s, PASS_BEST);
	out->n_candidates = s.count;
	out->has_baseline = s.have_base;
	fill_plan(&s, &s.base, &out->baseline);
	out->best_gco2e = s.best.g;

	choose(&s, now, &site->params, &ch);
	if (apply_budget(&s, req, &ch) < 0) {
		reject_over_budget(&s, req, out);
		return 0;
	}
	base_g = s.base.g;
	fill_plan(&s, &ch.c, &out->chosen);
	out->saving_pct = base_g > 0 ? 100.0 * (base_g - ch.c.g) / base_g : 0;
	if (ch.c.part != s.base.part)
		out->action = ch.c.start > s.t0 ? SC_ACT_DELAY_REROUTE : SC_ACT_REROUTE;
	else
		out->action = ch.c.start > s.t0 ? SC_ACT_DELAY : SC_ACT_RUN;
	snprintf(out->reason, sizeof(out->reason), "%s", ch.rule);
	return 0;
}

/* Starts sc_redecide: *s for req at now within cur's window, *ref the
 * current plan priced on these forecasts (its context in *refp), *out a
 * KEEP of it. Returns 1 to search, 0 when the answer is made (out says
 * why), -1 on inconsistent arguments (out->reason says which). */
static int redecide_setup(struct search *s, const struct sc_site *site, const struct sc_zone_forecasts *forecasts,
			  const struct sc_request *req, const struct sc_held *cur, int64_t now, struct pctx *refp,
			  struct cand *ref, struct sc_replan *out)
{
	size_t allowed[MAX_ALLOWED], nallowed = 0, ref_order;
	char why[sizeof(out->reason)];
	int r;

	memset(s, 0, sizeof(*s));
	memset(out, 0, sizeof(*out));
	out->action = SC_REPLAN_NONE;
	s->site = site;
	s->now = now;
	s->exact = 1;
	s->budget = req->budget_g;
	if (allowed_list(site, req, allowed, &nallowed, out->reason, sizeof(out->reason)) < 0)
		return -1;
	if (cur->part >= site->n_parts) {
		snprintf(out->reason, sizeof(out->reason), "the current plan's partition index is out of range");
		return -1;
	}
	if (cur->start <= now) {
		snprintf(out->reason, sizeof(out->reason), "the job's planned start has come");
		return 0;
	}
	s->t0 = now > cur->earliest ? now : cur->earliest;
	s->latest_cap = cur->latest;
	s->have_latest_cap = 1;

	/* The reference: the current plan, priced on these forecasts. */
	ref_order = nallowed;
	for (size_t i = 0; i < nallowed; i++)
		if (allowed[i] == cur->part)
			ref_order = i;
	r = setup_partition(s, forecasts, req, cur->part, ref_order, refp, why, sizeof(why));
	if (r <= 0) {
		snprintf(out->reason, sizeof(out->reason), "%s", why);
		sc_utf8_trim(out->reason);
		return r;
	}
	if (cur->start < refp->grid->start || cur->start + refp->runtime > sc_grid_end(refp->grid)) {
		char a[32];
		snprintf(out->reason, sizeof(out->reason),
			 "the forecast for zone %s does not cover the current plan's window (from %s)",
			 site->zones[site->parts[cur->part].zone], sc_format_time(cur->start, a, sizeof(a)));
		return 0;
	}
	memset(ref, 0, sizeof(*ref));
	ref->part = cur->part;
	ref->order = ref_order;
	ref->start = cur->start;
	sc_grid_mean(refp->grid, cur->start, cur->start + refp->runtime, &ref->ci);
	ref->g = refp->factor * ref->ci;
	plan_of(site, refp, ref, &out->current);
	out->chosen = out->current;
	out->action = SC_REPLAN_KEEP;
	if (!(ref->g > 0)) {
		snprintf(out->reason, sizeof(out->reason), "the current plan emits nothing by the forecast");
		return 0;
	}

	for (size_t i = 0; i < nallowed; i++) {
		r = setup_partition(s, forecasts, req, allowed[i], i, &s->p[s->np], why, sizeof(why));
		if (r < 0) {
			snprintf(out->reason, sizeof(out->reason), "%s", why);
			sc_utf8_trim(out->reason);
			out->action = SC_REPLAN_NONE;
			return -1;
		}
		/* No data, or a window longer than the forecast: no candidate. */
		if (r == 1 && !s->p[s->np].partial)
			s->np++;
	}
	return 1;
}

/* Where sc_redecide's walk ends. */
struct walk {
	struct cand from;        /* the plan taken last (ref when none) */
	const struct pctx *fp;   /* its partition's context */
	struct cand lowest;      /* the lowest-carbon plan of the first step */
	double last_score;       /* the last move's score */
	int moved;
};

/* The best plan against the reference; then the same from the plan taken,
 * until no plan beats its predecessor by the margin: the result is a fixed
 * point, so a second pass with the same forecasts changes nothing. Each
 * step lowers the forecast carbon, so this ends. Sets out->n_candidates. */
static void replan_walk(struct search *s, const struct cand *ref, const struct pctx *refp, struct walk *w,
			struct sc_replan *out)
{
	w->from = *ref;
	w->lowest = *ref;
	w->fp = refp;
	w->last_score = 0;
	w->moved = 0;
	/* Bounded by the number of candidates; the cap is a safeguard. */
	for (size_t step = 0; step < 100000; step++) {
		s->base = w->from;
		s->base_sd = window_sd(s, w->fp, w->from.start);
		s->inv_base = 1 / w->from.g;
		s->ref_grid = w->fp->grid;
		s->ref_start = w->from.start;
		s->have_top = 0;
		s->have_best = 0;
		s->count = 0;
		scan(s, PASS_SCORE);
		if (!step) {
			out->n_candidates = s->count;
			if (s->have_best)
				w->lowest = s->best;
		}
		if (!(s->have_top && s->score > 1e-9 &&
		      (s->top.part != w->from.part || s->top.start != w->from.start) && s->top.g < w->from.g))
			break;
		w->last_score = s->score;
		w->from = s->top;
		w->fp = ctx_of(s, w->from.order);
		w->moved = 1;
	}
}

int sc_redecide(const struct sc_site *site, const struct sc_zone_forecasts *forecasts,
		const struct sc_request *req, const struct sc_held *cur, int64_t now,
		struct sc_replan *out)
{
	struct search s;
	struct pctx refp;
	struct cand ref;
	struct walk w;
	int r = redecide_setup(&s, site, forecasts, req, cur, now, &refp, &ref, out);

	if (r <= 0)
		return r;
	replan_walk(&s, &ref, &refp, &w, out);
	if (w.moved) {
		plan_of(site, w.fp, &w.from, &out->chosen);
		out->action = SC_REPLAN_MOVE;
		out->gain_pct = 100 * (ref.g - w.from.g) / ref.g;
		out->score_pct = 100 * w.last_score;
		snprintf(out->reason, sizeof(out->reason),
			 "%s: %.1f%% less than the current plan by the latest forecast (%.1f%% allowing for its error)",
			 w.from.start == now ? "start now" : w.from.start < ref.start ? "an earlier plan" : "a later plan",
			 out->gain_pct, out->score_pct);
	} else if (w.lowest.g < ref.g * (1 - 1e-9)) {
		out->gain_pct = 100 * (ref.g - w.lowest.g) / ref.g;
		snprintf(out->reason, sizeof(out->reason),
			 "the best other plan is %.1f%% lower by the latest forecast, within its error: keep the current plan",
			 out->gain_pct);
	} else {
		snprintf(out->reason, sizeof(out->reason), "no plan is lower than the current one by the latest forecast");
	}
	return 0;
}

const char *sc_action_name(enum sc_action a)
{
	switch (a) {
	case SC_ACT_NONE: return "none";
	case SC_ACT_RUN: return "run";
	case SC_ACT_DELAY: return "delay";
	case SC_ACT_REROUTE: return "reroute";
	case SC_ACT_DELAY_REROUTE: return "delay+reroute";
	case SC_ACT_REJECT: return "reject";
	}
	return "none";
}

int sc_action_from_name(const char *s)
{
	for (int a = SC_ACT_NONE; a <= SC_ACT_REJECT; a++)
		if (strcmp(s, sc_action_name((enum sc_action)a)) == 0)
			return a;
	return -1;
}

const char *sc_mode_name(enum sc_mode m)
{
	switch (m) {
	case SC_MODE_OFF: return "off";
	case SC_MODE_ADVISE: return "advise";
	case SC_MODE_ENFORCE: return "enforce";
	}
	return "off";
}
