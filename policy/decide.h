/* slurm-carbon: the decision engine.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Pure: the site, the forecasts, the request and `now` are arguments; no
 * I/O, no clock, no allocation, no logging. The same function decides in
 * slurmctld (job_submit/carbon), in `scarbon plan` and in `scarbon simulate`.
 *
 * The decision (README, "How it decides"):
 *  1. runtime = time limit (or the partition's DefaultTime) × runtime_ratio;
 *     power and energy from the partition's model (policy/energy.h);
 *  2. gCO2e of a plan (partition p, start t) = kWh(p) × PUE(p) × mean
 *     intensity of p's zone over [t, t + runtime) — O(1) by prefix sums;
 *  3. candidates: every allowed partition (the requested ones in the user's
 *     order, then their Alternatives when rerouting is on) × every start
 *     from t0 = max(now, begin) and each later slot boundary of the zone's
 *     grid, up to the earliest of t0 + max delay (site's, or the user's when
 *     shorter), deadline − runtime, grid end − runtime;
 *  4. without a budget: the lowest-carbon candidate — or, with
 *     near_best_pct > 0, the earliest candidate within that many percent of
 *     the lowest — but stay with the baseline (first requested partition at
 *     t0) unless the saving is at least min_savings_pct. Ties go to the
 *     earliest start, then the requested partition (request order).
 *     When the zones' forecasts have an error (sc_site.zone_error), a
 *     forecast saving is not taken at face value: each candidate is scored
 *     by its forecast saving minus SC_ERROR_CONFIDENCE standard deviations
 *     of that saving's error (see below), the best score wins (ties: the
 *     earliest, then request order), and it must be positive and at least
 *     min_savings_pct; near_best_pct then applies around the winner. With
 *     no error anywhere this is exactly the rule above.
 *     With a budget: the budget caps the site's choice; over it, the
 *     earliest candidate under the budget (ties: request order, then lower
 *     carbon); none under it: REJECT, with the best achievable plan.
 *  5. no usable forecast for the baseline's zone at t0: NONE with a reason
 *     (fail open); an alternative without a forecast is skipped.
 *
 * When even the baseline's window runs past the forecast's end, the job is
 * longer than the horizon: the only candidate per partition is t0 and its
 * intensity is the mean over the part the forecast covers (`partial`).
 *
 * The error model behind the score (fitted to the UK national forecast
 * archive, ukci-2023-03, and shared with `scarbon simulate`): the relative
 * error of a forecast value L seconds ahead has a standard deviation
 * e × sqrt(π/2) × sqrt((L + 12 h) / 36 h), e = the zone's mean absolute
 * error 24 h ahead; errors are correlated over target time as
 * exp(−(Δ / 5.5 h)²). A window of R seconds averages them down by
 * 1 / (1 + R / (5.5 h × √π)) in variance. The saving of a candidate over
 * the baseline is a difference of two window means: in the same zone their
 * errors are correlated by exp(−d² / ((5.5 h)² + R²)) for starts d apart,
 * in different zones they are independent. Leads are taken at the windows'
 * middles from `now`.
 */
#ifndef SC_POLICY_DECIDE_H
#define SC_POLICY_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "policy/energy.h"
#include "policy/grid.h"

enum sc_mode { SC_MODE_OFF = 0, SC_MODE_ADVISE, SC_MODE_ENFORCE };

/* Average and marginal intensities are different quantities. */
enum sc_signal { SC_SIGNAL_AVERAGE = 0, SC_SIGNAL_MARGINAL };

struct sc_partition {
	const char *name;     /* borrowed from whoever owns the site */
	size_t zone;          /* index into sc_site.zones */
	double pue;           /* >= 1 */
	struct sc_power power;
	int64_t default_time; /* seconds, > 0: runtime when the job gives none */
	const size_t *alt;    /* borrowed: indexes of rerouting targets */
	size_t n_alt;
};

