/* slurm-carbon: the submit-time evaluation — from a job's fields to a
 * decision and its accounting record, exactly as job_submit/carbon does it
 * and `scarbon plan` and `scarbon simulate` reproduce it.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Order of the rules: Mode=off → left alone; an exempt user, account or QOS
 * → left alone; the request is built (sc_request_build): an unmanaged
 * partition or an allowed opt-out → left alone, an invalid user option → an
 * error; an interactive job (salloc/srun) with PlanInteractive=no → left
 * alone, its budget recorded; no forecast snapshot → left alone; otherwise
 * sc_decide on the snapshot. Pure apart from reading the (immutable) snapshot
 * and model.
 *
 * Learned estimates (Estimates=learned; learn/model.h): the model entry of
 * the job's (user, account, first requested partition, job name) — or its
 * (user, account, partition)'s, its account's, or its partition's — gives
 * the run time: time limit × the entry's ratio
 * (sc_model_ratio: its jobs' core-seconds used ÷ requested; a version 1
 * file's median elapsed ÷ limit), in place of RuntimeRatio, for every
 * candidate partition; the start is chosen with the entry's upper quantile
 * and priced at that run time (sc_decide_learned).
 * Each candidate partition's power is learned too where the model has
 * measured watts for it (cores × W per core, plus GPUs × W per GPU when the
 * job has GPUs; memory and node base are in the measurement), else
 * carbon.conf's. No entry, no model (missing, stale or corrupt: the caller
 * did not load one) or Estimates=configured: carbon.conf's figures. The
 * record says which (`estimate`, `estimate_key`, `estimate_jobs`).
 *
 * A budget caps the expected emission: that ratio's, the figure
 * every plan, saving and record shows. The upper quantile is in the model
 * for a site that wants to see the spread; capping it would reject most
 * jobs whose usual run stays well within budget (BENCHMARKS.md).
 */
#ifndef SC_PLAN_PLAN_H
#define SC_PLAN_PLAN_H

#include <jansson.h>
#include <stdint.h>

#include "config/conf.h"
#include "learn/model.h"
#include "forecast/snapshot.h"
#include "policy/decide.h"
#include "policy/request.h"
#include "record/record.h"

struct sc_eval {
	struct sc_decision d;     /* action NONE with a reason when left alone */
	struct sc_request req;    /* valid when build == SC_BUILD_OK */
	enum sc_build build;      /* how the request was built */
	const char *exempt;       /* non-NULL ("exempt account", ...) when exempt */
	struct sc_record_ctx ctx; /* for sc_record_carbon; strings borrowed from conf/snapshot/fields */
	struct sc_err err;        /* the message when sc_evaluate returns -1 */
	char estimate_key[SC_MODEL_KEY_MAX]; /* ctx.estimate_key points here */
	char time_note[112];      /* ctx.time_note points here (sc_time_note) */
	double window_ratio;      /* learned: the ratio the start is chosen with (sc_decide_learned); 0: none */
};

/* Evaluates the job f (borrowed) submitted by user/account/qos (each may be
 * NULL) at time now against conf and snap (snap may be NULL: no forecast).
 * Returns 0 with *out filled, or -1 when a user option is invalid or the
 * request is inconsistent (out->err says what, and what is accepted). */
int sc_evaluate(const struct sc_conf *conf, const struct sc_snapshot *snap,
		const struct sc_job_fields *f, const char *user, const char *account,
		const char *qos, int64_t now, struct sc_eval *out);

/* sc_evaluate with the learned estimates of model (borrowed; NULL: none
 * loaded, or it was refused), used when conf->estimates_learned; the job's
 * name is f->name (NULL or "": unknown, the name level is skipped). The
 * learned power needs a copy of the site's partitions: scratch, when not
 * NULL, is that copy's room (conf->n_parts entries, owned by the caller,
 * overwritten, not used by two calls at once: a caller that evaluates job
 * after job allocates it once); NULL: the call allocates and frees one
 * (out of memory: carbon.conf's power, the learned run time). The result
 * is the same either way. */
int sc_evaluate_model(const struct sc_conf *conf, const struct sc_snapshot *snap,
		      const struct sc_model *model, struct sc_partition *scratch,
		      const struct sc_job_fields *f, const char *user, const char *account, const char *qos,
		      int64_t now, struct sc_eval *out);

/* sc_evaluate_model deciding with congestion (sc_decide_loaded; cong
 * borrowed, NULL: none), as job_submit/carbon does with its planned-load
 * ledger. */
int sc_evaluate_loaded(const struct sc_conf *conf, const struct sc_snapshot *snap,
		       const struct sc_model *model, struct sc_partition *scratch,
		       const struct sc_congestion *cong,
		       const struct sc_job_fields *f, const char *user, const char *account,
		       const char *qos, int64_t now, struct sc_eval *out);

/* The learned figures of one job (Estimates=learned), as sc_evaluate_model
 * prices it: *site becomes a copy of base_site (borrowed) whose
 * RuntimeRatio is sc_model_ratio of model's most specific entry for
 * (user, account, the first partition of ev->req, the job's name; user,
 * account and name may be NULL) and
 * whose partitions' power is the learned one where the model has measured
 * watts for the job's shape. scratch (base_site->n_parts entries, owned by
 * the caller, overwritten; not used by two calls at once), when not NULL,
 * backs site->parts and *parts stays NULL; else *parts (malloc'd, caller
 * frees; NULL when no entry matched, or out of memory: base_site's power
 * then stays) does, so free it only once site is no longer used. A caller
 * that prices job after job allocates scratch once; the figures are the
 * same either way. ev->req must be built (sc_request_build);
 * ev->ctx.estimate*, ev->estimate_key and ev->d.basis are set, and
 * ev->window_ratio (the entry's ratio_q, at least its ratio; 0 when not
 * learned) for sc_decide_learned. model NULL: none
 * loaded. Returns 1 when the run time is learned, 0 when base_site's
 * figures apply (*site is then base_site). */
int sc_eval_learned_site(const struct sc_site *base_site, const struct sc_model *model,
			 const char *user, const char *account, const char *name,
			 struct sc_site *site, struct sc_partition *scratch,
			 struct sc_partition **parts, struct sc_eval *ev);

/* sc_decide for a job whose run time is learned: the start and partition
 * are chosen with a run time of time limit × window_ratio (the entry's upper
 * quantile: a run planned too short outlasts its low window, one planned
 * too long still runs in it; BENCHMARKS.md, "Window choice"), then that plan
 * is priced, and checked against the budget, at site's run time (the
 * expected one, time limit × RuntimeRatio): *out is sc_decide(site) with
 * that chosen plan, its action, saving and rule. When window_ratio is not
 * above site's RuntimeRatio, or the window's plan cannot be priced or is
 * over the budget, *out is sc_decide(site) itself (so too when that is NONE
 * or REJECT). Arguments and return as sc_decide. */
int sc_decide_learned(const struct sc_site *site, double window_ratio,
		      const struct sc_zone_forecasts *forecasts, const struct sc_request *req,
		      int64_t now, struct sc_decision *out);

/* The AdminComment for ev: existing (may be NULL) with ev's estimate record
 * set in it (sc_record_estimate_comment). malloc'd; NULL when out of
 * memory. */
char *sc_eval_admin_comment(const struct sc_conf *conf, const struct sc_eval *ev,
			    const char *existing);

#endif
