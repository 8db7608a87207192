/* slurm-carbon: job_submit/carbon — the slurmctld adapter.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * At init: carbon.conf is loaded (a bad one fails init, which stops
 * slurmctld, with every error logged as "<file>:<line>: ..."), the forecast
 * snapshot is loaded and a reloader thread started. At each submission: the
 * job's request is translated (plugin/jobdesc.c), evaluated exactly as
 * `scarbon plan` does (plan/plan.h), and the decision applied — begin_time,
 * partition, the AdminComment record, a one-line message, or a rejection
 * over budget. job_modify keeps non-operators from moving a job's start
 * before its carbon hold.
 *
 * Capacity (README, "Capacity"): with Cores= on a managed partition, the
 * plugin keeps a planned-load ledger (policy/load.h) of the jobs it delays
 * or reroutes, under load_lock, and decides with it (sc_decide_loaded).
 * An entry is added at submission (its key in the job's SPANK environment,
 * SC_ENV_LEDGER, and in its AdminComment record, "ledger"), moved by
 * job_modify with the job's start, released when its partition, time limit
 * or CPUs change, and otherwise expires at its planned end (the reloader
 * sweeps the table). The submit path does O(slots) work on it.
 * The reloader saves it to StateDir/planned-load when it changed (and fini), init
 * restores it: a restart keeps the plans (plan/loadfile.h). Every
 * SyncInterval the reloader also reads slurmctld's partitions (Cores=slurm,
 * GPUs=slurm) and jobs by RPC, with no lock held, and reconciles the ledger
 * with them under load_lock (sc_load_reconcile): ended jobs' load goes,
 * pending planned jobs the ledger lacks come back. No RPC is sent once fini
 * asked the reloader to stop; where slurmctld calls fini, and the worst case
 * of a fini that waits for an RPC, are in plugin/ctld.h.
 *
 * The submit path never waits on I/O: the snapshot it reads is already in
 * memory, taken by reference under a mutex held for a pointer copy; the
 * reloader thread does every stat() and read — of the forecasts and, with
 * Estimates=learned, of StateDir/estimates.json (learn/model.h), whose
 * users it also resolves to uids there; a missing, stale or corrupt model
 * is logged once and jobs are priced on carbon.conf. Every failure of data or of the
 * plugin itself lets the job through unchanged and, where a record can be
 * written, records why (fail open).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>
#include <slurm/spank.h>

#include "base/units.h"
#include "record/record.h"
#include "config/conf.h"
#include "forecast/snapshot.h"
#include "learn/model.h"
#include "metrics/counters.h"
#include "plan/loadfile.h"
#include "plan/plan.h"
#include "plugin/budget_gate.h"
#include "plugin/compat.h"
#include "plugin/ctld.h"
#include "plugin/jobdesc.h"
#include "policy/load.h"
#include "policy/message.h"

/* The symbols Slurm's plugin loader looks up (and the only ones exported). */
const char plugin_name[] = "carbon-aware scheduling (slurm-carbon " PACKAGE_VERSION ")";
const char plugin_type[] = "job_submit/carbon";
const uint32_t plugin_version = SC_SLURM_VERSION_NUMBER;

int init(void);
int fini(void);
int job_submit(job_desc_msg_t *job_desc, uint32_t submit_uid, char **err_msg);
int job_modify(SC_JOB_MODIFY_PARAMS);

#define LOG_PREFIX "job_submit/carbon: "

/* Replayed and static zones lay their window onto "now": reload them at
 * least this often (the window is hour-aligned and reaches Horizon ahead). */
#define WINDOW_REFRESH 3600

/* A loaded snapshot, or a loaded model of learned estimates, and the
 * submissions using it. `current` (`model`) holds one reference; the reloader
 * frees a retired one once nothing uses it. */
struct user_id {
	uid_t uid;
	const char *name; /* borrowed from the model */
};

struct held {
	struct sc_snapshot *snap;
	struct sc_model *model;
	struct user_id *users; /* the model's users with their uids, sorted by uid */
	size_t n_users;
	unsigned refs;
	struct held *next;
};

static struct {
	struct sc_conf *conf;
	pthread_mutex_t lock; /* current, retired, refs, stop */
	pthread_cond_t wake;  /* wakes the reloader early (fini) */
	int stop;
	int thread_running;
	pthread_t thread;
	struct held *current;
	struct held *retired;
	struct held *model;   /* the learned estimates (Estimates=learned), or NULL */
	struct stat model_st; /* of the file last read (st_mtime 0: none) */
	char model_why[256];  /* what was last logged about it: logged once */
	/* ExemptUsers resolved to uids at init: exempt_uid[i] belongs to
	 * conf->exempt_users[i]; (uid_t)-1 where the name is unknown. */
	uid_t *exempt_uid;
	/* The decisions counted (metrics/counters.h): `counts` under count_lock, updated at
	 * each submission; the reloader copies it into `saved` and writes that to
	 * counters_path (NULL: not counted) without holding the lock. */
	pthread_mutex_t count_lock;
	struct sc_counters counts, saved;
	int counts_dirty;
	int counters_failing; /* the last save failed (logged once) */
	char *counters_path;
	/* With Estimates=learned: the room sc_evaluate_model prices a job's
	 * learned power in (conf->n_parts entries), allocated at init so that
	 * a submission allocates none; one evaluation at a time holds it
	 * (slurmctld submits one job at a time: a second at once allocates). */
	pthread_mutex_t scratch_lock;
	struct sc_partition *scratch;
	/* The planned-load ledger (NULL: no partition has Cores=) and the view
	 * sc_decide_loaded takes of it, under load_lock; keys from load_seq. */
	pthread_mutex_t load_lock;
	struct sc_load *load;
	struct sc_congestion cong;
	uint32_t load_seq;
	int load_full_logged;
	int load_dirty;       /* changed since the last save (under load_lock) */
	char *ledger_path;    /* StateDir/planned-load; NULL: not saved */
	int ledger_failing;   /* the last save failed (logged once) */
	/* The sync with slurmctld (the reloader only): when it is next due
	 * (CLOCK_MONOTONIC seconds), whether the last one failed (logged
	 * once), and whether Cores=slurm/GPUs=slurm names any partition. */
	int64_t sync_due;
	int sync_failing;
	int cap_from_slurm;
} g = { .lock = PTHREAD_MUTEX_INITIALIZER, .count_lock = PTHREAD_MUTEX_INITIALIZER,
	.scratch_lock = PTHREAD_MUTEX_INITIALIZER, .load_lock = PTHREAD_MUTEX_INITIALIZER };

/* --- exempt users ----------------------------------------------------------- */

/* Resolves ExemptUsers once, at init, so that no submission waits on a name
 * service (and no per-submit cache of slurmctld's is trusted for it). A user
 * created later is exempt from the next slurmctld restart on. */
