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
 */
#ifndef SC_PLUGIN_CTLD_H
#define SC_PLUGIN_CTLD_H

#include <stddef.h>
#include <stdint.h>

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

#endif
