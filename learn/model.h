/* slurm-carbon: the learned estimates — the model file (StateDir/estimates.json),
 * its strict reader and the lookup the plan makes at submission.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The file (version SC_MODEL_VERSION; README, "Learned estimates"):
 *
 *   {"version":3, "kind":"slurm-carbon estimates", "created":<epoch>,
 *    "source":{"input":"<what was read>", "start":<epoch>, "end":<epoch>,
 *              "jobs_read":N, "jobs_used":M},
 *    "min_jobs":5, "quantile":0.9,
 *    "entries":[{"level":"user", "user":"alice", "account":"phys", "partition":"cpu",
 *                "jobs":40, "ratio_median":0.21, "ratio_q":0.64, "ratio_total":0.33,
 *                "core_w":9.5, "core_w_jobs":31, "gpu_w":240, "gpu_w_jobs":12},
 *               {"level":"name", "user":"alice", "account":"phys", "partition":"cpu",
 *                "name":"relax.sh", "jobs":12, ...}, ...]}
 *
 * An entry is one of four levels: "name" (user + account + partition + job
 * name; from version 3), "user" (user + account + partition), "account"
 * (account + partition: no "user") and "partition" (no "user" or
 * "account"). Name entries are bounded (learn/fit.h): each rests on at
 * least min_jobs jobs of that name, its ratio_total differs from its user
 * entry's by at least SC_MODEL_NAME_MIN_DIFF, and a (user, account,
 * partition) has at most SC_MODEL_MAX_NAMES of them (those with the most
 * jobs), so the file grows with the user entries, not with the number of
 * distinct job names. ratio_* are the median and the `quantile` quantile of elapsed ÷
 * time limit over the `jobs` ended jobs behind the entry; ratio_total (from
 * version 2) their core-seconds used ÷ core-seconds requested (elapsed, at
 * most the limit, and time limit, each × allocated cores): the figure the
 * plan prices a job with (sc_model_ratio) — on the traces measured it is
 * nearer each job's run time and the total than the median (BENCHMARKS.md,
 * "Learned estimates"); core_w (W per
 * allocated core, from jobs without GPUs) and gpu_w (W per allocated GPU,
 * what GPU jobs drew beyond their cores at core_w) are the medians of
 * Slurm's measured energy (ConsumedEnergyRaw) ÷ elapsed, present only when
 * that many jobs (at least min_jobs) had a measurement. Entries rest on at
 * least min_jobs jobs: thinner ones are not written.
 *
 * The reader refuses, with a message that says what was wrong and what is
 * accepted: unreadable or oversized files (SC_MODEL_MAX_SIZE), a version
 * other than SC_MODEL_VERSION_MIN..SC_MODEL_VERSION or another kind, a
 * version 2 or 3 entry without ratio_total, a name entry before version 3,
 * a missing or mistyped field, numbers out of range (a
 * ratio outside 0..1, a median above the quantile, watts negative or above
 * SC_MODEL_MAX_WATTS, jobs below 1), duplicate keys, names with control
 * characters, and a file created more than max_age before now (stale) or
 * more than a day after it (a clock gone wrong).
 */
#ifndef SC_LEARN_MODEL_H
#define SC_LEARN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define SC_MODEL_VERSION 3     /* written: version 3 adds name entries */
#define SC_MODEL_VERSION_MIN 1 /* read: version 1 has no ratio_total, 1 and 2 no name entries */
#define SC_MODEL_KIND "slurm-carbon estimates"
#define SC_MODEL_FILE "estimates.json"
#define SC_MODEL_MAX_SIZE (512u << 20)
#define SC_MODEL_MAX_WATTS 100000.0
#define SC_MODEL_MAX_NAMES 16        /* name entries written per (user, account, partition) */
#define SC_MODEL_NAME_MIN_DIFF 0.05  /* |name's ratio_total - its user entry's| written */
#define SC_MODEL_NAME_MAX 255        /* bytes of a name (user, account, partition, job name) */
/* sc_model_key's longest result, with its NUL. */
#define SC_MODEL_KEY_MAX (4 * (SC_MODEL_NAME_MAX + 1))

