/* slurm-carbon: other tools' scheduling rules, as the simulator's peers.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Each rule sees what slurm-carbon sees — the forecast grids, the job's
 * planned run time, the allowed partitions (requested first, then the
 * Alternatives when rerouting is on) and the max delay — and picks a
 * (partition, start) with start = t0 or a later slot boundary of the
 * partition's forecast grid, within t0 + max delay. A window is compared
 * across partitions by its carbon: kWh × PUE (factor) × mean forecast.
 *
 *  - casdk (Carbon Aware SDK, "best emissions window"): the lowest rolling
 *    mean of the forecast's data points over ceil(run time / step) whole
 *    slots, the first window starting with the slot that contains t0;
 *    ties to the earliest.
 *  - cats (Climate-Aware Task Scheduler): windows start at t0 and at each
 *    later data point; a window's mean is the integral of the forecast
 *    interpolated linearly between its data points (slot starts), as CATS
 *    computes it; the lowest mean wins, ties to the earliest.
 *  - threshold: the pct-th percentile of the forecast's values over the
 *    start range [t0, t0 + max delay] (carbon, when several partitions are
 *    allowed); start at the first slot at or below it.
 * Windows must fit inside the forecast; when none does (the job is longer
 * than the forecast) or the requested partition's zone has no forecast,
 * the rule starts the job at t0 on its partition. Pure, allocation-free.
 */
#ifndef SC_SIM_PEERS_H
#define SC_SIM_PEERS_H

#include <stddef.h>
#include <stdint.h>

#include "policy/decide.h"

#define SC_PEER_MAX_PARTS 64

struct sc_peer_job {
	const struct sc_site *site;
	const struct sc_zone_forecasts *fc;
	size_t parts[SC_PEER_MAX_PARTS]; /* allowed partitions, requested first */
	double factor[SC_PEER_MAX_PARTS]; /* kWh of the planned run × PUE, per allowed partition */
	size_t n_parts;
	int64_t runtime;                   /* planned run time, seconds > 0 */
	int64_t t0;
	int64_t max_delay;
};

struct sc_peer_choice {
	size_t part;
	int64_t start;
	int none; /* no forecast for the requested partition: started at t0 */
};

void sc_peer_casdk(const struct sc_peer_job *j, struct sc_peer_choice *c);
void sc_peer_cats(const struct sc_peer_job *j, struct sc_peer_choice *c);
void sc_peer_threshold(const struct sc_peer_job *j, double pct, struct sc_peer_choice *c);

#endif
