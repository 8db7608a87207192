/* slurm-carbon: the energy model and the carbon arithmetic.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "policy/energy.h"

double sc_power_watts(const struct sc_power *pw, const struct sc_shape *s)
{
	double w = (double)s->cores * pw->core_w * pw->usage +
		   (double)s->gpus * pw->gpu_w * pw->usage +
		   s->mem_gb * pw->mem_w_per_gb +
		   (double)s->nodes * pw->node_w;

	return w > 0 ? w : 0;
}

double sc_energy_kwh(double watts, int64_t seconds)
{
	return watts * ((double)seconds / 3600.0) / 1000.0;
}

double sc_carbon_g(double kwh, double pue, double intensity)
{
	return kwh * pue * intensity;
}
