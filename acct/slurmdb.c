/* slurm-carbon: SystemComment through libslurm's accounting API, loaded at
 * run time.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The request is the one sacctmgr builds for `modify job where jobid=J
 * cluster=C set SystemComment=V` (src/sacctmgr/job_functions.c,
 * sacctmgr_modify_job and _set_cond), minus strip_quotes().
 *
 * Memory: libslurm frees what its destroy functions are given with its own
 * allocator (xfree), so nothing malloc'd here is ever handed to one. The job
 * condition is ours (on the stack, its lists without destructors, their
 * elements ours); the job record comes from libslurm and gets our string only
 * for the call, taken back before it is destroyed.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>
#include <slurm/slurmdb.h>

#include "acct/slurmdb.h"

/* Slurm's list handle: `List` until 24.05, `list_t *` from 24.11. */
#ifdef HAVE_LIST_T
typedef list_t *sc_slurm_list;
#else
typedef List sc_slurm_list;
#endif

/* The functions, typed from the headers (a signature that changes between
 * releases fails to compile here rather than misbehave at run time). */
static __typeof__(slurm_init) *p_init;
static __typeof__(slurm_api_version) *p_api_version;
static __typeof__(slurm_strerror) *p_strerror;
static __typeof__(slurmdb_connection_get) *p_conn_get;
static __typeof__(slurmdb_connection_commit) *p_conn_commit;
static __typeof__(slurmdb_connection_close) *p_conn_close;
static __typeof__(slurmdb_job_modify) *p_job_modify;
static __typeof__(slurmdb_destroy_job_rec) *p_destroy_job_rec;
static __typeof__(slurm_list_create) *p_list_create;
static __typeof__(slurm_list_append) *p_list_append;
static __typeof__(slurm_list_count) *p_list_count;
static __typeof__(slurm_list_destroy) *p_list_destroy;
/* Exported by libslurm (src/common/slurmdb_defs.h) but declared by no public
 * header; the same signature from 22.05 to 26.05. It sets the fields a
 * modification must leave alone (derived_ec, ...) to NO_VAL, which only the
 * library knows for its release. */
static slurmdb_job_rec_t *(*p_create_job_rec)(void);
/* libslurm's parsed slurm.conf (src/common/read_config.h): ClusterName and
 * the slurmdbd address, for defaults and messages. Optional. */
static slurm_conf_t *p_conf;

static const struct {
	const char *name;
	void *addr; /* the pointer above that receives it */
	int optional;
} syms[] = {
	{ "slurm_init", &p_init, 0 },
	{ "slurm_api_version", &p_api_version, 0 },
	{ "slurm_strerror", &p_strerror, 0 },
	{ "slurmdb_connection_get", &p_conn_get, 0 },
	{ "slurmdb_connection_commit", &p_conn_commit, 0 },
	{ "slurmdb_connection_close", &p_conn_close, 0 },
	{ "slurmdb_job_modify", &p_job_modify, 0 },
	{ "slurmdb_create_job_rec", &p_create_job_rec, 0 },
	{ "slurmdb_destroy_job_rec", &p_destroy_job_rec, 0 },
	{ "slurm_list_create", &p_list_create, 0 },
	{ "slurm_list_append", &p_list_append, 0 },
	{ "slurm_list_count", &p_list_count, 0 },
	{ "slurm_list_destroy", &p_list_destroy, 0 },
	{ "slurm_conf", &p_conf, 1 },
};

static void *lib;       /* the loaded libslurm; never unloaded once usable */
static char lib_path[PATH_MAX]; /* which file that is */
static int initialised; /* slurm_init() ran */

/* Where Slurm installs libslurmfull.so, relative to libslurm.so's directory:
 * its plugin directory (Slurm's own layout; Debian's). */
static const char *const full_dirs[] = { "slurm", "slurm-wlm" };

/* libslurm's API version (its SONAME number) per release, from each
 * release's META (API_CURRENT); 22.05's is Debian 12's libslurm.so.38. */
static const struct {
	int year, month, api;
} releases[] = {
	{ 22, 5, 38 }, { 23, 2, 39 }, { 23, 11, 40 }, { 24, 5, 41 },
	{ 24, 11, 42 }, { 25, 5, 43 }, { 25, 11, 44 }, { 26, 5, 45 },
};

const char *sc_slurmdb_path(void)
{
	const char *p = getenv(SC_LIBSLURM_ENV);

	return p && *p ? p : SC_LIBSLURM_PATH;
}

int sc_slurmdb_api_of(int year, int month)
{
	for (size_t i = 0; i < sizeof(releases) / sizeof(releases[0]); i++)
		if (releases[i].year == year && releases[i].month == month)
			return releases[i].api;
	return -1;
}

/* "Slurm 24.11" for an API version, "an unknown Slurm" when not in the table. */
static void release_of(int api, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof(releases) / sizeof(releases[0]); i++)
		if (releases[i].api == api) {
			snprintf(buf, n, "Slurm %d.%02d", releases[i].year, releases[i].month);
			return;
		}
	snprintf(buf, n, "an unknown Slurm");
}

