/* slurm-carbon: a robust reader of `sacct --parsable2` output.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The reader is driven by the header line: columns are found by name (case-
 * insensitive), in any order, and every column is optional: a missing or odd
 * value makes that figure unknown, never the line unreadable. Other names
 * are read in place of a missing column, best first: `AllocCPUS`, `ReqCPUS`
 * for `NCPUS`; `AllocNodes`, `ReqNodes` for `NNodes`; `ReqTRES` for
 * `AllocTRES`. SC_SACCT_FIELDS is what scarbon asks sacct for and what
 * `--input FILE` dumps should contain; `scarbon report` and `reconcile`
 * need `JobID` (sc_sacct_read), `scarbon simulate` reads traces without it.
 * The reader is the one reader of sacct output: `report`, `reconcile` and
 * the simulator's sacct traces (sim/trace.h) go through it.
 *
 * Lines are job lines (`123`, `123_4` array task, `123+1` heterogeneous
 * component) or step lines (`123.batch`, `123.0`, `123_4.extern`, `123+1.0`).
 * Steps are folded into the job line before them: only their energy is
 * used (when the job line has none). A job is handed to the caller once its
 * last step has been seen, so memory does not grow with the input. Without a
 * JobID (or JobIDRaw) column, every line is a job line.
 *
 * Fields with the separator inside (a comment containing '|'): when a line has
 * more fields than the header, the extra ones are given back to the free-text
 * columns (AdminComment, SystemComment, Comment, JobName, SubmitLine, WorkDir,
 * Constraints) in the first way that leaves each of them balanced ('{' as
 * many as '}', an even number of '"' and '`', and ending with '}' when it
 * starts with '{'); a line that can't be repaired that way is skipped and
 * counted. scarbon itself runs sacct with a separator that doesn't occur in
 * comments ('\x1f'), so this only matters for dumps made with '|'.
 *
 * Times are read as UTC (run sacct with TZ=UTC, as scarbon does).
 */
#ifndef SC_ACCT_SACCT_H
#define SC_ACCT_SACCT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"

/* The columns scarbon asks sacct for (sacct -o), in this order. */
#define SC_SACCT_FIELDS                                                                   \
	"JobID,JobIDRaw,Cluster,User,Account,Partition,State,Submit,Eligible,Start,End,"  \
	"ElapsedRaw,Elapsed,NNodes,NCPUS,AllocTRES,ReqMem,CPUTimeRAW,TotalCPU,"            \
	"ConsumedEnergyRaw,AdminComment,SystemComment"

/* The columns `scarbon learn` asks sacct for: what the fit uses (learn/fit.h). */
#define SC_SACCT_LEARN_FIELDS                                                             \
	"JobID,JobIDRaw,User,Account,Partition,State,Submit,Start,End,ElapsedRaw,"        \
	"TimelimitRaw,NNodes,NCPUS,AllocTRES,ConsumedEnergyRaw,JobName"

/* What a TRES string (AllocTRES: `billing=4,cpu=4,energy=12,gres/gpu=1,
 * mem=8000M,node=1`) says. -1 (or < 0) is "not given". */
struct sc_tres {
	int64_t cpu;
	int64_t node;
	int64_t gpu;     /* gres/gpu, else the sum of typed gres/gpu:<type> entries */
	double mem_mb;   /* mem, with K/M/G/T/P units (M when none) */
	double energy_j; /* energy */
};

/* Flags for odd values met on a job line (sc_acct_job.odd). */
enum {
	SC_ODD_ELAPSED = 1u << 0,    /* Elapsed/ElapsedRaw missing or unreadable */
	SC_ODD_TIME = 1u << 1,       /* a time column unreadable, or End before Start */
	SC_ODD_TRES = 1u << 2,       /* AllocTRES unreadable, or a unit unknown */
	SC_ODD_REQMEM = 1u << 3,     /* ReqMem unreadable (not `0`, `0n`, `0c`: no figure) */
	SC_ODD_CPUTIME = 1u << 4,    /* TotalCPU or CPUTime unreadable */
	SC_ODD_TOTALCPU = 1u << 5,   /* TotalCPU above CPUTime (clamped) */
	SC_ODD_ENERGY = 1u << 6,     /* ConsumedEnergyRaw unreadable or a NO_VAL sentinel */
	SC_ODD_COUNT = 1u << 7,      /* NNodes/NCPUS unreadable */
	/* 1u << 8 unused: a free-text field re-joined after a '|' inside it is normal, not odd */
	SC_ODD_TIMELIMIT = 1u << 9,  /* Timelimit/TimelimitRaw unreadable */
};
#define SC_ODD_BITS 10

/* One job (an array task and a heterogeneous component are jobs of their
 * own). Strings point into the reader's buffers: valid during the callback
 * only; "" when not given. Times are epoch seconds, 0 when unknown. */