static int exempt_users_resolve(void)
{
	const struct sc_conf *c = g.conf;

	free(g.exempt_uid);
	g.exempt_uid = NULL;
	if (!c->n_exempt_users)
		return 0;
	g.exempt_uid = calloc(c->n_exempt_users, sizeof(*g.exempt_uid));
	if (!g.exempt_uid)
		return -1;
	for (size_t i = 0; i < c->n_exempt_users; i++) {
		struct passwd pw, *found = NULL;
		char buf[4096];
		int rc = getpwnam_r(c->exempt_users[i], &pw, buf, sizeof(buf), &found);

		g.exempt_uid[i] = found ? found->pw_uid : (uid_t)-1;
		if (!found)
			slurm_info(LOG_PREFIX "ExemptUsers: no user '%s' on this host (%s): not exempt "
				   "until slurmctld restarts and finds it", c->exempt_users[i],
				   rc ? strerror(rc) : "unknown name");
	}
	return 0;
}

/* The ExemptUsers name of uid, or NULL when it is not exempt. Borrowed. */
static const char *exempt_user_name(uint32_t uid)
{
	for (size_t i = 0; g.exempt_uid && i < g.conf->n_exempt_users; i++)
		if (g.exempt_uid[i] == (uid_t)uid)
			return g.conf->exempt_users[i];
	return NULL;
}

/* --- counters --------------------------------------------------------------- */

/* Loads the counts saved before this start (so that they only grow), at init. A missing
 * StateDir or an unreadable file is logged: counting then starts from zero. */
static void counters_start(void)
{
	struct sc_err err;
	char **names;

	g.counters_path = sc_counters_path(g.conf->state_dir, &err);
	if (!g.counters_path) {
		slurm_info(LOG_PREFIX "decisions are not counted for scarbon metrics: %s", err.msg);
		return;
	}
	if (sc_counters_init(&g.counts, g.conf->part_names, g.conf->n_parts) < 0)
		goto oom;
	if (sc_counters_load(&g.counts, g.counters_path, &err) < 0)
		slurm_error(LOG_PREFIX "%s: counting from zero", err.msg);
	names = calloc(g.counts.n + 1, sizeof(*names));
	if (!names)
		goto oom;
	for (size_t i = 0; i < g.counts.n; i++)
		names[i] = g.counts.rows[i].partition;
	if (sc_counters_init(&g.saved, names, g.counts.n) < 0) {
		free(names);
		goto oom;
	}
	free(names);
	return;
oom:
	slurm_error(LOG_PREFIX "out of memory: decisions are not counted");
	sc_counters_free(&g.counts);
	free(g.counters_path);
	g.counters_path = NULL;
}

/* The counters' row of a job: the partition its baseline plan priced (the first it asked
 * for), else the first it names that carbon.conf manages, else the default; -1: none. */
static int counter_row(const job_desc_msg_t *jd, const struct sc_eval *ev)
{
	const char *p = jd->partition;

	if (ev->build == SC_BUILD_UNMANAGED)
		return -1;
	if (ev->d.has_baseline)
		return (int)ev->d.baseline.part;
	while (p && *p) {
		size_t len = strcspn(p, ",");
		for (size_t i = 0; i < g.conf->n_parts; i++)
			if (strlen(g.conf->part_names[i]) == len && strncmp(g.conf->part_names[i], p, len) == 0)
				return (int)i;
		p += len + (p[len] == ',');
	}
	return jd->partition && *jd->partition ? -1 : g.conf->default_part;
}

/* Counts a submission's decision; invalid: 1 its options were refused, 2 its carbon budget
 * over time refused it (a reject, whatever its plan was). */
static void count(const job_desc_msg_t *jd, const struct sc_eval *ev, int invalid)
{
	const struct sc_decision *d = &ev->d;
	enum sc_counter_kind k = invalid == 1 ? SC_KIND_INVALID
			       : invalid == 2 ? SC_KIND_REJECT : sc_counter_kind_of(d->action);
	int enforce = g.conf->mode == SC_MODE_ENFORCE, moved = k == SC_KIND_DELAY ||
		      k == SC_KIND_REROUTE || k == SC_KIND_DELAY_REROUTE;
	double est = 0, avoided = 0;
	int row;

	if (!g.counters_path || (row = counter_row(jd, ev)) < 0)
		return;
	if (k == SC_KIND_RUN || (moved && !enforce))
		est = d->has_baseline ? d->baseline.gco2e : d->chosen.gco2e;
	else if (moved) {
		est = d->chosen.gco2e;
		avoided = d->has_baseline ? d->baseline.gco2e - d->chosen.gco2e : 0;
	}
	pthread_mutex_lock(&g.count_lock);
	sc_counters_add(&g.counts, (size_t)row, k, est, avoided);
	g.counts_dirty = 1;
	pthread_mutex_unlock(&g.count_lock);
}

/* Saves the counts when they changed since the last save (the reloader; fini). */
static void counters_save(void)
{
	struct sc_err err;
	int dirty;

	if (!g.counters_path)
		return;
	pthread_mutex_lock(&g.count_lock);
	dirty = g.counts_dirty;
	if (dirty && sc_counters_copy(&g.saved, &g.counts) == 0)
		g.counts_dirty = 0;
	pthread_mutex_unlock(&g.count_lock);
	if (!dirty)
		return;
	/* Said once, not every ReloadInterval, until it works again. */
	if (sc_counters_save(&g.saved, g.counters_path, (int64_t)time(NULL), &err) < 0) {
		if (!g.counters_failing)
			slurm_error(LOG_PREFIX "cannot save the decision counters (scarbon metrics "
				    "shows older ones until this works): %s", err.msg);
		g.counters_failing = 1;
	} else {
		g.counters_failing = 0;
	}
}

static void counters_stop(void)
{
	counters_save();
	sc_counters_free(&g.counts);
	sc_counters_free(&g.saved);
	free(g.counters_path);
	g.counters_path = NULL;
	g.counts_dirty = 0;
}

/* --- snapshots -------------------------------------------------------------- */

static struct held *snapshot_acquire(struct held **which)
{
	struct held *h;

	pthread_mutex_lock(&g.lock);
	h = *which;
	if (h)
		h->refs++;
	pthread_mutex_unlock(&g.lock);
	return h;
}

static void snapshot_release(struct held *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&g.lock);
	h->refs--;
	pthread_mutex_unlock(&g.lock);
}

/* Logs what changed per zone between old (may be NULL) and snap. */
static void log_zones(const struct sc_snapshot *old, const struct sc_snapshot *snap)
{
	const struct sc_conf *conf = g.conf;

	for (size_t i = 0; i < conf->n_zones; i++) {
		const struct sc_zone_state *z = sc_snapshot_zone(snap, i);
		const struct sc_zone_state *o = old ? sc_snapshot_zone(old, i) : NULL;

		if (o && !o->why == !z->why && (!z->why || strcmp(o->why, z->why) == 0))
			continue;
		if (z->why)
			slurm_error(LOG_PREFIX "zone %s: no usable forecast, its jobs run as submitted: %s",
				    conf->zones[i].name, z->why);
		else
			slurm_info(LOG_PREFIX "zone %s: forecast from %s", conf->zones[i].name,
				   z->source ? z->source : "(unknown)");
	}
}