const char *sc_slurmdb_loaded(void)
{
	return lib ? lib_path : "";
}

/* The libslurmfull.so that goes with the libslurm at path, in buf; 0 when
 * there is none (or path names no directory, or is that library already). */
static int full_of(const char *path, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');

	if (!slash || strncmp(slash + 1, "libslurmfull", 12) == 0)
		return 0;
	for (size_t i = 0; i < sizeof(full_dirs) / sizeof(full_dirs[0]); i++) {
		int k = snprintf(buf, n, "%.*s/%s/libslurmfull.so", (int)(slash - path), path, full_dirs[i]);
		if (k > 0 && (size_t)k < n && access(buf, R_OK) == 0)
			return 1;
	}
	return 0;
}

int sc_slurmdb_load(struct sc_err *err)
{
	const char *path = sc_slurmdb_path();
	char full[PATH_MAX];
	int want = sc_slurmdb_api_of(SLURM_VERSION_MAJOR(SLURM_VERSION_NUMBER),
				     SLURM_VERSION_MINOR(SLURM_VERSION_NUMBER));
	void *h;
	int have;

	if (lib)
		return 0;
	dlerror();
	/* RTLD_GLOBAL: the plugins libslurm opens (auth/munge,
	 * accounting_storage/slurmdbd) take its symbols from the global scope.
	 * They are built against libslurmfull.so, what Slurm's own commands
	 * link: libslurm.so exports the API only, and a plugin can die on a
	 * symbol it lacks (accounting_storage/slurmdbd's error paths call
	 * slurmdbd_msg_type_2_str, which no libslurm.so of 22.05-26.05
	 * exports). So its libslurmfull.so is preferred where there is one. */
	h = NULL;
	if (full_of(path, full, sizeof(full)) && (h = dlopen(full, RTLD_NOW | RTLD_GLOBAL)))
		path = full;
	if (!h)
		h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
	if (!h)
		return sc_err_set(err, "cannot load libslurm %s: %s", path, dlerror());
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *v;
		const char *why;
		dlerror();
		v = dlsym(h, syms[i].name);
		why = dlerror();
		if (!v && !syms[i].optional) {
			sc_err_set(err, "libslurm %s has no %s (%s): not a usable libslurm", path, syms[i].name,
				   why ? why : "NULL");
			dlclose(h);
			return -1;
		}
		/* The dlsym idiom without converting between function and
		 * object pointers. */
		memcpy(syms[i].addr, &v, sizeof(v));
	}
	have = (int)(p_api_version() >> 16);
	if (want >= 0 && have != want) {
		char rel[32];
		release_of(have, rel, sizeof(rel));
		sc_err_set(err, "libslurm %s is %s's (API %d) but scarbon was built with Slurm %d.%02d's headers "
			   "(API %d), whose structures differ: set %s to Slurm %d.%02d's libslurm, or build "
			   "scarbon against this Slurm", path, rel, have, SLURM_VERSION_MAJOR(SLURM_VERSION_NUMBER),
			   SLURM_VERSION_MINOR(SLURM_VERSION_NUMBER), want, SC_LIBSLURM_ENV,
			   SLURM_VERSION_MAJOR(SLURM_VERSION_NUMBER), SLURM_VERSION_MINOR(SLURM_VERSION_NUMBER));
		dlclose(h);
		return -1;
	}
	snprintf(lib_path, sizeof(lib_path), "%s", path);
	lib = h;
	return 0;
}

struct sc_slurmdb {
	void *conn;
};

/* "host:port" of slurmdbd from slurm.conf, or "" when not known. */
static void dbd_addr(char *buf, size_t n)
{
	buf[0] = '\0';
	if (p_conf && p_conf->accounting_storage_host)
		snprintf(buf, n, " at %s:%u", p_conf->accounting_storage_host,
			 (unsigned)p_conf->accounting_storage_port);
}

struct sc_slurmdb *sc_slurmdb_open(struct sc_err *err)
{
	const char *conf = getenv("SLURM_CONF");
	struct sc_slurmdb *db;
	uint16_t flags = 0;
	int e;

	if (sc_slurmdb_load(err) < 0)
		return NULL;
	if (!initialised) {
		/* slurm_init() exits the process on an unreadable file. */
		if (conf && *conf && access(conf, R_OK) < 0) {
			sc_err_set(err, "cannot read %s (SLURM_CONF): %m", conf);
			return NULL;
		}
		p_init(NULL);
		initialised = 1;
	}
	db = calloc(1, sizeof(*db));
	if (!db) {
		sc_err_set(err, "out of memory");
		return NULL;
	}
	/* How sacctmgr tells a failed connection: errno, whatever the pointer. */
	errno = 0;
	db->conn = p_conn_get(&flags);
	e = errno;
	if (e || !db->conn) {
		char addr[300];
		dbd_addr(addr, sizeof(addr));
		sc_err_set(err, "cannot reach slurmdbd%s (AccountingStorageHost and AccountingStoragePort of "
			   "slurm.conf): %s", addr, e ? p_strerror(e) : "no connection");
		if (db->conn)
			p_conn_close(&db->conn);
		free(db);
		return NULL;
	}
	return db;
}

