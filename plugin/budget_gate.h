/* slurm-carbon: job_submit/carbon's carbon budgets over time — the ledger
 * (budget/budget.h) it loads off the submit path, the estimates of the jobs it
 * accepted since the ledger was computed, and the check at submission.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The ledger is loaded by the reloader thread (sc_gate_reload: a stat(), and
 * a read when the file changed); submissions only take a mutex held for
 * arithmetic over the budgets. A check and the addition of the accepted
 * job's estimate happen under that mutex, so that concurrent submissions
 * cannot together overspend. Without a ledger (none written yet, unreadable:
 * logged), usage counts from the jobs accepted since slurmctld started.
 */
#ifndef SC_PLUGIN_BUDGET_GATE_H
#define SC_PLUGIN_BUDGET_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "config/conf.h"
#include "record/record.h"

/* Sets the gate up for conf (borrowed; must outlive the gate): resolves the
 * budgets' User= names to uids (now, so that no submission waits on a name
 * service) and loads the ledger. No budgets: nothing to do. Returns 0, or -1
 * when out of memory. */
int sc_gate_start(const struct sc_conf *conf);

/* Reloads the ledger when its file changed (the reloader thread). */
void sc_gate_reload(void);

/* Frees everything; safe to call when never started. */
void sc_gate_stop(void);

/* A submitted job, as the gate sees it. */
struct sc_gate_job {
	uint32_t uid;        /* the job's owner */
	const char *account; /* its account (given, else the default); NULL: unknown */
	double est_g;        /* the gCO2e it will count for */
	int moved;           /* its plan is applied and delays or reroutes it */
	double saving_pct;   /* what that plan saves against running as submitted */
	int enforce;         /* Mode=enforce: over-budget jobs can be refused */
	int64_t now;
};

/* Checks j against every budget it counts in. Returns 1 when it is refused
 * (msg says why: the budget, what is used, the estimate, when the period
 * resets), else 0 — then, when a budget applies, j's estimate is added to
 * it, ctx names the tightest budget and its usage (for the AdminComment),
 * and msg holds a warning or "" (msg: n bytes). */
int sc_gate_check(const struct sc_gate_job *j, struct sc_record_ctx *ctx, char *msg, size_t n);

#endif
