/* slurm-carbon: a job's actual emissions.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acct/actual.h"

/* ---- the computation ---------------------------------------------------- */

int sc_actual_compute(const struct sc_acct_job *job, const struct sc_actual_model *m,
		      const struct sc_estimate *est, const struct sc_ci_candidates *ci,
		      struct sc_actual *out, struct sc_err *err)
{
	struct sc_actual a;
	double model_w = NAN;
	int64_t nodes;

	memset(&a, 0, sizeof(a));
	if (!job->ended)
		return sc_err_set(err, "job %s has not ended (state %s)", SC_PRINTABLE(job->jobid),
				  *job->state ? SC_PRINTABLE(job->state) : "unknown");
	if (job->elapsed < 0)
		return sc_err_set(err, "job %s: elapsed time unknown (no Elapsed, Start or End)",
				  SC_PRINTABLE(job->jobid));
	a.present = 1;
	a.start = job->start;
	a.end = job->end;
	a.elapsed = job->elapsed;
	a.pue = m->pue;
	sc_record_clean(a.partition, sizeof(a.partition), m->partition);
	sc_record_clean(a.zone, sizeof(a.zone), m->zone);
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
				  SC_PRINTABLE(job->jobid), m->zone ? m->zone : "?");
	}
	a.gco2e = sc_carbon_g(a.kwh, a.pue, a.ci);
	*out = a;
	return 0;
}
