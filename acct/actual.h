/* slurm-carbon: a job's actual emissions — the figure `scarbon reconcile`
 * records (record/record.h owns the record itself: its key, version, building
 * and reading).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Pure: no I/O, no clock. The intensities are looked up by the caller
 * (acct/intensity.h) and passed in.
 *
 * The actual figure:
 *  - energy: the job's ConsumedEnergyRaw when Slurm measured it and it is
 *    plausible (positive; mean power at most SC_ACTUAL_MAX_NODE_W per node;
 *    within a factor SC_ACTUAL_MODEL_FACTOR of the partition's model when the
 *    model gives a figure — Slurm's figure is the node's, real only for
 *    whole-node jobs), else the partition's power model on the allocated
 *    TRES (cpu, gres/gpu, mem; node) over the elapsed time;
 *  - intensity: the mean actual intensity of the zone over [Start, End] (the
 *    refresher's archive), else the forecast that was current at Start,
 *    else the estimate's ci (when the job ran in the zone it was planned
 *    for), else the zone's static value;
 *  - gCO2e = kWh × PUE × intensity.
 */
#ifndef SC_ACCT_ACTUAL_H
#define SC_ACCT_ACTUAL_H

#include <stdint.h>

#include "acct/sacct.h"
#include "policy/energy.h"
#include "base/error.h"
#include "record/record.h"

#define SC_ACTUAL_MAX_NODE_W 10000.0
#define SC_ACTUAL_MODEL_FACTOR 10.0

/* The partition the job ran in, as carbon.conf describes it (borrowed). */
struct sc_actual_model {
	const char *partition;
	const char *zone;
	double pue;
	struct sc_power power;
};

/* Intensity candidates over the job's [Start, End), gCO2e/kWh; NAN when
 * that source has nothing. */
struct sc_ci_candidates {
	double actual;    /* mean of the archive of actual intensities */
	double forecast;  /* the forecast current at Start */
	double static_v;  /* the zone's static value */
};

/* Computes job's actual emissions. est may be NULL. Returns 0 with *out, or
 * -1 with err when the job did not end, its elapsed time is unknown, it has
 * no energy figure (no measured energy and no CPU count for the model), or
 * no intensity source has a value. */
int sc_actual_compute(const struct sc_acct_job *job, const struct sc_actual_model *m,
		      const struct sc_estimate *est, const struct sc_ci_candidates *ci,
		      struct sc_actual *out, struct sc_err *err);

#endif
