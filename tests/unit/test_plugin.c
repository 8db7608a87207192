/* slurm-carbon: unit tests of job_submit/carbon's glue (plugin/job_submit_carbon.c)
 * without slurmctld: the plugin is compiled into this test with a stand-in for
 * plugin/ctld.c (the slurmctld adapter) and for Slurm's logging, so that every path of
 * init, job_submit and job_modify can be driven and its effect on the job_desc_msg_t,
 * the messages and the memory handed over checked.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <jansson.h>
#include <pthread.h>
#include <math.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include <slurm/slurm_errno.h>
#include <slurm/spank.h> /* slurm_info, slurm_error, slurm_debug */

#include "budget/budget.h"
#include "metrics/counters.h"
#include "plugin/compat.h"
#include "plugin/ctld.h"
#include "record/record.h"

int init(void);
int fini(void);
int job_submit(job_desc_msg_t *job_desc, uint32_t submit_uid, char **err_msg);
int job_modify(SC_JOB_MODIFY_PARAMS);

/* --- the stand-in for slurmctld -------------------------------------------------------- */

/* A job record is only ever read through job_common_env_vars(). */
struct job_record {
	char **env;
};

static int live; /* blocks from the "slurmctld allocator" not yet freed */
static char logbuf[16384];

static void *t_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (p)
		live++;
	return p;
}

void sc_ctld_free(void *p)
{
	if (p)
		live--;
	free(p);
}

const struct sc_alloc sc_ctld_alloc = { t_calloc, sc_ctld_free };

char *sc_ctld_strdup(const char *s)
{
	char *p = t_calloc(1, strlen(s) + 1);
	if (p)
		strcpy(p, s);
	return p;
}

const char *sc_ctld_conf_path(void)
{
	return "/nonexistent/slurm.conf";
}

int sc_ctld_is_operator(uint32_t uid)
{
	return uid == 0;
}

int sc_ctld_job_hold(job_record_t *job, int64_t *t)
{
	char *env[8];
	size_t n = 0;

	/* job_common_env_vars() prefixes spank_job_env entries with SPANK_. */
	for (char **e = job->env; e && *e && n < 7; e++) {
		static char buf[8][128];
		snprintf(buf[n], sizeof(buf[n]), "SPANK_%s", *e);
		env[n] = buf[n];
		n++;
	}
	env[n] = NULL;
	return sc_hold_find(env, t);
}

int sc_ctld_job_ledger(job_record_t *job, uint32_t *key)
{
	for (char **e = job->env; e && *e; e++)
		if (!strncmp(*e, SC_ENV_LEDGER "=", strlen(SC_ENV_LEDGER "=")))
			return sscanf(*e + strlen(SC_ENV_LEDGER "="), "%u", key) == 1 && *key ? 1 : -1;
	return 0;
}

char *sc_ctld_default_account(uint32_t uid, char *buf, size_t n)
{
	if (uid != 1001)
		return NULL;
	snprintf(buf, n, "ops");
	return buf;
}

/* The reloader logs too: under log_lock (tests read logbuf once it is quiet, or under it). */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void logv(const char *fmt, va_list ap)
{
	size_t used;

	pthread_mutex_lock(&log_lock);
	used = strlen(logbuf);
	if (used + 2 < sizeof(logbuf)) {
		vsnprintf(logbuf + used, sizeof(logbuf) - used - 1, fmt, ap);
		strcat(logbuf, "\n");
	}
	pthread_mutex_unlock(&log_lock);
}

/* slurmctld's partitions and jobs as the sync reads them: the test sets fake_parts and
 * fake_jobs under fake_lock; each RPC copies them and counts itself. */
static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sc_ctld_part fake_parts[4];
static struct sc_ctld_job fake_jobs[8];
static size_t n_fake_parts, n_fake_jobs;
static int fake_fail;
static unsigned part_rpcs, job_rpcs;

struct sc_ctld_list {
	size_t n;
	struct sc_ctld_part p[4];
	struct sc_ctld_job j[8];
	char *comments[8];
};

static struct sc_ctld_list *fake_load(int jobs, size_t *n, struct sc_err *err)
{
	struct sc_ctld_list *l = NULL;

	pthread_mutex_lock(&fake_lock);
	(*(jobs ? &job_rpcs : &part_rpcs))++;
	if (fake_fail)
		sc_err_set(err, "slurm_load_%s: Unable to contact slurm controller", jobs ? "jobs" : "partitions");
	else if ((l = calloc(1, sizeof(*l)))) {
		l->n = jobs ? n_fake_jobs : n_fake_parts;
		memcpy(l->p, fake_parts, sizeof(fake_parts));
		memcpy(l->j, fake_jobs, sizeof(fake_jobs));
		for (size_t i = 0; jobs && i < l->n; i++)
			l->j[i].admin_comment = l->comments[i] = fake_jobs[i].admin_comment ? strdup(fake_jobs[i].admin_comment) : NULL;
		*n = l->n;
	}
	pthread_mutex_unlock(&fake_lock);
	return l;
}

struct sc_ctld_list *sc_ctld_load_parts(size_t *n, struct sc_err *err)
{
	return fake_load(0, n, err);
}

struct sc_ctld_list *sc_ctld_load_jobs(size_t *n, struct sc_err *err)
{
	return fake_load(1, n, err);
}

void sc_ctld_part_at(const struct sc_ctld_list *l, size_t i, struct sc_ctld_part *out)
{
	*out = l->p[i];
}

void sc_ctld_job_at(const struct sc_ctld_list *l, size_t i, struct sc_ctld_job *out)
{
	*out = l->j[i];
}

void sc_ctld_list_free(struct sc_ctld_list *l)
{
	for (size_t i = 0; l && i < 8; i++)
		free(l->comments[i]);
	free(l);
}

/* Waits (up to a minute, polling) until *counter has grown by n: with n = 2, one whole sync
 * ran after the call. */
static void wait_rpcs(unsigned *counter, unsigned n)
{
	unsigned from, now;

	pthread_mutex_lock(&fake_lock);
	from = *counter;
	pthread_mutex_unlock(&fake_lock);
	for (int i = 0; i < 6000; i++) {
		pthread_mutex_lock(&fake_lock);
		now = *counter;
		pthread_mutex_unlock(&fake_lock);
		if (now - from >= n)
			return;
		usleep(10000);
	}
	fail_msg("the reloader made %u of %u RPCs", now - from, n);
}

#define LOGGER(name)                               \
	void name(const char *fmt, ...)            \
	{                                          \
		va_list ap;                        \
		va_start(ap, fmt);                 \
		logv(fmt, ap);                     \
		va_end(ap);                        \
	}
LOGGER(slurm_info)
LOGGER(slurm_error)
LOGGER(slurm_debug)

/* --- fixtures -------------------------------------------------------------------------- */

static char dir[64], conf[128], csv[128];
static time_t t_now;

