/* slurm-carbon: the simulator's oracle — the true minimum carbon of a job
 * over every start in its window.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The model: each zone's actual intensity is its truth grid, constant over
 * each slot (how the simulator prices every plan); a job runs for its true
 * run time; a plan (partition p, start s) emits factor[p] × the mean of p's
 * zone's grid over [s, s + runtime). The oracle takes the minimum over every
 * allowed partition and every start s, to the second, in [t0, latest].
 *
 * Exact, not sampled: as a function of s the window mean is piecewise linear,
 * with breakpoints where s or s + runtime crosses a slot boundary, so the
 * minimum is at t0, at latest, at a slot boundary, or at a slot boundary minus
 * the run time. Only candidate starts on slot boundaries (what sc_decide
 * considers: the plugin's starts) miss the last kind, and a window end that
 * is no boundary. O(window / step) per partition.
 */
#ifndef SC_SIM_ORACLE_H
#define SC_SIM_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "policy/grid.h"

/* One candidate partition: its zone's truth (borrowed; NULL: no data, no
 * candidate), the kWh × PUE of the job's run there, and the last start its
 * window allows (already capped by the deadline and the data's end; the
 * partition offers no candidate when latest < t0). */
struct sc_oracle_part {
	const struct sc_grid *truth;
	double factor;
	int64_t latest;
};

/* The lowest-carbon plan of a job of runtime seconds (> 0) first able to
 * start at t0, over parts[0..n-1] (borrowed; in preference order). Ties go
 * to the earliest start, then the earlier partition (values within a
 * relative 1e-12 are ties: rounding cannot decide a plan). Sets *part (an
 * index into parts), *start and *gco2e (may be NULL) and returns 0; -1 when
 * no partition has a window inside its data (nothing set). Pure. */
int sc_oracle_best(const struct sc_oracle_part *parts, size_t n, int64_t t0, int64_t runtime, size_t *part,
		   int64_t *start, double *gco2e);

#endif
