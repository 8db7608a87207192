/* slurm-carbon: what job_submit/carbon takes from slurmctld beyond Slurm's
 * public headers — its allocator, its configuration and a few functions the
 * slurmctld binary exports. These are internal and unversioned interfaces of
 * Slurm 22.05 (checked against the slurm-22-05-8-1 sources), so every use is
 * here, in one file, and nowhere else.
 * SPDX-License-Identifier: GPL-2.0-or-later
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

/* The name of uid from slurmctld's cache (uid_to_string_cached); NULL when
 * unknown. Borrowed from the cache. */
const char *sc_ctld_user_name(uint32_t uid);

/* The default account of uid in the accounting data slurmctld caches
 * (assoc_mgr_fill_in_user), copied into buf (n bytes). Returns buf, or NULL
 * when there is none (no accounting, unknown user, too long). */
char *sc_ctld_default_account(uint32_t uid, char *buf, size_t n);

#endif
