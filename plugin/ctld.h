/* slurm-carbon: what job_submit/carbon takes from slurmctld beyond Slurm's
 * public headers — its allocator, its configuration and a few functions the
 * slurmctld binary exports. These are internal and unversioned interfaces, so
 * every use is here, in one file, and nowhere else.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Each was checked against SchedMD's sources of 22.05.8, 23.11.10, 24.05.8,
 * 24.11.7, 25.05.8, 25.11.7 and 26.05.3 (declaration, definition, export):
 *
 *   symbol (where)                               checked   what differs
 *   slurm_xcalloc, slurm_xfree (libslurmfull)     all 7     nothing
 *   slurm_conf.slurm_conf (libslurmfull)          all 7     slurm_conf_t's layout: build
 *                                                           against the matching headers
 *   validate_operator (slurmctld)                 all 7     24.05+: takes the assoc_mgr
 *                                                           user lock itself; callers hold
 *                                                           none (slurmctld calls it too)
 *   job_common_env_vars (slurmctld)               all 7     more SLURM_JOB_* entries; an
 *                                                           xmalloc'd array of xmalloc'd
 *                                                           strings, never NULL (aborts)
 *   acct_db_conn, accounting_enforce (slurmctld)  all 7     nothing
 *   assoc_mgr_user_list (libslurmfull)            all 7     List, then list_t * from 24.11
 *                                                           (the same pointer; compat.h)
 *   assoc_mgr_lock, assoc_mgr_unlock              all 7     nothing (bodies identical)
 *   assoc_mgr_fill_in_user                        all 7     nothing
 *   assoc_mgr_lock_t: 7 lock_level_t fields       all 7     nothing (NO=0, READ=1, WRITE=2)
 *     assoc, file, qos, res, tres, user, wckey
 *
 * libslurmfull is linked with a version script exporting every non-static
 * symbol, and slurmctld with -export-dynamic, in all seven. The plugin no
 * longer uses uid_to_string_cached: from 24.05.4 to 25.11.7 its cache
 * compares only the low 16 bits of a uid; ExemptUsers are resolved to uids
 * at init instead. slurmctld frees *err_msg with xfree in every version, so
 * messages come from sc_ctld_alloc.
 *
 * The planned-load ledger's sync (README, "Capacity") reads slurmctld's
 * partitions and jobs with Slurm's public client API, as any client does:
 *
 *   symbol (where)                               checked   what differs
 *   slurm_load_partitions, slurm_load_jobs,       all 7     nothing (declared in slurm.h;
 *   slurm_free_partition_info_msg,                          exported by libslurmfull: `nm -D`
 *   slurm_free_job_info_msg, slurm_strerror                 of 22.05.8, 24.11.7, 26.05.3)
 *   (libslurmfull)
 *   slurm_get_errno                               22.05     gone from 25.05: errno instead
 *   partition_info_t: name, total_cpus,           all 7     fields move between releases:
 *     tres_fmt_str                                          build against the matching headers
 *   job_info_t: job_state, partition,             all 7     job_id moves into step_id in
 *     eligible_time (the begin time), time_limit,           25.11 (not used)
 *     num_cpus, tres_req_str, admin_comment
 *   JOB_STATE_BASE, JOB_REQUEUE,                  all 7     nothing
 *     JOB_REQUEUE_HOLD, SHOW_ALL
 *
 * Each is an RPC to slurmctld itself, answered by one of its RPC threads
 * under its part read lock (partitions) or job and part read locks (jobs).
 * The reloader thread sends them, never the submit path, and never while
 * it holds a lock of the plugin's. Where slurmctld calls the plugin's fini:
 *
 *   release         call site                              slurmctld's locks held
 *   22.05.8         shutdown (controller.c, only with      none (its RPC threads are
 *                   MEMORY_LEAK_DEBUG)                     stopped first)
 *   22.05.8         read_slurm_conf(reconfig) ->           config, job, node and part
 *                   job_submit_plugin_reconfig, when       WRITE (scontrol reconfigure,
 *                   JobSubmitPlugins changed               SIGHUP)
 *   23.11.10,       shutdown (controller.c, only with      none
 *   24.05.8 ..      MEMORY_LEAK_DEBUG); a reconfigure
 *   26.05.3         re-executes slurmctld instead (23.11
 *                   keeps job_submit_g_reconfig, but no
 *                   caller passes reconfig = true; 24.05
 *                   and later have no such call)
 *
 * So on 22.05 a reconfigure that changes JobSubmitPlugins holds the job
 * write lock while fini joins the reloader; a reloader then inside
 * slurm_load_jobs waits for an answer that needs that lock, until its
 * MessageTimeout (10 s by default) ends the RPC. fini sets the stop flag
 * first, and the reloader checks it before each RPC and sends none after
 * it: the worst case is one RPC's timeout, once, and only then.
 */
