/* slurm-carbon: job_submit/carbon's carbon budgets over time (plugin/budget_gate.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <slurm/spank.h> /* slurm_info, slurm_error */

#include "base/grow.h"
#include "budget/budget.h"
#include "plugin/budget_gate.h"

#define LOG_PREFIX "job_submit/carbon: "

/* An accepted job's estimate, kept until a ledger computed after it arrives. */
struct spend {
	int64_t t;
	double g;
};

struct added {
	struct spend *s;
	size_t n, cap;
};

static struct {
	const struct sc_conf *conf;
	pthread_mutex_t lock; /* led, add */
	struct sc_ledger led;
	struct added *add;    /* per budget */
	uid_t *uid;           /* per budget: User= resolved; (uid_t)-1 unknown or none */
	char *path;
	struct stat st;       /* of the ledger loaded; st_mtime 0: none */
	int failing;
} G = { .lock = PTHREAD_MUTEX_INITIALIZER };

int sc_gate_start(const struct sc_conf *conf)
{
	const struct sc_budget *bs = conf->budgets;
	struct sc_err err;

	G.conf = conf;
	if (!conf->n_budgets)
		return 0;
	G.add = calloc(conf->n_budgets, sizeof(*G.add));
	G.uid = calloc(conf->n_budgets, sizeof(*G.uid));
	if (!G.add || !G.uid)
		return -1;
	for (size_t i = 0; i < conf->n_budgets; i++) {
		struct passwd pw, *found = NULL;
		char buf[4096];

		G.uid[i] = (uid_t)-1;
		if (bs[i].user && getpwnam_r(bs[i].user, &pw, buf, sizeof(buf), &found) == 0 && found)
			G.uid[i] = found->pw_uid;
		else if (bs[i].user)
			slurm_info(LOG_PREFIX "BudgetName=%s: no user '%s' on this host: the budget applies "
				   "to nobody until slurmctld restarts and finds it", bs[i].name, bs[i].user);
	}
	G.path = sc_ledger_path(conf->state_dir, &err);
	if (!G.path)
		slurm_error(LOG_PREFIX "%s: budgets count only the jobs accepted since slurmctld started",
			    err.msg);
	sc_gate_reload();
	return 0;
}

/* Drops the spends the ledger (computed at t) already counts. */
static void prune(int64_t t)
{
	for (size_t i = 0; i < G.conf->n_budgets; i++) {
		struct added *a = &G.add[i];
		size_t k = 0;
		for (size_t j = 0; j < a->n; j++)
			if (a->s[j].t >= t)
				a->s[k++] = a->s[j];
		a->n = k;
	}
}

void sc_gate_reload(void)
{
	struct sc_ledger l, old;
	struct stat st;
	struct sc_err err;

	if (!G.path || !G.conf->n_budgets || stat(G.path, &st) < 0)
		return;
	if (st.st_mtime == G.st.st_mtime && st.st_size == G.st.st_size && st.st_ino == G.st.st_ino)
		return;
	if (sc_ledger_load(&l, G.path, &err) < 0) {
		if (!G.failing)
			slurm_error(LOG_PREFIX "%s: budgets keep the previous figures", err.msg);
		G.failing = 1;
		return;
	}
	G.failing = 0;
	pthread_mutex_lock(&G.lock);
	old = G.led;
	G.led = l;
	prune(l.computed);
	G.st = st;
	pthread_mutex_unlock(&G.lock);
	sc_ledger_free(&old);
	slurm_info(LOG_PREFIX "budget ledger %s loaded (computed at %lld)", G.path, (long long)l.computed);
}

void sc_gate_stop(void)
{
	for (size_t i = 0; G.add && G.conf && i < G.conf->n_budgets; i++)
		free(G.add[i].s);
	free(G.add);
	free(G.uid);
	free(G.path);
	sc_ledger_free(&G.led);
	memset(&G.st, 0, sizeof(G.st));
	G.add = NULL;
	G.uid = NULL;
	G.path = NULL;
	G.conf = NULL;
	G.failing = 0;
}

/* Budget i's usage in [start, end) (under the lock). */
static double used_of(size_t i, int64_t start, int64_t end)
{
	const struct sc_ledger_entry *e = sc_ledger_find(&G.led, G.conf->budgets[i].name, start);
	double u = e ? e->actual_g + e->estimated_g : 0;

	for (size_t j = 0; j < G.add[i].n; j++)
		if (G.add[i].s[j].t >= start && G.add[i].s[j].t < end)
			u += G.add[i].s[j].g;
	return u;
}