/* Zone DE: 500 gCO2e/kWh, but 100 from 2 h to 4 h from now; FR: a constant 50. */
static void write_files(const char *mode, const char *extra)
{
	FILE *f = fopen(csv, "w");
	time_t start;

	assert_non_null(f);
	t_now = time(NULL);
	start = t_now - t_now % 3600 - 3600;
	fprintf(f, "Time,Carbon Intensity\n");
	for (time_t t = start; t < t_now + 24 * 3600; t += 600) {
		struct tm tm;
		gmtime_r(&t, &tm);
		fprintf(f, "%04d-%02d-%02dT%02d:%02d:00Z,%d\n", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			tm.tm_hour, tm.tm_min, t >= t_now + 7200 && t < t_now + 4 * 3600 ? 100 : 500);
	}
	fclose(f);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f,
		"Mode=%s\nMinSavings=10%%\nMaxDelay=8:00:00\nStateDir=%s\nExemptAccounts=ops\n%s\n"
		"ZoneName=DE Provider=file Path=de.csv\n"
		"ZoneName=FR Provider=static Intensity=50\n"
		"PartitionName=DEFAULT PUE=1.2 CoreWatts=10 GPUWatts=300 MemWattsPerGB=0 DefaultTime=1:00:00\n"
		"PartitionName=compute Zone=DE Default=yes\n"
		"PartitionName=gpu Zone=DE\n"
		"PartitionName=flex Zone=DE Alternatives=compute-fr\n"
		"PartitionName=compute-fr Zone=FR\n",
		mode, dir, extra ? extra : "");
	fclose(f);
}

static int start(const char *mode, const char *extra)
{
	write_files(mode, extra);
	setenv("SLURM_CARBON_CONF", conf, 1);
	logbuf[0] = '\0';
	live = 0;
	return init();
}

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_plugin.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/carbon.conf", dir);
	snprintf(csv, sizeof(csv), "%s/de.csv", dir);
	return 0;
}

static int teardown_dir(void **state)
{
	(void)state;
	unlink(conf);
	unlink(csv);
	rmdir(dir);
	return 0;
}

static char batch_script[] = "#!/bin/sh\nsrun ./simulate\n";

/* A job as slurmctld hands it to job_submit: strings and spank_job_env from its allocator. */
static void job_init(job_desc_msg_t *jd, const char *partition, uint32_t minutes, const char *const *env)
{
	size_t n = 0;

	memset(jd, 0, sizeof(*jd));
	jd->min_nodes = NO_VAL;
	jd->num_tasks = 4;
	jd->min_cpus = 4;
	jd->cpus_per_task = NO_VAL16;
	jd->ntasks_per_node = NO_VAL16;
	jd->pn_min_cpus = NO_VAL16;
	jd->pn_min_memory = NO_VAL64;
	jd->time_limit = minutes;
	jd->het_job_offset = NO_VAL;
	jd->user_id = 1000;
	jd->script = batch_script; /* sbatch; interactive jobs have none */
	if (partition)
		jd->partition = sc_ctld_strdup(partition);
	while (env && env[n])
		n++;
	if (n) {
		jd->spank_job_env = t_calloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			jd->spank_job_env[i] = sc_ctld_strdup(env[i]);
		jd->spank_job_env_size = (uint32_t)n;
	}
}

/* Frees what the job holds, as slurmctld would, and checks nothing leaked or was freed twice. */
static void job_free(job_desc_msg_t *jd, char *err_msg)
{
	for (uint32_t i = 0; i < jd->spank_job_env_size; i++)
		sc_ctld_free(jd->spank_job_env[i]);
	if (jd->spank_job_env)
		assert_null(jd->spank_job_env[jd->spank_job_env_size]);
	sc_ctld_free(jd->spank_job_env);
	sc_ctld_free(jd->partition);
	sc_ctld_free(jd->admin_comment);
	sc_ctld_free(err_msg);
	assert_int_equal(live, 0);
}

static json_t *record_of(const job_desc_msg_t *jd)
{
	json_t *r = sc_comment_get(jd->admin_comment, "carbon");
	assert_non_null(r);
	return r;
}

static const char *str(json_t *r, const char *k)
{
	const char *s = json_string_value(json_object_get(r, k));
	return s ? s : "";
}

/* --- init ------------------------------------------------------------------------------ */

static void test_init_bad_conf(void **state)
{
	FILE *f;

	(void)state;
	write_files("enforce", NULL);
	f = fopen(conf, "a");
	fprintf(f, "MaxDelai=3\nPartitionName=cpu Zone=XX\n");
	fclose(f);
	setenv("SLURM_CARBON_CONF", conf, 1);
	logbuf[0] = '\0';
	assert_int_equal(init(), SLURM_ERROR);
	/* Every error, with file and line, then what to do. */
	assert_contains(logbuf, "carbon.conf:14: unknown key 'MaxDelai'");
	assert_contains(logbuf, "carbon.conf:15: ");
	assert_contains(logbuf, "is invalid, so slurmctld stops");
	assert_int_equal(fini(), SLURM_SUCCESS);

	setenv("SLURM_CARBON_CONF", "/nonexistent/carbon.conf", 1);
	logbuf[0] = '\0';
	assert_int_equal(init(), SLURM_ERROR);
	assert_contains(logbuf, "/nonexistent/carbon.conf: cannot read");
	assert_int_equal(fini(), SLURM_SUCCESS);
}

static void test_init_logs(void **state)
{
	(void)state;
	assert_int_equal(start("enforce", NULL), SLURM_SUCCESS);
	assert_contains(logbuf, "Mode=enforce, 4 managed partition(s), 2 zone(s)");
	assert_contains(logbuf, "zone DE: forecast from file:");
	assert_contains(logbuf, "zone FR: forecast from static:50");
	assert_contains(logbuf, "forecasts loaded (2 of 2 zones usable)");
	assert_int_equal(fini(), SLURM_SUCCESS);
}

/* --- job_submit ------------------------------------------------------------------------ */

