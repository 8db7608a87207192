/* slurm-carbon: what `scarbon simulate` prints — the JSON object, the text
 * table and the SVG chart of a simulation's result.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SC_SIM_REPORT_H
#define SC_SIM_REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/sim.h"

/* What the run was, for the headings. Strings borrowed, may be NULL. */
struct sc_sim_info {
	const char *trace;    /* the trace file */
	const char *forecast; /* e.g. "error:25%" */
	uint32_t cores;       /* 0: unlimited */
};

/* The JSON object (product contract, issue "simulate"): at the top level
 * slurm-carbon's policy with jobs, jobs_outside_data, baseline_gco2e,
 * policy_gco2e, oracle_gco2e, savings_pct, oracle_savings_pct,
 * oracle_fraction (null when the oracle saves nothing), mean_delay_s,
 * p95_delay_s, rerouted_pct; under "peers" one object per peer (casdk,
 * cats, threshold) with the same keys. Also: policy, forecast, max_delay_s,
 * forecast_error_pct (the ForecastError slurm-carbon planned with),
 * jobs_skipped, jobs_exempt, "oracle" (its delays and rerouting), and with
 * a capacity (cores, GPUs or nodes) cores, gpus, nodes (0: unlimited),
 * capacity_model ("easy" or "fcfs"), idle_watts_per_core, and in every
 * policy object, in "oracle" and in "baseline" (the queueing without any
 * shifting; also its gco2e) mean_queue_s, p95_queue_s, mean_wait_s (carbon
 * delay plus queueing), with cores utilisation_pct and idle_core_h, and
 * with idle watts idle_kwh and idle_gco2e (sim.h). replan_s (0: off);
 * with re-planning, slurm-carbon's figures are the re-planned ones and
 * "one_shot" holds its submit-time plans alone (same keys), with
 * replan_moves, replanned_pct (jobs whose plan changed) and
 * replan_started_pct (jobs a pass started early).
 * Grams rounded to 0.1, percentages to 0.01, seconds to 1. A new reference,
 * NULL when out of memory. */
json_t *sc_sim_json(const struct sc_sim_result *res, const struct sc_sim_info *info);

/* A table: one row per policy with its emissions, saving, share of the
 * oracle's saving, delays and rerouting (and queueing with a capacity;
 * utilisation and idle core-hours with cores; idle emissions with idle
 * watts);
 * with re-planning also a "one-shot" row. */
void sc_sim_print_text(FILE *f, const struct sc_sim_result *res, const struct sc_sim_info *info);

/* A self-contained SVG chart: saving (%) against mean delay (h), one
 * labelled point per policy. Returns 0, or -1 on a write error. */
int sc_sim_write_svg(FILE *f, const struct sc_sim_result *res, const struct sc_sim_info *info);

#endif
