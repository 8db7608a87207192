/* slurm-carbon: running Slurm's accounting commands (sacct, sacctmgr) — the
 * one adapter between scarbon and slurmdbd.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Commands run with fork/exec and an argv, never through a shell; which
 * program, sc_slurm_prog says. Children get TZ=UTC and
 * SLURM_TIME_FORMAT=standard, so that sacct prints and reads times as UTC
 * `YYYY-MM-DDTHH:MM:SS`, the way the reader expects them.
 */
#ifndef SC_ACCT_SLURMCMD_H
#define SC_ACCT_SLURMCMD_H

#include <stdio.h>

#include "acct/sacct.h"
#include "base/error.h"

/* The program to run for a Slurm command ("sacct", "sacctmgr", "scontrol"):
 * $SCARBON_<NAME> when set (tests point it at fakes), else the command in the
 * bin/ of the Slurm configure was given (--with-slurm=PREFIX) when it is
 * there, else name itself (found in PATH). A static string or the
 * environment's; name must stay valid while the result is used. */
const char *sc_slurm_prog(const char *name);

/* The names of Slurm's partitions (`scontrol --oneliner show partition`).
 * Returns 0 with *names (malloc'd array of malloc'd strings; caller frees
 * both) and *n, or -1 with err when scontrol can't be run or fails (its own
 * message, e.g. slurmctld unreachable); then *names is NULL. */
int sc_slurm_partitions(char ***names, size_t *n, struct sc_err *err);

struct sc_proc;

/* Starts argv (argv[0] is the program; NULL-terminated; borrowed) with
 * stdin from /dev/null and stdout to a pipe: read it with sc_proc_out.
 * stderr is kept for the message of sc_proc_close. NULL with err when the
 * program cannot be started. */
struct sc_proc *sc_proc_open(char *const argv[], struct sc_err *err);

/* The child's stdout (owned by p). */
FILE *sc_proc_out(struct sc_proc *p);

/* Closes stdout, waits for the child and frees p (NULL: returns 0).
 * Returns 0 when it exited with status 0, else -1 with err: "sacct exited
 * with status 1: <the first lines of its stderr>". */
int sc_proc_close(struct sc_proc *p, struct sc_err *err);

/* Runs sacct as scarbon reads it (--parsable2 --noconvert, the unit
 * separator as delimiter, then args, then --format=SC_SACCT_FIELDS) and
 * reads its output with sc_sacct_read (name "sacct"; fn, arg, warn and
 * stats as there). args: NULL-terminated, borrowed, at most 32. Returns
 * what sc_sacct_read returns, or -1 with err when sacct can't be started
 * or exits non-zero: its own message then replaces any reading error, which
 * it explains. */
int sc_sacct_run(char *const args[], sc_acct_job_fn fn, void *arg, void (*warn)(const char *msg, void *arg),
		 struct sc_sacct_stats *stats, struct sc_err *err);

/* sc_sacct_run asking sacct for fields (a comma-separated list of sacct
 * columns, borrowed; at most 1000 bytes) instead of SC_SACCT_FIELDS. */
int sc_sacct_run_fields(char *const args[], const char *fields, sc_acct_job_fn fn, void *arg,
			void (*warn)(const char *msg, void *arg), struct sc_sacct_stats *stats,
			struct sc_err *err);

/* Runs argv to completion with `input` (may be NULL) on stdin. *out and *errout
 * (each optional) receive its stdout and stderr (malloc'd, NUL-terminated;
 * caller frees). Returns the exit status (0..255; 128 + signal when killed),
 * or -1 with err when it could not run. */
int sc_proc_run(char *const argv[], const char *input, char **out, char **errout,
		struct sc_err *err);

/* Whether the calling user sees every user's jobs in sacct: root, the
 * SlurmUser of slurm.conf ($SLURM_CONF, else /etc/slurm/slurm.conf), or a
 * user whose AdminLevel in slurmdbd (`sacctmgr show user`) is Operator or
 * Administrator. 0 when it can't be told. */
int sc_slurm_is_operator(void);

#endif
