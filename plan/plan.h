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
 * the job's (user, account, first requested partition) — or its account's,
 * or its partition's — gives the run time: time limit × the entry's median
 * elapsed ÷ limit, in place of RuntimeRatio, for every candidate partition.
 * Each candidate partition's power is learned too where the model has
 * measured watts for it (cores × W per core, plus GPUs × W per GPU when the
 * job has GPUs; memory and node base are in the measurement), else
 * carbon.conf's. No entry, no model (missing, stale or corrupt: the caller
 * did not load one) or Estimates=configured: carbon.conf's figures. The
 * record says which (`estimate`, `estimate_key`, `estimate_jobs`).
 *
 * A budget caps the expected emission: the median run time's, the figure
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
	char estimate_key[160];   /* ctx.estimate_key points here */
};

/* Evaluates the job f (borrowed) submitted by user/account/qos (each may be
 * NULL) at time now against conf and snap (snap may be NULL: no forecast).
 * Returns 0 with *out filled, or -1 when a user option is invalid or the
 * request is inconsistent (out->err says what, and what is accepted). */
int sc_evaluate(const struct sc_conf *conf, const struct sc_snapshot *snap,
		const struct sc_job_fields *f, const char *user, const char *account,
		const char *qos, int64_t now, struct sc_eval *out);

/* sc_evaluate with the learned estimates of model (borrowed; NULL: none
 * loaded, or it was refused), used when conf->estimates_learned. May
 * allocate a copy of the site's partitions for the call (out of memory:
 * carbon.conf's power, the learned run time). */
int sc_evaluate_model(const struct sc_conf *conf, const struct sc_snapshot *snap,
		      const struct sc_model *model, const struct sc_job_fields *f, const char *user,
		      const char *account, const char *qos, int64_t now, struct sc_eval *out);

/* sc_evaluate_model deciding with congestion (sc_decide_loaded; cong
 * borrowed, NULL: none), as job_submit/carbon does with its planned-load
 * ledger. */
int sc_evaluate_loaded(const struct sc_conf *conf, const struct sc_snapshot *snap,
		       const struct sc_model *model, const struct sc_congestion *cong,
		       const struct sc_job_fields *f, const char *user, const char *account,
		       const char *qos, int64_t now, struct sc_eval *out);

/* The AdminComment for ev: existing (may be NULL) with ev's estimate record
 * set in it (sc_record_estimate_comment). malloc'd; NULL when out of
 * memory. */
char *sc_eval_admin_comment(const struct sc_conf *conf, const struct sc_eval *ev,
			    const char *existing);

#endif
