/* slurm-carbon: the simulator's capacity models — when each job of a
 * schedule actually starts on a cluster of limited cores, GPUs and nodes.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A job is released (may start) at its planned start and then needs its
 * cores, GPUs and nodes (each at most the cluster's: a job larger than the
 * cluster takes all of it) for its true run time. Resources are counted,
 * one pool each; a capacity of 0 does not limit that resource.
 *
 *  - EASY backfill (SC_CAP_EASY), what Slurm's backfill scheduler does with
 *    one reservation: released jobs wait in priority order, which is the
 *    jobs' order in the array (the simulator passes them in submit order).
 *    Whenever a job is released or ends, jobs start from the head of the
 *    queue while they fit; when the head does not, it gets a reservation at
 *    the earliest time it fits if every running job ends at its time limit
 *    (the "shadow" time), and each later job may start now if it fits in
 *    what is free and either ends, by its time limit, by the shadow time or
 *    uses only what the head leaves spare at that time. The scheduler knows
 *    time limits, not run times: a job whose run time exceeds its limit is
 *    taken to have had a limit of its run time (Slurm would have killed it
 *    at its limit). Event-driven and exact: no time slots.
 *  - FCFS (SC_CAP_FCFS), the simulator's first model: strictly first come
 *    first served in release order (ties: array order), no job starting
 *    before one released earlier; kept to compare with earlier figures.
 *
 * O(n log n) plus, for EASY, the backfill scan of the waiting queue at each
 * event and the walk of the running jobs to find the head's reservation.
 */
#ifndef SC_SIM_CAPACITY_H
#define SC_SIM_CAPACITY_H

#include <stddef.h>
#include <stdint.h>

enum sc_cap_model { SC_CAP_EASY = 0, SC_CAP_FCFS };

/* Resources: cores, GPUs, nodes. */
#define SC_CAP_RES 3

struct sc_cap_job {
	int64_t release;                /* earliest start */
	int64_t runtime;                /* true run time, seconds > 0 */
	int64_t limit;                  /* time limit the scheduler plans with; <= 0: the run time */
	uint32_t need[SC_CAP_RES];      /* cores (>= 1), GPUs, nodes */
};

/* "easy", "fcfs"; NULL for others. */
const char *sc_cap_model_name(enum sc_cap_model m);

/* The start of each job of jobs[0..n-1] (borrowed) under model m on a
 * cluster of cap[0..SC_CAP_RES-1] (0: unlimited) into start[0..n-1]
 * (caller-owned; every start >= the job's release). Returns 0, or -1 when
 * out of memory (start then undefined). Pure. */
int sc_cap_schedule(enum sc_cap_model m, const uint32_t *cap, const struct sc_cap_job *jobs, size_t n,
		    int64_t *start);

#endif
