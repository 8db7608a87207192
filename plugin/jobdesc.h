/* slurm-carbon: the pure half of job_submit/carbon — from Slurm's
 * job_desc_msg_t to the engine's sc_job_fields, and the CARBON_* entries of a
 * job's spank_job_env.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Uses Slurm's public types only (no Slurm symbols), so that it links into the
 * plugin and into unit tests alike. Memory that ends up in a job_desc_msg_t
 * is slurmctld's: callers pass its allocator as a struct sc_alloc.
 */
#ifndef SC_PLUGIN_JOBDESC_H
#define SC_PLUGIN_JOBDESC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <slurm/slurm.h>

#include "base/error.h"
#include "policy/request.h"

/* spank_job_env names. The SPANK plugin sets the option ones from sbatch's
 * --carbon-* options; job_submit/carbon reads them (validating again: any
 * user can put anything there through the API) and owns CARBON_NOT_BEFORE,
 * the carbon hold it sets on a delayed job (entries a user forged under that
 * name are removed at submission). Inside slurmctld the names carry no
 * prefix; in job_common_env_vars() and Prolog/EpilogSlurmctld they carry
 * SPANK_; the job sees SLURM_SPANK_<name>. */
#define SC_ENV_BUDGET "CARBON_BUDGET"
#define SC_ENV_MAX_DELAY "CARBON_MAX_DELAY"
#define SC_ENV_POLICY "CARBON_POLICY"
#define SC_ENV_NOT_BEFORE "CARBON_NOT_BEFORE"
/* The job's entry in the plugin's planned-load ledger (README, "Capacity"):
 * a decimal key, set by job_submit/carbon only. */
#define SC_ENV_LEDGER "CARBON_LEDGER"

/* An allocator for memory that slurmctld will own and free: calloc returns
 * zeroed memory or NULL; free accepts NULL. */
struct sc_alloc {
	void *(*calloc)(size_t n, size_t size);
	void (*free)(void *p);
};

/* The value of the last entry `name=value` among env[0..n-1] (entries may be
 * NULL), or NULL when there is none. Borrowed from env. */
const char *sc_env_get(char *const *env, size_t n, const char *name);

/* Removes every `name=...` entry from *env (an array of *n entries followed
 * by a NULL, as slurmctld keeps spank_job_env), freeing them with a->free;
 * the array stays NULL-terminated. Returns the number removed. */
size_t sc_env_unset(char **env, uint32_t *n, const char *name, const struct sc_alloc *a);

/* Replaces every `name=...` entry of *env by one `name=value` at the end:
 * the array is reallocated to *n + 2 slots (the new entry and the NULL) with
 * a, and the old array freed with a->free. Returns 0, or -1 when out of
 * memory (then *env has no `name` entry at all). */
int sc_env_set(char ***env, uint32_t *n, const char *name, const char *value,
	       const struct sc_alloc *a);

/* The carbon hold: epoch seconds, in decimal, between SC_HOLD_MIN and
 * SC_HOLD_MAX (2001..2286). Returns 0 with *t, or -1 when s is anything
 * else. */
#define SC_HOLD_MIN INT64_C(1000000000)
#define SC_HOLD_MAX INT64_C(9999999999)
int sc_hold_parse(const char *s, int64_t *t);

/* The carbon hold of a job, from the environment job_common_env_vars()
 * returns (NULL-terminated; entry SPANK_CARBON_NOT_BEFORE). Returns 1 with
 * *t, 0 when the job has none, -1 when the entry is malformed. */
int sc_hold_find(char *const *env, int64_t *t);

/* The message a user gets when job_modify refuses to move job `id` to start
 * at `want`, before its carbon hold `hold` (both as sc_format_time words):
 * what the hold is, when it ends, and who may override. Written into buf
 * (n bytes, truncated to fit, always NUL-terminated when n > 0). All
 * arguments borrowed, none NULL. */
void sc_hold_refusal_message(const char *id, const char *want, const char *hold, char *buf,
			     size_t n);

/* Fills *f from jd (borrowed: f points into jd and its spank_job_env):
 * NO_VAL/NO_VAL16/NO_VAL64/INFINITE and 0 become "not given"; time limits
 * from minutes to seconds; --mem vs --mem-per-cpu (MEM_PER_CPU); GPUs from
 * tres_per_job, tres_per_node, tres_per_task and tres_per_socket (counted as
 * per node: a lower bound, the plugin cannot see the node's sockets);
 * --mincpus × nodes as a lower bound of the CPU count; the user's options
 * from spank_job_env (CARBON_BUDGET, CARBON_MAX_DELAY, CARBON_POLICY, as
 * they are: sc_request_build validates them); the job name (jd->name:
 * sbatch's default is the script's file name, --wrap's "wrap"; NULL when
 * none). Returns 0, or -1 with why when
 * the GPU request cannot be read. */
int sc_jobdesc_fields(const job_desc_msg_t *jd, struct sc_job_fields *f, struct sc_err *why);

#endif
