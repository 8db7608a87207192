/* slurm-carbon: carbon budgets over time — a budget's period, which budgets a
 * job counts against, the usage ledger in StateDir, and the verdict at
 * submission.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A budget (carbon.conf's BudgetName= record) caps the gCO2e that the jobs of
 * an account, a user, or a user in an account may emit in a period: a
 * calendar month, quarter or year in UTC, or Length-long periods repeating
 * from Start. A job counts in the period that contains its submit time.
 *
 * The ledger (StateDir/budgets.json), written by `scarbon budget --write`:
 * {"v":1,"computed":EPOCH,"budgets":{"NAME":{"start":EPOCH,"end":EPOCH,
 * "limit_g":X,"actual_g":X,"estimated_g":X,"jobs":N},...}}: per budget, its
 * period containing `computed`, the reconciled gCO2e of its jobs (actual_g)
 * and the submit-time estimates of those not reconciled yet (estimated_g).
 * Written atomically; read with every field checked.
 *
 * Pure apart from sc_ledger_load/sc_ledger_save (file I/O, no clock).
 */
#ifndef SC_BUDGET_BUDGET_H
#define SC_BUDGET_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define SC_LEDGER_VERSION 1
#define SC_BUDGET_MAX_NAME 64

enum sc_budget_period { SC_PERIOD_MONTH, SC_PERIOD_QUARTER, SC_PERIOD_YEAR, SC_PERIOD_FIXED };
enum sc_budget_action { SC_BUDGET_REJECT, SC_BUDGET_DELAY, SC_BUDGET_WARN };

struct sc_budget {
	char *name;                   /* BudgetName= (owned) */
	char *account;                /* Account= (owned; NULL: any account) */
	char *user;                   /* User= (owned; NULL: any user); one of the two is set */
	double limit_g;               /* Limit= in gCO2e, > 0 */
	enum sc_budget_period period; /* Period= [quarter]; FIXED with Start= and Length= */
	int64_t start, length;        /* FIXED only: first period [start, start+length), repeating */
	enum sc_budget_action action; /* Action= [reject] */
	double warn_pct;              /* Warn=<percent>% of the limit: a message above it; 0: none */
	double delay_savings_pct;     /* DelaySavings=<percent>% [20%]: Action=delay accepts a job
				       * over the limit only into a plan saving at least this */
	int line;                     /* in carbon.conf */
};

/* "month", "quarter", "year", "fixed"; "reject", "delay", "warn". */
const char *sc_budget_period_name(enum sc_budget_period p);
const char *sc_budget_action_name(enum sc_budget_action a);

/* The period of b that contains t: [*start, *end). Returns 1, or 0 when t is
 * before a fixed budget's Start (no period yet; *start, *end untouched). */
int sc_budget_period_at(const struct sc_budget *b, int64_t t, int64_t *start, int64_t *end);

/* Whether a job of user and account (each may be NULL: unknown, matches no
 * budget that names one) counts against b. Users compare exactly, accounts
 * case-insensitively (Slurm stores them in lower case). */
int sc_budget_matches(const struct sc_budget *b, const char *user, const char *account);

/* One budget's usage in one period. */
struct sc_ledger_entry {
	char name[SC_BUDGET_MAX_NAME + 1];
	int64_t start, end;
	double limit_g;
	double actual_g;    /* reconciled jobs */
	double estimated_g; /* jobs not reconciled yet: their submit-time estimates */
	long jobs;
};

struct sc_ledger {
	int64_t computed;              /* when the usage was computed (0: never) */
	struct sc_ledger_entry *e;     /* owned */
	size_t n, cap;
};

/* Frees what l holds and empties it; NULL is a no-op. */
void sc_ledger_free(struct sc_ledger *l);

/* Appends a zero entry for b's period containing at (or [0,0) when none).
 * Returns the entry, or NULL when out of memory. */
struct sc_ledger_entry *sc_ledger_add(struct sc_ledger *l, const struct sc_budget *b, int64_t at);

/* The entry for name whose period starts at start, or NULL. */
const struct sc_ledger_entry *sc_ledger_find(const struct sc_ledger *l, const char *name,
					     int64_t start);

/* StateDir/budgets.json, malloc'd (caller frees); NULL with err when
 * state_dir is NULL or empty, or out of memory. */
char *sc_ledger_path(const char *state_dir, struct sc_err *err);

/* Reads the ledger at path into *l (uninitialised). Returns 1 when read, 0
 * when there is no file (l empty), -1 with err (the file and what is wrong:
 * not JSON, another version, a missing or invalid field) — then l is empty. */
int sc_ledger_load(struct sc_ledger *l, const char *path, struct sc_err *err);

/* The same on a ledger's text (len bytes, need not be NUL-terminated; NULL
 * only with len 0), named name in messages (NULL: "budgets.json"). Returns 0
 * with *l (uninitialised before; caller frees with sc_ledger_free), or -1
 * with err (as sc_ledger_load) and l empty. Pure. */
int sc_ledger_parse(struct sc_ledger *l, const char *text, size_t len, const char *name,
		    struct sc_err *err);

/* Writes l to path atomically (mode 0644). Returns 0 or -1 with err. */
int sc_ledger_save(const struct sc_ledger *l, const char *path, struct sc_err *err);

/* What a budget says about a job of estimate est_g when used_g is spent. */
enum sc_budget_verdict { SC_BV_OK, SC_BV_WARN, SC_BV_OVER };

/* SC_BV_OVER when used_g + est_g exceeds b's limit; SC_BV_WARN when it
 * exceeds Warn= of it; else SC_BV_OK. */
enum sc_budget_verdict sc_budget_verdict(const struct sc_budget *b, double used_g, double est_g);

/* The sentence for a job over (or, warn, near) budget b: the budget, what is
 * used of the limit, this job's estimate, when the period resets (end; 0:
 * unknown), and what happens (`what`, e.g. "job rejected"). Into buf (n
 * bytes, truncated); returns buf. */
char *sc_budget_message(const struct sc_budget *b, double used_g, double est_g, int64_t end,
			const char *what, char *buf, size_t n);

#endif
