/* slurm-carbon: time per job_submit call of the built job_submit_carbon.so, outside
 * slurmctld. The harness dlopens the plugin and provides, as slurmctld does, the Slurm
 * symbols it uses (an allocator, logging, slurm_conf, the accounting hooks) as stubs; then
 * it times init-to-fini nothing but job_submit() itself, per call, with CLOCK_MONOTONIC.
 *
 *   (a) the example configuration (etc/carbon.conf.example, Mode=enforce) on the bundled
 *       sample forecasts: hourly, replayed weekly, MaxDelay 8 h, four partitions;
 *   (b) a 5-minute forecast over 3 days, MaxDelay 24 h, every partition with two
 *       alternatives: a few thousand candidates per job.
 *
 * Jobs rotate through CPU, GPU, multi-partition and budget requests, so every call goes
 * through the translation, the evaluation, the AdminComment record and the message.
 * Usage: bench_plugin PLUGIN.so [CALLS]   (sources: $SC_TOP_SRCDIR, default ..)
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>
#include <slurm/slurmdb.h>
#include <slurm/spank.h>

#include "bench/benchutil.h"

/* --- what slurmctld provides to plugins (exported with -export-dynamic) --------------- */

slurm_conf_t slurm_conf;
void *acct_db_conn;
uint16_t accounting_enforce;
List assoc_mgr_user_list;

void *slurm_xcalloc(size_t n, size_t size, bool clear, bool try, const char *file, int line,
		    const char *func);
void slurm_xfree(void **p);
char *uid_to_string_cached(uid_t uid);
bool validate_operator(uid_t uid);
char **job_common_env_vars(void *job_ptr, bool is_complete);
void assoc_mgr_lock(void *locks);
void assoc_mgr_unlock(void *locks);
int assoc_mgr_fill_in_user(void *db_conn, void *user, int enforce, void **user_pptr, bool locked);

void *slurm_xcalloc(size_t n, size_t size, bool clear, bool try, const char *file, int line,
		    const char *func)
{
	(void)clear, (void)try, (void)file, (void)line, (void)func;
	return calloc(n, size);
}

void slurm_xfree(void **p)
{
	free(*p);
	*p = NULL;
}

static void logv(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void slurm_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	logv("info", fmt, ap);
	va_end(ap);
}

void slurm_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	logv("error", fmt, ap);
	va_end(ap);
}

/* slurmctld's debug calls return at once below its log level. */
void slurm_verbose(const char *fmt, ...) { (void)fmt; }
void slurm_debug(const char *fmt, ...) { (void)fmt; }
void slurm_debug2(const char *fmt, ...) { (void)fmt; }
void slurm_debug3(const char *fmt, ...) { (void)fmt; }

char *uid_to_string_cached(uid_t uid) { (void)uid; return "bench"; }
bool validate_operator(uid_t uid) { return uid == 0; }
char **job_common_env_vars(void *job_ptr, bool is_complete) { (void)job_ptr, (void)is_complete; return NULL; }
void assoc_mgr_lock(void *locks) { (void)locks; }
void assoc_mgr_unlock(void *locks) { (void)locks; }
int assoc_mgr_fill_in_user(void *db_conn, void *user, int enforce, void **user_pptr, bool locked)
{
	(void)db_conn, (void)user, (void)enforce, (void)user_pptr, (void)locked;
	return SLURM_ERROR;
}

/* --- the harness ------------------------------------------------------------------------ */

typedef int (*init_fn)(void);
typedef int (*submit_fn)(job_desc_msg_t *, uint32_t, char **);

struct shape {
	const char *partition, *tres_per_node, *budget;
	uint32_t tasks, cpt, minutes;
};

static const struct shape shapes[] = {
	{ "compute", NULL, NULL, 8, 1, 240 },
	{ "gpu", "gres:gpu:2", NULL, 1, 8, 480 },
	{ "flex", NULL, "5kg", 16, 1, 120 },
	{ "compute,flex", NULL, NULL, 4, 2, 60 },
	{ "gpu", "gres:gpu:1", "50kg", 1, 4, 720 },
	{ "compute-fr", NULL, NULL, 2, 1, 30 },
};
#define NSHAPES (sizeof(shapes) / sizeof(shapes[0]))

static char *xdup(const char *s)
{
	char *p = s ? slurm_xcalloc(1, strlen(s) + 1, true, false, "", 0, "") : NULL;
	if (p)
		strcpy(p, s);
	return p;
}

static char batch_script[] = "#!/bin/sh\nsrun ./app\n";