/* Makes h (NULL: none) what *slot (g.current, g.model) holds; the one it
 * replaces is retired, freed once nothing uses it. */
static void held_set(struct held **slot, struct held *h)
{
	struct held *old;

	pthread_mutex_lock(&g.lock);
	old = *slot;
	*slot = h;
	if (old) {
		old->refs--;
		old->next = g.retired;
		g.retired = old;
	}
	pthread_mutex_unlock(&g.lock);
}

/* Loads a snapshot as of now and makes it current. */
static void snapshot_reload(int64_t now)
{
	struct sc_snapshot *snap = sc_snapshot_load(g.conf->zones, g.conf->n_zones,
						    g.conf->state_dir, now);
	struct held *h = snap ? calloc(1, sizeof(*h)) : NULL;
	size_t usable = 0;

	if (!h) {
		sc_snapshot_destroy(snap);
		slurm_error(LOG_PREFIX "out of memory loading the forecasts; keeping the previous ones");
		return;
	}
	h->snap = snap;
	h->refs = 1;
	for (size_t i = 0; i < g.conf->n_zones; i++)
		usable += !sc_snapshot_zone(snap, i)->why;
	log_zones(g.current ? g.current->snap : NULL, snap);
	held_set(&g.current, h);
	slurm_info(LOG_PREFIX "forecasts loaded (%zu of %zu zones usable)", usable, g.conf->n_zones);
}

/* Frees the retired snapshots nothing uses any more (all of them when all). */
static void snapshot_reap(int all)
{
	struct held *dead = NULL, **pp;

	pthread_mutex_lock(&g.lock);
	for (pp = &g.retired; *pp;) {
		struct held *h = *pp;
		if (all || h->refs == 0) {
			*pp = h->next;
			h->next = dead;
			dead = h;
		} else {
			pp = &h->next;
		}
	}
	pthread_mutex_unlock(&g.lock);
	while (dead) {
		struct held *next = dead->next;
		sc_snapshot_destroy(dead->snap);
		sc_model_destroy(dead->model);
		free(dead->users);
		free(dead);
		dead = next;
	}
}

/* --- learned estimates ---------------------------------------------------------- */

static int cmp_uid(const void *a, const void *b)
{
	uid_t x = ((const struct user_id *)a)->uid, y = ((const struct user_id *)b)->uid;
	return (x > y) - (x < y);
}

/* The model's user names resolved to uids, here in the reloader, so that a
 * submission finds its user's name without asking a name service. */
static void resolve_users(struct held *h)
{
	size_t n = sc_model_count(h->model);

	h->users = calloc(n ? n : 1, sizeof(*h->users));
	if (!h->users)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct sc_model_entry *e = sc_model_entry(h->model, i);
		struct passwd pw, *found = NULL;
		char buf[4096];

		if (e->level != SC_LEVEL_USER || (h->n_users && strcmp(h->users[h->n_users - 1].name, e->user) == 0))
			continue;
		if (getpwnam_r(e->user, &pw, buf, sizeof(buf), &found) == 0 && found)
			h->users[h->n_users++] = (struct user_id){ found->pw_uid, e->user };
	}
	qsort(h->users, h->n_users, sizeof(*h->users), cmp_uid);
}