struct sc_acct_job {
	const char *jobid;        /* as sacct prints it: 123, 123_4, 123+1 */
	const char *jobid_raw;    /* the database id (JobIDRaw), else jobid */
	const char *cluster, *user, *account, *partition, *qos, *state;
	const char *admin_comment, *system_comment;
	const char *name;         /* JobName */
	int64_t submit, eligible, start, end;
	int64_t elapsed;          /* seconds; -1 unknown (Elapsed, else End − Start) */
	int64_t nnodes;           /* -1 unknown (NNodes, else AllocTRES node) */
	int64_t ncpus;            /* -1 unknown (NCPUS, else AllocTRES cpu) */
	int64_t gpus;             /* AllocTRES gres/gpu; 0 when none */
	double mem_mb;            /* AllocTRES mem, else ReqMem resolved; -1 unknown */
	double req_mem_mb;        /* ReqMem as given, MB; -1 when not given or `0`, `0n`
				   * (all memory of a node: no figure) */
	char req_mem_per;         /* ReqMem's suffix: 'c' per CPU, 'n' per node, 0 per job */
	int64_t timelimit;        /* seconds (TimelimitRaw in minutes, else Timelimit);
				   * 0 UNLIMITED; -1 unknown (not given, Partition_Limit) */
	double cpu_time_s;        /* CPUTimeRAW, else ncpus × elapsed; -1 unknown */
	double total_cpu_s;       /* TotalCPU (clamped to cpu_time_s); -1 unknown */
	double energy_j;          /* the job's energy: ConsumedEnergyRaw of the job line,
				   * else AllocTRES energy, else the largest of its
				   * steps' (a step spanning the job); -1 unknown */
	int energy_from_steps;    /* energy_j came from a step line */
	int het_offset;           /* k of `123+k`; -1 when not heterogeneous */
	int array_task;           /* the job is an array task (`123_4`) */
	int ended;                /* it ran and is over: Start and End known, state not
				   * PENDING/RUNNING/SUSPENDED/REQUEUED/RESIZING */
	int ran;                  /* it started (Start known) */
	unsigned odd;             /* SC_ODD_* */
	const char *odd_why[SC_ODD_BITS]; /* for each bit k of odd: what was wrong, naming
				   * the column ("Submit: invalid time ...", "invalid
				   * NCPUS 'x': ..."; the first such value of the line);
				   * NULL when bit k is clear */
	long line;                /* the job line's number in the input (header: line 1
				   * with sc_sacct_create; the file's with sc_sacct_read) */
};

typedef int (*sc_acct_job_fn)(const struct sc_acct_job *job, void *arg);

struct sc_sacct;

/* Counters the reader keeps. */
struct sc_sacct_stats {
	long lines;        /* lines read, header included */
	long jobs;         /* jobs handed to the callback */
	long steps;        /* step lines folded into a job */
	long orphan_steps; /* step lines whose job line was not seen (skipped) */
	long skipped;      /* lines skipped: unrepairable field count, empty JobID */
	long pending;      /* pending array ranges (`123_[1-5]`): never ran, skipped */
};

/* Parses the header (borrowed; a copy is kept). sep: the separator, or 0 to
 * detect it ('\x1f' when the header has one, else '|'). NULL with err when
 * the header is NULL or has no column, or memory runs out. */
struct sc_sacct *sc_sacct_create(const char *header, char sep, struct sc_err *err);

/* Whether the header has the column name (case-insensitive), or one the
 * reader reads in its place (AllocCPUS for NCPUS, ...). 0 for a name the
 * reader does not read. */
int sc_sacct_has_column(const struct sc_sacct *r, const char *name);

/* NULL is a no-op. */
void sc_sacct_destroy(struct sc_sacct *r);

/* Feeds one line (modified in place; no newline), the line after the
 * previous one (lines are counted from the header's, 1). May call fn with
 * the job completed by this line (the previous job line and its steps).
 * Blank lines are ignored. Returns 0, or what fn returned when non-zero
 * (then stop). A malformed line (a field count that can't be repaired, an
 * empty JobID) is skipped, counted in stats and, when err is given,
 * described there without its place ("3 fields where the header has 5"; the
 * line is sc_sacct_stats()->lines); the return value stays 0: reading may
 * go on. */
int sc_sacct_feed(struct sc_sacct *r, char *line, sc_acct_job_fn fn, void *arg, struct sc_err *err);

/* Hands the last job to fn. Returns 0 or fn's non-zero value. */
int sc_sacct_finish(struct sc_sacct *r, sc_acct_job_fn fn, void *arg);

const struct sc_sacct_stats *sc_sacct_stats(const struct sc_sacct *r);

/* Reads a whole dump from f (header first; blank lines before it are
 * skipped) and calls fn for every job. name is used in messages. warn
 * (optional) is called for malformed lines with a "name:line: ...; line
 * skipped" message. stats (optional) receives the counters. Returns 0, -1
 * with err (no header, a header without JobID, a header line over 1 MiB,
 * read error, out of memory), or fn's non-zero value. */
int sc_sacct_read(FILE *f, const char *name, char sep, sc_acct_job_fn fn, void *arg,
		  void (*warn)(const char *msg, void *arg), struct sc_sacct_stats *stats,
		  struct sc_err *err);

/* Field parsers, exported for tests. Each returns 0 with the value, or -1
 * (err optional) leaving the output untouched. */

/* A TRES list as above. Unknown keys are skipped; an unreadable value makes
 * that entry "not given" and the call return -1 after parsing the rest. */
int sc_acct_parse_tres(const char *s, struct sc_tres *out, struct sc_err *err);

/* sacct's ReqMem: `4000M`, `16G`, `4000Mc` (per CPU), `4000Mn` (per node),
 * `0n`. *per is 'c', 'n' or 0 (per job, 22.05's usual form). `0` and empty
 * are errors (no figure: all memory of the node). */
int sc_acct_parse_reqmem(const char *s, double *mb, char *per, struct sc_err *err);

/* sacct's times: `YYYY-MM-DDTHH:MM:SS` as UTC. `Unknown`, `None` and empty
 * give 0 and return 0. */
int sc_acct_parse_time(const char *s, int64_t *t, struct sc_err *err);

/* sacct's TotalCPU/UserCPU: `[d-][hh:]mm:ss[.fff]`, to seconds. */
int sc_acct_parse_cputime(const char *s, double *secs, struct sc_err *err);

/* An unsigned integer count (NNodes, ElapsedRaw, ...) up to 2^53. */
int sc_acct_parse_count(const char *s, int64_t *n, struct sc_err *err);

#endif
