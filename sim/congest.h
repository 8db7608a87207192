/* slurm-carbon: the planned-load ledger as the simulator keeps it for the
 * "capacity-aware" policy — the plugin's ledger (policy/load.h) and
 * its congestion pricing (sc_decide_loaded), replayed.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Jobs come in submit order. Before deciding a job submitted at t0, every
 * job that has ended by t0 is released: at its planned end (as the plugin's
 * entries expire then: a job that has started still uses its cores), or at
 * its planned start plus its true run time when that is sooner (the plugin
 * releases a job that ended at its next sync with slurmctld; here the job
 * is taken to start when planned). Then the job is decided with the ledger
 * and, when delayed or rerouted, recorded with its plan's window and cores
 * and GPUs. The simulator's cluster is one pool shared by all
 * partitions, so a job's load is recorded on every partition's row and
 * each partition's capacity is the cluster's. Pure, no clock.
 */
#ifndef SC_SIM_CONGEST_H
#define SC_SIM_CONGEST_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "policy/decide.h"

struct sc_sim_congest; /* opaque */

/* A ledger for n_parts partitions (1..SC_PEER_MAX_PARTS) of one pool of
 * cores (>= 1) and gpus (0: not limited) over 7 days of slots, model m
 * (weight > 0 but for SC_CONG_HARD), origin at now. Returns it (free with
 * sc_sim_congest_destroy) or NULL with err. */
struct sc_sim_congest *sc_sim_congest_create(size_t n_parts, uint32_t cores, uint32_t gpus, enum sc_cong_model m,
					     double weight, int64_t now, struct sc_err *err);

/* Frees c; NULL is a no-op. */
void sc_sim_congest_destroy(struct sc_sim_congest *c);

/* Decides job id (ids unique, < 2^32 / n_parts) requesting req at t0 (t0
 * never decreasing between calls) on site with forecasts, as the plugin
 * would with the ledger: releases, sc_decide_loaded, records (above);
 * runtime is the job's true run time (<= 0: unknown, released at the
 * planned end).
 * Returns sc_decide_loaded's value with *d filled; a job the ledger has no
 * room for is decided but not recorded (counted in *dropped if not NULL). */
int sc_sim_congest_decide(struct sc_sim_congest *c, const struct sc_site *site,
			  const struct sc_zone_forecasts *forecasts, const struct sc_request *req, int64_t t0,
			  int64_t runtime, uint32_t id, struct sc_decision *d, size_t *dropped);

#endif
