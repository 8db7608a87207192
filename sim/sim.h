/* slurm-carbon: the replay engine behind `scarbon simulate` — real job traces
 * through the real policy on real intensity data, against the oracle and
 * the peers' rules.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every job of the trace is decided by each policy at its submit time, with
 * the same jobs, truth and forecast view:
 *  - baseline: starts at submission, on its partition;
 *  - slurm-carbon: the plugin's own path — sc_request_build and sc_decide
 *    on the forecast grids of the view — planning with the requested time
 *    (the trace's, else the true run time) and the site's parameters
 *    (MaxDelay replaced by the simulation's max delay). A zone's
 *    ForecastError is the configured one when carbon.conf sets it, else the
 *    error of what the policy is shown (sc_fview_error_24h): 0 for perfect,
 *    PCT for error:PCT, measured for persistence and archive — as a site
 *    would set it from its forecasts' measured accuracy;
 *  - oracle: the true minimum (sim/oracle.h) on the truth with the job's
 *    true run time: the lowest carbon of any start, to the second, in
 *    [t0, t0 + max delay] on any allowed partition (not only the slot
 *    boundaries sc_decide considers);
 *  - casdk, cats, threshold: the peers' rules (sim/peers.h) on the same
 *    forecasts, with the same max delay and allowed partitions.
 * Each plan is then priced on the truth: kWh of the true run time on the
 * chosen partition × its PUE × the actual mean intensity.
 *
 * Jobs are mapped to the config's partitions: a job whose partition the
 * config manages keeps it, any other goes to the fallback partition. Jobs of
 * exempt users, accounts or QOS (carbon.conf) start at submission under
 * every policy. A job whose window [submit, submit + max delay + run time)
 * is not inside every zone's truth is "outside the data": counted, not
 * replayed. So is, with a capacity, a job that queueing pushed past the end
 * of the data under any policy: its run still takes the cluster's room
 * (utilisation counts it), but no policy's emissions, saving or delays do,
 * as no policy's run of it can be priced on data.
 *
 * With replan > 0, slurm-carbon re-plans the jobs it delayed every `replan`
 * seconds (the plugin itself decides once, at submission: this measures
 * what re-planning would add): at each pass (times that are
 * multiples of replan; for archive: forecasts, each issue time at least
 * replan after the previous pass) every job whose planned start is still
 * ahead is reconsidered by sc_redecide with the forecasts of that moment,
 * within its window at submission (submit + max delay, deadline) and its
 * allowed partitions. The submit-time decisions alone are reported as
 * "one-shot"; the peers stay one-shot.
 *
 * With cores, GPUs or nodes > 0 the cluster has that many (one pool each;
 * 0: that resource does not limit): each policy's jobs are released at their
 * planned time and start when the capacity model (sim/capacity.h: EASY
 * backfill on the time limits, by default; or the first FCFS model) starts
 * them, in submit order of priority; a job larger than the cluster takes all
 * of it. The wait is queueing delay, reported apart from the carbon delay
 * (planned start − submit). With cores, each policy's utilisation and idle
 * core-hours are counted over one window for all policies: from the first
 * replayed submission to the last end under any policy; with
 * idle_watts_per_core > 0 also the idle cores' energy and emissions, priced
 * on the truth of the fallback partition's zone with its PUE (the cluster's
 * home), apart from the jobs'.
 */
#ifndef SC_SIM_SIM_H
#define SC_SIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "config/conf.h"
#include "base/error.h"
#include "learn/model.h"
#include "policy/grid.h"
#include "sim/fview.h"
#include "sim/trace.h"

enum sc_sim_policy {
	SC_POL_BASELINE = 0,
	SC_POL_CARBON,    /* slurm-carbon */
	SC_POL_ORACLE,
	SC_POL_CASDK,
	SC_POL_CATS,
	SC_POL_THRESHOLD,
	SC_POL_ONESHOT,   /* slurm-carbon's submit-time decisions, never re-planned */
	SC_POL_N
};

/* "baseline", "slurm-carbon", "oracle", "casdk", "cats", "threshold",
 * "one-shot". */
const char *sc_sim_policy_name(enum sc_sim_policy p);

struct sc_sim_opts {
	int64_t max_delay;          /* seconds >= 0; < 0: the config's MaxDelay */
	int fallback_part;          /* partition index for unmanaged jobs; < 0: the config's default */
	uint32_t cores;             /* 0: unlimited capacity */
	struct sc_fview_mode forecast; /* what the policies see */
	double threshold_pct;       /* the threshold peer's percentile; 0: 30 */
	int keep_jobs;              /* fill sc_sim_result.out per job */
	int64_t replan;             /* re-planning interval, seconds; 0: off (see below) */
	uint32_t gpus, nodes;       /* capacity beside cores; 0: unlimited */
	int capacity_model;         /* enum sc_cap_model (sim/capacity.h): 0 EASY backfill, 1 FCFS */
	double idle_watts_per_core; /* >= 0: what a powered-on idle core draws; 0: not priced */
	/* Learned estimates (learn/model.h; borrowed; NULL: none): slurm-carbon
	 * plans each job as Estimates=learned does in the plugin
	 * (sc_eval_learned_site and sc_decide_learned: time limit ×
	 * sc_model_ratio of its user, account and partition's entry, the start
	 * chosen with its upper quantile, learned watts where the model has them); the
	 * true run time and the configured power still price every plan, and
	 * the peers keep time limit × RuntimeRatio. Not with replan. */
	const struct sc_model *estimates;
};