static void job_make(job_desc_msg_t *jd, const struct shape *s)
{
	char env[64];

	memset(jd, 0, sizeof(*jd));
	jd->min_nodes = NO_VAL;
	jd->max_nodes = NO_VAL;
	jd->num_tasks = s->tasks;
	jd->min_cpus = s->tasks * s->cpt;
	jd->cpus_per_task = (uint16_t)s->cpt;
	jd->ntasks_per_node = NO_VAL16;
	jd->pn_min_cpus = NO_VAL16;
	jd->pn_min_memory = NO_VAL64;
	jd->time_limit = s->minutes;
	jd->time_min = NO_VAL;
	jd->het_job_offset = NO_VAL;
	jd->user_id = 1000;
	jd->script = batch_script; /* a batch job: interactive ones are left alone */
	jd->partition = xdup(s->partition);
	jd->tres_per_node = xdup(s->tres_per_node);
	if (s->budget) {
		snprintf(env, sizeof(env), "CARBON_BUDGET=%s", s->budget);
		jd->spank_job_env = slurm_xcalloc(2, sizeof(char *), true, false, "", 0, "");
		jd->spank_job_env[0] = xdup(env);
		jd->spank_job_env_size = 1;
	}
}

static void job_free(job_desc_msg_t *jd)
{
	for (uint32_t i = 0; i < jd->spank_job_env_size; i++)
		free(jd->spank_job_env[i]);
	free(jd->spank_job_env);
	free(jd->partition);
	free(jd->tres_per_node);
	free(jd->admin_comment);
}

static int run(const char *label, const char *plugin, const char *conf, int calls)
{
	void *h;
	init_fn init, fini;
	submit_fn submit;
	double *lat = malloc((size_t)calls * sizeof(*lat));
	int counts[6] = { 0 };
	static const char *const names[] = { "run", "delay", "reroute", "delay+reroute", "reject", "none" };

	setenv("SLURM_CARBON_CONF", conf, 1);
	h = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
	if (!h || !lat) {
		fprintf(stderr, "bench_plugin: %s\n", h ? "out of memory" : dlerror());
		return 1;
	}
	init = (init_fn)(uintptr_t)dlsym(h, "init");
	fini = (init_fn)(uintptr_t)dlsym(h, "fini");
	submit = (submit_fn)(uintptr_t)dlsym(h, "job_submit");
	if (!init || !fini || !submit || init() != SLURM_SUCCESS) {
		fprintf(stderr, "bench_plugin: %s: init failed\n", plugin);
		return 1;
	}
	for (int i = 0; i < calls; i++) {
		job_desc_msg_t jd;
		char *msg = NULL;
		double t0, t1;
		int rc;

		job_make(&jd, &shapes[i % NSHAPES]);
		t0 = bench_now();
		rc = submit(&jd, 1000, &msg);
		t1 = bench_now();
		lat[i] = t1 - t0;
		if (rc != SLURM_SUCCESS)
			counts[4]++;
		else if (!jd.admin_comment)
			counts[5]++;
		else if (strstr(jd.admin_comment, "\"decision\":\"delay+reroute\""))
			counts[3]++;
		else if (strstr(jd.admin_comment, "\"decision\":\"delay\""))
			counts[1]++;
		else if (strstr(jd.admin_comment, "\"decision\":\"reroute\""))
			counts[2]++;
		else if (strstr(jd.admin_comment, "\"decision\":\"run\""))
			counts[0]++;
		else
			counts[5]++;
		free(msg);
		job_free(&jd);
	}
	fini();
	dlclose(h);
	bench_sort(lat, (size_t)calls);
	printf("%s\n  %d calls: median %.1f us, p99 %.1f us, max %.1f us\n  decisions:", label, calls,
	       bench_pct(lat, (size_t)calls, 50) * 1e6, bench_pct(lat, (size_t)calls, 99) * 1e6,
	       bench_pct(lat, (size_t)calls, 100) * 1e6);
	for (int k = 0; k < 6; k++)
		printf(" %s %d%s", names[k], counts[k], k < 5 ? "," : "\n");
	free(lat);
	return 0;
}