/* Most specific first. */
enum sc_model_level { SC_LEVEL_NAME = 0, SC_LEVEL_USER, SC_LEVEL_ACCOUNT, SC_LEVEL_PARTITION };

/* One entry. Strings are "" where the level has no such key. */
struct sc_model_entry {
	enum sc_model_level level;
	const char *user, *account, *partition;
	const char *name; /* the job name: level name only */
	long jobs;           /* >= 1: ended jobs behind the ratios */
	double ratio_median; /* elapsed ÷ time limit, 0..1 */
	double ratio_q;      /* its upper quantile (sc_model_quantile), >= ratio_median */
	double ratio_total;  /* core-seconds used ÷ requested, 0..1; a version 1 file: ratio_median */
	double core_w;       /* W per allocated core; valid when core_w_jobs > 0 */
	long core_w_jobs;
	double gpu_w;        /* W per allocated GPU; valid when gpu_w_jobs > 0 */
	long gpu_w_jobs;
};

struct sc_model;

/* Parses a model file's text (len bytes, need not be NUL-terminated), named
 * name in messages. max_age > 0: a file created more than max_age seconds
 * before now is refused as stale (0: no limit). Returns a new model (caller
 * frees with sc_model_destroy) or NULL with err ("<name>: <what>; <what is
 * accepted>"). */
struct sc_model *sc_model_parse(const char *text, size_t len, const char *name, int64_t now,
				int64_t max_age, struct sc_err *err);

/* Reads and parses the file at path, as sc_model_parse. */
struct sc_model *sc_model_load(const char *path, int64_t now, int64_t max_age, struct sc_err *err);

/* StateDir/estimates.json: malloc'd (caller frees); NULL with err when
 * state_dir is NULL or empty, or out of memory. */
char *sc_model_path(const char *state_dir, struct sc_err *err);

/* NULL is a no-op. */
void sc_model_destroy(struct sc_model *m);

/* What the file says about itself. m not NULL. */
int64_t sc_model_created(const struct sc_model *m);
int sc_model_version(const struct sc_model *m);
double sc_model_quantile(const struct sc_model *m);
size_t sc_model_count(const struct sc_model *m);
/* Entry i < sc_model_count(m), borrowed from m. */
const struct sc_model_entry *sc_model_entry(const struct sc_model *m, size_t i);

/* What the model knows for one job on one partition: each field the most
 * specific entry that has it (name, then user, account, partition level),
 * NULL when no entry has it. Borrowed from the model. */
struct sc_model_match {
	const struct sc_model_entry *ratio;
	const struct sc_model_entry *core_w;
	const struct sc_model_entry *gpu_w;
};

/* Looks up (user, account, partition, job name) in m; user, account and
 * name may be NULL or "" (unknown: the levels that need them are skipped;
 * the name level needs all three). Returns 1 when an entry with ratios was
 * found, else 0 (*out then all NULL, or only watts). No allocation: safe on
 * the submit path. m and partition not NULL. */
int sc_model_lookup(const struct sc_model *m, const char *user, const char *account,
		    const char *partition, const char *name, struct sc_model_match *out);

/* The ratio of elapsed to time limit the plan prices a job of entry e with
 * (e not NULL): ratio_total, at least 1e-4 (jobs that end at once still
 * plan a run). */
double sc_model_ratio(const struct sc_model_entry *e);

/* What that ratio is, for messages: "total run time" (ratio_total) or
 * "median run time" (a version 1 file). m not NULL. */
const char *sc_model_ratio_name(const struct sc_model *m);

/* An entry's key as the decision record shows it: "user/account/partition",
 * with '*' for the keys its level leaves out (an account-level entry of
 * account phys on partition cpu: '*', then "/phys/cpu"), and a name
 * entry's "/name" after it ("alice/phys/cpu/relax.sh"). Truncated to n
 * (SC_MODEL_KEY_MAX holds any). Returns buf. */
char *sc_model_key(const struct sc_model_entry *e, char *buf, size_t n);

/* "name", "user", "account", "partition". */
const char *sc_model_level_name(enum sc_model_level l);

#endif