static int matches(size_t i, const struct sc_gate_job *j)
{
	const struct sc_budget *b = &G.conf->budgets[i];

	if (b->user && (G.uid[i] == (uid_t)-1 || G.uid[i] != (uid_t)j->uid))
		return 0;
	return sc_budget_matches(b, b->user, j->account);
}

/* The verdict of budget i over j (under the lock): 1 refuse, 0 accept; msg for either. */
static int judge(size_t i, const struct sc_gate_job *j, double used, int64_t end, char *msg, size_t n)
{
	const struct sc_budget *b = &G.conf->budgets[i];
	enum sc_budget_verdict v = sc_budget_verdict(b, used, j->est_g);
	char what[160];

	if (v == SC_BV_WARN) {
		sc_budget_message(b, used, j->est_g, end, "accepted; the budget is nearly spent", msg, n);
		return 0;
	}
	if (v == SC_BV_OK)
		return 0;
	if (b->action == SC_BUDGET_WARN || !j->enforce) {
		sc_budget_message(b, used, j->est_g, end, j->enforce ? "accepted (Action=warn)"
				  : "accepted (Mode=advise; enforce would apply Action=)", msg, n);
		return 0;
	}
	if (b->action == SC_BUDGET_DELAY && j->moved && j->saving_pct >= b->delay_savings_pct) {
		snprintf(what, sizeof(what), "accepted into its greener plan (saves %.0f%%, at least %.0f%% "
			 "needed)", j->saving_pct, b->delay_savings_pct);
		sc_budget_message(b, used, j->est_g, end, what, msg, n);
		return 0;
	}
	if (b->action == SC_BUDGET_DELAY)
		snprintf(what, sizeof(what), "job rejected: over budget, a job must run in a plan that saves "
			 "at least %.0f%% (this one saves %.0f%%)", b->delay_savings_pct,
			 j->moved ? j->saving_pct : 0);
	else
		snprintf(what, sizeof(what), "job rejected");
	sc_budget_message(b, used, j->est_g, end, what, msg, n);
	return 1;
}

int sc_gate_check(const struct sc_gate_job *j, struct sc_record_ctx *ctx, char *msg, size_t n)
{
	size_t nb = G.conf ? G.conf->n_budgets : 0, tight = (size_t)-1;
	double share = -1, tight_used = 0;
	int refused = 0;
	char m[512];

	msg[0] = '\0';
	if (!nb || !G.add)
		return 0;
	pthread_mutex_lock(&G.lock);
	for (size_t i = 0; i < nb && !refused; i++) {
		int64_t s, e;
		double used;
		if (!matches(i, j) || !sc_budget_period_at(&G.conf->budgets[i], j->now, &s, &e))
			continue;
		used = used_of(i, s, e);
		m[0] = '\0';
		refused = judge(i, j, used, e, m, sizeof(m));
		if (m[0] && (refused || !msg[0]))
			snprintf(msg, n, "%s", m);
		if ((used + j->est_g) / G.conf->budgets[i].limit_g > share) {
			share = (used + j->est_g) / G.conf->budgets[i].limit_g;
			tight = i;
			tight_used = used + j->est_g;
		}
	}
	for (size_t i = 0; i < nb && !refused; i++) {
		struct added *a = &G.add[i];
		int64_t s, e;
		if (!matches(i, j) || !sc_budget_period_at(&G.conf->budgets[i], j->now, &s, &e))
			continue;
		/* Spends of a past period never count again: without ledgers they would pile up. */
		if (a->n && a->s[0].t < s) {
			size_t k = 0;
			for (size_t x = 0; x < a->n; x++)
				if (a->s[x].t >= s)
					a->s[k++] = a->s[x];
			a->n = k;
		}
		if (SC_GROW(a->s, a->cap, a->n + 1) < 0)
			continue; /* out of memory: this job goes uncounted */
		a->s[a->n++] = (struct spend){ j->now, j->est_g };
	}
	pthread_mutex_unlock(&G.lock);
	if (!refused && tight != (size_t)-1) {
		ctx->budget = G.conf->budgets[tight].name;
		ctx->budget_used_g = tight_used;
		ctx->budget_limit_g = G.conf->budgets[tight].limit_g;
	}
	return refused;
}
