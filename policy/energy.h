/* slurm-carbon: the energy model and the carbon arithmetic.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Green Algorithms' model, per partition:
 *   power [W] = cores × core_w × usage + gpus × gpu_w × usage
 *             + mem_gb × mem_w_per_gb + nodes × node_w
 *   energy [kWh] = power × runtime [h] / 1000
 * and the seed paper's (Patterson et al. 2021) carbon arithmetic:
 *   gCO2e = kWh × PUE × intensity [gCO2e/kWh].
 * Pure functions; no argument may be NULL.
 */
#ifndef SC_POLICY_ENERGY_H
#define SC_POLICY_ENERGY_H

#include <stdint.h>

struct sc_power {
	double core_w;        /* W per allocated core at full use */
	double gpu_w;         /* W per allocated GPU at full use */
	double mem_w_per_gb;  /* W per allocated GB of memory */
	double usage;         /* expected use of cores and GPUs, 0..1 */
	double node_w;        /* optional base W per allocated node (0 = none) */
};

/* What a job allocates, resolved (no "unset" values left). */
struct sc_shape {
	uint32_t nodes;
	uint32_t cores;   /* in total, over all nodes */
	uint32_t gpus;    /* in total */
	double mem_gb;    /* in total (GB = 1024 MB, as Slurm counts) */
};

/* Average power draw of shape on a partition with model pw, in W (>= 0). */
double sc_power_watts(const struct sc_power *pw, const struct sc_shape *shape);

/* Energy of running at watts for seconds, in kWh. */
double sc_energy_kwh(double watts, int64_t seconds);

/* kWh × PUE × intensity (gCO2e/kWh), in gCO2e. */
double sc_carbon_g(double kwh, double pue, double intensity);

#endif