#ifndef SC_PLUGIN_CTLD_H
#define SC_PLUGIN_CTLD_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "plugin/jobdesc.h"

/* slurmctld's job record, opaque here. */
typedef struct job_record job_record_t;

/* slurmctld's allocator (xmalloc: a header before each block, so slurmctld
 * aborts when it frees anything else). Everything the plugin puts into a
 * job_desc_msg_t or *err_msg comes from here. */
extern const struct sc_alloc sc_ctld_alloc;

/* A copy of s from slurmctld's allocator; NULL when out of memory. */
char *sc_ctld_strdup(const char *s);

/* Frees memory from slurmctld's allocator; NULL is a no-op. */
void sc_ctld_free(void *p);

/* The path of the slurm.conf slurmctld read; NULL if unknown. */
const char *sc_ctld_conf_path(void);

/* Whether uid is root, SlurmUser or an operator/administrator in the
 * accounting database (validate_operator). */
int sc_ctld_is_operator(uint32_t uid);

/* The job's carbon hold, read back from its spank_job_env through
 * job_common_env_vars(). Returns 1 with *t, 0 when the job has none, -1 when
 * the entry is malformed or the environment could not be built. */
int sc_ctld_job_hold(job_record_t *job, int64_t *t);

/* The job's key in the planned-load ledger (SC_ENV_LEDGER), read back like
 * the hold. Returns 1 with *key, 0 when the job has none, -1 when the entry
 * is malformed or the environment could not be built. */
int sc_ctld_job_ledger(job_record_t *job, uint32_t *key);

/* The default account of uid in the accounting data slurmctld caches
 * (assoc_mgr_fill_in_user), copied into buf (n bytes). Returns buf, or NULL
 * when there is none (no accounting, unknown user, too long). */
char *sc_ctld_default_account(uint32_t uid, char *buf, size_t n);

/* One of slurmctld's partitions, borrowed from the list it came in. */
struct sc_ctld_part {
	const char *name;
	uint32_t total_cpus;      /* partition_info_t.total_cpus */
	const char *tres;         /* its configured TRES (tres_fmt_str); may be NULL */
};

/* One of slurmctld's jobs, borrowed from the list it came in. */
struct sc_ctld_job {
	uint32_t state;           /* job_state (enum job_states with flags) */
	const char *partition;    /* may be NULL; a comma list while pending on several */
	const char *admin_comment; /* may be NULL */
	const char *tres_req;     /* tres_req_str; may be NULL */
	int64_t eligible;         /* eligible_time: its begin time; 0: none */
	uint32_t time_limit;      /* minutes; NO_VAL, INFINITE */
	uint32_t num_cpus;
};

/* A list from slurmctld (opaque). */
struct sc_ctld_list;

/* slurmctld's partitions (slurm_load_partitions, SHOW_ALL) or jobs
 * (slurm_load_jobs, SHOW_ALL): an RPC, for the reloader only. Returns the
 * list (free with sc_ctld_list_free) and its length in *n, or NULL with err
 * (Slurm's error text) when the RPC failed. */
struct sc_ctld_list *sc_ctld_load_parts(size_t *n, struct sc_err *err);
struct sc_ctld_list *sc_ctld_load_jobs(size_t *n, struct sc_err *err);

/* Item i (< n) of a list from sc_ctld_load_parts / sc_ctld_load_jobs into
 * *out; its strings are borrowed from the list. */
void sc_ctld_part_at(const struct sc_ctld_list *l, size_t i, struct sc_ctld_part *out);
void sc_ctld_job_at(const struct sc_ctld_list *l, size_t i, struct sc_ctld_job *out);

/* Frees a list; NULL is a no-op. */
void sc_ctld_list_free(struct sc_ctld_list *l);

#endif