struct sc_params {
	int64_t max_delay;      /* seconds >= 0: the site's MaxDelay */
	double min_savings_pct; /* a plan other than the baseline must save this much */
	double runtime_ratio;   /* expected runtime / time limit, in (0, 1] */
	int reroute;            /* non-zero: Alternatives are candidates */
	double near_best_pct;   /* >= 0; see rule 4 above (0: the plain minimum) */
};

struct sc_site {
	const struct sc_partition *parts;
	size_t n_parts;
	const char *const *zones; /* zone names, n_zones of them */
	size_t n_zones;
	struct sc_params params;
	/* Per zone (n_zones entries, borrowed; NULL: all 0): the forecast's mean
	 * absolute error 24 h ahead, in percent of the actual intensity
	 * (carbon.conf ForecastError=). 0: the forecast is taken as exact. */
	const double *zone_error;
};

/* How many standard deviations of its error a forecast saving must clear
 * (rule 4). Measured with `scarbon simulate` (BENCHMARKS.md): on the shared
 * zones and traces, 0.5 keeps 95-100 % of the saving that trusting the
 * forecast keeps, with a fifth to a third less delay; 1.0 cuts the delay
 * by a half but gives up a sixth of the saving. */
#define SC_ERROR_CONFIDENCE 0.5

/* Per-zone forecasts, indexed like sc_site.zones. grids[i] NULL: no usable
 * forecast for zone i; why[i] (optional, may be NULL) says why. */
struct sc_zone_forecasts {
	const struct sc_grid *const *grids;
	const char *const *why;
	size_t n;
};

#define SC_MAX_REQ_PARTS 16

struct sc_request {
	size_t parts[SC_MAX_REQ_PARTS]; /* requested partitions, user's order */
	size_t n_parts;                 /* >= 1 */
	struct sc_shape shape;
	int64_t time_limit; /* seconds; 0: not given (partition default) */
	int time_unlimited; /* the job's limit is UNLIMITED (time_limit 0): priced at DefaultTime */
	int64_t begin;      /* epoch; 0: not given */
	int64_t deadline;   /* epoch; 0: not given */
	double budget_g;    /* gCO2e; < 0: no budget */
	int64_t max_delay;  /* the user's, seconds; < 0: not given */
};

enum sc_action {
	SC_ACT_NONE = 0,      /* left alone (reason says why) */
	SC_ACT_RUN,           /* run as requested */
	SC_ACT_DELAY,         /* same partition, later start */
	SC_ACT_REROUTE,       /* other partition, same start */
	SC_ACT_DELAY_REROUTE, /* other partition, later start */
	SC_ACT_REJECT,        /* no plan fits the budget */
};

/* One (partition, start) plan with every number that prices it. */
struct sc_plan {
	size_t part;
	int64_t start;
	int64_t runtime; /* seconds */
	double watts;
	double kwh;
	double pue;
	double ci;       /* mean gCO2e/kWh over [start, start + runtime) */
	double gco2e;
	int partial;     /* the window runs past the forecast: ci covers part of it */
};

struct sc_decision {
	enum sc_action action;
	struct sc_plan chosen;   /* unless NONE; for REJECT: the best achievable plan */
	struct sc_plan baseline; /* first requested partition at t0; valid if has_baseline */
	int has_baseline;
	int64_t t0;              /* max(now, begin) */
	double budget_g;         /* copied from the request; < 0: none */
	double saving_pct;       /* 100 × (baseline − chosen) / baseline; 0 if baseline is 0 */
	double best_gco2e;       /* the lowest-carbon candidate's figure */
	int64_t fit_runtime;     /* REJECT: the longest runtime the budget allows at the best plan's intensity */
	size_t n_candidates;
	char reason[192];        /* NONE/REJECT: why; otherwise the rule that chose */
	char basis[128];         /* what the run time and power rest on, for the user's
				  * message ("learned: median of 40 jobs of alice/phys/cpu");
				  * "" unless the caller (plan/) sets it: sc_decide leaves it */
};

/* Decides for req at time now. All pointers borrowed, none NULL. Returns 0
 * with *out filled (action NONE with a reason when the data don't allow a
 * decision), or -1 when the arguments are inconsistent (a partition or zone
 * index out of range, no requested partition, a non-positive runtime);
 * out->reason then says what. */