/* Sets the capacity option named name ("capacity-model": easy|fcfs,
 * "gpus", "nodes": whole numbers >= 1, "idle-watts-per-core": watts >= 0)
 * from value (borrowed), for the CLI. Returns 0, or -1 with err ("--gpus:
 * invalid value 'x': ...") and o unchanged. */
int sc_sim_opt_set(struct sc_sim_opts *o, const char *name, const char *value, struct sc_err *err);

/* Totals of one policy over the jobs inside the data. */
struct sc_sim_stats {
	double gco2e;          /* priced on the truth */
	double savings_pct;    /* 100 × (baseline − this) / baseline */
	double oracle_fraction;/* savings_pct / the oracle's; NAN when the oracle saves nothing */
	double mean_delay_s;   /* planned start − submit */
	double p95_delay_s;
	double rerouted_pct;   /* jobs on another partition than their own */
	double mean_queue_s;   /* with cores: start − planned start */
	double p95_queue_s;
	double mean_wait_s;    /* start − submit: carbon delay plus queueing */
	double utilisation_pct;/* with cores: busy core-seconds / (cores × the window); else NAN */
	double idle_core_h;    /* with cores: idle core-hours in the window; else NAN */
	double idle_kwh;       /* with idle_watts_per_core: the idle cores' energy; else NAN */
	double idle_gco2e;     /* ... and its emissions (× PUE × the intensity when idle) */
	size_t decided_none;   /* jobs the policy left alone for want of a forecast */
};

/* One job's outcome under one policy (keep_jobs). */
struct sc_sim_out {
	size_t part;
	int64_t planned;  /* planned start */
	int64_t start;    /* actual start (planned, unless capacity delayed it) */
	double gco2e;
};

struct sc_sim_result {
	size_t jobs;              /* replayed (inside the data) */
	size_t jobs_outside_data; /* not counted: their window leaves the data (queueing included) */
	size_t jobs_queued_outside_data; /* of those, jobs whose run under some policy left the data only
					  * because the capacity queued it: their runs took the cluster's
					  * room, but no policy's figures count them */
	size_t jobs_skipped;      /* the trace's skipped rows plus jobs that cannot be priced */
	size_t jobs_exempt;
	int64_t max_delay;        /* as used */
	int64_t data_start, data_end; /* where every zone has truth */
	double forecast_error_pct;    /* the ForecastError slurm-carbon planned with (the fallback partition's zone) */
	int64_t replan;               /* as used; 0: off */
	size_t replan_passes;         /* passes that found a held job */
	size_t replan_moves;          /* plans changed */
	size_t replan_jobs;           /* jobs whose plan changed at least once */
	size_t replan_started;        /* of those, jobs started at a pass ("start now") */
	int forecast_error_configured; /* it came from carbon.conf (else from the forecast mode) */
	uint32_t cores, gpus, nodes;  /* the capacity, as used (0: unlimited) */
	int capacity_model;           /* as used (with a capacity) */
	int estimates;                /* slurm-carbon planned with learned estimates */
	size_t jobs_learned;          /* ... replayed jobs the model had an entry for */
	double idle_watts_per_core;   /* as used */
	int64_t window_start, window_end; /* the utilisation window (with cores) */
	struct sc_sim_stats pol[SC_POL_N];
	/* keep_jobs: out[p][k] for the trace's job k (NULL rows when not kept);
	 * in[k] says whether job k was replayed. */
	struct sc_sim_out *out[SC_POL_N];
	unsigned char *in;
	size_t n_out;
};

/* The actual intensity of every zone (truth[0..conf->n_zones-1], filled;
 * caller frees each with sc_grid_destroy): the CSV at `intensity` for every
 * zone when not NULL, else each CSV zone's Path= (forecast/provider.h; Column= as
 * configured). Each becomes a grid the way the plugin's snapshot builds it
 * (sc_series_to_grid with the zone's Step= and MaxGap=, from the data's
 * first point). Static zones are left NULL (see sc_sim_truth_static); so
 * are zones of live providers that no partition uses. Returns 0, or -1 with
 * err (an unreadable file, with file and line; a partition on a live zone
 * without --intensity: there is no past to replay). */
int sc_sim_truth_load(const struct sc_conf *conf, const char *intensity, struct sc_grid **truth,
		      struct sc_err *err);

/* Constant zones (forecast/provider.h) still NULL in truth get their constant, hourly,
 * over the span the trace's jobs need (first submit to the last job's
 * submit + max_delay + run time). Returns 0 or -1 with err. */
int sc_sim_truth_static(const struct sc_conf *conf, const struct sc_trace *trace, int64_t max_delay,
			struct sc_grid **truth, struct sc_err *err);

/* Replays trace (absolute times: anchor it first) for conf's site with
 * truth[0..conf->n_zones-1] (borrowed; NULL entries: zone without data).
 * Returns 0 with *res filled (free it with sc_sim_result_free), or -1 with
 * err (bad options, no zone with data, out of memory). */
int sc_sim_run(const struct sc_conf *conf, const struct sc_grid *const *truth,
	       const struct sc_trace *trace, const struct sc_sim_opts *opts,
	       struct sc_sim_result *res, struct sc_err *err);

/* Frees what sc_sim_run allocated in res (not res itself). */
void sc_sim_result_free(struct sc_sim_result *res);

#endif