/* Logs msg (printf) when it differs from what was last logged. */
static void model_log(int error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void model_log(int error, const char *fmt, ...)
{
	char msg[sizeof(g.model_why)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (strcmp(msg, g.model_why) == 0)
		return;
	snprintf(g.model_why, sizeof(g.model_why), "%s", msg);
	if (error)
		slurm_error(LOG_PREFIX "%s", msg);
	else
		slurm_info(LOG_PREFIX "%s", msg);
}


/* Loads StateDir/estimates.json when it changed, and drops a model that has
 * grown stale. Only the reloader (and init) calls it. */
static void model_reload(int64_t now)
{
	const struct sc_conf *c = g.conf;
	struct sc_err err = { "" };
	char *path = sc_model_path(c->state_dir, &err);
	struct stat st;
	struct held *h = NULL;

	if (!path) {
		model_log(1, "learned estimates: %s; jobs are priced on carbon.conf", err.msg);
		return;
	}
	memset(&st, 0, sizeof(st));
	if (stat(path, &st) == 0 && st.st_mtime == g.model_st.st_mtime && st.st_size == g.model_st.st_size &&
	    st.st_ino == g.model_st.st_ino &&
	    (!g.model || now - sc_model_created(g.model->model) <= c->estimates_max_age)) {
		free(path);
		return;
	}
	g.model_st = st;
	h = calloc(1, sizeof(*h));
	if (h && (h->model = sc_model_load(path, now, c->estimates_max_age, &err))) {
		h->refs = 1;
		resolve_users(h);
		held_set(&g.model, h);
		model_log(0, "learned estimates loaded from %s: %zu entries", path, sc_model_count(h->model));
	} else {
		free(h);
		held_set(&g.model, NULL);
		model_log(1, "learned estimates not used, jobs are priced on carbon.conf: %s",
			  h ? err.msg : "out of memory");
	}
	free(path);
}

/* The name of uid among the model's users, or NULL. Borrowed from h. */
static const char *model_user(const struct held *h, uint32_t uid)
{
	struct user_id key = { (uid_t)uid, NULL }, *u;

	if (!h || !h->n_users)
		return NULL;
	u = bsearch(&key, h->users, h->n_users, sizeof(*h->users), cmp_uid);
	return u ? u->name : NULL;
}

/* --- the planned-load ledger ------------------------------------------------ */

static void ledger_restore(void);

/* Creates the ledger when a managed partition has a capacity (Cores=).
 * Returns 0, or -1 when out of memory. */
static int ledger_start(void)
{
	struct sc_err err;

	g.load = sc_loadfile_ledger(g.conf, (int64_t)time(NULL), &g.cong, &err);
	if (!g.load)
		return err.msg[0] ? -1 : 0;
	g.load_full_logged = 0;
	g.load_dirty = 0;
	g.ledger_failing = 0;
	g.sync_failing = 0;
	g.sync_due = 0; /* the reloader's first round */
	g.cap_from_slurm = 0;
	for (size_t i = 0; i < g.conf->n_parts; i++)
		g.cap_from_slurm |= g.conf->part_cap_slurm[i] != 0;
	ledger_restore();
	return 0;
}

/* The plans saved before this start (StateDir/planned-load), at init. */
static void ledger_restore(void)
{
	struct sc_err err = { "" };
	size_t dropped, bad;
	long n;

	g.ledger_path = sc_loadfile_path(g.conf->state_dir, &err);
	if (!g.ledger_path) {
		slurm_info(LOG_PREFIX "the planned-load ledger is not saved: %s", err.msg);
		return;
	}
	/* Cores=slurm capacities saved are not used: unknown until the first sync. */
	n = sc_loadfile_restore(g.ledger_path, g.load, g.conf->part_names, g.conf->n_parts, (int64_t)time(NULL),
			      &g.load_seq, NULL, &dropped, &bad, &err);
	if (n < 0) {
		slurm_error(LOG_PREFIX "%s: planning from an empty ledger", err.msg);
		return;
	}
	if (bad)
		slurm_error(LOG_PREFIX "%s (%zu line(s) skipped)", err.msg, bad);
	if (n || dropped)
		slurm_info(LOG_PREFIX "planned-load ledger: %ld planned job(s) restored from %s (%zu ended or "
			   "on partitions no longer managed)", n, g.ledger_path, dropped);
}

/* Saves the ledger when it changed since the last save (the reloader; fini):
 * a copy taken under load_lock, written without it. */
static void ledger_save(void)
{
	const struct sc_conf *c = g.conf;
	struct sc_load_job *jobs;
	struct sc_err err;
	size_t n, cap;
	uint32_t seq, *caps;

	if (!g.load || !g.ledger_path)
		return;
	/* The room is allocated outside load_lock, which the submit path takes;
	 * jobs planned meanwhile beyond it wait for the next save. */
	pthread_mutex_lock(&g.load_lock);
	cap = g.load_dirty ? sc_load_jobs(g.load) + 64 : 0;
	pthread_mutex_unlock(&g.load_lock);
	if (!cap || !(jobs = malloc(cap * sizeof(*jobs) + 2 * c->n_parts * sizeof(*caps))))
		return;
	caps = (uint32_t *)(jobs + cap);
	pthread_mutex_lock(&g.load_lock);
	n = sc_load_list(g.load, jobs, cap);
	g.load_dirty = sc_load_jobs(g.load) > cap;
	seq = g.load_seq;
	/* The capacities taken from slurmctld, for scarbon plan. */
	for (size_t i = 0; i < c->n_parts; i++) {
		caps[i] = c->part_cap_slurm[i] ? c->part_cores[i] : 0;
		caps[c->n_parts + i] = c->part_gpus[i];
	}
	pthread_mutex_unlock(&g.load_lock);
	/* Said once, not every ReloadInterval, until it works again. */
	if (sc_loadfile_save(g.ledger_path, jobs, n, c->part_names, c->n_parts, seq, caps, &err) < 0) {
		if (!g.ledger_failing)
			slurm_error(LOG_PREFIX "%s: the planned-load ledger is not saved (a restart forgets "
				    "the plans)", err.msg);
		g.ledger_failing = 1;
	} else if (g.ledger_failing) {
		slurm_info(LOG_PREFIX "the planned-load ledger is saved again to %s", g.ledger_path);
		g.ledger_failing = 0;
	}
	free(jobs);
}

static void ledger_stop(void)
{
	ledger_save();
	sc_load_destroy(g.load);
	g.load = NULL;
	free(g.ledger_path);
	g.ledger_path = NULL;
}

/* The reloader's sweep: past slots go, ended entries free their place;
 * then the ledger is saved if it changed. */
static void ledger_sweep(int64_t now)
{
	if (!g.load)
		return;
	pthread_mutex_lock(&g.load_lock);
	sc_load_advance(g.load, now);
	if (sc_load_expire(g.load))
		g.load_dirty = 1;
	pthread_mutex_unlock(&g.load_lock);
	ledger_save();
}

/* Records a job that ev's decision delays or reroutes onto a partition with
 * a capacity (enforce mode, under load_lock). Returns its key (for its
 * record and its environment), or 0 when it is not recorded. */
static uint32_t ledger_record(const struct sc_eval *ev)
{
	const struct sc_decision *d = &ev->d;
	struct sc_err err;

	if (!g.load || g.conf->mode != SC_MODE_ENFORCE ||
	    !(d->action == SC_ACT_DELAY || d->action == SC_ACT_REROUTE || d->action == SC_ACT_DELAY_REROUTE))
		return 0;
	if (!g.conf->part_cores[d->chosen.part]) /* no capacity there: nothing to plan against */
		return 0;
	if (++g.load_seq == 0) /* keys are never 0 */
		g.load_seq = 1;
	if (sc_load_add(g.load, g.load_seq, d->chosen.part, d->chosen.start, d->chosen.start + d->chosen.runtime,
			ev->req.shape.cores ? ev->req.shape.cores : 1, ev->req.shape.gpus, &err) < 0) {
		if (!g.load_full_logged)
			slurm_error(LOG_PREFIX "%s: later jobs are planned without this one's load", err.msg);
		g.load_full_logged = 1;
		return 0;
	}
	g.load_dirty = 1;
	return g.load_seq;
}

/* Puts a recorded job's key into its environment (job_modify reads it). */
static void ledger_env(job_desc_msg_t *jd, uint32_t k)
{
	char key[16];

	snprintf(key, sizeof(key), "%u", k);
	if (sc_env_set(&jd->spank_job_env, &jd->spank_job_env_size, SC_ENV_LEDGER, key, &sc_ctld_alloc) < 0)
		slurm_error(LOG_PREFIX "out of memory: a planned job of uid %u is followed by the ledger's "
			    "sync only", jd->user_id);
}

/* job_modify, once the change is allowed: a planned job whose start alone
 * changes keeps its load, moved to the new start; one whose partition, time
 * limit or CPUs change leaves the ledger (its plan is no longer the
 * plugin's). */
static void ledger_modify(const job_desc_msg_t *jd, job_record_t *job_ptr)
{
	int reshaped = jd->partition || jd->time_limit != NO_VAL || jd->min_cpus != NO_VAL;
	struct sc_load_job j;
	uint32_t key;

	if (!g.load || !job_ptr || !(jd->begin_time > 0 || reshaped))
		return;
	if (sc_ctld_job_ledger(job_ptr, &key) <= 0)
		return;
	pthread_mutex_lock(&g.load_lock);
	if (sc_load_get(g.load, key, &j)) {
		int64_t start = (int64_t)jd->begin_time;
		if (reshaped || sc_load_add(g.load, key, j.part, start, start + (j.end - j.start), j.cores, j.gpus,
					    NULL) < 0)
			sc_load_remove(g.load, key);
		g.load_dirty = 1;
	}
	pthread_mutex_unlock(&g.load_lock);
}

/* --- the sync with slurmctld ------------------------------------------------ */

/* Whether fini asked the reloader to stop: no RPC is sent after that
 * (plugin/ctld.h says why). */
static int stopping(void)
{
	int s;

	pthread_mutex_lock(&g.lock);
	s = g.stop;
	pthread_mutex_unlock(&g.lock);
	return s;
}

/* The managed partition called name, or n_parts. */
static size_t part_index(const char *name)
{
	for (size_t i = 0; name && i < g.conf->n_parts; i++)
		if (strcmp(g.conf->part_names[i], name) == 0)
			return i;
	return g.conf->n_parts;
}

/* The capacities of the Cores=slurm / GPUs=slurm partitions from
 * slurmctld's partitions into cores[] and gpus[] (n_parts; the others keep
 * carbon.conf's; a partition slurmctld does not have: 0, unknown). An RPC:
 * no lock held. Returns 0, or -1 with err. */
static int sync_capacity(uint32_t *cores, uint32_t *gpus, struct sc_err *err)
{
	const struct sc_conf *c = g.conf;
	struct sc_ctld_list *l;
	size_t n;

	/* Only this thread writes part_cores and part_gpus: read without the lock. */
	for (size_t i = 0; i < c->n_parts; i++) {
		cores[i] = c->part_cap_slurm[i] & SC_CAP_CORES_SLURM ? 0 : c->part_cores[i];
		gpus[i] = c->part_cap_slurm[i] & SC_CAP_GPUS_SLURM ? 0 : c->part_gpus[i];
	}
	l = sc_ctld_load_parts(&n, err);
	if (!l)
		return -1;
	for (size_t k = 0; k < n; k++) {
		struct sc_ctld_part p;
		size_t i;
		struct sc_err terr;

		sc_ctld_part_at(l, k, &p);
		i = part_index(p.name);
		if (i == c->n_parts)
			continue;
		if (c->part_cap_slurm[i] & SC_CAP_CORES_SLURM)
			cores[i] = p.total_cpus == NO_VAL ? 0 : p.total_cpus;
		if ((c->part_cap_slurm[i] & SC_CAP_GPUS_SLURM) && sc_parse_tres_gpus(p.tres, &gpus[i], &terr) < 0)
			slurm_error(LOG_PREFIX "partition %s: %s: its GPUs are not limited", p.name, terr.msg);
	}
	sc_ctld_list_free(l);
	return 0;
}

/* Makes cores[] and gpus[] the partitions' capacities (under load_lock),
 * logging each that changed. */
static void capacity_apply(const uint32_t *cores, const uint32_t *gpus)
{
	struct sc_conf *c = g.conf;

	for (size_t i = 0; i < c->n_parts; i++) {
		if (!c->part_cap_slurm[i] || (c->part_cores[i] == cores[i] && c->part_gpus[i] == gpus[i]))
			continue;
		if (cores[i] || !(c->part_cap_slurm[i] & SC_CAP_CORES_SLURM))
			slurm_info(LOG_PREFIX "partition %s: capacity %u cores, %u GPUs (from slurmctld)",
				   c->part_names[i], cores[i], gpus[i]);
		else
			slurm_info(LOG_PREFIX "partition %s: slurmctld reports no CPUs for it: its capacity "
				   "is unknown, nothing is planned against it", c->part_names[i]);
		c->part_cores[i] = cores[i];
		c->part_gpus[i] = gpus[i];
		g.load_dirty = 1; /* saved with the ledger, for scarbon plan */
	}
}

/* The ledger's view of slurmctld's job j (sc_load_seen): key 0 when its
 * record has no ledger key. */
static void sync_seen(const struct sc_ctld_job *j, struct sc_load_seen *s)
{
	uint32_t base = j->state & JOB_STATE_BASE;
	struct sc_estimate e;
	int act;
	int64_t run;

	memset(s, 0, sizeof(*s));
	/* Most jobs have no key: skip parsing their comment. */
	if (!j->admin_comment || !strstr(j->admin_comment, "\"ledger\"") || !sc_estimate_read(j->admin_comment, &e) ||
	    !e.ledger)
		return;
	s->key = e.ledger;
	/* Pending (a requeued job is pending again) keeps its plan; running and
	 * suspended hold their cores; a job between an end and its requeue too;
	 * every other state (complete, cancelled, failed, timeout, node_fail,
	 * preempted, boot_fail, deadline, out_of_memory) uses nothing more. */
	s->state = base == JOB_PENDING ? SC_LOAD_PENDING
		 : base == JOB_RUNNING || base == JOB_SUSPENDED || (j->state & (JOB_REQUEUE | JOB_REQUEUE_HOLD))
			 ? SC_LOAD_STARTED : SC_LOAD_ENDED;
	act = sc_action_from_name(e.decision);
	s->planned = e.applied && (act == SC_ACT_DELAY || act == SC_ACT_REROUTE || act == SC_ACT_DELAY_REROUTE);
	s->part = part_index(j->partition);
	s->cores = j->num_cpus && j->num_cpus != NO_VAL ? j->num_cpus : 1;
	if (sc_parse_tres_gpus(j->tres_req, &s->gpus, NULL) < 0)
		s->gpus = 0;
	/* The run time its decision used, within a time limit lowered since. */
	run = e.runtime_s > 0 ? e.runtime_s : -1;
	if (j->time_limit != NO_VAL && j->time_limit != INFINITE && (run < 0 || run > (int64_t)j->time_limit * 60))
		run = (int64_t)j->time_limit * 60;
	if (j->eligible > 0 && run > 0) {
		s->start = j->eligible;
		s->end = j->eligible + run;
	}
}

/* Logs a failed sync once, until one works again. */
static void sync_failed(const char *what, const struct sc_err *err)
{
	if (!g.sync_failing)
		slurm_error(LOG_PREFIX "cannot read slurmctld's %s (%s): the planned-load ledger is not "
			    "synchronised; retrying every SyncInterval", what, err->msg);
	g.sync_failing = 1;
}

/* Reads slurmctld's jobs into seen (malloc'd, *n of them); an RPC, no lock
 * held. Returns 0, or -1 (logged). */
static int sync_jobs(struct sc_load_seen **seen, size_t *n)
{
	struct sc_ctld_list *l;
	struct sc_err err;

	l = sc_ctld_load_jobs(n, &err);
	if (!l) {
		sync_failed("jobs", &err);
		return -1;
	}
	*seen = calloc(*n ? *n : 1, sizeof(**seen));
	if (!*seen) {
		sc_ctld_list_free(l);
		slurm_error(LOG_PREFIX "out of memory reading slurmctld's %zu jobs: the ledger is not "
			    "synchronised", *n);
		return -1;
	}
	for (size_t i = 0; i < *n; i++) {
		struct sc_ctld_job j;
		sc_ctld_job_at(l, i, &j);
		sync_seen(&j, &(*seen)[i]);
	}
	sc_ctld_list_free(l);
	return 0;
}

/* The sync (README, "Capacity"): the Cores=slurm capacities, then the
 * ledger reconciled with slurmctld's jobs. The RPCs go out with no lock
 * held and not once fini asked the reloader to stop; the ledger is
 * changed under load_lock. */
static void ledger_sync(int64_t now)
{
	size_t np = g.conf->n_parts, n = 0;
	uint32_t *caps = calloc(2 * (np ? np : 1), sizeof(*caps)), seq_sent;
	struct sc_load_seen *seen = NULL;
	struct sc_load_sync st;
	struct sc_err err = { "" };
	int rc;

	if (!caps || stopping())
		goto out;
	if (g.cap_from_slurm) {
		if (sync_capacity(caps, caps + np, &err) < 0) {
			sync_failed("partitions", &err);
			goto out;
		}
		pthread_mutex_lock(&g.load_lock);
		capacity_apply(caps, caps + np);
		pthread_mutex_unlock(&g.load_lock);
	}
	pthread_mutex_lock(&g.load_lock);
	seq_sent = g.load_seq; /* keys after it may be missing from the list */
	pthread_mutex_unlock(&g.load_lock);
	if (stopping() || sync_jobs(&seen, &n) < 0)
		goto out;
	pthread_mutex_lock(&g.load_lock);
	sc_load_advance(g.load, now);
	rc = sc_load_reconcile(g.load, seen, n, seq_sent, g.load_seq, g.conf->part_cores, &st, &err);
	g.load_seq = st.seq;
	if (st.released || st.added || st.updated)
		g.load_dirty = 1;
	pthread_mutex_unlock(&g.load_lock);
	if (g.sync_failing)
		slurm_info(LOG_PREFIX "the planned-load ledger is synchronised with slurmctld again");
	g.sync_failing = 0;
	if (st.released || st.added || st.updated)
		slurm_info(LOG_PREFIX "planned-load ledger synchronised with slurmctld's %zu jobs: %zu released "
			   "(ended or gone), %zu added back, %zu updated", n, st.released, st.added, st.updated);
	if (rc < 0 && !g.load_full_logged) {
		slurm_error(LOG_PREFIX "%s: %zu pending job(s) not added back", err.msg, st.failed);
		g.load_full_logged = 1;
	}
out:
	free(seen);
	free(caps);
}

/* Runs the sync when it is due (every SyncInterval from the reloader's
 * first round on; never with SyncInterval=0 or without a ledger). */
static void ledger_sync_due(int64_t now)
{
	struct timespec t;

	if (!g.load || g.conf->sync_interval <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	if ((int64_t)t.tv_sec < g.sync_due)
		return;
	g.sync_due = (int64_t)t.tv_sec + g.conf->sync_interval;
	ledger_sync(now);
	ledger_save();
}

/* Seconds between the reloader's rounds: ReloadInterval, or SyncInterval
 * when that is shorter and a ledger is kept. */
static int64_t reloader_wait(void)
{
	int64_t w = g.conf->reload_interval > 0 ? g.conf->reload_interval : 10;

	if (g.load && g.conf->sync_interval > 0 && g.conf->sync_interval < w)
		w = g.conf->sync_interval;
	return w;
}

/* The reloader: every ReloadInterval, stat() the forecast files and reload
 * when one changed or a moving window is due. Only this thread replaces
 * g.current, so it may read it without a reference. */
static void *reloader(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&g.lock);
	while (!g.stop) {
		struct timespec until;
		struct held *cur;
		int64_t now;

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += reloader_wait();
		while (!g.stop && pthread_cond_timedwait(&g.wake, &g.lock, &until) != ETIMEDOUT)
			;
		if (g.stop)
			break;
		cur = g.current;
		pthread_mutex_unlock(&g.lock);

		now = (int64_t)time(NULL);
		if (!cur || sc_snapshot_outdated(cur->snap, now, WINDOW_REFRESH))
			snapshot_reload(now);
		if (g.conf->estimates_learned)
			model_reload(now);
		snapshot_reap(0);
		counters_save();
		sc_gate_reload();
		ledger_sweep(now);
		ledger_sync_due(now);

		pthread_mutex_lock(&g.lock);
	}
	pthread_mutex_unlock(&g.lock);
	return NULL;
}


/* --- init / fini -------------------------------------------------------------- */

int init(void)
{
	struct sc_diag diag = { 0 };
	pthread_condattr_t attr;
	char *path = sc_conf_locate(sc_ctld_conf_path());
	int rc;

	if (!path) {
		slurm_error(LOG_PREFIX "out of memory");
		return SLURM_ERROR;
	}
	g.conf = sc_conf_load(path, &diag);
	if (!g.conf) {
		for (size_t i = 0; i < diag.n; i++)
			slurm_error(LOG_PREFIX "%s", diag.msgs[i]);
		if (diag.alloc_failed || !diag.n)
			slurm_error(LOG_PREFIX "%s: cannot be loaded (out of memory)", path);
		slurm_error(LOG_PREFIX "%s is invalid, so slurmctld stops: fix it (`scarbon --config %s "
			    "check-config` shows the same), or remove carbon from JobSubmitPlugins",
			    path, path);
		sc_diag_free(&diag);
		free(path);
		return SLURM_ERROR;
	}
	sc_diag_free(&diag);
	slurm_info(LOG_PREFIX "%s: Mode=%s, %zu managed partition(s), %zu zone(s)", path,
		   sc_mode_name(g.conf->mode), g.conf->n_parts, g.conf->n_zones);
	free(path);
	if (g.conf->mode == SC_MODE_OFF)
		return SLURM_SUCCESS;
	if (exempt_users_resolve() < 0) {
		slurm_error(LOG_PREFIX "out of memory resolving ExemptUsers");
		return SLURM_ERROR;
	}
	counters_start();
	if (sc_gate_start(g.conf) < 0) {
		slurm_error(LOG_PREFIX "out of memory setting up the carbon budgets");
		return SLURM_ERROR;
	}
	if (ledger_start() < 0) {
		slurm_error(LOG_PREFIX "out of memory setting up the planned-load ledger");
		return SLURM_ERROR;
	}

	snapshot_reload((int64_t)time(NULL));
	if (g.conf->estimates_learned) {
		/* Out of memory: each evaluation allocates its own. */
		g.scratch = calloc(g.conf->n_parts ? g.conf->n_parts : 1, sizeof(*g.scratch));
		model_reload((int64_t)time(NULL));
	}
	g.stop = 0;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&g.wake, &attr);
	pthread_condattr_destroy(&attr);
	rc = pthread_create(&g.thread, NULL, reloader, NULL);
	if (rc) {
		/* Fail open: jobs are priced on the forecasts loaded now. */
		pthread_cond_destroy(&g.wake);
		slurm_error(LOG_PREFIX "cannot start the forecast reloader (%s): forecasts will not be "
			    "reloaded until slurmctld restarts", strerror(rc));
	} else {
		g.thread_running = 1;
	}
	return SLURM_SUCCESS;
}

int fini(void)
{
	if (g.thread_running) {
		pthread_mutex_lock(&g.lock);
		g.stop = 1;
		pthread_cond_signal(&g.wake);
		pthread_mutex_unlock(&g.lock);
		pthread_join(g.thread, NULL);
		g.thread_running = 0;
		pthread_cond_destroy(&g.wake);
	}
	if (g.current) {
		g.current->next = g.retired;
		g.retired = g.current;
		g.current = NULL;
	}
	if (g.model) {
		g.model->next = g.retired;
		g.retired = g.model;
		g.model = NULL;
	}
	memset(&g.model_st, 0, sizeof(g.model_st));
	g.model_why[0] = '\0';
	snapshot_reap(1);
	counters_stop();
	sc_gate_stop();
	ledger_stop();
	free(g.exempt_uid);
	g.exempt_uid = NULL;
	free(g.scratch);
	g.scratch = NULL;
	sc_conf_destroy(g.conf);
	g.conf = NULL;
	return SLURM_SUCCESS;
}

/* --- job_submit --------------------------------------------------------------- */

/* Fills *ev as "left alone" for a reason found before the evaluation. */
static void leave_alone(struct sc_eval *ev, const job_desc_msg_t *jd, int64_t now, const char *fmt,
			...) __attribute__((format(printf, 4, 5)));

static void leave_alone(struct sc_eval *ev, const job_desc_msg_t *jd, int64_t now, const char *fmt,
			...)
{
	char reason[sizeof(ev->d.reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	memset(ev, 0, sizeof(*ev));
	sc_decision_none(&ev->d, "%s", reason);
	ev->d.t0 = now;
	ev->ctx.mode = g.conf->mode;
	ev->ctx.requested = jd->partition;
	ev->ctx.submit = now;
}

/* Sets *err_msg (shown to the user by sbatch, salloc and srun) to line, after
 * whatever an earlier plugin put there. */
static int set_message(char **err_msg, const char *line)
{
	const char *prev = err_msg && *err_msg ? *err_msg : "";
	size_t n = strlen(prev) + 1 + strlen(line) + 1;
	char *m;

	if (!err_msg)
		return 0;
	m = sc_ctld_alloc.calloc(n, 1);
	if (!m)
		return -1;
	snprintf(m, n, "%s%s%s", prev, *prev ? "\n" : "", line);
	sc_ctld_free(*err_msg);
	*err_msg = m;
	return 0;
}

/* The job's account for ExemptAccounts and the learned estimates (mh: the
 * model held, or NULL): the one it names, else the user's default (the job
 * names none when it relies on it). */
static const char *job_account(const job_desc_msg_t *jd, const struct held *mh, char *buf, size_t n)
{
	if (jd->account && *jd->account)
		return jd->account;
	/* The learned estimates are keyed by account too. */
	if (!g.conf->n_exempt_accounts && !mh)
		return NULL;
	return sc_ctld_default_account(jd->user_id, buf, n);
}

/* Evaluates jd. Returns 0 with *ev (possibly "left alone"), or -1 when the
 * user's options are invalid in enforce mode (ev->err says why). */
static int evaluate(const job_desc_msg_t *jd, const struct sc_snapshot *snap,
		    const struct held *mh, int64_t now, struct sc_eval *ev)
{
	struct sc_job_fields f;
	struct sc_err why = { "" };
	struct sc_partition *scratch;
	char acct[256];
	const char *user = NULL;
	int rc;

	if (jd->het_job_offset != NO_VAL) {
		leave_alone(ev, jd, now, "heterogeneous job: not planned");
		return 0;
	}
	if (sc_jobdesc_fields(jd, &f, &why) < 0) {
		leave_alone(ev, jd, now, "%s", why.msg);
		return 0;
	}
	/* The name for ExemptUsers (resolved at init), else for the learned
	 * estimates: the model's (resolved by the reloader): no name service
	 * on this path. */
	user = exempt_user_name(jd->user_id);
	if (!user && mh)
		user = model_user(mh, jd->user_id);
	scratch = g.scratch && pthread_mutex_trylock(&g.scratch_lock) == 0 ? g.scratch : NULL;
	rc = sc_evaluate_loaded(g.conf, snap, mh ? mh->model : NULL, scratch, g.load ? &g.cong : NULL, &f, user,
				job_account(jd, mh, acct, sizeof(acct)), jd->qos, now, ev);
	if (scratch)
		pthread_mutex_unlock(&g.scratch_lock);
	if (rc == 0)
		return 0;
	if (ev->build == SC_BUILD_INVALID) {
		if (g.conf->mode == SC_MODE_ENFORCE)
			return -1;
		why = ev->err;
		leave_alone(ev, jd, now, "invalid option: %s", why.msg);
		return 0;
	}
	/* The engine found the request inconsistent: a defect, not the user's. */
	why = ev->err;
	slurm_error(LOG_PREFIX "internal error, job of uid %u left as submitted: %s", jd->user_id,
		    why.msg);
	leave_alone(ev, jd, now, "internal error: %s", why.msg);
	return 0;
}

/* What the decision changes in the job, prepared in full before anything is
 * applied, so that a failure changes nothing. */
struct change {
	char *partition;     /* from slurmctld's allocator, or NULL */
	char *admin_comment; /* from slurmctld's allocator, or NULL */
	time_t begin;        /* 0: unchanged */
};

static int prepare(const job_desc_msg_t *jd, const struct sc_eval *ev, struct change *c)
{
	const struct sc_decision *d = &ev->d;
	char *comment = NULL;

	memset(c, 0, sizeof(*c));
	if (g.conf->mode == SC_MODE_ENFORCE) {
		if (d->action == SC_ACT_DELAY || d->action == SC_ACT_DELAY_REROUTE)
			c->begin = (time_t)d->chosen.start;
		if (d->action == SC_ACT_REROUTE || d->action == SC_ACT_DELAY_REROUTE) {
			c->partition = sc_ctld_strdup(g.conf->site.parts[d->chosen.part].name);
			if (!c->partition)
				goto error;
		}
	}
	comment = sc_eval_admin_comment(g.conf, ev, jd->admin_comment);
	if (!comment)
		goto error;
	c->admin_comment = sc_ctld_strdup(comment);
	free(comment);
	if (!c->admin_comment)
		goto error;
	return 0;
error:
	sc_ctld_free(c->partition);
	sc_ctld_free(c->admin_comment);
	memset(c, 0, sizeof(*c));
	return -1;
}

static void apply(job_desc_msg_t *jd, struct change *c)
{
	char when[32];

	if (c->begin) {
		snprintf(when, sizeof(when), "%" PRId64, (int64_t)c->begin);
		jd->begin_time = c->begin;
		if (sc_env_set(&jd->spank_job_env, &jd->spank_job_env_size, SC_ENV_NOT_BEFORE, when,
			       &sc_ctld_alloc) < 0)
			slurm_error(LOG_PREFIX "out of memory: the carbon hold of a delayed job of uid %u "
				    "is not protected against earlier start times", jd->user_id);
	}
	if (c->partition) {
		sc_ctld_free(jd->partition);
		jd->partition = c->partition;
	}
	sc_ctld_free(jd->admin_comment);
	jd->admin_comment = c->admin_comment;
	memset(c, 0, sizeof(*c));
}

/* Holds the job to its carbon budgets over time (plugin/budget_gate.h): 1 when refused,
 * with msg; else 0, ev's record naming the budget, msg a warning or "". Operators'
 * submissions and jobs without an estimate (left alone, exempt) are not held. */
static int budget_gate(const job_desc_msg_t *jd, uint32_t submit_uid, struct sc_eval *ev,
		       int64_t now, char *msg, size_t n)
{
	const struct sc_decision *d = &ev->d;
	int enforce = g.conf->mode == SC_MODE_ENFORCE;
	int moved = d->action == SC_ACT_DELAY || d->action == SC_ACT_REROUTE ||
		    d->action == SC_ACT_DELAY_REROUTE;
	char acct[256];
	struct sc_gate_job j = { .uid = jd->user_id, .enforce = enforce, .now = now,
				 .moved = enforce && moved, .saving_pct = d->saving_pct };

	msg[0] = '\0';
	if (!g.conf->n_budgets || (!moved && d->action != SC_ACT_RUN) || sc_ctld_is_operator(submit_uid))
		return 0;
	j.est_g = j.moved || !d->has_baseline ? d->chosen.gco2e : d->baseline.gco2e;
	j.account = jd->account && *jd->account ? jd->account
						: sc_ctld_default_account(jd->user_id, acct, sizeof(acct));
	return sc_gate_check(&j, &ev->ctx, msg, n);
}

static int submit(job_desc_msg_t *jd, uint32_t submit_uid, char **err_msg,
		  const struct sc_snapshot *snap, const struct held *mh, int64_t now)
{
	char bmsg[512];
	struct sc_eval ev;
	struct change c;
	char msg[768];

	/* A hold the user forged is gone whatever happens next, also under the name
	 * slurmctld gives it in the job's environment (SPANK_ + the name), which it
	 * would not prefix again. */
	sc_env_unset(jd->spank_job_env, &jd->spank_job_env_size, SC_ENV_NOT_BEFORE, &sc_ctld_alloc);
	sc_env_unset(jd->spank_job_env, &jd->spank_job_env_size, "SPANK_" SC_ENV_NOT_BEFORE,
		     &sc_ctld_alloc);
	sc_env_unset(jd->spank_job_env, &jd->spank_job_env_size, SC_ENV_LEDGER, &sc_ctld_alloc);
	sc_env_unset(jd->spank_job_env, &jd->spank_job_env_size, "SPANK_" SC_ENV_LEDGER, &sc_ctld_alloc);

	if (evaluate(jd, snap, mh, now, &ev) < 0) {
		count(jd, &ev, 1);
		snprintf(msg, sizeof(msg), "carbon: %s", ev.err.msg);
		slurm_info(LOG_PREFIX "rejected a job of uid %u: %s", jd->user_id, ev.err.msg);
		set_message(err_msg, msg);
		return SLURM_ERROR;
	}
	sc_decision_message(&g.conf->site, &ev.d, g.conf->mode, now, msg, sizeof(msg));
	if (g.conf->mode == SC_MODE_ENFORCE && ev.d.action == SC_ACT_REJECT) {
		count(jd, &ev, 0);
		slurm_info(LOG_PREFIX "rejected a job of uid %u: %s", jd->user_id, msg);
		set_message(err_msg, msg);
		return ESLURM_ACCOUNTING_POLICY;
	}
	if (budget_gate(jd, submit_uid, &ev, now, bmsg, sizeof(bmsg))) {
		count(jd, &ev, 2);
		slurm_info(LOG_PREFIX "rejected a job of uid %u: %s", jd->user_id, bmsg);
		set_message(err_msg, bmsg);
		return ESLURM_ACCOUNTING_POLICY;
	}
	count(jd, &ev, 0);
	/* The key goes into the record, where the ledger's sync finds it. */
	ev.ctx.ledger = ledger_record(&ev);
	if (prepare(jd, &ev, &c) < 0) {
		if (ev.ctx.ledger)
			sc_load_remove(g.load, ev.ctx.ledger);
		slurm_error(LOG_PREFIX "out of memory: job of uid %u left as submitted, unrecorded",
			    jd->user_id);
		return SLURM_SUCCESS;
	}
	apply(jd, &c);
	if (ev.ctx.ledger)
		ledger_env(jd, ev.ctx.ledger);
	/* Jobs of partitions carbon.conf does not manage pass in silence. */
	if (ev.build != SC_BUILD_UNMANAGED && (set_message(err_msg, msg) < 0 ||
						  (bmsg[0] && set_message(err_msg, bmsg) < 0)))
		slurm_error(LOG_PREFIX "out of memory for the message to uid %u", jd->user_id);
	slurm_debug(LOG_PREFIX "uid %u: %s", jd->user_id, msg);
	return SLURM_SUCCESS;
}

int job_submit(job_desc_msg_t *job_desc, uint32_t submit_uid, char **err_msg)
{
	struct held *h, *mh;
	int64_t now;
	int rc;

	if (!g.conf || g.conf->mode == SC_MODE_OFF)
		return SLURM_SUCCESS;
	h = snapshot_acquire(&g.current);
	mh = g.conf->estimates_learned ? snapshot_acquire(&g.model) : NULL;
	now = (int64_t)time(NULL);
	if (g.load) { /* in memory, O(slots): the decision reads and extends the ledger */
		pthread_mutex_lock(&g.load_lock);
		sc_load_advance(g.load, now);
	}
	rc = submit(job_desc, submit_uid, err_msg, h ? h->snap : NULL, mh, now);
	if (g.load)
		pthread_mutex_unlock(&g.load_lock);
	snapshot_release(mh);
	snapshot_release(h);
	return rc;
}

/* --- job_modify ----------------------------------------------------------------- */

/* job_modify's hold check: SLURM_SUCCESS, or ESLURM_ACCESS_DENIED with the
 * user told why. */
static int hold_check(job_desc_msg_t *job_desc, job_record_t *job_ptr, uint32_t submit_uid, char **err_msg)
{
	char hold_s[32], want_s[32], id[32], msg[512];
	int64_t hold;
	int r;

	if (!job_ptr || job_desc->begin_time <= 0 || sc_ctld_is_operator(submit_uid))
		return SLURM_SUCCESS;
	/* scontrol names the job by job_id_str; the API may use the job id. */
	if (job_desc->job_id_str)
		sc_printable(id, sizeof(id), job_desc->job_id_str); /* as the user typed it */
	else
		snprintf(id, sizeof(id), "%u", SC_JOB_DESC_JOB_ID(job_desc));
	r = sc_ctld_job_hold(job_ptr, &hold);
	if (r < 0)
		slurm_error(LOG_PREFIX "job %s: unreadable carbon hold, not enforced", id);
	if (r <= 0 || (int64_t)job_desc->begin_time >= hold)
		return SLURM_SUCCESS;
	sc_format_time((int64_t)job_desc->begin_time, want_s, sizeof(want_s));
	sc_format_time(hold, hold_s, sizeof(hold_s));
	slurm_info(LOG_PREFIX "refused uid %u moving the start of job %s to %s, before its carbon "
		   "hold %s (an operator can)", submit_uid, id, want_s, hold_s);
	sc_hold_refusal_message(id, want_s, hold_s, msg, sizeof(msg));
	if (set_message(err_msg, msg) < 0)
		slurm_error(LOG_PREFIX "out of memory for the message to uid %u", submit_uid);
	return ESLURM_ACCESS_DENIED;
}

int job_modify(SC_JOB_MODIFY_PARAMS)
{
	int rc;

	if (!g.conf || g.conf->mode != SC_MODE_ENFORCE)
		return SLURM_SUCCESS;
	rc = hold_check(job_desc, job_ptr, submit_uid, SC_JOB_MODIFY_ERR_MSG_ARG);
	if (rc == SLURM_SUCCESS)
		ledger_modify(job_desc, job_ptr);
	return rc;
}