int sc_decide(const struct sc_site *site, const struct sc_zone_forecasts *forecasts,
	      const struct sc_request *req, int64_t now, struct sc_decision *out);

/* Re-planning a held job (`scarbon simulate --replan` measures it; no
 * command runs it on a cluster, as BENCHMARKS.md explains):
 * model-predictive control with hysteresis. A job that sc_decide delayed
 * waits for its planned start; forecasts issued since are fresher, so less
 * wrong. sc_redecide reconsiders the plan with the forecasts of `now`:
 *  - candidates: every allowed partition (as sc_decide: the requested ones
 *    in the user's order, then their Alternatives when rerouting is on) ×
 *    every start from t0 = max(now, held->earliest) and each later slot
 *    boundary of the zone's grid, up to the earliest of held->latest (the
 *    latest start the job had at submission: never later than that),
 *    deadline − runtime and grid end − runtime; with a budget, only
 *    candidates within it (by these forecasts). A partition whose forecast
 *    does not cover t0 + runtime offers no candidate;
 *  - the reference is the current plan priced on the same forecasts. Each
 *    candidate scores its saving over the reference minus
 *    SC_ERROR_CONFIDENCE standard deviations of that saving's error — the
 *    error model of rule 4 with the current plan in the baseline's place
 *    (two windows of one zone have errors correlated by their distance;
 *    leads from now). The best score wins (ties: the earliest start, then
 *    request order) and replaces the plan only when it is positive: the
 *    hysteresis that keeps a forecast's wobbles within its error from
 *    moving jobs back and forth. With no error configured, any lower plan
 *    wins. Starting now is the candidate at t0 when t0 == now. A move is
 *    repeated from the new plan until no plan beats it by the margin, so
 *    the result is a fixed point: the same forecasts move it no further.
 * MinSavings, NearBest and the site's and user's max delays do not apply:
 * the window is the one held gives. Pure, like sc_decide. */
struct sc_held {
	size_t part;      /* the current plan: partition index */
	int64_t start;    /* and start (epoch) */
	int64_t earliest; /* the job's earliest start at submission: max(submit, begin) */
	int64_t latest;   /* its latest start at submission: earliest + max delay */
};

enum sc_replan_action {
	SC_REPLAN_NONE = 0, /* nothing to reconsider (reason says why): keep the plan */
	SC_REPLAN_KEEP,     /* reconsidered: the current plan stays */
	SC_REPLAN_MOVE,     /* a better plan: chosen */
};

struct sc_replan {
	enum sc_replan_action action;
	struct sc_plan current; /* the current plan on these forecasts (KEEP, MOVE) */
	struct sc_plan chosen;  /* MOVE: the new plan; KEEP: the current one */
	double gain_pct;        /* 100 × (current − best other) / current, by the forecast */
	double score_pct;       /* MOVE: the last move's gain allowing for the forecast's error */
	size_t n_candidates;
	char reason[192];
};

/* Reconsiders held (the current plan of a job requesting req) at time now.
 * All pointers borrowed, none NULL. Returns 0 with *out filled — NONE when
 * the planned start has come (held->start <= now), when the current plan's
 * zone has no forecast or the forecast does not cover its window (fail
 * open: the plan stays) — or -1 when the arguments are inconsistent (a
 * partition or zone index out of range, no requested partition, a
 * non-positive runtime); out->reason then says what. */
int sc_redecide(const struct sc_site *site, const struct sc_zone_forecasts *forecasts,
		const struct sc_request *req, const struct sc_held *held, int64_t now,
		struct sc_replan *out);

/* Fills *out as a NONE decision with the given reason (printf format). */
void sc_decision_none(struct sc_decision *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "none", "run", "delay", "reroute", "delay+reroute", "reject". */
const char *sc_action_name(enum sc_action a);

/* Parses an action name; -1 if unknown. */
int sc_action_from_name(const char *s);

/* "off", "advise", "enforce". */
const char *sc_mode_name(enum sc_mode m);

#endif
