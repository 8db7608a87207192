/* slurm-carbon: writing jobs' SystemComment — one table of operations per
 * backend, chosen at run time (the way curl chooses a TLS backend).
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *  - "slurmdb" (the default): libslurm's accounting API (acct/slurmdb.h),
 *    which stores the comment as given: the actual record (record/record.h)
 *    in the contract's plain JSON.
 *  - "sacctmgr": `sacctmgr -i modify job where jobid=J cluster=C set
 *    SystemComment=V` (acct/slurmcmd.h), many jobs per run through its stdin.
 *    Its strip_quotes() stores every '"' as '`' (22.05 also lower-cases), so
 *    the record is stored in the backtick form (record/comment.h). Used when libslurm cannot be
 *    loaded (with a warning), when asked for, and by the tests, with a
 *    stand-in named by $SCARBON_SACCTMGR.
 * $SCARBON_ACCT_WRITER names one of them to use it whatever happens.
 */
#ifndef SC_ACCT_WRITER_H
#define SC_ACCT_WRITER_H

#include <stddef.h>

#include "record/comment.h"
#include "base/error.h"

#define SC_ACCT_WRITER_ENV "SCARBON_ACCT_WRITER"

/* One job's new SystemComment and, once written, the outcome. */
struct sc_comment_write {
	const char *jobid;     /* as sacct shows it: N, N_T, N+K (borrowed) */
	const char *jobid_raw; /* its JobIDRaw (borrowed) */
	const char *cluster;   /* its cluster; "" for slurm.conf's ClusterName (borrowed) */
	const char *value;     /* the whole comment, in the writer's form (borrowed) */
	int written;           /* out: 1 when accounting confirmed the change */
	char why[SC_ERR_MAX];  /* out: why not, when written is 0 */
};

struct sc_comment_writer {
	const char *name;          /* "slurmdb", "sacctmgr" */
	enum sc_comment_form form; /* how the comments it writes are stored */
	/* Readies the backend (loads, connects). 0 with *state (for write and
	 * close), or -1 with err. */
	int (*open)(void **state, struct sc_err *err);
	/* Writes w[0..n-1]; each gets written, or why. Never fails as a whole. */
	void (*write)(void *state, struct sc_comment_write *w, size_t n);
	/* Ends and frees state (NULL: a no-op). */
	void (*close)(void *state);
};

extern const struct sc_comment_writer sc_writer_slurmdb;
extern const struct sc_comment_writer sc_writer_sacctmgr;

/* The writer called name (exactly). NULL with err ("unknown writer 'x':
 * expected slurmdb or sacctmgr") when there is none; name may be NULL. */
const struct sc_comment_writer *sc_comment_writer_find(const char *name, struct sc_err *err);

/* Chooses a writer and opens it. name (borrowed; the caller passes
 * $SCARBON_ACCT_WRITER): a writer to use or fail with; NULL or "" for the
 * default, slurmdb, or sacctmgr when libslurm cannot be loaded — then
 * warn(msg, arg) (warn may be NULL) says why and what that means for the
 * records. Returns the writer, with *state to give its write and close, or
 * NULL with err: an unknown name, or the chosen writer's own error (slurmdbd
 * unreachable, ...), prefixed with its name. */
const struct sc_comment_writer *sc_comment_writer_open(const char *name,
						       void (*warn)(const char *msg, void *arg), void *arg,
						       void **state, struct sc_err *err);

#endif
