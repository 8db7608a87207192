/* slurm-carbon: libFuzzer targets for job accounting text, read from an
 * in-memory stream (fmemopen): with FUZZ_ACCT 1 `sacct -P` output
 * (sc_sacct_read, separator detected, '|' or '\x1f'), with FUZZ_ACCT 2 the
 * simulator's job traces (sc_trace_read_stream; the first byte picks the
 * format, SWF, CSV, sacct or detected, and the CSV time unit). Asserts:
 * sacct: every job handed over has its strings set, times >= 0, counts and
 * figures unknown (-1) or >= 0, finite, ReqMem's suffix c, n or none,
 * "ended" only when it ran, a reason (printable) exactly for each odd bit,
 * line numbers increasing; the counters agree with the callbacks; warnings
 * and errors are printable. Traces: jobs sorted by submit time, run time and
 * CPUs > 0, requested time >= 0, a format decided, anchoring relative times
 * shifts them all; a refusal has a printable message. Nothing leaks.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>

#include "acct/sacct.h"
#include "sim/trace.h"
#include "tests/fuzz/fuzz_util.h"

#ifndef FUZZ_ACCT
#error "FUZZ_ACCT must be 1 or 2"
#endif

#define NOW 1657843200 /* 2022-07-15T00:00:00Z */

static FILE *stream(const uint8_t *data, size_t size)
{
	static const char empty[1];
	FILE *f = fmemopen(size ? (void *)data : (void *)empty, size ? size : 1, "r");

	if (!f)
		abort();
	if (!size)
		fgetc(f);
	return f;
}

#if FUZZ_ACCT == 1
struct seen {
	long jobs, last_line;
};

static void check_known(double x)
{
	if (!isfinite(x) || (x < 0 && x != -1))
		abort();
}

static int job(const struct sc_acct_job *j, void *arg)
{
	struct seen *s = arg;
	const char *str[] = { j->jobid, j->jobid_raw, j->cluster, j->user, j->account,
			      j->partition, j->qos, j->state, j->admin_comment, j->system_comment };

	for (size_t i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		if (!str[i])
			abort();
	if (j->submit < 0 || j->eligible < 0 || j->start < 0 || j->end < 0 || j->gpus < 0)
		abort();
	check_known((double)j->elapsed);
	check_known((double)j->nnodes);
	check_known((double)j->ncpus);
	check_known((double)j->timelimit);
	check_known(j->mem_mb);
	check_known(j->req_mem_mb);
	check_known(j->cpu_time_s);
	check_known(j->total_cpu_s);
	check_known(j->energy_j);
	if (j->req_mem_per != 0 && j->req_mem_per != 'c' && j->req_mem_per != 'n')
		abort();
	if ((j->ended && !j->ran) || (j->ran && !j->start))
		abort();
	for (int k = 0; k < SC_ODD_BITS; k++) {
		if (!(j->odd & (1u << k)) != !j->odd_why[k])
			abort();
		if (j->odd_why[k])
			fuzz_check_text(j->odd_why[k], 4096);
	}
	if (j->odd >> SC_ODD_BITS || j->line <= s->last_line)
		abort();
	s->last_line = j->line;
	s->jobs++;
	return 0;
}

static void warn(const char *msg, void *arg)
{
	(void)arg;
	fuzz_check_text(msg, 4096);
}

static void check(const uint8_t *data, size_t size)
{
	struct seen s = { 0, 1 };
	struct sc_sacct_stats st;
	struct sc_err err = { "" };
	FILE *f = stream(data, size);

	memset(&st, 0, sizeof(st));
	if (sc_sacct_read(f, "dump.txt", 0, job, &s, warn, &st, &err) < 0) {
		fuzz_check_err(&err);
	} else if (st.jobs != s.jobs || st.lines < 1) {
		abort();
	}
	fclose(f);
}
#else
static void check(const uint8_t *data, size_t size)
{
	static const enum sc_trace_format formats[] = { SC_TRACE_AUTO, SC_TRACE_SWF, SC_TRACE_CSV,
							SC_TRACE_SACCT };
	enum sc_trace_format fmt = size ? formats[data[0] & 3] : SC_TRACE_AUTO;
	enum sc_trace_unit unit = size ? (enum sc_trace_unit)((data[0] >> 2) & 3) : SC_UNIT_AUTO;
	struct sc_err err = { "" };
	struct sc_trace *t;
	FILE *f;

	if (size) {
		data++;
		size--;
	}
	f = stream(data, size);
	t = sc_trace_read_stream(f, "trace", fmt, unit, &err);
	fclose(f);
	if (!t) {
		fuzz_check_err(&err);
		return;
	}
	if (t->format == SC_TRACE_AUTO || (fmt != SC_TRACE_AUTO && t->format != fmt))
		abort();
	for (size_t i = 0; i < t->n; i++) {
		const struct sc_trace_job *j = &t->jobs[i];

		if (j->runtime <= 0 || j->cpus == 0 || j->requested < 0 ||
		    (i && j->submit < t->jobs[i - 1].submit))
			abort();
	}
	if (t->relative && t->n) {
		int64_t first = t->jobs[0].submit;

		sc_trace_anchor(t, NOW);
		if (t->relative || t->jobs[0].submit != first + NOW)
			abort();
	}
	sc_trace_destroy(t);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size);
	return 0;
}
