/* slurm-carbon: a stand-in for libslurm's accounting API, loaded by scarbon
 * through $SCARBON_LIBSLURM in the unit tests (acct/slurmdb.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Defined against the same Slurm headers as scarbon, so that a signature
 * that drifts fails to compile here too. slurmdb_job_modify stores the
 * SystemComment exactly as given in the dump $SC_FAKE_DUMP (the '|'-separated
 * sacct dump that tests/data/acct/fake-sacct.sh prints; column 22), finding
 * the row the way slurmdbd does from the selected step (JobID "N", "N_T" or
 * "N+K", and the Cluster column), and logs every call to $SC_FAKE_LOG.
 *
 * Settings: SC_FAKE_API_VERSION (what slurm_api_version() >> 16 says; 0 when
 * unset), SC_FAKE_DBD_DOWN (the connection fails), SC_FAKE_DENY (modifying is
 * refused: access denied), SC_FAKE_FAIL=JOBID (nothing modified for that
 * job), SC_FAKE_MATCH2 (two records match every request).
 *
 * It checks what scarbon must get right with the real library, and aborts
 * when it does not: a job record destroyed with scarbon's string still in it
 * (the real one would xfree a malloc'd pointer), a request without cluster or
 * with another job condition than sacctmgr's.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>
#include <slurm/slurmdb.h>

#ifdef HAVE_LIST_T
typedef list_t *fake_list;
#else
typedef List fake_list;
#endif

/* Not in the public headers: declared here as libslurm defines them. */
extern slurm_conf_t slurm_conf;
extern slurmdb_job_rec_t *slurmdb_create_job_rec(void);

slurm_conf_t slurm_conf;

struct xlist {
	void **items;
	int n, cap;
	ListDelF del;
};

static void flog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void flog(const char *fmt, ...)
{
	const char *path = getenv("SC_FAKE_LOG");
	FILE *f = path ? fopen(path, "a") : NULL;
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static void die(const char *msg)
{
	fprintf(stderr, "fake libslurm: %s\n", msg);
	flog("ABORT %s", msg);
	abort();
}

fake_list slurm_list_create(ListDelF f)
{
	struct xlist *l = calloc(1, sizeof(*l));

	if (l)
		l->del = f;
	return l;
}

#ifdef HAVE_LIST_T
void slurm_list_append(fake_list l, void *x)
#else
void *slurm_list_append(fake_list l, void *x)
#endif
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->items = realloc(l->items, (size_t)l->cap * sizeof(*l->items));
		if (!l->items)
			die("out of memory");
	}
	l->items[l->n++] = x;
#ifndef HAVE_LIST_T
	return x;
#endif
}

int slurm_list_count(fake_list l)
{
	return l ? l->n : 0;
}

void slurm_list_destroy(fake_list l)
{
	if (!l)
		return;
	for (int i = 0; i < l->n; i++)
		if (l->del)
			l->del(l->items[i]);
	free(l->items);
	free(l);
}

long slurm_api_version(void)
{
	const char *v = getenv("SC_FAKE_API_VERSION");

	return (v ? strtol(v, NULL, 10) : 0) << 16;
}

static int init_calls;

void slurm_init(const char *conf)
{
	if (conf)
		die("slurm_init: scarbon passes NULL ($SLURM_CONF)");
	if (init_calls++)
		die("slurm_init called twice");
	slurm_conf.cluster_name = "carbontest";
	slurm_conf.accounting_storage_host = "dbd.example";
	slurm_conf.accounting_storage_port = 6819;
	flog("slurm_init");
}

char *slurm_strerror(int e)
{
	switch (e) {
	case ESLURM_ACCESS_DENIED: return "Access/permission denied";
	case SLURM_NO_CHANGE_IN_DATA: return "Request didn't affect anything";
	case ESLURM_DB_CONNECTION: return "Unable to connect to database";
	default: return "Unknown error";
	}
}

static char conn_token;

void *slurmdb_connection_get(uint16_t *persist_conn_flags)
{
	*persist_conn_flags = 0;
	if (!init_calls)
		die("slurmdb_connection_get before slurm_init");
	flog("connect");
	if (getenv("SC_FAKE_DBD_DOWN")) {
		errno = ESLURM_DB_CONNECTION;
		return &conn_token; /* as the real one: a handle, and errno */
	}
	return &conn_token;
}

int slurmdb_connection_commit(void *db_conn, bool commit)
{
	if (db_conn != &conn_token)
		die("commit: not our connection");
	flog("commit %d", commit ? 1 : 0);
	return SLURM_SUCCESS;
}

int slurmdb_connection_close(void **db_conn)
{
	if (!db_conn || *db_conn != &conn_token)
		die("close: not our connection");
	*db_conn = NULL;
	flog("close");
	return SLURM_SUCCESS;
}

