/* slurm-carbon: job traces for `scarbon simulate` — the Standard Workload
 * Format, a small CSV, and `sacct -P` output.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A trace is a list of jobs sorted by submit time (stable: jobs submitted at
 * the same second keep their file order). Times are either absolute (epoch
 * seconds: SWF with a UnixStartTime header, sacct) or relative to the
 * trace's start (SWF without UnixStartTime, CSV); sc_trace_anchor() turns
 * relative times into absolute ones.
 *
 * Formats:
 *  - SWF (Parallel Workloads Archive): `;` header comments (`; UnixStartTime:
 *    N` is read), then 18 blank-separated numeric fields per job, -1 for
 *    unknown: 1 job, 2 submit (s), 3 wait, 4 run time (s), 5 allocated
 *    processors, 6 CPU time, 7 used memory, 8 requested processors,
 *    9 requested time (s), 10 requested memory (KB per processor), 11 status,
 *    12 user, 13 group, 14 executable, 15 queue, 16 partition, 17 preceding
 *    job, 18 think time. Processors: field 5, else 8; field 14 (the
 *    application number), when not -1, is the job's name. A job whose run time or
 *    processors are unknown or 0 (e.g. cancelled before it started) is
 *    skipped and counted.
 *  - CSV: a header naming the columns `arrival_time`, `length`, `cpus` (any
 *    order, case-insensitive) and optionally `requested` (requested time),
 *    `partition`, `user`, `account`; times in the unit given (hours for the
 *    GAIA traces; see enum sc_trace_unit). Rows with length 0 are skipped.
 *  - sacct: `sacct -P` (or -p, or --delimiter with the unit separator)
 *    output with a header line, read by acct/sacct.h's reader: columns by
 *    name, case-insensitive; steps are folded into their job, pending array
 *    ranges skipped, fields with the separator inside repaired as there.
 *    Required: Submit, Elapsed or ElapsedRaw (or Start and End), NCPUS (or
 *    AllocCPUS or ReqCPUS); optional: JobID or JobIDRaw (without it every
 *    line is a job), Timelimit or TimelimitRaw (minutes), NNodes (or
 *    AllocNodes or ReqNodes), ReqMem (`4000M`, `4G`, with Slurm's older `c`
 *    per-CPU / `n` per-node suffix; without one, per job, spread over the
 *    nodes), AllocTRES or ReqTRES (`gres/gpu=N`), Partition, User, Account,
 *    QOS, State. Times are read as UTC (run sacct with TZ=UTC). A value the
 *    simulator uses that can't be read (a time, Elapsed, a count, a time
 *    limit, ReqMem, the TRES) is an error; steps, pending array ranges and
 *    jobs that never ran (Start `Unknown`/`None`, elapsed 0) are skipped and
 *    counted.
 *
 * Every error names the file and line: "trace.swf:12: expected 18 fields,
 * found 17". Pure apart from reading the file.
 */
#ifndef SC_SIM_TRACE_H
#define SC_SIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"

enum sc_trace_format { SC_TRACE_AUTO = 0, SC_TRACE_SWF, SC_TRACE_CSV, SC_TRACE_SACCT };

/* Unit of the CSV's times. AUTO: hours, unless the file cannot be in hours
 * (an arrival later than 10 years or a length longer than one year), then
 * seconds — which is how pai_1k.csv of the GAIA traces is written. */
enum sc_trace_unit { SC_UNIT_AUTO = 0, SC_UNIT_HOURS, SC_UNIT_MINUTES, SC_UNIT_SECONDS };

struct sc_trace_job {
	int64_t submit;    /* epoch seconds (after sc_trace_anchor), else seconds from the start */
	int64_t runtime;   /* true run time, seconds, > 0 */
	int64_t requested; /* requested time (time limit), seconds; 0: unknown */
	uint32_t cpus;     /* > 0 */
	uint32_t nodes;    /* 0: unknown */
	uint32_t gpus;
	uint64_t mem_per_cpu_mb;  /* 0: unknown */
	uint64_t mem_per_node_mb; /* 0: unknown */
	const char *partition;    /* NULL: not given; points into the trace's strings */
	const char *user, *account, *qos; /* may be NULL */
	const char *name;         /* the job name (SWF: the application number; sacct:
				   * JobName); NULL: not given */
	uint32_t line;            /* line in the file, for messages */
};

struct sc_trace {
	struct sc_trace_job *jobs; /* n, sorted by submit */
	size_t n;
	size_t skipped;            /* rows that are no job to replay (see above) */
	int relative;              /* times are relative to the trace's start */
	int64_t unix_start;        /* SWF: UnixStartTime (0 if absent) */
	enum sc_trace_format format;
	enum sc_trace_unit unit;   /* CSV: the unit used (after AUTO) */
	/* Private: storage of the strings the jobs point into. */
	char **strings;
	size_t n_strings, cap_strings, cap_jobs;
};

/* "swf", "csv", "sacct" (AUTO: "auto"). */
const char *sc_trace_format_name(enum sc_trace_format f);

/* Reads a trace. format AUTO tells SWF (a first line starting with ';' or
 * 18 numeric fields), sacct (a header with '|') and CSV apart. unit applies
 * to CSV only. Returns a new trace (caller frees with sc_trace_destroy) or
 * NULL with err ("<path>:<line>: what was wrong; what is accepted"). */
struct sc_trace *sc_trace_read(const char *path, enum sc_trace_format format,
			       enum sc_trace_unit unit, struct sc_err *err);

/* The same on an open stream; name is used in messages (quoted printable,
 * as every field of the trace they quote). */
struct sc_trace *sc_trace_read_stream(FILE *f, const char *name, enum sc_trace_format format,
				      enum sc_trace_unit unit, struct sc_err *err);

/* NULL is a no-op. */
void sc_trace_destroy(struct sc_trace *t);

/* Makes relative times absolute: adds start to every submit time and
 * clears relative. A no-op for an absolute trace. */
void sc_trace_anchor(struct sc_trace *t, int64_t start);

#endif
