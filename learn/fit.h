/* slurm-carbon: fitting the learned estimates from ended jobs, and writing
 * the model file (learn/model.h describes it).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Streaming: jobs are added one at a time (from the sacct reader, or a
 * trace), and only what the fit needs is kept per key — one float per job
 * and level for the ratio, one more where energy was measured — so memory
 * grows by about 12 bytes per job plus the keys (a million jobs: ~40 MB).
 *
 * For each job, up to four keys: (user, account, partition, job name),
 * (user, account, partition), (account, partition) and (partition). A
 * key's entry is written when at least min_jobs jobs fall under it: the median and the `quantile` quantile of
 * elapsed ÷ time limit (capped at 1: Slurm's OverTimeLimit grace), and the
 * total ratio — the jobs' core-seconds used (elapsed, at most the limit, ×
 * allocated cores, 1 when unknown) ÷ their core-seconds requested (time
 * limit × cores) — which the plan uses (learn/model.h). Measured
 * power, energy ÷ elapsed: jobs without GPUs give W per allocated core
 * (core_w, the median); jobs with GPUs give W per GPU beyond their cores at
 * the entry's core_w (0 when it has none) (gpu_w, the median); each written
 * when at least min_jobs jobs measured it. Implausible measurements (more
 * than SC_MODEL_MAX_WATTS per core or GPU, or energy without an elapsed
 * time) are ignored. Pure apart from sc_fit_write.
 *
 * The name level is bounded, so that a site with many distinct job names
 * (generated ones) neither grows the fit nor the file with them: a (user,
 * account, partition) tracks at most SC_FIT_NAMES_TRACKED names, and the
 * fit at most SC_FIT_NAME_KEYS in all. At either bound the names seen on
 * one job so far are dropped (their job then feeds the other levels only;
 * a name that comes back starts again); when nothing (or, at the fit's
 * bound, less than a quarter of it) can be dropped, new names only feed
 * the other levels. Dropped and untracked jobs are counted in
 * names_untracked. Of the names tracked,
 * a name entry is written only when it rests on at least min_jobs jobs and
 * its ratio_total differs from its (user, account, partition) entry's by at
 * least SC_MODEL_NAME_MIN_DIFF (otherwise the user entry says the same),
 * and at most SC_MODEL_MAX_NAMES per (user, account, partition), those with
 * the most jobs. Names are used when they are 1 to SC_MODEL_NAME_MAX bytes
 * without control characters (others: the job feeds the other levels).
 * Memory: about 16 bytes per job with a tracked name, 12 without, plus the
 * keys (name keys, about 300 bytes each, at most SC_FIT_NAME_KEYS).
 */
#ifndef SC_LEARN_FIT_H
#define SC_LEARN_FIT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/error.h"

#define SC_FIT_NAMES_TRACKED 64   /* names tracked per (user, account, partition) */
#define SC_FIT_NAME_KEYS 50000    /* names tracked in all */

struct sc_fit_params {
	long min_jobs;   /* >= 1: the fewest jobs an entry (and its watts) rests on */
	double quantile; /* the upper quantile kept, 0.5 <= q < 1 (0.9: p90) */
};

/* One ended job. Strings borrowed for the call; user/account/name NULL or
 * "" when unknown (the job then feeds the levels it has). */
struct sc_fit_job {
	const char *user, *account, *partition;
	int64_t elapsed;   /* seconds, >= 0 */
	int64_t timelimit; /* seconds; <= 0: unknown or unlimited (the job is skipped) */
	int64_t end;       /* epoch (for the source window); 0 unknown */
	uint32_t cores;    /* allocated */
	uint32_t gpus;
	double energy_j;   /* measured (ConsumedEnergyRaw); < 0: not measured */
	const char *name;  /* the job name (sacct JobName; a trace's application number) */
};

/* Counters of what was added. */
struct sc_fit_stats {
	long seen;       /* jobs offered */
	long used;       /* jobs fitted */
	long no_limit;   /* skipped: no time limit (unknown or UNLIMITED) */
	long no_part;    /* skipped: no partition */
	long measured;   /* used jobs whose energy was used */
	long named;      /* used jobs fitted at the name level too */
	long names_untracked; /* used jobs with a name not tracked (the bounds above) */
	int64_t first_end, last_end; /* of the used jobs; 0 when none */
};

struct sc_fit;

/* NULL with err when params are out of range ("min_jobs 0; expected 1 or
 * more") or memory runs out. */
struct sc_fit *sc_fit_create(const struct sc_fit_params *params, struct sc_err *err);

/* NULL is a no-op. */
void sc_fit_destroy(struct sc_fit *f);

/* Adds job j (borrowed). Returns 1 when it was fitted, 0 when skipped (see
 * sc_fit_stats), -1 when out of memory (f unchanged). */
int sc_fit_add(struct sc_fit *f, const struct sc_fit_job *j);

const struct sc_fit_stats *sc_fit_stats(const struct sc_fit *f);

/* The model as the file holds it (learn/model.h), created at `created`,
 * from `input` (a description: "sacct -S ... -E ...", a file name),
 * covering [start, end] (0: the used jobs' first and last end). Entries in
 * a stable order: level (partition first), partition, account, user, then
 * name entries by jobs (most first) and name. *n_entries (optional)
 * receives their count. A new reference, or NULL with err when out of
 * memory. */
json_t *sc_fit_model(struct sc_fit *f, int64_t created, const char *input, int64_t start,
		     int64_t end, size_t *n_entries, struct sc_err *err);

/* Writes model (from sc_fit_model) to path atomically (a temporary file in
 * the same directory, renamed over path), mode 0644. 0, or -1 with err
 * ("<path>: <reason>"); path is then untouched. */
int sc_fit_write(const json_t *model, const char *path, struct sc_err *err);

#endif
