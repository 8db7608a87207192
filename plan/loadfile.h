/* slurm-carbon: job_submit/carbon's planned-load ledger, and on disk, so
 * that a slurmctld restart keeps the plans it made and `scarbon plan` sees
 * them (README, "Capacity").
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * StateDir/planned-load, text: a first line "slurm-carbon ledger 1", a line
 * "seq N" (the last key given), a line "capacity PARTITION CORES GPUS" per
 * partition whose capacity the plugin took from slurmctld (Cores=slurm),
 * then one line per planned job: "KEY PARTITION START END CORES GPUS"
 * (epoch seconds). Written whole to
 * PATH.tmp and renamed, so a reader never sees half a file. The reloader
 * writes it; init reads it, and so does `scarbon plan`.
 */
#ifndef SC_PLAN_LOADFILE_H
#define SC_PLAN_LOADFILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "config/conf.h"
#include "policy/decide.h"
#include "policy/load.h"

#define SC_LOADFILE_SLOTS 2016   /* the ledger's horizon: 7 days of 5-minute slots */
#define SC_LOADFILE_JOBS 200000  /* at most this many planned jobs */

/* The ledger of conf's partitions (conf borrowed), when one has a capacity
 * (Cores=N, or Cores=slurm: known once the plugin's sync fills
 * conf->part_cores): a new, empty ledger (sc_load_destroy frees it) with its origin
 * at now, SC_LOADFILE_SLOTS slots and SC_LOADFILE_JOBS jobs, and *cong set
 * to price with it (the default model and weight; cong borrows the ledger
 * and conf). NULL with err cleared when no partition has a capacity (*cong
 * untouched); NULL with err when out of memory. */
struct sc_load *sc_loadfile_ledger(const struct sc_conf *conf, int64_t now, struct sc_congestion *cong,
				   struct sc_err *err);

/* StateDir/planned-load (forecast/cache.h's sc_state_file), malloc'd
 * (caller frees); NULL with err as sc_state_file. */
char *sc_loadfile_path(const char *state_dir, struct sc_err *err);

/* Writes jobs[0..n-1] (borrowed; their partition indexes name
 * names[0..n_names-1]), seq and, when caps is not NULL, the capacities
 * caps[i] cores and caps[n_names + i] GPUs of partition i (those with
 * cores, 2 × n_names entries, borrowed) to path. Returns 0, or -1 with err
 * (what failed, with the path and errno's text); path is then unchanged. */
int sc_loadfile_save(const char *path, const struct sc_load_job *jobs, size_t n, char *const *names, size_t n_names,
		   uint32_t seq, const uint32_t *caps, struct sc_err *err);

/* Adds the jobs saved at path to l (names: l's partitions, by name) and
 * sets *seq to the saved one; when caps is not NULL (2 × n_names entries,
 * zeroed first), the saved capacities go there as sc_loadfile_save takes
 * them (a partition not in names is ignored). Jobs that ended by now, or on a partition
 * not in names, are dropped (counted in *dropped); a malformed line is
 * skipped, counted in *bad, and the first is described in err
 * ("PATH:LINE: ..."). A missing file is no error (0 jobs). Returns the
 * jobs added, or -1 with err when the file cannot be read or is not a
 * ledger (l then unchanged). */
long sc_loadfile_restore(const char *path, struct sc_load *l, char *const *names, size_t n_names, int64_t now,
		       uint32_t *seq, uint32_t *caps, size_t *dropped, size_t *bad, struct sc_err *err);

#endif
