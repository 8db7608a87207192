/* slurm-carbon: the adapter to slurmctld's internals (see ctld.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>
#include <slurm/slurmdb.h>

#include "plugin/compat.h"
#include "plugin/ctld.h"
#include "plugin/jobdesc.h"

/* From src/common/xmalloc.h (libslurmfull, exported). */
extern void *slurm_xcalloc(size_t count, size_t size, bool clear, bool try, const char *file,
			   int line, const char *func);
extern void slurm_xfree(void **p);

/* From src/common/read_config.c (libslurmfull). */
extern slurm_conf_t slurm_conf;

/* From src/slurmctld/slurmctld.h and job_mgr.c (the slurmctld binary). */
extern bool validate_operator(uid_t uid);
extern char **job_common_env_vars(job_record_t *job_ptr, bool is_complete);
extern void *acct_db_conn;
extern uint16_t accounting_enforce;

/* From src/common/assoc_mgr.h and src/slurmctld/locks.h (libslurmfull). */
typedef enum { SC_NO_LOCK, SC_READ_LOCK, SC_WRITE_LOCK } sc_lock_level_t;
typedef struct {
	sc_lock_level_t assoc, file, qos, res, tres, user, wckey;
} sc_assoc_mgr_lock_t;
extern sc_slurm_list_t assoc_mgr_user_list;
extern void assoc_mgr_lock(sc_assoc_mgr_lock_t *locks);
extern void assoc_mgr_unlock(sc_assoc_mgr_lock_t *locks);
extern int assoc_mgr_fill_in_user(void *db_conn, slurmdb_user_rec_t *user, int enforce,
				  slurmdb_user_rec_t **user_pptr, bool locked);

static void *ctld_calloc(size_t n, size_t size)
{
	/* try = true: NULL instead of slurmctld's fatal() when out of memory. */
	return slurm_xcalloc(n, size, true, true, __FILE__, __LINE__, __func__);
}

void sc_ctld_free(void *p)
{
	if (p)
		slurm_xfree(&p);
}

const struct sc_alloc sc_ctld_alloc = { ctld_calloc, sc_ctld_free };

char *sc_ctld_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = ctld_calloc(1, n);

	if (p)
		memcpy(p, s, n);
	return p;
}

const char *sc_ctld_conf_path(void)
{
	return slurm_conf.slurm_conf;
}

int sc_ctld_is_operator(uint32_t uid)
{
	return validate_operator((uid_t)uid);
}

static void env_free(char **env)
{
	for (size_t i = 0; env[i]; i++)
		sc_ctld_free(env[i]);
	sc_ctld_free(env);
}

int sc_ctld_job_hold(job_record_t *job, int64_t *t)
{
	char **env = job_common_env_vars(job, false);
	int r;

	if (!env)
		return -1;
	r = sc_hold_find(env, t);
	env_free(env);
	return r;
}

int sc_ctld_job_ledger(job_record_t *job, uint32_t *key)
{
	char **env = job_common_env_vars(job, false);
	size_t n = 0;
	const char *v;
	char *end;
	unsigned long k;
	int r = 0;

	if (!env)
		return -1;
	while (env[n])
		n++;
	v = sc_env_get(env, n, "SPANK_" SC_ENV_LEDGER);
	if (v) {
		errno = 0;
		k = strtoul(v, &end, 10);
		r = errno || end == v || *end || k == 0 || k > UINT32_MAX ? -1 : 1;
		*key = (uint32_t)k;
	}
	env_free(env);
	return r;
}

char *sc_ctld_default_account(uint32_t uid, char *buf, size_t n)
{
	sc_assoc_mgr_lock_t locks = { .user = SC_READ_LOCK };
	slurmdb_user_rec_t user;
	char *found = NULL;

	memset(&user, 0, sizeof(user));
	user.uid = uid;
	/* Under the association manager's read lock, and only with the user
	 * list slurmctld already holds: with locked = true it never asks
	 * slurmdbd, and the default account is copied before the lock goes. */
	assoc_mgr_lock(&locks);
	if (assoc_mgr_user_list &&
	    assoc_mgr_fill_in_user(acct_db_conn, &user, accounting_enforce, NULL, true) == SLURM_SUCCESS &&
	    user.default_acct) {
		int len = snprintf(buf, n, "%s", user.default_acct);
		if (len > 0 && (size_t)len < n)
			found = buf;
	}
	assoc_mgr_unlock(&locks);
	return found;
}

/* --- slurmctld's partitions and jobs, by RPC ----------------------------------- */

struct sc_ctld_list {
	partition_info_msg_t *parts;
	job_info_msg_t *jobs;
};

/* One RPC: the jobs (jobs = 1) or the partitions. */
static struct sc_ctld_list *load(int jobs, size_t *n, struct sc_err *err)
{
	struct sc_ctld_list *l = calloc(1, sizeof(*l));
	int rc;

	if (!l)
		return sc_err_set(err, "out of memory"), NULL;
	rc = jobs ? slurm_load_jobs((time_t)0, &l->jobs, SHOW_ALL)
		  : slurm_load_partitions((time_t)0, &l->parts, SHOW_ALL);
	if (rc != SLURM_SUCCESS || !(jobs ? (void *)l->jobs : (void *)l->parts)) {
		/* Slurm leaves its error code in errno (slurm_get_errno is gone from 25.05). */
		int e = errno;
		sc_err_set(err, "slurm_load_%s: %s", jobs ? "jobs" : "partitions", slurm_strerror(e));
		sc_ctld_list_free(l);
		return NULL;
	}
	*n = jobs ? l->jobs->record_count : l->parts->record_count;
	return l;
}

struct sc_ctld_list *sc_ctld_load_parts(size_t *n, struct sc_err *err)
{
	return load(0, n, err);
}

struct sc_ctld_list *sc_ctld_load_jobs(size_t *n, struct sc_err *err)
{
	return load(1, n, err);
}

void sc_ctld_part_at(const struct sc_ctld_list *l, size_t i, struct sc_ctld_part *out)
{
	const partition_info_t *p = &l->parts->partition_array[i];

	*out = (struct sc_ctld_part){ p->name, p->total_cpus, p->tres_fmt_str };
}

void sc_ctld_job_at(const struct sc_ctld_list *l, size_t i, struct sc_ctld_job *out)
{
	const slurm_job_info_t *j = &l->jobs->job_array[i];

	*out = (struct sc_ctld_job){ j->job_state, j->partition, j->admin_comment, j->tres_req_str,
				     (int64_t)j->eligible_time, j->time_limit, j->num_cpus };
}

void sc_ctld_list_free(struct sc_ctld_list *l)
{
	if (!l)
		return;
	if (l->parts)
		slurm_free_partition_info_msg(l->parts);
	if (l->jobs)
		slurm_free_job_info_msg(l->jobs);
	free(l);
}
