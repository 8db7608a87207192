/* slurm-carbon: reconciling ended jobs — computing each one's actual
 * emissions and recording them in its SystemComment (`scarbon reconcile`).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A reconciler reads jobs from sacct (or a saved dump), computes the actual
 * record of each ended job in a partition the site manages (acct/actual.h,
 * record/record.h) and decides what to do with it:
 *  - kept: the stored record has a better intensity source (SC_CI_ACTUAL
 *    over SC_CI_FORECAST over ...): a record is never replaced by a worse one;
 *  - unchanged: the stored comment already says the same, in either stored
 *    form (record/comment.h's sc_comment_same): a record sacctmgr stored with
 *    backticks is not rewritten for its quotes alone;
 *  - would-write (dry run), else written through acct/writer.h (chosen and
 *    opened only when there is something to write, then in batches of
 *    SC_RECONCILE_BATCH), or failed with the writer's reason;
 *  - skipped: not ended, no partition yet, unmanaged partition, no figure.
 * Every outcome is handed to a callback (the caller renders); the reconciler
 * never prints.
 */
#ifndef SC_ACCT_RECONCILE_H
#define SC_ACCT_RECONCILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "acct/intensity.h"
#include "base/error.h"
#include "policy/decide.h"

#define SC_RECONCILE_BATCH 100

enum sc_rec_outcome {
	SC_REC_WRITTEN, SC_REC_WOULD, SC_REC_UNCHANGED, SC_REC_KEPT, SC_REC_SKIPPED, SC_REC_FAILED,
	SC_REC_N
};

/* "written", "would-write", "unchanged", "kept", "skipped", "failed". */
const char *sc_rec_outcome_name(enum sc_rec_outcome o);

/* One job's outcome: jobid as sacct shows it; rec, the actual record (NULL
 * when none was computed) and why (NULL, or why skipped, kept or failed) are
 * borrowed for the call. */
typedef void (*sc_reconcile_fn)(const char *jobid, enum sc_rec_outcome o, json_t *rec,
				const char *why, void *arg);

struct sc_reconcile_opts {
	const struct sc_site *site;  /* the managed partitions (borrowed) */
	struct sc_ci_store *store;   /* the intensity sources (borrowed) */
	const char *writer_name;     /* for sc_comment_writer_open; NULL: the default */
	int dry_run;                 /* compute and report, write nothing */
	char *const *want;           /* job ids to reconcile (sc_reconcile_parse_jobs;
				      * borrowed), NULL: every job of the time range */
	size_t n_want;
	sc_reconcile_fn fn;          /* every outcome (required) */
	void (*warn)(const char *msg, void *arg); /* warnings (optional) */
	void *arg;                   /* for fn and warn */
};

struct sc_reconciler;

/* A reconciler for opts (copied; what it points to is borrowed and must
 * outlive the reconciler). NULL when out of memory. */
struct sc_reconciler *sc_reconciler_create(const struct sc_reconcile_opts *opts);

/* Writes what is pending, closes the writer, frees r. NULL is a no-op. */
void sc_reconciler_destroy(struct sc_reconciler *r);

/* One pass: reads the dump `input` (a file, "-" for stdin) when not NULL,
 * else runs sacct over the wanted jobs not yet seen as ended (opts.want), or
 * over every job that ran in [since, now]; handles every job and writes what
 * is pending. final: the last pass — jobs that have not ended, or whose
 * record lacks its partition, are reported as skipped (in an earlier pass
 * they are asked for again). Returns 0, or -1 with err when sacct or the
 * input cannot be read, or memory runs out. */
int sc_reconciler_run(struct sc_reconciler *r, const char *input, int64_t since, int64_t now,
		      int final, struct sc_err *err);

/* Whether every wanted job has been handled (1 when no ids were given). */
int sc_reconciler_all_done(const struct sc_reconciler *r);

/* Whether the wanted id i (0 ≤ i < opts.n_want) has been handled. */
int sc_reconciler_done(const struct sc_reconciler *r, size_t i);

/* Jobs handled so far (ended or reported skipped), and outcomes by kind. */
long sc_reconciler_seen(const struct sc_reconciler *r);
long sc_reconciler_count(const struct sc_reconciler *r, enum sc_rec_outcome o);

/* The name of the writer opened ("slurmdb", "sacctmgr"; static), NULL when
 * none was. */
const char *sc_reconciler_writer(const struct sc_reconciler *r);

/* Splits a comma-separated list of job ids as sacct -j takes them (N, N_T an
 * array task, N+K a heterogeneous component) into *ids (malloc'd; the
 * strings point into *buf, malloc'd too: caller frees both) and *n. Returns
 * 0, or -1 with err ("invalid job id 'x': expected ...", "no job id given",
 * out of memory); then *ids and *buf are NULL. */
int sc_reconcile_parse_jobs(const char *list, char ***ids, char **buf, size_t *n, struct sc_err *err);

#endif
