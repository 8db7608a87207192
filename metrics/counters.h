/* slurm-carbon: what job_submit/carbon decided, counted — per partition and kind of
 * decision, with the carbon it estimated and the carbon its plans avoided. slurmctld keeps
 * the counts; the plugin's reloader thread saves them to StateDir/counters.json (atomic
 * rename) and init loads them back, so that they only grow across restarts, as
 * Prometheus counters should; `scarbon metrics` reads the file.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The file: {"v":1,"updated":EPOCH,"partitions":{"NAME":{"decisions":{"run":N,...},
 * "estimated_g":X,"avoided_g":Y},...}}. Unknown kinds are refused; a partition no longer in
 * carbon.conf keeps its row (its counts are history).
 */
#ifndef SC_METRICS_COUNTERS_H
#define SC_METRICS_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "policy/decide.h"

/* The kinds of decision counted: the engine's actions, and `invalid` (a job refused for an
 * invalid --carbon-* option). */
enum sc_counter_kind {
	SC_KIND_NONE, SC_KIND_RUN, SC_KIND_DELAY, SC_KIND_REROUTE, SC_KIND_DELAY_REROUTE,
	SC_KIND_REJECT, SC_KIND_INVALID, SC_KIND_N
};

struct sc_counter_row {
	char *partition;       /* owned */
	uint64_t n[SC_KIND_N]; /* decisions of each kind */
	double estimated_g;    /* gCO2e of the chosen plans (run, delayed, rerouted jobs) */
	double avoided_g;      /* gCO2e their plans saved against running as requested */
};

struct sc_counters {
	struct sc_counter_row *rows; /* owned */
	size_t n, cap;
	int64_t updated;             /* when last saved; 0: never */
};

/* The kind an action counts as. */
enum sc_counter_kind sc_counter_kind_of(enum sc_action a);

/* The kind's name in the file and in metric labels ("delay+reroute" is "delay_reroute"). */
const char *sc_counter_kind_name(enum sc_counter_kind k);

/* Makes c (uninitialised) hold a zero row for each of names[0..n-1] (borrowed; copied), in
 * that order, so that row i is partition i of carbon.conf. Returns 0, or -1 when out of
 * memory (then c is empty and needs no free). */
int sc_counters_init(struct sc_counters *c, char *const *names, size_t n);

/* Frees what c holds and empties it; NULL is a no-op. */
void sc_counters_free(struct sc_counters *c);

/* Counts one decision of row `row` (< c->n). est_g and avoided_g (finite, >= 0; others
 * count as 0) are added to the row's sums. Pure arithmetic: never fails. */
void sc_counters_add(struct sc_counters *c, size_t row, enum sc_counter_kind k, double est_g,
		     double avoided_g);

/* Copies src's counts into dst, which must have been made by sc_counters_init from the
 * same names (same rows in the same order) or be a previous copy of src. Never allocates
 * (so it can run under a lock); returns -1 when the shapes differ. */
int sc_counters_copy(struct sc_counters *dst, const struct sc_counters *src);

/* StateDir/counters.json, malloc'd (caller frees); NULL with err when state_dir is NULL or
 * empty, or out of memory. */
char *sc_counters_path(const char *state_dir, struct sc_err *err);

/* Adds the counts saved at path to c's rows of the same names, appending rows for names c
 * does not have. A missing file adds nothing and returns 0. Returns -1 with err (the file,
 * and what is wrong in it) when it cannot be read or is not what the header describes;
 * then c is unchanged. */
int sc_counters_load(struct sc_counters *c, const char *path, struct sc_err *err);

/* Writes c to path atomically (mode 0644), with "updated" = now. Returns 0 or -1 with err. */
int sc_counters_save(const struct sc_counters *c, const char *path, int64_t now, struct sc_err *err);

#endif