static const char parts_text[] =
	"PartitionName=compute Zone=DE Default=yes PUE=1.3 CoreWatts=10 MemWattsPerGB=0.3725 DefMemPerCPU=4G\n"
	"PartitionName=gpu Zone=DE PUE=1.3 CoreWatts=10 GPUWatts=300 MemWattsPerGB=0.3725 DefMemPerCPU=8G\n"
	"PartitionName=flex Zone=DE PUE=1.3 CoreWatts=10 MemWattsPerGB=0.3725 DefMemPerCPU=4G Alternatives=compute-fr\n"
	"PartitionName=compute-fr Zone=FR PUE=1.2 CoreWatts=10 MemWattsPerGB=0.3725 DefMemPerCPU=4G\n";

int main(int argc, char **argv)
{
	const char *src = getenv("SC_TOP_SRCDIR");
	char dir[] = "/tmp/bench_plugin.XXXXXX", conf[600], csv[600], abs_src[PATH_MAX];
	int calls = argc > 2 ? atoi(argv[2]) : 20000;
	FILE *f;
	int rc;
	time_t now = time(NULL);

	if (argc < 2 || calls < 100) {
		fprintf(stderr, "usage: %s PLUGIN.so [CALLS >= 100]\n", argv[0]);
		return 2;
	}
	if (!src || !*src)
		src = "..";
	/* carbon.conf resolves relative paths against its own directory. */
	if (!realpath(src, abs_src)) {
		fprintf(stderr, "bench_plugin: the sources %s: %s\n", src, strerror(errno));
		return 1;
	}
	src = abs_src;
	if (!mkdtemp(dir))
		return 1;

	/* (a) the example's zones and partitions, enforcing. */
	snprintf(conf, sizeof(conf), "%s/a.conf", dir);
	f = fopen(conf, "w");
	if (!f)
		return 1;
	fprintf(f, "Mode=enforce\nMaxDelay=8:00:00\nStateDir=%s\n"
		   "ZoneName=DE Provider=file Path=%s/etc/sample/intensity-DE.csv Replay=weekly\n"
		   "ZoneName=FR Provider=file Path=%s/etc/sample/intensity-FR.csv Replay=weekly\n%s",
		dir, src, src, parts_text);
	fclose(f);
	rc = run("(a) example configuration, sample forecasts (hourly, replayed), MaxDelay 8 h", argv[1], conf,
		 calls);

	/* (b) 5-minute forecasts over 3 days, MaxDelay 24 h, two alternatives each. */
	for (int z = 0; z < 3 && !rc; z++) {
		snprintf(csv, sizeof(csv), "%s/z%d.csv", dir, z);
		f = fopen(csv, "w");
		if (!f)
			return 1;
		fprintf(f, "Time,Carbon Intensity\n");
		for (time_t t = now - now % 300 - 3600; t < now + 3 * 86400; t += 300) {
			struct tm tm;
			gmtime_r(&t, &tm);
			fprintf(f, "%04d-%02d-%02dT%02d:%02d:00Z,%.1f\n", tm.tm_year + 1900, tm.tm_mon + 1,
				tm.tm_mday, tm.tm_hour, tm.tm_min,
				300 + 150 * z + 120 * sin((double)t / 86400 * 2 * M_PI + z));
		}
		fclose(f);
	}
	snprintf(conf, sizeof(conf), "%s/b.conf", dir);
	f = fopen(conf, "w");
	if (!f)
		return 1;
	fprintf(f, "Mode=enforce\nMaxDelay=24:00:00\nStateDir=%s\n"
		   "ZoneName=DE Provider=file Path=z0.csv\nZoneName=FR Provider=file Path=z1.csv\n"
		   "ZoneName=PL Provider=file Path=z2.csv\n"
		   "PartitionName=compute Zone=DE Default=yes Alternatives=compute-fr,pl\n"
		   "PartitionName=gpu Zone=DE GPUWatts=300 Alternatives=compute-fr,pl\n"
		   "PartitionName=flex Zone=PL Alternatives=compute,compute-fr\n"
		   "PartitionName=compute-fr Zone=FR Alternatives=compute,pl\n"
		   "PartitionName=pl Zone=PL Alternatives=compute,compute-fr\n",
		dir);
	fclose(f);
	if (!rc)
		rc = run("(b) 5-minute forecasts over 3 days, MaxDelay 24 h, 2 alternatives per partition",
			 argv[1], conf, calls);
	for (int z = 0; z < 3; z++) {
		snprintf(csv, sizeof(csv), "%s/z%d.csv", dir, z);
		unlink(csv);
	}
	snprintf(conf, sizeof(conf), "%s/a.conf", dir);
	unlink(conf);
	snprintf(conf, sizeof(conf), "%s/b.conf", dir);
	unlink(conf);
	rmdir(dir);
	return rc;
}