slurmdb_job_rec_t *slurmdb_create_job_rec(void)
{
	slurmdb_job_rec_t *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->array_task_id = NO_VAL;
	j->derived_ec = NO_VAL;
	j->requid = -1;
	j->resvid = NO_VAL;
	j->steps = slurm_list_create(NULL);
	return j;
}

void slurmdb_destroy_job_rec(void *object)
{
	slurmdb_job_rec_t *j = object;

	if (!j)
		return;
	if (j->system_comment || j->admin_comment || j->derived_es || j->wckey)
		die("slurmdb_destroy_job_rec: a string of the caller's is still in the record "
		    "(libslurm would xfree it)");
	slurm_list_destroy(j->steps);
	free(j);
}

/* Sets column 22 of the dump row whose JobID is id and Cluster is cluster;
 * returns its JobIDRaw (malloc'd) or NULL when there is none. */
static char *store(const char *id, const char *cluster, const char *value)
{
	const char *path = getenv("SC_FAKE_DUMP");
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[8192], *out = NULL, *raw = NULL;
	size_t len = 0;
	FILE *o;

	if (!f)
		die("SC_FAKE_DUMP unreadable");
	o = open_memstream(&out, &len);
	while (fgets(line, sizeof(line), f)) {
		char *cols[32], copy[8192];
		int n = 0;
		snprintf(copy, sizeof(copy), "%s", line);
		copy[strcspn(copy, "\n")] = '\0';
		/* strsep keeps empty columns. */
		for (char *p = copy, *c; n < 32 && (c = strsep(&p, "|"));)
			cols[n++] = c;
		if (n >= 22 && strcmp(cols[0], id) == 0 && strcmp(cols[2], cluster) == 0 && !raw) {
			raw = strdup(cols[1]);
			for (int k = 0; k < 21; k++)
				fprintf(o, "%s|", cols[k]);
			fprintf(o, "%s\n", value);
		} else {
			fputs(line, o);
		}
	}
	fclose(f);
	fclose(o);
	if (raw) {
		f = fopen(path, "w");
		if (!f || fputs(out, f) < 0 || fclose(f) != 0)
			die("cannot write SC_FAKE_DUMP");
	}
	free(out);
	return raw;
}

fake_list slurmdb_job_modify(void *db_conn, slurmdb_job_cond_t *job_cond, slurmdb_job_rec_t *job)
{
	slurm_selected_step_t *s;
	const char *cluster;
	char id[64], *raw, *fail = getenv("SC_FAKE_FAIL");
	fake_list ret;

	if (db_conn != &conn_token)
		die("job_modify: not our connection");
	if (!job_cond || !job || !job->system_comment)
		die("job_modify: no condition or no SystemComment");
	if (job_cond->db_flags != SLURMDB_JOB_FLAG_NOTSET || job_cond->flags != JOBCOND_FLAG_NO_DEFAULT_USAGE)
		die("job_modify: db_flags/flags are not sacctmgr's");
	if (slurm_list_count(job_cond->cluster_list) != 1 || slurm_list_count(job_cond->step_list) != 1)
		die("job_modify: expected one cluster and one job");
	if (job->derived_ec != NO_VAL || job->admin_comment || job->wckey)
		die("job_modify: the record changes more than SystemComment");
	cluster = job_cond->cluster_list->items[0];
	s = job_cond->step_list->items[0];
	if (s->step_id.step_id != NO_VAL || s->step_id.step_het_comp != NO_VAL)
		die("job_modify: a step was selected");
	if (s->array_task_id != NO_VAL)
		snprintf(id, sizeof(id), "%u_%u", s->step_id.job_id, s->array_task_id);
	else if (s->het_job_offset != NO_VAL)
		snprintf(id, sizeof(id), "%u+%u", s->step_id.job_id, s->het_job_offset);
	else
		snprintf(id, sizeof(id), "%u", s->step_id.job_id);
	flog("modify cluster=%s job=%s SystemComment=%s", cluster, id, job->system_comment);
	if (getenv("SC_FAKE_DENY")) {
		errno = ESLURM_ACCESS_DENIED;
		return NULL;
	}
	ret = slurm_list_create(free);
	if (fail && strcmp(fail, id) == 0)
		return ret;
	if (getenv("SC_FAKE_MATCH2")) {
		slurm_list_append(ret, strdup("1 submitted at 2024-03-04T09:00:00"));
		slurm_list_append(ret, strdup("2 submitted at 2024-03-04T09:00:00"));
		return ret;
	}
	raw = store(id, cluster, job->system_comment);
	if (!raw) {
		/* What slurmdbd answers for a job it does not have. */
		slurm_list_destroy(ret);
		errno = SLURM_NO_CHANGE_IN_DATA;
		return NULL;
	}
	{
		char buf[128];
		snprintf(buf, sizeof(buf), "%s submitted at 2024-03-04T09:00:00", raw);
		slurm_list_append(ret, strdup(buf));
	}
	free(raw);
	return ret;
}