static void test_delay(void **state)
{
	static const char *const forged[] = { "CARBON_NOT_BEFORE=9999999999", "OTHER=1",
					      "SPANK_CARBON_NOT_BEFORE=9999999999", NULL };
	job_desc_msg_t jd;
	char *msg = NULL;
	json_t *r;

	(void)state;
	assert_int_equal(start("enforce", NULL), SLURM_SUCCESS);
	job_init(&jd, "gpu", 60, forged);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	r = record_of(&jd);
	assert_string_equal(str(r, "decision"), "delay");
	assert_true(json_is_true(json_object_get(r, "applied")));
	/* begin_time is the plan's start, inside the greener window, and the job carries it
	 * as its carbon hold instead of the forged one. */
	assert_int_equal((int64_t)jd.begin_time, json_integer_value(json_object_get(r, "start")));
	assert_true(jd.begin_time >= t_now + 7200 && jd.begin_time <= t_now + 3 * 3600);
	{
		char want[64];
		snprintf(want, sizeof(want), "%lld", (long long)jd.begin_time);
		assert_string_equal(sc_env_get(jd.spank_job_env, jd.spank_job_env_size, SC_ENV_NOT_BEFORE), want);
		/* Both forged names are gone: slurmctld would read SPANK_CARBON_NOT_BEFORE
		 * back as a hold. */
		assert_int_equal(jd.spank_job_env_size, 2);
		assert_string_equal(jd.spank_job_env[0], "OTHER=1");
		assert_null(sc_env_get(jd.spank_job_env, jd.spank_job_env_size, "SPANK_CARBON_NOT_BEFORE"));
	}
	assert_string_equal(jd.partition, "gpu");
	assert_contains(msg, "carbon: delayed to ");
	assert_contains(msg, "(-80%)");
	json_decref(r);
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

/* A job whose time limit is UNLIMITED is priced at its partition's
 * DefaultTime, and its record says so; one with a limit has no such note. */
static void test_unlimited_time(void **state)
{
	job_desc_msg_t jd;
	char *msg = NULL;
	json_t *r;

	(void)state;
	assert_int_equal(start("enforce", NULL), SLURM_SUCCESS);
	job_init(&jd, "gpu", INFINITE, NULL);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	r = record_of(&jd);
	assert_string_not_equal(str(r, "decision"), "none");
	assert_contains(str(r, "time_note"), "time limit UNLIMITED: priced at DefaultTime=");
	assert_contains(str(r, "time_note"), " of partition ");
	json_decref(r);
	job_free(&jd, msg);
	msg = NULL;
	job_init(&jd, "gpu", 60, NULL);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	r = record_of(&jd);
	assert_null(json_object_get(r, "time_note"));
	json_decref(r);
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

/* Estimates=learned: the learned power is priced in the plugin's own room
 * (allocated at init), job after job, as sc_evaluate_model's own copy would:
 * compute's measured 5 W per core, 4 cores: 20 W, not carbon.conf's 40. */
static void test_learned_power(void **state)
{
	char model[256], text[512];
	job_desc_msg_t jd;
	char *msg = NULL;
	json_t *r;
	FILE *f;

	(void)state;
	write_files("enforce", NULL); /* sets t_now */
	snprintf(model, sizeof(model), "%s/estimates.json", dir);
	snprintf(text, sizeof(text),
		 "{\"version\":1,\"kind\":\"slurm-carbon estimates\",\"created\":%lld,\"quantile\":0.9,"
		 "\"entries\":[{\"level\":\"partition\",\"partition\":\"compute\",\"jobs\":40,"
		 "\"ratio_median\":0.5,\"ratio_q\":0.9,\"core_w\":5,\"core_w_jobs\":40}]}",
		 (long long)t_now);
	f = fopen(model, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(start("enforce", "Estimates=learned"), SLURM_SUCCESS);
	for (int k = 0; k < 2; k++) {
		job_init(&jd, k ? "gpu" : "compute", 60, NULL);
		assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
		r = record_of(&jd);
		assert_string_equal(str(r, "estimate"), k ? "configured" : "learned");
		/* compute: learned 4 × 5 W; gpu (no entry): carbon.conf's 4 × 10 W. */
		assert_near(json_number_value(json_object_get(r, "watts")), k ? 40 : 20, 1e-9);
		json_decref(r);
		job_free(&jd, msg);
		msg = NULL;
	}
	assert_int_equal(fini(), SLURM_SUCCESS);
	unlink(model);
}

static void test_reroute_and_messages(void **state)
{
	static const char *const forged[] = { "CARBON_NOT_BEFORE=9999999999", NULL };
	job_desc_msg_t jd;
	char *msg;
	json_t *r;

	(void)state;
	assert_int_equal(start("enforce", NULL), SLURM_SUCCESS);
	/* An earlier plugin's message and an admin's comment are kept; a forged hold goes
	 * although the job is not delayed. */
	job_init(&jd, "flex", 30, forged);
	msg = sc_ctld_strdup("lua: hello");
	jd.admin_comment = sc_ctld_strdup("ticket 7");
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	assert_string_equal(jd.partition, "compute-fr");
	assert_int_equal(jd.begin_time, 0);
	assert_int_equal(jd.spank_job_env_size, 0);
	assert_null(jd.spank_job_env[0]);
	assert_true(strncmp(msg, "lua: hello\ncarbon: rerouted to partition compute-fr", 51) == 0);
	assert_true(strncmp(jd.admin_comment, "ticket 7 {\"carbon\":", 19) == 0);
	r = record_of(&jd);
	assert_string_equal(str(r, "decision"), "reroute");
	assert_string_equal(str(r, "requested"), "flex");
	json_decref(r);
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

static void test_reject(void **state)
{
	static const char *const budget[] = { "CARBON_BUDGET=1g", NULL };
	job_desc_msg_t jd;
	char *msg = NULL;

	(void)state;
	assert_int_equal(start("enforce", NULL), SLURM_SUCCESS);
	job_init(&jd, "gpu", 600, budget);
	assert_int_equal(job_submit(&jd, 1000, &msg), ESLURM_ACCOUNTING_POLICY);
	assert_contains(msg, "carbon: rejected: over the budget of 1 gCO2e");
	assert_contains(msg, "the best achievable is est.");
	assert_null(jd.admin_comment);
	assert_int_equal(jd.begin_time, 0);
	assert_contains(logbuf, "rejected a job of uid 1000");
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

static void test_forged_options(void **state)
{
	static const char *const bad[] = { "CARBON_BUDGET=-3kg", NULL };
	static const char *const optout[] = { "CARBON_POLICY=none", NULL };
	job_desc_msg_t jd;
	char *msg = NULL;
	json_t *r;

	(void)state;
	/* enforce: an invalid value is refused, saying what is accepted. */
	assert_int_equal(start("enforce", "AllowOptOut=no"), SLURM_SUCCESS);
	job_init(&jd, "gpu", 60, bad);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_ERROR);
	assert_contains(msg, "carbon: --carbon-budget: ");
	assert_null(jd.admin_comment);
	job_free(&jd, msg);
	msg = NULL;
	job_init(&jd, "gpu", 60, optout);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_ERROR);
	assert_contains(msg, "does not allow opting out");
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);

	/* advise: the job goes through, recorded as left alone, and the user is told. */
	msg = NULL;
	assert_int_equal(start("advise", NULL), SLURM_SUCCESS);
	job_init(&jd, "gpu", 60, bad);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	r = record_of(&jd);
	assert_string_equal(str(r, "decision"), "none");
	assert_contains(str(r, "reason"), "invalid option: --carbon-budget");
	assert_contains(msg, "carbon: not planned (invalid option");
	json_decref(r);
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

static void test_advise(void **state)
{
	job_desc_msg_t jd;
	char *msg = NULL;
	json_t *r;

	(void)state;
	assert_int_equal(start("advise", NULL), SLURM_SUCCESS);
	job_init(&jd, "flex", 60, NULL);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	assert_string_equal(jd.partition, "flex");
	assert_int_equal(jd.begin_time, 0);
	assert_null(jd.spank_job_env);
	r = record_of(&jd);
	assert_string_equal(str(r, "mode"), "advise");
	assert_false(json_is_true(json_object_get(r, "applied")));
	assert_contains(msg, "carbon (advice, not applied)");
	json_decref(r);
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

static void test_left_alone(void **state)
{
	job_desc_msg_t jd;
	char *msg = NULL;
	json_t *r;
	FILE *f;

	(void)state;
	assert_int_equal(start("enforce", NULL), SLURM_SUCCESS);
	/* The user's default account is exempt. */
	job_init(&jd, "gpu", 60, NULL);
	jd.user_id = 1001;
	assert_int_equal(job_submit(&jd, 1001, &msg), SLURM_SUCCESS);
	r = record_of(&jd);
	assert_string_equal(str(r, "reason"), "exempt account");
	assert_int_equal(jd.begin_time, 0);
	assert_string_equal(msg, "carbon: not planned (exempt account)");
	json_decref(r);
	job_free(&jd, msg);

	/* A heterogeneous job component. */
	msg = NULL;
	job_init(&jd, "gpu", 60, NULL);
	jd.het_job_offset = 0;
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	r = record_of(&jd);
	assert_string_equal(str(r, "decision"), "none");
	assert_contains(str(r, "reason"), "heterogeneous job");
	json_decref(r);
	job_free(&jd, msg);

	/* An interactive job (salloc, srun: no script): left alone, its budget recorded. */
	msg = NULL;
	{
		static const char *const env[] = { "CARBON_BUDGET=2kg", NULL };
		job_init(&jd, "gpu", 60, env);
	}
	jd.script = NULL;
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	assert_int_equal(jd.begin_time, 0);
	assert_string_equal(msg, "carbon: not planned (interactive job, PlanInteractive=no)");
	r = record_of(&jd);
	assert_string_equal(str(r, "decision"), "none");
	assert_near(json_number_value(json_object_get(r, "budget_gco2e")), 2000, 0);
	json_decref(r);
	job_free(&jd, msg);

	/* An unmanaged partition: recorded, but no message. */
	msg = NULL;
	job_init(&jd, "debug", 60, NULL);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	assert_null(msg);
	r = record_of(&jd);
	assert_contains(str(r, "reason"), "partition debug is not managed");
	json_decref(r);
	job_free(&jd, msg);
	/* A partition name with control bytes is quoted printable. */
	msg = NULL;
	job_init(&jd, "de\x1b[2Jbug", 60, NULL);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	r = record_of(&jd);
	assert_contains(str(r, "reason"), "partition de\\x1b[2Jbug is not managed");
	json_decref(r);
	job_free(&jd, msg);

	/* An unreadable GPU request. */
	msg = NULL;
	job_init(&jd, "gpu", 60, NULL);
	jd.tres_per_node = "gres:gpu:a:b:c";
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	jd.tres_per_node = NULL;
	r = record_of(&jd);
	assert_contains(str(r, "reason"), "cannot read the job's GPU request");
	json_decref(r);
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);

	/* A corrupt forecast: the job goes through, and the record says why. */
	msg = NULL;
	assert_int_equal(start("enforce", NULL), SLURM_SUCCESS);
	assert_int_equal(fini(), SLURM_SUCCESS);
	f = fopen(csv, "w");
	fprintf(f, "Time,Carbon Intensity\nsoon,lots\n");
	fclose(f);
	setenv("SLURM_CARBON_CONF", conf, 1);
	logbuf[0] = '\0';
	assert_int_equal(init(), SLURM_SUCCESS);
	assert_contains(logbuf, "zone DE: no usable forecast, its jobs run as submitted");
	job_init(&jd, "gpu", 60, NULL);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	assert_int_equal(jd.begin_time, 0);
	r = record_of(&jd);
	assert_contains(str(r, "reason"), "no usable forecast for zone DE");
	json_decref(r);
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

/* Decisions are counted for scarbon metrics, saved in StateDir by fini (and the reloader),
 * and a restart goes on from the saved counts. */
static void test_counters(void **state)
{
	static const char *const bad[] = { "CARBON_BUDGET=lots", NULL };
	char *names[] = { "compute", "gpu", "flex", "compute-fr" };
	struct sc_counters c;
	struct sc_err err;
	job_desc_msg_t jd;
	char *msg = NULL, path[600];

	(void)state;
	snprintf(path, sizeof(path), "%s/counters.json", dir);
	unlink(path);
	for (int round = 1; round <= 2; round++) {
		assert_int_equal(start("enforce", NULL), SLURM_SUCCESS);
		job_init(&jd, "gpu", 60, NULL); /* delayed to the green window */
		assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
		job_free(&jd, msg);
		msg = NULL;
		job_init(&jd, "gpu", 60, bad); /* refused: an invalid option */
		assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_ERROR);
		job_free(&jd, msg);
		msg = NULL;
		job_init(&jd, "debug", 60, NULL); /* unmanaged: not counted */
		assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
		job_free(&jd, msg);
		msg = NULL;
		assert_int_equal(fini(), SLURM_SUCCESS);

		assert_int_equal(sc_counters_init(&c, names, 4), 0);
		assert_int_equal(sc_counters_load(&c, path, &err), 0);
		assert_int_equal(c.n, 4);
		assert_int_equal(c.rows[1].n[SC_KIND_DELAY], round);
		assert_int_equal(c.rows[1].n[SC_KIND_INVALID], round);
		/* -80 %: what the plan avoids is four times what it emits. */
		assert_true(c.rows[1].estimated_g > 0 && c.rows[1].avoided_g > 3 * c.rows[1].estimated_g);
		for (int k = 0; k < SC_KIND_N; k++)
			assert_int_equal(c.rows[0].n[k], 0);
		assert_true(c.updated > 0);
		sc_counters_free(&c);
	}
}

/* ExemptUsers are resolved to uids at init; a name no host knows is logged and exempts
 * nobody. */
static void test_exempt_users(void **state)
{
	job_desc_msg_t jd;
	char *msg = NULL;
	json_t *r;

	(void)state;
	assert_int_equal(start("enforce", "ExemptUsers=root,sc-no-such-user"), SLURM_SUCCESS);
	assert_contains(logbuf, "ExemptUsers: no user 'sc-no-such-user' on this host");
	job_init(&jd, "gpu", 60, NULL);
	jd.user_id = 0;
	assert_int_equal(job_submit(&jd, 0, &msg), SLURM_SUCCESS);
	r = record_of(&jd);
	assert_string_equal(str(r, "reason"), "exempt user");
	assert_int_equal(jd.begin_time, 0);
	json_decref(r);
	job_free(&jd, msg);

	/* Anyone else is planned (delayed to the green window, as in test_delay). */
	msg = NULL;
	job_init(&jd, "gpu", 60, NULL);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	assert_true(jd.begin_time > 0);
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

/* --- carbon budgets over time ----------------------------------------------------------- */

/* Writes StateDir/budgets.json with budget `name` at used_g in this month, computed at t. */
static void write_ledger(const char *name, double used_g, int64_t t)
{
	struct sc_budget b = { .name = (char *)name, .account = "physics", .limit_g = 10,
			       .period = SC_PERIOD_MONTH };
	struct sc_ledger l = { .computed = t };
	struct sc_ledger_entry *e = sc_ledger_add(&l, &b, t);
	struct sc_err err;
	char path[128];

	assert_non_null(e);
	e->actual_g = used_g;
	snprintf(path, sizeof(path), "%s/budgets.json", dir);
	assert_int_equal(sc_ledger_save(&l, path, &err), 0);
	sc_ledger_free(&l);
}

/* Submits a 4-CPU hour in partition p for account acct as submit_uid; returns job_submit's
 * code, the message in *msg (caller frees with job_free) and the job in *jd. */
static int submit_acct(job_desc_msg_t *jd, const char *p, const char *acct, uint32_t submit_uid, char **msg)
{
	job_init(jd, p, 60, NULL);
	jd->account = (char *)acct;
	*msg = NULL;
	return job_submit(jd, submit_uid, msg);
}

/* job_free for a job of submit_acct (its account is the caller's string). */
static void acct_job_free(job_desc_msg_t *jd, char *msg)
{
	jd->account = NULL;
	job_free(jd, msg);
}

static void test_budget_reject(void **state)
{
	job_desc_msg_t jd;
	char *msg;
	json_t *r;

	(void)state;
	/* compute-fr: 0.04 kWh x 1.2 x 50 g/kWh = 2.4 g a job, run now. Counted afresh. */
	{
		char path[600];
		snprintf(path, sizeof(path), "%s/counters.json", dir);
		unlink(path);
	}
	assert_int_equal(start("enforce", "BudgetName=phys Account=physics Limit=10g Period=month Action=reject"),
			 SLURM_SUCCESS);
	for (int i = 1; i <= 4; i++) {
		assert_int_equal(submit_acct(&jd, "compute-fr", "physics", 1000, &msg), SLURM_SUCCESS);
		r = record_of(&jd);
		assert_string_equal(str(r, "budget"), "phys");
		assert_true(fabs(json_real_value(json_object_get(r, "budget_used_g")) - 2.4 * i) < 1e-9);
		assert_true(json_real_value(json_object_get(r, "budget_limit_g")) == 10);
		json_decref(r);
		acct_job_free(&jd, msg);
	}
	assert_int_equal(submit_acct(&jd, "compute-fr", "physics", 1000, &msg), ESLURM_ACCOUNTING_POLICY);
	assert_contains(msg, "carbon budget phys: 9.6 gCO2e of 10 gCO2e used (96%), this job's estimate 2.4 gCO2e");
	assert_contains(msg, "the period resets at ");
	assert_contains(msg, "job rejected");
	assert_null(jd.admin_comment);
	acct_job_free(&jd, msg);
	/* Another account, and an operator's submission, are not held to it. */
	assert_int_equal(submit_acct(&jd, "compute-fr", "chem", 1000, &msg), SLURM_SUCCESS);
	acct_job_free(&jd, msg);
	assert_int_equal(submit_acct(&jd, "compute-fr", "physics", 0, &msg), SLURM_SUCCESS);
	acct_job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
	/* The metrics count the refused job as a reject, not as the run its plan was. */
	{
		char *names[] = { "compute", "gpu", "flex", "compute-fr" }, path[600];
		struct sc_counters c;
		struct sc_err err;
		snprintf(path, sizeof(path), "%s/counters.json", dir);
		assert_int_equal(sc_counters_init(&c, names, 4), 0);
		assert_int_equal(sc_counters_load(&c, path, &err), 0);
		assert_int_equal(c.rows[3].n[SC_KIND_REJECT], 1);
		assert_int_equal(c.rows[3].n[SC_KIND_RUN], 6);
		sc_counters_free(&c);
		unlink(path);
	}
}

static void test_budget_ledger(void **state)
{
	job_desc_msg_t jd;
	char *msg, path[128];
	FILE *f;

	(void)state;
	/* The ledger says 8 g are used: the first job (2.4 g) is over. */
	write_ledger("phys", 8, (int64_t)time(NULL) - 5);
	assert_int_equal(start("enforce", "BudgetName=phys Account=physics Limit=10g Period=month"), SLURM_SUCCESS);
	assert_contains(logbuf, "budget ledger");
	assert_int_equal(submit_acct(&jd, "compute-fr", "physics", 1000, &msg), ESLURM_ACCOUNTING_POLICY);
	assert_contains(msg, "8 gCO2e of 10 gCO2e used");
	acct_job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);

	/* A corrupt ledger is logged; usage counts from the jobs accepted since. */
	snprintf(path, sizeof(path), "%s/budgets.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"v\":7}", f);
	fclose(f);
	assert_int_equal(start("enforce", "BudgetName=phys Account=physics Limit=10g Period=month"), SLURM_SUCCESS);
	assert_contains(logbuf, "budgets.json: expected {\"v\":1");
	assert_int_equal(submit_acct(&jd, "compute-fr", "physics", 1000, &msg), SLURM_SUCCESS);
	acct_job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
	unlink(path);
}

static void test_budget_warn_delay_advise(void **state)
{
	job_desc_msg_t jd;
	char *msg;

	(void)state;
	assert_int_equal(start("enforce", "BudgetName=w Account=physics Limit=3g Period=year Action=warn Warn=50%"),
			 SLURM_SUCCESS);
	assert_int_equal(submit_acct(&jd, "compute-fr", "physics", 1000, &msg), SLURM_SUCCESS);
	assert_contains(msg, "carbon budget w: 0 gCO2e of 3 gCO2e used (0%), this job's estimate 2.4 gCO2e would make it 80%");
	assert_contains(msg, "nearly spent");
	acct_job_free(&jd, msg);
	assert_int_equal(submit_acct(&jd, "compute-fr", "physics", 1000, &msg), SLURM_SUCCESS);
	assert_contains(msg, "accepted (Action=warn)");
	acct_job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);

	/* Action=delay: over the limit, a job runs only in a plan saving DelaySavings. */
	assert_int_equal(start("enforce", "BudgetName=d Account=physics Limit=1g Period=quarter Action=delay "
				     "DelaySavings=50%"), SLURM_SUCCESS);
	assert_int_equal(submit_acct(&jd, "compute", "physics", 1000, &msg), SLURM_SUCCESS);
	assert_contains(msg, "accepted into its greener plan (saves 80%");
	assert_non_null(strstr(jd.admin_comment, "\"decision\":\"delay\""));
	acct_job_free(&jd, msg);
	assert_int_equal(submit_acct(&jd, "compute-fr", "physics", 1000, &msg), ESLURM_ACCOUNTING_POLICY);
	assert_contains(msg, "a job must run in a plan that saves at least 50% (this one saves 0%)");
	acct_job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);

	/* Mode=advise: told, never refused. */
	assert_int_equal(start("advise", "BudgetName=a Account=physics Limit=1g Period=month"), SLURM_SUCCESS);
	assert_int_equal(submit_acct(&jd, "compute-fr", "physics", 1000, &msg), SLURM_SUCCESS);
	assert_contains(msg, "accepted (Mode=advise");
	acct_job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

static void test_mode_off(void **state)
{
	job_desc_msg_t jd;
	char *msg = NULL;

	(void)state;
	assert_int_equal(start("off", NULL), SLURM_SUCCESS);
	job_init(&jd, "flex", 60, NULL);
	assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
	assert_string_equal(jd.partition, "flex");
	assert_null(jd.admin_comment);
	assert_null(msg);
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

/* --- job_modify ------------------------------------------------------------------------ */

/* job_modify as this Slurm release calls it; *msg gets what the user is told (always NULL
 * where job_modify has no err_msg: 22.05). */
static int modify(job_desc_msg_t *up, struct job_record *job, uint32_t uid, char **msg)
{
	*msg = NULL;
#ifdef SC_JOB_MODIFY_ERR_MSG
	return job_modify(up, job, uid, msg);
#else
	return job_modify(up, job, uid);
#endif
}

static void test_modify(void **state)
{
	char *msg;
	char hold[] = "CARBON_NOT_BEFORE=1900000000", bad[] = "CARBON_NOT_BEFORE=tomorrow";
	char *with[] = { hold, NULL }, *malformed[] = { bad, NULL }, *none[] = { NULL };
	struct job_record job = { with };
	job_desc_msg_t up;

	(void)state;
	assert_int_equal(start("enforce", NULL), SLURM_SUCCESS);
	memset(&up, 0, sizeof(up));
	SC_JOB_DESC_JOB_ID(&up) = 42;
	/* No start time in the update: nothing to check. */
	assert_int_equal(modify(&up, &job, 1000, &msg), SLURM_SUCCESS);
	assert_null(msg);
	/* Earlier than the hold: refused for a user, logged; allowed for an operator. */
	up.begin_time = 1899999999;
	logbuf[0] = '\0';
	assert_int_equal(modify(&up, &job, 1000, &msg), ESLURM_ACCESS_DENIED);
	assert_contains(logbuf, "refused uid 1000 moving the start of job 42");
#ifdef SC_JOB_MODIFY_ERR_MSG
	/* From 23.02 the user is told why, when the hold ends and who may override. */
	assert_non_null(msg);
	assert_contains(msg, "carbon: job 42 keeps its carbon hold");
	assert_contains(msg, "may not start before 2030-03-17T17:46:40Z");
	assert_contains(msg, "(asked: 2030-03-17T17:46:39Z)");
	assert_contains(msg, "only by an operator");
#else
	assert_null(msg);
#endif
	sc_ctld_free(msg);
	assert_int_equal(modify(&up, &job, 0, &msg), SLURM_SUCCESS);
	assert_null(msg);
	/* The job as scontrol names it, typed by the user: quoted printable. */
	up.job_id_str = "42\x1b[2J";
	logbuf[0] = '\0';
	assert_int_equal(modify(&up, &job, 1000, &msg), ESLURM_ACCESS_DENIED);
	assert_contains(logbuf, "moving the start of job 42\\x1b[2J to ");
	assert_null(strchr(logbuf, '\x1b'));
	sc_ctld_free(msg);
	up.job_id_str = NULL;
	/* At or after the hold: allowed. */
	up.begin_time = 1900000000;
	assert_int_equal(modify(&up, &job, 1000, &msg), SLURM_SUCCESS);
	assert_null(msg);
	up.begin_time = 1900003600;
	assert_int_equal(modify(&up, &job, 1000, &msg), SLURM_SUCCESS);
	assert_null(msg);
	/* No hold, or one that cannot be read: not enforced (the latter logged). */
	up.begin_time = 1800000000;
	job.env = none;
	assert_int_equal(modify(&up, &job, 1000, &msg), SLURM_SUCCESS);
	assert_null(msg);
	job.env = malformed;
	logbuf[0] = '\0';
	assert_int_equal(modify(&up, &job, 1000, &msg), SLURM_SUCCESS);
	assert_null(msg);
	assert_contains(logbuf, "unreadable carbon hold");
	assert_int_equal(fini(), SLURM_SUCCESS);

	/* Only Mode=enforce holds jobs. */
	job.env = with;
	assert_int_equal(start("advise", NULL), SLURM_SUCCESS);
	assert_int_equal(modify(&up, &job, 1000, &msg), SLURM_SUCCESS);
	assert_null(msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
}

/* --- capacity ------------------------------------------------------------------------ */

/* Submits a 4-core, 1 h job to capped (Cores=8; zone DE, as gpu) and returns its record. */
static json_t *submit_flex(job_desc_msg_t *jd, char **msg, const char *const *env)
{
	*msg = NULL;
	job_init(jd, "capped", 60, env);
	assert_int_equal(job_submit(jd, 1000, msg), SLURM_SUCCESS);
	return record_of(jd);
}

/* With Cores=, the green window (2 h to 4 h ahead) takes two 4-core jobs
 * per hour on 8 cores; the fifth job finds it full and runs now, its
 * record saying where it would have gone. job_modify releases a job's load. */
static void test_capacity(void **state)
{
	static const char *const forged[] = { "CARBON_LEDGER=1", "SPANK_CARBON_LEDGER=2", NULL };
	job_desc_msg_t jd;
	char *msg;
	json_t *r[6];
	int64_t begin[6], green;
	char key[64], hold[64];
	char *env[] = { key, NULL }, *env2[] = { key, hold, NULL };
	struct job_record job = { env }, job2 = { env2 };
	job_desc_msg_t up;

	(void)state;
	assert_int_equal(start("enforce", "PartitionName=capped Zone=DE Cores=8"), SLURM_SUCCESS);
	for (int i = 0; i < 5; i++) {
		r[i] = submit_flex(&jd, &msg, i == 0 ? forged : NULL);
		begin[i] = (int64_t)jd.begin_time;
		/* The forged keys are gone; a planned job carries the plugin's own. */
		snprintf(key, sizeof(key), "%d", i + 1);
		if (i < 4)
			assert_string_equal(sc_env_get(jd.spank_job_env, jd.spank_job_env_size, SC_ENV_LEDGER), key);
		else
			assert_null(sc_env_get(jd.spank_job_env, jd.spank_job_env_size, SC_ENV_LEDGER));
		assert_null(sc_env_get(jd.spank_job_env, jd.spank_job_env_size, "SPANK_" SC_ENV_LEDGER));
		job_free(&jd, msg);
	}
	/* Two jobs of 4 cores fill each green hour of 8 cores; the planned
	 * load's price (SC_CONG_CAPPED) spreads them: the second takes the
	 * emptier second hour, and says that congestion moved it. */
	green = begin[0];
	assert_true(green >= t_now + 7200 && green < t_now + 7200 + 600);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(str(r[i], "decision"), "delay");
		assert_int_equal(begin[i], green + (i % 2) * 3600);
		/* gpu has no capacity: its delayed jobs are neither priced nor recorded. */
		if (i == 3) {
			json_t *rg;
			msg = NULL;
			job_init(&jd, "gpu", 60, NULL);
			assert_int_equal(job_submit(&jd, 1000, &msg), SLURM_SUCCESS);
			rg = record_of(&jd);
			assert_int_equal((int64_t)jd.begin_time, green);
			assert_null(json_object_get(rg, "congestion"));
			assert_null(sc_env_get(jd.spank_job_env, jd.spank_job_env_size, SC_ENV_LEDGER));
			json_decref(rg);
			job_free(&jd, msg);
		}
		if (i % 2) {
			assert_true(json_is_true(json_object_get(r[i], "congestion")));
			assert_int_equal(json_integer_value(json_object_get(r[i], "uncongested_start")), green);
		} else {
			assert_null(json_object_get(r[i], "congestion"));
		}
	}
	/* The window is full: the fifth runs now. */
	assert_string_equal(str(r[4], "decision"), "run");
	assert_true(json_is_true(json_object_get(r[4], "congestion")));
	assert_string_equal(str(r[4], "uncongested_decision"), "delay");
	assert_int_equal(json_integer_value(json_object_get(r[4], "uncongested_start")), green);
	/* Job 1 moved a day later by an operator: its load moves with it, the next job takes
	 * its place. */
	memset(&up, 0, sizeof(up));
	up.time_limit = NO_VAL;
	up.min_cpus = NO_VAL;
	up.begin_time = (time_t)(green + 86400);
	snprintf(key, sizeof(key), SC_ENV_LEDGER "=1");
	assert_int_equal(modify(&up, &job, 0, &msg), SLURM_SUCCESS);
	sc_ctld_free(msg);
	r[5] = submit_flex(&jd, &msg, NULL);
	assert_string_equal(str(r[5], "decision"), "delay");
	assert_int_equal((int64_t)jd.begin_time, green);
	job_free(&jd, msg);
	for (int i = 0; i < 6; i++)
		json_decref(r[i]);
	/* A restart keeps the plans: fini saves them in StateDir, init restores them, and the
	 * window is still full for the next job. */
	assert_int_equal(fini(), SLURM_SUCCESS);
	logbuf[0] = '\0';
	assert_int_equal(init(), SLURM_SUCCESS);
	/* Jobs 2, 3, 4, 6 and job 1 a day later. */
	assert_contains(logbuf, "planned-load ledger: 5 planned job(s) restored from ");
	/* A new time limit takes job 1 out of the plans; a refused move changes nothing. */
	up.begin_time = 0;
	up.time_limit = 120;
	assert_int_equal(modify(&up, &job, 0, &msg), SLURM_SUCCESS);
	sc_ctld_free(msg);
	snprintf(key, sizeof(key), SC_ENV_LEDGER "=2");
	snprintf(hold, sizeof(hold), "CARBON_NOT_BEFORE=%lld", (long long)(green + 3600));
	up.time_limit = NO_VAL;
	up.begin_time = (time_t)(green - 3600);
	assert_int_equal(modify(&up, &job2, 1000, &msg), ESLURM_ACCESS_DENIED);
	sc_ctld_free(msg);
	r[0] = submit_flex(&jd, &msg, NULL);
	assert_string_equal(str(r[0], "decision"), "run");
	assert_true(json_is_true(json_object_get(r[0], "congestion")));
	json_decref(r[0]);
	job_free(&jd, msg);
	assert_int_equal(fini(), SLURM_SUCCESS);
	{
		char path[160];
		snprintf(path, sizeof(path), "%s/planned-load", dir);
		assert_int_equal(unlink(path), 0);
	}
	/* Without Cores= nothing is planned against a capacity. */
	assert_int_equal(start("enforce", "PartitionName=capped Zone=DE"), SLURM_SUCCESS);
	for (int i = 0; i < 5; i++) {
		r[i] = submit_flex(&jd, &msg, NULL);
		assert_string_equal(str(r[i], "decision"), "delay");
		assert_null(sc_env_get(jd.spank_job_env, jd.spank_job_env_size, SC_ENV_LEDGER));
		json_decref(r[i]);
		job_free(&jd, msg);
	}
	assert_int_equal(fini(), SLURM_SUCCESS);
}

/* The jobs lines of StateDir/planned-load ("KEY PARTITION START END CORES GPUS"), into buf. */
static const char *ledger_lines(char *buf, size_t n)
{
	char path[160], line[256];
	FILE *f;
	size_t used = 0;

	snprintf(path, sizeof(path), "%s/planned-load", dir);
	buf[0] = '\0';
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "slurm-carbon", 12) != 0 && strncmp(line, "seq ", 4) != 0 &&
		    strncmp(line, "capacity ", 9) != 0)
			used += (size_t)snprintf(buf + used, n - used, "%s", line);
	fclose(f);
	return buf;
}

/* A pending job as slurmctld lists it, from what job_submit made of it. */
static struct sc_ctld_job listed(const job_desc_msg_t *jd, uint32_t state)
{
	return (struct sc_ctld_job){ state, jd->partition ? jd->partition : "capped", jd->admin_comment,
				     "cpu=4,mem=4G,node=1,billing=4", (int64_t)jd->begin_time, 60, 4 };
}

/* The sync with slurmctld: Cores=slurm/GPUs=slurm take the partition's figures (nothing is
 * planned before), a cancelled job's load goes, a pending and a running one's stay, a key
 * issued after the list was read stays; a lost ledger gets its pending jobs back; a failing
 * RPC is logged once. */
static void test_sync(void **state)
{
	static const char extra[] = "SyncInterval=1\nReloadInterval=0:01\n"
				    "PartitionName=capped Zone=DE Cores=slurm GPUs=slurm";
	job_desc_msg_t jd[3];
	char *msg[3], buf[1024], want[512], path[160];
	json_t *r;
	long long k0 = 0;

	(void)state;
	pthread_mutex_lock(&fake_lock);
	fake_fail = 0;
	n_fake_jobs = 0;
	fake_parts[0] = (struct sc_ctld_part){ "capped", 8, "cpu=8,mem=8G,node=1,billing=8,gres/gpu=2,gres/gpu:t4=2" };
	fake_parts[1] = (struct sc_ctld_part){ "debug", 99, NULL };
	n_fake_parts = 2;
	pthread_mutex_unlock(&fake_lock);
	assert_int_equal(start("enforce", extra), SLURM_SUCCESS);
	/* Until slurmctld answered, the capacity is unknown: nothing is recorded. */
	wait_rpcs(&part_rpcs, 2);
	pthread_mutex_lock(&log_lock);
	assert_contains(logbuf, "partition capped: capacity 8 cores, 2 GPUs (from slurmctld)");
	pthread_mutex_unlock(&log_lock);
	for (int i = 0; i < 3; i++) {
		r = submit_flex(&jd[i], &msg[i], NULL);
		assert_string_equal(str(r, "decision"), "delay");
		if (!i) /* keys go on from earlier tests' */
			k0 = (long long)json_integer_value(json_object_get(r, "ledger"));
		assert_true(k0 > 0);
		assert_int_equal(json_integer_value(json_object_get(r, "ledger")), k0 + i);
		json_decref(r);
	}
	/* Job 1 cancelled, 2 pending, 3 running: 1's load goes. */
	pthread_mutex_lock(&fake_lock);
	fake_jobs[0] = listed(&jd[0], JOB_CANCELLED);
	fake_jobs[1] = listed(&jd[1], JOB_PENDING);
	fake_jobs[2] = listed(&jd[2], JOB_RUNNING);
	n_fake_jobs = 3;
	pthread_mutex_unlock(&fake_lock);
	wait_rpcs(&job_rpcs, 2);
	pthread_mutex_lock(&log_lock);
	assert_contains(logbuf, "planned-load ledger synchronised with slurmctld's 3 jobs: 1 released (ended or "
				"gone), 0 added back, 0 updated");
	pthread_mutex_unlock(&log_lock);
	assert_int_equal(fini(), SLURM_SUCCESS);
	{
		char a[128], b[128];
		snprintf(a, sizeof(a), "%lld capped %lld %lld 4 0\n", k0 + 1, (long long)jd[1].begin_time,
			 (long long)jd[1].begin_time + 3600);
		snprintf(b, sizeof(b), "%lld capped %lld %lld 4 0\n", k0 + 2, (long long)jd[2].begin_time,
			 (long long)jd[2].begin_time + 3600);
		ledger_lines(buf, sizeof(buf));
		assert_contains(buf, a);
		{ /* the capacity from slurmctld is saved for scarbon plan */
			char all[2048];
			FILE *f;
			size_t len;
			snprintf(path, sizeof(path), "%s/planned-load", dir);
			f = fopen(path, "r");
			assert_non_null(f);
			len = fread(all, 1, sizeof(all) - 1, f);
			all[len] = '\0';
			fclose(f);
			assert_contains(all, "\ncapacity capped 8 2\n");
		}
		assert_contains(buf, b);
		assert_int_equal(strlen(buf), strlen(a) + strlen(b));
	}
	/* The ledger lost: slurmctld's pending job 2 (an admin gave it 2 GPUs) comes back, not
	 * the running 3. */
	snprintf(path, sizeof(path), "%s/planned-load", dir);
	assert_int_equal(unlink(path), 0);
	pthread_mutex_lock(&fake_lock);
	fake_jobs[1].tres_req = "cpu=4,mem=4G,node=1,billing=4,gres/gpu=2";
	pthread_mutex_unlock(&fake_lock);
	logbuf[0] = '\0';
	assert_int_equal(init(), SLURM_SUCCESS);
	wait_rpcs(&job_rpcs, 2);
	pthread_mutex_lock(&log_lock);
	assert_contains(logbuf, "0 released (ended or gone), 1 added back, 0 updated");
	pthread_mutex_unlock(&log_lock);
	/* slurmctld stops answering: said once; then again. */
	pthread_mutex_lock(&fake_lock);
	fake_fail = 1;
	pthread_mutex_unlock(&fake_lock);
	wait_rpcs(&part_rpcs, 3);
	pthread_mutex_lock(&fake_lock);
	fake_fail = 0;
	pthread_mutex_unlock(&fake_lock);
	wait_rpcs(&job_rpcs, 2);
	assert_int_equal(fini(), SLURM_SUCCESS);
	{
		const char *first = strstr(logbuf, "cannot read slurmctld's partitions (slurm_load_partitions: Unable "
					   "to contact slurm controller): the planned-load ledger is not synchronised");
		assert_non_null(first);
		assert_null(strstr(first + 1, "cannot read slurmctld's"));
		assert_contains(first, "the planned-load ledger is synchronised with slurmctld again");
	}
	snprintf(want, sizeof(want), "%lld capped %lld %lld 4 2\n", k0 + 1, (long long)jd[1].begin_time,
		 (long long)jd[1].begin_time + 3600);
	assert_string_equal(ledger_lines(buf, sizeof(buf)), want);
	assert_int_equal(unlink(path), 0);
	/* job_free checks that nothing is left: the last one. */
	for (int i = 0; i < 2; i++) {
		for (uint32_t e = 0; e < jd[i].spank_job_env_size; e++)
			sc_ctld_free(jd[i].spank_job_env[e]);
		sc_ctld_free(jd[i].spank_job_env);
		sc_ctld_free(jd[i].partition);
		sc_ctld_free(jd[i].admin_comment);
		sc_ctld_free(msg[i]);
	}
	job_free(&jd[2], msg[2]);
}

/* A failed assertion leaves its test early: stop the plugin's thread whatever happened. */
static int stop_plugin(void **state)
{
	(void)state;
	fini();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_init_bad_conf, stop_plugin),
		cmocka_unit_test_teardown(test_init_logs, stop_plugin),
		cmocka_unit_test_teardown(test_delay, stop_plugin),
		cmocka_unit_test_teardown(test_unlimited_time, stop_plugin),
		cmocka_unit_test_teardown(test_learned_power, stop_plugin),
		cmocka_unit_test_teardown(test_reroute_and_messages, stop_plugin),
		cmocka_unit_test_teardown(test_reject, stop_plugin),
		cmocka_unit_test_teardown(test_forged_options, stop_plugin),
		cmocka_unit_test_teardown(test_advise, stop_plugin),
		cmocka_unit_test_teardown(test_left_alone, stop_plugin),
		cmocka_unit_test_teardown(test_exempt_users, stop_plugin),
		cmocka_unit_test_teardown(test_counters, stop_plugin),
		cmocka_unit_test_teardown(test_budget_reject, stop_plugin),
		cmocka_unit_test_teardown(test_budget_ledger, stop_plugin),
		cmocka_unit_test_teardown(test_budget_warn_delay_advise, stop_plugin),
		cmocka_unit_test_teardown(test_mode_off, stop_plugin),
		cmocka_unit_test_teardown(test_modify, stop_plugin),
		cmocka_unit_test_teardown(test_capacity, stop_plugin),
		cmocka_unit_test_teardown(test_sync, stop_plugin),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