/* The record sacct shows as jobid: "N", "N_T" or "N+K" (as
 * unfmt_job_id_string() reads them for sacctmgr). 0, or -1 when malformed. */
static int parse_jobid(const char *s, slurm_selected_step_t *step)
{
	char *end;
	unsigned long long job, sub = 0;
	char sep;

	memset(step, 0, sizeof(*step));
	step->array_task_id = NO_VAL;
	step->het_job_offset = NO_VAL;
	step->step_id.step_id = NO_VAL;
	step->step_id.step_het_comp = NO_VAL;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	job = strtoull(s, &end, 10);
	if (errno || job == 0 || job >= NO_VAL)
		return -1;
	sep = *end;
	if (sep == '_' || sep == '+') {
		const char *t = end + 1;
		if (*t < '0' || *t > '9')
			return -1;
		sub = strtoull(t, &end, 10);
		if (errno || sub >= NO_VAL)
			return -1;
	}
	if (*end)
		return -1;
	step->step_id.job_id = (uint32_t)job;
	if (sep == '_')
		step->array_task_id = (uint32_t)sub;
	else if (sep == '+')
		step->het_job_offset = (uint32_t)sub;
	return 0;
}

int sc_slurmdb_set_system_comment(struct sc_slurmdb *db, const char *jobid, const char *cluster,
				  const char *value, struct sc_err *err)
{
	slurm_selected_step_t step;
	slurmdb_job_cond_t cond;
	slurmdb_job_rec_t *rec = NULL;
	sc_slurm_list clusters = NULL, steps = NULL, done = NULL;
	char *cl = NULL, *text = NULL;
	int rc = -1, n, e, r;

	if (parse_jobid(jobid, &step) < 0)
		return sc_err_set(err, "invalid job id '%s': expected N, N_T or N+K", SC_PRINTABLE(jobid));
	if (strpbrk(value, "'\\"))
		return sc_err_set(err, "the new SystemComment holds a ' or a \\, which slurmdbd would put into its "
				  "SQL unescaped: not written (change the comment's other text)");
	if ((!cluster || !*cluster) && p_conf)
		cluster = p_conf->cluster_name;
	if (!cluster || !*cluster)
		return sc_err_set(err, "no cluster: the job's record names none and slurm.conf has no ClusterName");
	cl = strdup(cluster);
	text = strdup(value);
	if (!cl || !text) {
		sc_err_set(err, "out of memory");
		goto out;
	}
	memset(&cond, 0, sizeof(cond));
	cond.db_flags = SLURMDB_JOB_FLAG_NOTSET;
	cond.flags = JOBCOND_FLAG_NO_DEFAULT_USAGE;
	clusters = p_list_create(NULL);
	steps = p_list_create(NULL);
	rec = p_create_job_rec();
	if (!clusters || !steps || !rec) {
		sc_err_set(err, "out of memory");
		goto out;
	}
	p_list_append(clusters, cl);
	p_list_append(steps, &step);
	cond.cluster_list = clusters;
	cond.step_list = steps;
	rec->system_comment = text;

	errno = 0;
	done = p_job_modify(db->conn, &cond, rec);
	e = errno;
	rec->system_comment = NULL;
	if (!done) {
		if (e == ESLURM_ACCESS_DENIED)
			sc_err_set(err, "permission denied: only root, SlurmUser and users with AdminLevel Operator "
				   "or Administrator may set SystemComment (%s)", p_strerror(e));
		else if (e == SLURM_NO_CHANGE_IN_DATA)
			sc_err_set(err, "not found in accounting on cluster %s (Nothing modified)", cl);
		else
			sc_err_set(err, "slurmdbd did not modify it: %s", e ? p_strerror(e) : "no reason given");
		goto out;
	}
	n = p_list_count(done);
	if (n == 0) {
		sc_err_set(err, "not found in accounting on cluster %s (Nothing modified)", cl);
		goto out;
	}
	if (n > 1) {
		p_conn_commit(db->conn, false);
		sc_err_set(err, "%d records matched instead of one: rolled back", n);
		goto out;
	}
	r = p_conn_commit(db->conn, true);
	if (r != SLURM_SUCCESS) {
		sc_err_set(err, "slurmdbd did not commit the change: %s", p_strerror(r));
		goto out;
	}
	rc = 0;
out:
	if (done)
		p_list_destroy(done);
	if (clusters)
		p_list_destroy(clusters);
	if (steps)
		p_list_destroy(steps);
	if (rec)
		p_destroy_job_rec(rec);
	free(cl);
	free(text);
	return rc;
}

void sc_slurmdb_close(struct sc_slurmdb *db)
{
	if (!db)
		return;
	if (db->conn)
		p_conn_close(&db->conn);
	free(db);
}
