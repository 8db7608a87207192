/* slurm-carbon: tests for sim/ — trace readers, forecast views, peer rules
 * and the replay engine behind `scarbon simulate`.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/json.h"
#include "config/conf.h"
#include "forecast/snapshot.h"
#include "plan/plan.h"
#include "base/units.h"
#include "sim/capacity.h"
#include "sim/fview.h"
#include "sim/oracle.h"
#include "sim/peers.h"
#include "sim/report.h"
#include "sim/sim.h"
#include "sim/trace.h"

#define HOUR 3600
#define DAY 86400
#define T2021 1609459200 /* 2021-01-01T00:00:00Z */

/* ------------------------------------------------------------ helpers */

static struct sc_trace *trace_text(const char *text, enum sc_trace_format fmt, enum sc_trace_unit unit,
				   struct sc_err *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct sc_trace *t;

	assert_non_null(f);
	t = sc_trace_read_stream(f, "t.csv", fmt, unit, err);
	fclose(f);
	return t;
}

/* Asserts that reading text fails with a message containing want. */
static void trace_bad(const char *text, enum sc_trace_format fmt, const char *want)
{
	struct sc_err err = { "" };
	struct sc_trace *t = trace_text(text, fmt, SC_UNIT_AUTO, &err);

	if (t)
		fail_msg("expected an error containing \"%s\" for:\n%s", want, text);
	assert_contains(err.msg, want);
}

static struct sc_conf *conf_text(const char *text)
{
	struct sc_diag d = { 0 };
	struct sc_conf *c = sc_conf_parse(text, strlen(text), "/tmp/carbon.conf", &d);

	for (size_t i = 0; i < d.n; i++)
		print_error("conf: %s\n", d.msgs[i]);
	sc_diag_free(&d);
	assert_non_null(c);
	return c;
}

static struct sc_grid *grid_of(int64_t start, int64_t step, const double *v, size_t n)
{
	struct sc_grid *g = sc_grid_create(start, step, v, n, NULL);

	assert_non_null(g);
	return g;
}

/* A deterministic generator for the property tests. */
static uint64_t rnd_state = 42;
static double rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rnd_state >> 11) * 0x1.0p-53;
}

/* ------------------------------------------------------------ readers */

static void test_swf(void **state)
{
	struct sc_err err = { "" };
	struct sc_trace *t = sc_trace_read(sc_test_path("tests/data/sim/mini.swf"), SC_TRACE_AUTO,
					   SC_UNIT_AUTO, &err);

	(void)state;
	if (!t)
		fail_msg("%s", err.msg);
	assert_int_equal(t->format, SC_TRACE_SWF);
	assert_int_equal(t->relative, 0);
	assert_int_equal(t->unix_start, T2021);
	/* Job 3 has an unknown run time, job 5 ran 0 s: skipped. */
	assert_int_equal(t->n, 3);
	assert_int_equal(t->skipped, 2);
	assert_int_equal(t->jobs[0].submit, T2021);
	assert_int_equal(t->jobs[0].runtime, 3600);
	assert_int_equal(t->jobs[0].requested, 7200);
	assert_int_equal(t->jobs[0].cpus, 8);
	assert_int_equal(t->jobs[0].mem_per_cpu_mb, 1);
	assert_string_equal(t->jobs[0].partition, "1");
	assert_string_equal(t->jobs[0].user, "3");
	assert_string_equal(t->jobs[0].name, "7"); /* the application number */
	assert_null(t->jobs[1].name);              /* -1: none */
	assert_int_equal(t->jobs[1].submit, T2021 + 600);
	assert_int_equal(t->jobs[1].requested, 0);
	assert_string_equal(t->jobs[1].partition, "2");
	/* Allocated processors unknown: the requested ones. */
	assert_int_equal(t->jobs[2].cpus, 16);
	assert_int_equal(t->jobs[2].line, 10);
	sc_trace_destroy(t);

	/* No UnixStartTime: relative, anchored later; sorted by submit. */
	t = trace_text("  1 500 0 60 1 -1 -1 1 -1 -1 1 1 1 -1 1 1 -1 -1\n"
		       "  2 100 0 60 2 -1 -1 2 -1 -1 1 1 1 -1 1 1 -1 -1\n",
		       SC_TRACE_AUTO, SC_UNIT_AUTO, &err);
	assert_non_null(t);
	assert_int_equal(t->format, SC_TRACE_SWF);
	assert_int_equal(t->relative, 1);
	assert_int_equal(t->jobs[0].submit, 100);
	assert_int_equal(t->jobs[0].cpus, 2);
	sc_trace_anchor(t, T2021);
	assert_int_equal(t->relative, 0);
	assert_int_equal(t->jobs[1].submit, T2021 + 500);
	sc_trace_destroy(t);
}

static void test_swf_bad(void **state)
{
	(void)state;
	trace_bad("; UnixStartTime: 0\n1 0 0 60 1 -1 -1 1 -1 -1 1 1 1 -1 1 1 -1\n", SC_TRACE_SWF,
		  "t.csv:2: expected 18 fields (the Standard Workload Format), found 17");
	trace_bad("1 0 0 60 1 -1 -1 1 -1 -1 1 1 1 -1 1 1 -1 -1 7\n", SC_TRACE_SWF, "t.csv:1: expected 18 fields");
	trace_bad(";\n;\n1 x 0 60 1 -1 -1 1 -1 -1 1 1 1 -1 1 1 -1 -1\n", SC_TRACE_SWF,
		  "t.csv:3: field 2: invalid submit time 'x'");
	trace_bad("1 0 0 -5 1 -1 -1 1 -1 -1 1 1 1 -1 1 1 -1 -1\n", SC_TRACE_SWF,
		  "t.csv:1: field 4 (run time) is -5: expected -1 (unknown) or a value >= 0");
	trace_bad("1 -1 0 60 1 -1 -1 1 -1 -1 1 1 1 -1 1 1 -1 -1\n", SC_TRACE_SWF,
		  "t.csv:1: the submit time (field 2) is unknown");
	trace_bad("; UnixStartTime: yesterday\n", SC_TRACE_SWF, "t.csv:1: invalid UnixStartTime 'yesterday'");
	/* Trailing garbage after the start time, however far: refused. */
	trace_bad("; UnixStartTime: 1234                                                                 garbage\n",
		  SC_TRACE_SWF, "t.csv:1: invalid UnixStartTime '1234      ");
	trace_bad("; UnixStartTime: 1234 garbage\n", SC_TRACE_SWF,
		  "t.csv:1: invalid UnixStartTime '1234 garbage': expected the seconds since 1970-01-01T00:00:00Z, "
		  "a whole number from 0 to 253402300799, and nothing after it");
	trace_bad("; UnixStartTime: 12.5\n", SC_TRACE_SWF, "t.csv:1: invalid UnixStartTime '12.5'");
	/* Fields and the trace's name are quoted printable. */
	trace_bad("1 0 0 -5\x1b[2J 1 -1 -1 1 -1 -1 1 1 1 -1 1 1 -1 -1\n", SC_TRACE_SWF, "t.csv:1: field 4:");
	trace_bad("1 0 0 60 1 -1 -1 1 -1 -1 1 1 1 -1 1 1 -1 -1\xff\n", SC_TRACE_SWF, "'-1\\xff'");
	{
		struct sc_err err = { "" };
		FILE *f = fmemopen((void *)"", 0, "r");

		assert_non_null(f);
		assert_null(sc_trace_read_stream(f, "t\x1b]0;x\x07.swf", SC_TRACE_SWF, SC_UNIT_AUTO, &err));
		fclose(f);
		assert_contains(err.msg, "t\\x1b]0;x\\x07.swf: the trace is empty");
	}
	trace_bad("; UnixStartTime: \x1b[2J\n", SC_TRACE_SWF, "t.csv:1: invalid UnixStartTime '\\x1b[2J'");
	trace_bad("1 0 0 999999999999 1 -1 -1 1 -1 -1 1 1 1 -1 1 1 -1 -1\n", SC_TRACE_SWF, "t.csv:1: run time");
	trace_bad("", SC_TRACE_SWF, "t.csv: the trace is empty");
}

/* A trace that is a FIFO is refused at once, not waited on (alarm: a hang
 * fails the test instead of stalling it); so is a directory. */
static void test_trace_not_regular(void **state)
{
	struct sc_err err = { "" };
	char dir[64], path[96];

	(void)state;
	assert_int_equal(sc_test_scratch_make(dir, sizeof(dir), "trace"), 0);
	snprintf(path, sizeof(path), "%s/fifo.swf", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_null(sc_trace_read(path, SC_TRACE_AUTO, SC_UNIT_AUTO, &err));
	alarm(0);
	assert_contains(err.msg, "trace ");
	assert_contains(err.msg, "fifo.swf is a FIFO, not a regular file: expected a regular file");
	assert_null(sc_trace_read(dir, SC_TRACE_AUTO, SC_UNIT_AUTO, &err));
	assert_contains(err.msg, "is a directory, not a regular file");
	assert_int_equal(sc_test_scratch_remove(dir), 0);
}

static void test_csv(void **state)
{
	struct sc_err err = { "" };
	struct sc_trace *t = sc_trace_read(sc_test_path("tests/data/sim/gaia-azure-head.csv"), SC_TRACE_AUTO,
					   SC_UNIT_AUTO, &err);

	(void)state;
	if (!t)
		fail_msg("%s", err.msg);
	assert_int_equal(t->format, SC_TRACE_CSV);
	assert_int_equal(t->unit, SC_UNIT_HOURS);
	assert_int_equal(t->relative, 1);
	assert_int_equal(t->n, 20);
	/* 0.0,0.75,4 */
	assert_int_equal(t->jobs[0].submit, 0);
	assert_int_equal(t->jobs[0].runtime, 2700);
	assert_int_equal(t->jobs[0].cpus, 4);
	assert_int_equal(t->jobs[0].requested, 0);
	sc_trace_destroy(t);

	/* pai_1k.csv is in seconds: told apart by its size. */
	t = sc_trace_read(sc_test_path("tests/data/sim/gaia-pai_1k-head.csv"), SC_TRACE_CSV, SC_UNIT_AUTO, &err);
	if (!t)
		fail_msg("%s", err.msg);
	assert_int_equal(t->unit, SC_UNIT_SECONDS);
	assert_int_equal(t->jobs[0].runtime, 6302);
	assert_int_equal(t->jobs[1].submit, 68);
	sc_trace_destroy(t);
	/* ... unless the unit is given. */
	t = sc_trace_read(sc_test_path("tests/data/sim/gaia-pai_1k-head.csv"), SC_TRACE_CSV, SC_UNIT_MINUTES, &err);
	assert_non_null(t);
	assert_int_equal(t->jobs[0].runtime, 6302 * 60);
	sc_trace_destroy(t);

	/* Optional columns, any order, quotes, blank lines, zero length. */
	t = trace_text("cpus,Length,arrival_time,requested,partition,user,account\n"
		       "2,1.5,0.25,4,\"gpu\",alice,chem\n\n"
		       "1,0,1,,,,\n"
		       "3,0.5,0.5,,,bob,\n",
		       SC_TRACE_AUTO, SC_UNIT_AUTO, &err);
	if (!t)
		fail_msg("%s", err.msg);
	assert_int_equal(t->n, 2);
	assert_int_equal(t->skipped, 1);
	assert_int_equal(t->jobs[0].submit, 900);
	assert_int_equal(t->jobs[0].runtime, 5400);
	assert_int_equal(t->jobs[0].requested, 4 * HOUR);
	assert_string_equal(t->jobs[0].partition, "gpu");
	assert_string_equal(t->jobs[0].account, "chem");
	assert_null(t->jobs[1].partition);
	assert_string_equal(t->jobs[1].user, "bob");
	sc_trace_destroy(t);
}

static void test_csv_bad(void **state)
{
	(void)state;
	trace_bad("arrival_time,cpus\n0,1\n", SC_TRACE_CSV, "t.csv:1: the header has no column 'length'");
	trace_bad("arrival_time,length,cpus,length\n", SC_TRACE_CSV, "t.csv:1: column 'length' appears twice");
	trace_bad("arrival_time,length,cpus\n0,1\n", SC_TRACE_CSV, "t.csv:2: expected 3 fields as in the header, found 2");
	trace_bad("arrival_time,length,cpus\n0,1,1\n0,abc,1\n", SC_TRACE_CSV, "t.csv:3: invalid length 'abc'");
	trace_bad("arrival_time,length,cpus\n-1,1,1\n", SC_TRACE_CSV, "t.csv:2: arrival_time '-1' is out of range");
	trace_bad("arrival_time,length,cpus\n0,1,\"1\n", SC_TRACE_CSV, "t.csv:2: ");
	trace_bad("arrival_time,length,cpus\n0,1,1,5\n", SC_TRACE_CSV, "t.csv:2: expected 3 fields");
	trace_bad("arrival_time,length,cpus,requested\n0,1,1,x\n", SC_TRACE_CSV, "t.csv:2: invalid requested 'x'");
	trace_bad("arrival_time,length,cpus\n0,500000000,1\n", SC_TRACE_CSV, "t.csv:2: a time is out of range");
	trace_bad("", SC_TRACE_CSV, "t.csv: the trace is empty");
}

static void test_sacct(void **state)
{
	struct sc_err err = { "" };
	struct sc_trace *t = sc_trace_read(sc_test_path("tests/data/sim/mini-sacct.txt"), SC_TRACE_AUTO,
					   SC_UNIT_AUTO, &err);

	(void)state;
	if (!t)
		fail_msg("%s", err.msg);
	assert_int_equal(t->format, SC_TRACE_SACCT);
	assert_int_equal(t->relative, 0);
	/* The step (101.batch) and the job that never started are skipped. */
	assert_int_equal(t->n, 3);
	assert_int_equal(t->skipped, 2);
	assert_int_equal(t->jobs[0].submit, T2021);
	assert_int_equal(t->jobs[0].runtime, 2 * HOUR);
	assert_int_equal(t->jobs[0].requested, 4 * HOUR);
	assert_int_equal(t->jobs[0].cpus, 8);
	assert_int_equal(t->jobs[0].nodes, 1);
	assert_int_equal(t->jobs[0].mem_per_node_mb, 16384);
	assert_string_equal(t->jobs[0].user, "alice");
	assert_string_equal(t->jobs[0].account, "chem");
	assert_string_equal(t->jobs[0].qos, "normal");
	assert_string_equal(t->jobs[0].partition, "compute");
	assert_null(t->jobs[0].name); /* no JobName column */
	assert_int_equal(t->jobs[1].runtime, DAY);
	assert_int_equal(t->jobs[1].requested, 2 * DAY);
	assert_int_equal(t->jobs[1].mem_per_cpu_mb, 4000);
	assert_int_equal(t->jobs[1].gpus, 2);
	assert_int_equal(t->jobs[2].requested, 0); /* UNLIMITED */
	assert_int_equal(t->jobs[2].mem_per_node_mb, 1536);
	sc_trace_destroy(t);

	/* ElapsedRaw and TimelimitRaw (minutes), -p's trailing '|'. */
	t = trace_text("JobIDRaw|Submit|ElapsedRaw|TimelimitRaw|AllocCPUS|JobName|\n"
		       "7|2021-01-01T01:00:00|90|3|2|relax.sh|\n",
		       SC_TRACE_AUTO, SC_UNIT_AUTO, &err);
	if (!t)
		fail_msg("%s", err.msg);
	assert_string_equal(t->jobs[0].name, "relax.sh");
	assert_int_equal(t->jobs[0].runtime, 90);
	assert_int_equal(t->jobs[0].requested, 180);
	sc_trace_destroy(t);
	/* Start and End instead of Elapsed. */
	t = trace_text("Submit|Start|End|NCPUS\n2021-01-01T01:00:00|2021-01-01T01:10:00|2021-01-01T01:40:00|1\n",
		       SC_TRACE_SACCT, SC_UNIT_AUTO, &err);
	assert_non_null(t);
	assert_int_equal(t->jobs[0].runtime, 1800);
	sc_trace_destroy(t);
}

static void test_sacct_bad(void **state)
{
	(void)state;
	trace_bad("JobID|Start|Elapsed|NCPUS\n", SC_TRACE_SACCT, "t.csv:1: a sacct trace needs a header with the columns Submit");
	trace_bad("Submit|Elapsed\n", SC_TRACE_SACCT, "t.csv:1: a sacct trace needs a header");
	trace_bad("Submit|Elapsed|NCPUS\n2021-13-01T00:00:00|01:00:00|1\n", SC_TRACE_SACCT, "t.csv:2: Submit: time '2021-13-01T00:00:00' is not a valid");
	trace_bad("Submit|Elapsed|NCPUS\nUnknown|01:00:00|1\n", SC_TRACE_SACCT,
		  "t.csv:2: Submit is unknown: every job needs a submit time");
	trace_bad("Submit|Elapsed|NCPUS\n2021-01-01T00:00:00|1:00:00:00|1\n", SC_TRACE_SACCT, "t.csv:2: Elapsed: ");
	trace_bad("Submit|Elapsed|NCPUS\n2021-01-01T00:00:00|01:00:00\n", SC_TRACE_SACCT,
		  "t.csv:2: 2 fields where the header has 3");
	trace_bad("Submit|Elapsed|NCPUS\n2021-01-01T00:00:00|01:00:00|many\n", SC_TRACE_SACCT, "t.csv:2: invalid NCPUS 'many'");
	trace_bad("Submit|Elapsed|NCPUS|ReqMem\n2021-01-01T00:00:00|01:00:00|1|lots\n", SC_TRACE_SACCT,
		  "t.csv:2: invalid ReqMem 'lots'");
	trace_bad("Submit|Elapsed|NCPUS|AllocTRES\n2021-01-01T00:00:00|01:00:00|1|gres/gpu=two\n", SC_TRACE_SACCT,
		  "t.csv:2: AllocTRES: TRES gres/gpu: invalid count 'two'");
	trace_bad("Submit|Elapsed|NCPUS|Timelimit\n2021-01-01T00:00:00|01:00:00|1|soon\n", SC_TRACE_SACCT,
		  "t.csv:2: Timelimit: ");
	trace_bad("Submit|Start|End|NCPUS\n2021-01-01T01:00:00|2021-01-01T01:10:00|2021-01-01T01:00:00|1\n",
		  SC_TRACE_SACCT, "t.csv:2: End is before Start");
	trace_bad("", SC_TRACE_SACCT, "t.csv: the trace is empty: expected sacct -P output");
	trace_bad("Submit|ElapsedRaw|NCPUS\n2021-01-01T00:00:00|999999999999|1\n", SC_TRACE_SACCT,
		  "t.csv:2: run time, time limit, CPUs or nodes out of range");
	trace_bad("Submit|Elapsed|NCPUS|TimelimitRaw\n2021-01-01T00:00:00|01:00:00|1|x\n", SC_TRACE_SACCT,
		  "t.csv:2: invalid TimelimitRaw 'x'");
	trace_bad("JobID|Submit|Elapsed|NCPUS\n|2021-01-01T00:00:00|01:00:00|1\n", SC_TRACE_SACCT,
		  "t.csv:2: empty JobID");
	/* Lines are the file's, blank ones before the header and between
	 * rows included; a job's errors name its line, not the next one's. */
	trace_bad("\n\nJobID|Submit|Elapsed|NCPUS\n\n1|2021-01-01T00:00:00|01:00:00|1\n1.batch||01:00:00|1\n"
		  "2|2021-01-01T00:00:00|01:00:00|many\n3|2021-01-01T00:00:00|01:00:00|1\n",
		  SC_TRACE_SACCT, "t.csv:7: invalid NCPUS 'many'");
}

/* sacct traces are read by acct/'s reader: the steps of a job, arrays,
 * heterogeneous jobs, a separator inside a job name, the unit separator,
 * the Req* columns in place of the Alloc* ones, a report's dump. */
static void test_sacct_shapes(void **state)
{
#define US "\x1f"
	struct sc_err err = { "" };
	struct sc_trace *t;

	(void)state;
	t = trace_text("JobID|JobName|Submit|Start|Elapsed|ReqCPUS|ReqNodes|ReqMem|ReqTRES|State\n"
		       "10|a|b|2021-01-01T00:00:00|2021-01-01T00:00:00|01:00:00|4|2|2000Mn|cpu=4,gres/gpu=1|COMPLETED\n"
		       "10.batch|batch|2021-01-01T00:00:00|2021-01-01T00:00:00|01:00:00|4|1||cpu=4|COMPLETED\n"
		       "10.0|x|2021-01-01T00:00:00|2021-01-01T00:00:00|01:00:00|4|2||cpu=4|COMPLETED\n"
		       "11_1|arr|2021-01-01T01:00:00|2021-01-01T01:00:00|00:10:00|1|1|1G||COMPLETED\n"
		       "11_[2-9]|arr|2021-01-01T01:00:00|Unknown|00:00:00|1|1|1G||PENDING\n"
		       "12+0|het|2021-01-01T02:00:00|2021-01-01T02:00:00|00:20:00|2|1|||COMPLETED\n"
		       "12+1|het|2021-01-01T02:00:00|2021-01-01T02:00:00|00:20:00|8|1|||COMPLETED\n"
		       "99.batch|orphan|2021-01-01T00:00:00|2021-01-01T00:00:00|01:00:00|1|1|||COMPLETED\n",
		       SC_TRACE_AUTO, SC_UNIT_AUTO, &err);
	if (!t)
		fail_msg("%s", err.msg);
	assert_int_equal(t->format, SC_TRACE_SACCT);
	/* Two steps, a pending array range, an orphan step. */
	assert_int_equal(t->n, 4);
	assert_int_equal(t->skipped, 4);
	assert_int_equal(t->jobs[0].line, 2);
	assert_int_equal(t->jobs[0].cpus, 4);
	assert_int_equal(t->jobs[0].nodes, 2);
	assert_int_equal(t->jobs[0].gpus, 1);
	/* 2000 MB per node (Slurm's older `n`), not spread over the nodes. */
	assert_int_equal(t->jobs[0].mem_per_node_mb, 2000);
	assert_int_equal(t->jobs[1].runtime, 600);
	assert_int_equal(t->jobs[1].mem_per_node_mb, 1024);
	assert_int_equal(t->jobs[2].cpus, 2);
	assert_int_equal(t->jobs[3].cpus, 8);
	assert_int_equal(t->jobs[3].line, 8);
	sc_trace_destroy(t);

	/* `sacct --delimiter` with the unit separator; a report's dump, whose
	 * odd TotalCPU and energy the simulator does not need. */
	t = trace_text("JobID" US "Submit" US "Start" US "ElapsedRaw" US "NCPUS" US "TotalCPU" US "ConsumedEnergyRaw\n"
		       "5" US "2021-01-01T00:00:00" US "2021-01-01T00:00:00" US "60" US "1" US "soon" US "4294967294\n",
		       SC_TRACE_AUTO, SC_UNIT_AUTO, &err);
	if (!t)
		fail_msg("%s", err.msg);
	assert_int_equal(t->format, SC_TRACE_SACCT);
	assert_int_equal(t->n, 1);
	assert_int_equal(t->jobs[0].runtime, 60);
	sc_trace_destroy(t);
#undef US
}

static void test_trace_missing_file(void **state)
{
	struct sc_err err = { "" };

	(void)state;
	assert_null(sc_trace_read("/nonexistent/trace.swf", SC_TRACE_AUTO, SC_UNIT_AUTO, &err));
	assert_contains(err.msg, "cannot read trace /nonexistent/trace.swf");
}

/* ------------------------------------------------------------ forecast views */

static void test_fc_mode_parse(void **state)
{
	struct sc_fview_mode m;
	struct sc_err err = { "" };
	char buf[128];

	(void)state;
	assert_int_equal(sc_fview_mode_parse("perfect", &m, &err), 0);
	assert_int_equal(m.kind, SC_FVIEW_PERFECT);
	assert_int_equal(sc_fview_mode_parse("persistence", &m, &err), 0);
	assert_int_equal(m.kind, SC_FVIEW_PERSISTENCE);
	assert_int_equal(sc_fview_mode_parse("archive:/x/y.csv", &m, &err), 0);
	assert_int_equal(m.kind, SC_FVIEW_ARCHIVE);
	assert_string_equal(m.path, "/x/y.csv");
	assert_int_equal(sc_fview_mode_parse("error:25", &m, &err), 0);
	assert_int_equal(m.kind, SC_FVIEW_ERROR);
	assert_near(m.error_pct, 25, 1e-12);
	assert_int_equal(m.seed, 1);
	assert_string_equal(sc_fview_mode_name(&m, buf, sizeof(buf)), "error:25%");
	assert_int_equal(sc_fview_mode_parse("error:12.5%:77", &m, &err), 0);
	assert_int_equal(m.seed, 77);
	assert_string_equal(sc_fview_mode_name(&m, buf, sizeof(buf)), "error:12.5%:77");

	assert_int_equal(sc_fview_mode_parse("oracle", &m, &err), -1);
	assert_contains(err.msg, "expected perfect, persistence, archive:FILE");
	assert_int_equal(sc_fview_mode_parse("archive:", &m, &err), -1);
	assert_contains(err.msg, "archive: needs a file name");
	assert_int_equal(sc_fview_mode_parse("error:x", &m, &err), -1);
	assert_contains(err.msg, "invalid forecast mode 'error:x'");
	assert_int_equal(sc_fview_mode_parse("error:500", &m, &err), -1);
	assert_int_equal(sc_fview_mode_parse("error:25:-3", &m, &err), -1);
	assert_contains(err.msg, "seed");
}

static void test_persistence_view(void **state)
{
	double v[72];
	struct sc_grid *g;
	struct sc_fview *view;
	const struct sc_zone_forecasts *fs;
	const struct sc_grid *const *truth;
	struct sc_fview_mode m = { .kind = SC_FVIEW_PERSISTENCE };

	(void)state;
	for (int i = 0; i < 72; i++)
		v[i] = 10 + i;
	g = grid_of(T2021, HOUR, v, 72);
	truth = (const struct sc_grid *const *)&g;
	view = sc_fview_create(&m, truth, 1, 30 * HOUR, 0, 0, NULL);
	assert_non_null(view);
	fs = sc_fview_at(view, T2021 + 10 * HOUR);
	assert_null(fs->grids[0]); /* no day before yet */
	assert_contains(fs->why[0], "persistence needs the day before");
	fs = sc_fview_at(view, T2021 + 30 * HOUR + 1800);
	assert_non_null(fs->grids[0]);
	assert_int_equal(fs->grids[0]->start, T2021 + 30 * HOUR);
	/* Slot 30 h gets the value of 6 h, slot 53 h that of 29 h, slot 54 h
	 * (two days after 6 h: its day-before was not over) that of 6 h. */
	assert_near(fs->grids[0]->v[0], 10 + 6, 1e-12);
	assert_near(fs->grids[0]->v[23], 10 + 29, 1e-12);
	assert_near(fs->grids[0]->v[24], 10 + 6, 1e-12);
	assert_near(fs->grids[0]->cum[2], 16 + 17, 1e-12);
	sc_fview_destroy(view);
	sc_grid_destroy(g);
}

/* The error model's mean absolute error 24 h ahead is PCT % (fixed seed),
 * smaller for the next hours and larger further ahead; errors are smooth
 * over hours; the same seed gives the same forecasts. */
static void test_error_model(void **state)
{
	enum { NZ = 8, NH = 24 * 365 };
	double *v = malloc(NH * sizeof(double));
	struct sc_grid *g[NZ];
	struct sc_fview *view, *again;
	struct sc_fview_mode m;
	double mae1 = 0, mae24 = 0, mae40 = 0, lag1 = 0, var = 0;
	size_t n = 0;

	(void)state;
	assert_non_null(v);
	for (int i = 0; i < NH; i++)
		v[i] = 100 + 50 * sin(i * 2 * M_PI / 24);
	for (int z = 0; z < NZ; z++)
		g[z] = grid_of(T2021, HOUR, v, NH);
	assert_int_equal(sc_fview_mode_parse("error:25:7", &m, NULL), 0);
	view = sc_fview_create(&m, (const struct sc_grid *const *)g, NZ, 48 * HOUR, 0, 0, NULL);
	again = sc_fview_create(&m, (const struct sc_grid *const *)g, NZ, 48 * HOUR, 0, 0, NULL);
	assert_non_null(view);
	assert_non_null(again);
	for (int64_t t = T2021 + 10 * HOUR; t < T2021 + (NH - 50) * (int64_t)HOUR; t += 3 * HOUR) {
		const struct sc_zone_forecasts *fs = sc_fview_at(view, t + 120);
		for (int z = 0; z < NZ; z++) {
			const struct sc_grid *f = fs->grids[z];
			size_t j0 = (size_t)((f->start - T2021) / HOUR);
			double e1, e24, e40, e25;
			assert_int_equal(f->start, t);
			/* Slot k's middle is k + 0.5 h after the issue. */
			e1 = (f->v[0] - v[j0]) / v[j0];
			e24 = (f->v[24] - v[j0 + 24]) / v[j0 + 24];
			e25 = (f->v[25] - v[j0 + 25]) / v[j0 + 25];
			e40 = (f->v[40] - v[j0 + 40]) / v[j0 + 40];
			mae1 += fabs(e1);
			mae24 += fabs(e24);
			mae40 += fabs(e40);
			lag1 += e24 * e25;
			var += e24 * e24;
			n++;
		}
	}
	mae1 /= (double)n;
	mae24 /= (double)n;
	mae40 /= (double)n;
	assert_near(mae24, 0.25, 0.02);
	assert_true(mae1 < 0.8 * mae24);
	assert_true(mae40 > 1.1 * mae24);
	/* Correlated over an hour: exp(-(1/5.5)^2) = 0.97. */
	assert_true(lag1 / var > 0.9);
	assert_near(sc_fview_error_growth(24 * HOUR), 1.0, 1e-12);

	sc_fview_destroy(again);
	sc_fview_destroy(view);

	/* Same seed, same forecasts, whatever was asked before. */
	view = sc_fview_create(&m, (const struct sc_grid *const *)g, NZ, 48 * HOUR, 0, 0, NULL);
	again = sc_fview_create(&m, (const struct sc_grid *const *)g, NZ, 48 * HOUR, 0, 0, NULL);
	for (int64_t t = T2021; t < T2021 + 300 * DAY; t += 7 * HOUR)
		sc_fview_at(view, t);
	{
		const struct sc_zone_forecasts *a = sc_fview_at(again, T2021 + 300 * DAY);
		const struct sc_zone_forecasts *b = sc_fview_at(view, T2021 + 300 * DAY);
		for (int z = 0; z < NZ; z++)
			for (size_t k = 0; k < a->grids[z]->n; k++)
				assert_true(a->grids[z]->v[k] == b->grids[z]->v[k]);
	}
	sc_fview_destroy(again);
	/* Another seed, other forecasts. */
	assert_int_equal(sc_fview_mode_parse("error:25:8", &m, NULL), 0);
	again = sc_fview_create(&m, (const struct sc_grid *const *)g, NZ, 48 * HOUR, 0, 0, NULL);
	{
		const struct sc_zone_forecasts *a = sc_fview_at(again, T2021 + 300 * DAY);
		const struct sc_zone_forecasts *b = sc_fview_at(view, T2021 + 300 * DAY);
		assert_true(fabs(a->grids[0]->v[10] - b->grids[0]->v[10]) > 1e-9);
	}
	sc_fview_destroy(again);
	/* error:0 is the truth. */
	assert_int_equal(sc_fview_mode_parse("error:0", &m, NULL), 0);
	again = sc_fview_create(&m, (const struct sc_grid *const *)g, NZ, 48 * HOUR, 0, 0, NULL);
	{
		const struct sc_zone_forecasts *a = sc_fview_at(again, T2021 + 5 * DAY);
		for (size_t k = 0; k < a->grids[0]->n; k++)
			assert_near(a->grids[0]->v[k], v[5 * 24 + k], 1e-9);
	}
	sc_fview_destroy(again);
	sc_fview_destroy(view);
	for (int z = 0; z < NZ; z++)
		sc_grid_destroy(g[z]);
	free(v);
}

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sc-sim-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_tmp(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* At time t the policy sees the latest forecast issued at or before t and
 * nothing issued later. */
/* Across issues the error model behaves as the UK archive does: a
 * forecast's error for a target persists from one issue to the next while
 * the target is hours away (correlation 0.95-1.0 between issues 12 h apart
 * from 6 h ahead on), and is partly replaced by fresh information in the
 * last hours (0.6 between the error 0-2 h ahead and the same target's 12 h
 * earlier). A constant truth makes the relative error the noise alone. */
static void test_error_across_issues(void **state)
{
	enum { NZ = 6, NH = 24 * 200 };
	double *v = malloc(NH * sizeof(double));
	struct sc_grid *g[NZ];
	struct sc_fview *view;
	struct sc_fview_mode m;
	/* sums for corr(e(issue t, target), e(issue t + 12 h, same target))
	 * with the later lead 0.5 h (short) and 12.5 h (long) */
	double s[2][5] = { { 0 } };
	double (*prev)[NZ][2];
	size_t nprev = 0;

	(void)state;
	assert_non_null(v);
	for (int i = 0; i < NH; i++)
		v[i] = 200;
	for (int z = 0; z < NZ; z++)
		g[z] = grid_of(T2021, HOUR, v, NH);
	prev = calloc(NH, sizeof(*prev));
	assert_non_null(prev);
	assert_int_equal(sc_fview_mode_parse("error:25:3", &m, NULL), 0);
	view = sc_fview_create(&m, (const struct sc_grid *const *)g, NZ, 48 * HOUR, 0, 0, NULL);
	assert_non_null(view);
	/* Every hour: remember the errors 12.5 h and 24.5 h ahead; compare
	 * them with the errors 0.5 h and 12.5 h ahead 12 h later. */
	for (int64_t h = 0; h < NH - 60; h++) {
		const struct sc_zone_forecasts *fs = sc_fview_at(view, T2021 + h * HOUR);
		for (int z = 0; z < NZ; z++) {
			const struct sc_grid *f = fs->grids[z];
			double now0 = f->v[0] / 200 - 1, now12 = f->v[12] / 200 - 1;
			if (h >= 12) {
				double x[2] = { prev[h - 12][z][0], prev[h - 12][z][1] }, y[2] = { now0, now12 };
				for (int k = 0; k < 2; k++) {
					s[k][0] += x[k];
					s[k][1] += y[k];
					s[k][2] += x[k] * x[k];
					s[k][3] += y[k] * y[k];
					s[k][4] += x[k] * y[k];
				}
			}
			prev[h][z][0] = f->v[12] / 200 - 1;
			prev[h][z][1] = f->v[24] / 200 - 1;
		}
		nprev++;
	}
	for (int k = 0; k < 2; k++) {
		double n = (double)(nprev - 12) * NZ;
		double cov = s[k][4] / n - s[k][0] / n * s[k][1] / n;
		double c = cov / sqrt((s[k][2] / n - pow(s[k][0] / n, 2)) * (s[k][3] / n - pow(s[k][1] / n, 2)));
		if (k == 0) {
			/* ρ(0.5 h) ρ(12.5 h) exp(-12 / 200) = 0.41 × 0.99 × 0.94 */
			assert_true(c > 0.25);
			assert_true(c < 0.55);
		} else {
			assert_true(c > 0.9); /* exp(-12 / 200) = 0.94 */
		}
	}
	sc_fview_destroy(view);
	for (int z = 0; z < NZ; z++)
		sc_grid_destroy(g[z]);
	free(prev);
	free(v);
}

static void test_next_update(void **state)
{
	double v[48];
	struct sc_grid *g;
	struct sc_fview *view;
	struct sc_fview_mode m;
	char text[4096], mode[300];
	size_t used = 0;

	(void)state;
	for (int i = 0; i < 48; i++)
		v[i] = 100;
	g = grid_of(T2021, 1800, v, 48);
	assert_int_equal(sc_fview_mode_parse("perfect", &m, NULL), 0);
	view = sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, 10 * HOUR, 0, 0, NULL);
	assert_true(sc_fview_next_update(view, T2021) == INT64_MAX);
	sc_fview_destroy(view);
	assert_int_equal(sc_fview_mode_parse("error:20", &m, NULL), 0);
	view = sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, 10 * HOUR, 0, 0, NULL);
	assert_true(sc_fview_next_update(view, T2021) == T2021 + HOUR);
	assert_true(sc_fview_next_update(view, T2021 + 1799) == T2021 + HOUR);
	sc_fview_destroy(view);
	assert_int_equal(sc_fview_mode_parse("persistence", &m, NULL), 0);
	view = sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, 10 * HOUR, 0, 0, NULL);
	assert_true(sc_fview_next_update(view, T2021 + 100) == T2021 + 1800);
	sc_fview_destroy(view);
	used += (size_t)snprintf(text + used, sizeof(text) - used, "issued_at,target,forecast\n");
	for (int is = 0; is < 3; is++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "2021-01-01T%02d:05:00Z,2021-01-01T%02d:00:00Z,1\n",
					 2 * is, 2 * is);
	snprintf(mode, sizeof(mode), "archive:%s", write_tmp("issues.csv", text));
	assert_int_equal(sc_fview_mode_parse(mode, &m, NULL), 0);
	view = sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, 10 * HOUR, 0, 0, NULL);
	assert_non_null(view);
	assert_true(sc_fview_next_update(view, T2021 - DAY) == T2021 + 300);
	assert_true(sc_fview_next_update(view, T2021 + 300) == T2021 + 2 * HOUR + 300);
	assert_true(sc_fview_next_update(view, T2021 + 2 * HOUR + 299) == T2021 + 2 * HOUR + 300);
	assert_true(sc_fview_next_update(view, T2021 + 4 * HOUR + 300) == INT64_MAX);
	sc_fview_destroy(view);
	sc_grid_destroy(g);
}

static void test_archive_visibility(void **state)
{
	double v[72];
	struct sc_grid *g;
	struct sc_fview *view;
	const struct sc_zone_forecasts *fs;
	struct sc_fview_mode m;
	char text[16384], mode[300];
	size_t used = 0;

	(void)state;
	for (int i = 0; i < 72; i++)
		v[i] = 50;
	g = grid_of(T2021, HOUR, v, 72);
	/* Issues at 00:00 (100), 06:00 (200) and 12:00 (300), 24 h each. */
	used += (size_t)snprintf(text + used, sizeof(text) - used, "issued_at,target,forecast\n");
	for (int is = 0; is < 3; is++)
		for (int h = 0; h < 24; h++)
			used += (size_t)snprintf(text + used, sizeof(text) - used,
						 "2021-01-01T%02d:00:00Z,2021-01-%02dT%02d:00:00Z,%d\n", 6 * is,
						 1 + (6 * is + h) / 24, (6 * is + h) % 24, 100 * (is + 1));
	snprintf(mode, sizeof(mode), "archive:%s", write_tmp("archive.csv", text));
	assert_int_equal(sc_fview_mode_parse(mode, &m, NULL), 0);
	view = sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, 10 * HOUR, 0, 0, NULL);
	assert_non_null(view);

	fs = sc_fview_at(view, T2021 - 1);
	assert_null(fs->grids[0]);
	assert_contains(fs->why[0], "no forecast of the archive was issued yet");
	for (int64_t t = T2021; t < T2021 + 20 * HOUR; t += 600) {
		int expect = t < T2021 + 6 * HOUR ? 100 : t < T2021 + 12 * HOUR ? 200 : 300;
		const struct sc_grid *f;
		fs = sc_fview_at(view, t);
		f = fs->grids[0];
		assert_non_null(f);
		assert_true(f->start <= t && t < sc_grid_end(f));
		for (size_t k = 0; k < f->n; k++)
			if (f->v[k] != expect)
				fail_msg("at %lld s the forecast shows %g, issued after t", (long long)(t - T2021),
					 f->v[k]);
	}
	/* The last issue ends at 12:00 + 24 h: later, no forecast covers t. */
	fs = sc_fview_at(view, T2021 + 36 * HOUR);
	assert_null(fs->grids[0]);
	assert_contains(fs->why[0], "does not cover this time");
	sc_fview_destroy(view);
	/* With MaxAge 4 h, the 00:00 issue is stale from 04:00 on. */
	view = sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, 10 * HOUR, 0, 4 * HOUR, NULL);
	assert_non_null(view);
	assert_non_null(sc_fview_at(view, T2021 + 4 * HOUR)->grids[0]);
	fs = sc_fview_at(view, T2021 + 4 * HOUR + 1);
	assert_null(fs->grids[0]);
	assert_contains(fs->why[0], "issued 2021-01-01T00:00:00Z) is older than MaxAge");
	assert_non_null(sc_fview_at(view, T2021 + 6 * HOUR)->grids[0]);
	sc_fview_destroy(view);

	/* The real UK archive: at each issue time, exactly that issue. */
	snprintf(mode, sizeof(mode), "archive:%s", sc_test_path("tests/data/sim/ukci-forecasts-extract.csv"));
	assert_int_equal(sc_fview_mode_parse(mode, &m, NULL), 0);
	sc_grid_destroy(g);
	for (int i = 0; i < 72; i++)
		v[i] = 100;
	g = grid_of(1678762800 /* 2023-03-14T03:00Z */ - DAY, 1800, v, 72);
	view = sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, 10 * HOUR, 0, 0, NULL);
	assert_non_null(view);
	fs = sc_fview_at(view, 1678762800 + 59);
	assert_null(fs->grids[0]); /* issued 03:01 */
	fs = sc_fview_at(view, 1678762800 + 60);
	assert_non_null(fs->grids[0]);
	assert_int_equal(fs->grids[0]->start, 1678762800);
	assert_int_equal(fs->grids[0]->n, 96);
	assert_near(fs->grids[0]->v[0], 68, 1e-9);
	assert_near(fs->grids[0]->v[1], 69, 1e-9);
	fs = sc_fview_at(view, 1678762800 + 3600 + 59);
	assert_int_equal(fs->grids[0]->start, 1678762800 + 1800); /* the 03:31 issue */
	sc_fview_destroy(view);

	/* Bad archives name the file and line. */
	{
		struct sc_err err = { "" };
		snprintf(mode, sizeof(mode), "archive:%s",
			 write_tmp("bad.csv", "issued_at,target,forecast\n2021-01-01T00:00Z,2021-01-01T00:00Z,1\n"
					      "2021-01-01T00:00Z,2021-01-01T00:00Z,2\n"));
		assert_int_equal(sc_fview_mode_parse(mode, &m, NULL), 0);
		assert_null(sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, HOUR, 0, 0, &err));
		assert_contains(err.msg, "bad.csv:3: a second forecast for 2021-01-01T00:00:00Z");
		snprintf(mode, sizeof(mode), "archive:%s",
			 write_tmp("bad.csv", "issued,target,forecast\n"));
		assert_int_equal(sc_fview_mode_parse(mode, &m, NULL), 0);
		assert_null(sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, HOUR, 0, 0, &err));
		assert_contains(err.msg, "bad.csv:1: the header has no column 'issued_at'");
		snprintf(mode, sizeof(mode), "archive:%s",
			 write_tmp("bad.csv", "issued_at,target,forecast\n2021-01-01T00:00Z,soon,1\n"));
		assert_int_equal(sc_fview_mode_parse(mode, &m, NULL), 0);
		assert_null(sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, HOUR, 0, 0, &err));
		assert_contains(err.msg, "bad.csv:2: invalid time 'soon'");
		snprintf(mode, sizeof(mode), "archive:%s",
			 write_tmp("bad.csv", "issued_at,target,forecast\n2021-01-01T00:00Z,2021-01-01T00:00Z,-4\n"));
		assert_int_equal(sc_fview_mode_parse(mode, &m, NULL), 0);
		assert_null(sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, HOUR, 0, 0, &err));
		assert_contains(err.msg, "bad.csv:2: forecast '-4' is out of range");
		snprintf(mode, sizeof(mode), "archive:%s", write_tmp("bad.csv", "issued_at,target,forecast\n"));
		assert_int_equal(sc_fview_mode_parse(mode, &m, NULL), 0);
		assert_null(sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, HOUR, 0, 0, &err));
		assert_contains(err.msg, "bad.csv: no forecasts");
		assert_int_equal(sc_fview_mode_parse("archive:/nonexistent.csv", &m, NULL), 0);
		assert_null(sc_fview_create(&m, (const struct sc_grid *const *)&g, 1, HOUR, 0, 0, &err));
		assert_contains(err.msg, "cannot read forecast archive /nonexistent.csv");
	}
	sc_grid_destroy(g);
}

/* ------------------------------------------------------------ the engine */

static const char tiny_conf[] =
	"MaxDelay=8:00:00\nMinSavings=10%\nReroute=no\n"
	"ZoneName=Z Provider=static Intensity=100\n"
	"PartitionName=p Zone=Z PUE=1.5 CoreWatts=10 Usage=1 MemWattsPerGB=0 DefaultTime=1:00:00\n";

/* Values per hour from 2021-01-01 00:00. */
static const double tiny_v[24] = { 400, 400, 100, 100, 300, 300, 50, 400, 400, 400, 400, 400,
				   400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400 };

/* run_tiny on the hourly values v[0..23] from 2021-01-01 00:00. */
static void run_tiny_on(const double *v, const char *csv, const char *fc, uint32_t cores, struct sc_sim_result *res)
{
	struct sc_conf *conf = conf_text(tiny_conf);
	struct sc_grid *g = grid_of(T2021, HOUR, v, 24);
	struct sc_trace *t = trace_text(csv, SC_TRACE_CSV, SC_UNIT_HOURS, NULL);
	struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1, .keep_jobs = 1, .cores = cores };
	struct sc_err err = { "" };

	assert_non_null(t);
	assert_int_equal(sc_fview_mode_parse(fc, &o.forecast, NULL), 0);
	sc_trace_anchor(t, T2021);
	if (sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, res, &err) < 0)
		fail_msg("%s", err.msg);
	sc_trace_destroy(t);
	sc_grid_destroy(g);
	sc_conf_destroy(conf);
}

static void run_tiny(const char *csv, const char *fc, uint32_t cores, struct sc_sim_result *res)
{
	run_tiny_on(tiny_v, csv, fc, cores, res);
}

/* Hand-computed: 4 cores × 10 W = 40 W; 2 h = 0.08 kWh; × PUE 1.5 = 0.12. */
static void test_tiny_optimum(void **state)
{
	struct sc_sim_result r;

	(void)state;
	/* Job 0: 2 h, at 00:00. Windows of 2 h from 00:00..08:00 average
	 * 400 250 100 200 300 175 225 400 400: the best starts at 02:00.
	 * Job 1: the same true run, but 4 h requested: the 4-hour windows
	 * average 250 225 200 187.5 262.5 ...: planned at 03:00, where the
	 * true 2 h average (100 + 300) / 2 = 200. */
	run_tiny("arrival_time,length,cpus,requested\n0,2,4,\n0,2,4,4\n", "perfect", 0, &r);
	assert_int_equal(r.jobs, 2);
	assert_int_equal(r.jobs_outside_data, 0);
	assert_int_equal(r.out[SC_POL_BASELINE][0].planned, T2021);
	assert_near(r.out[SC_POL_BASELINE][0].gco2e, 0.12 * 400, 1e-9);
	assert_int_equal(r.out[SC_POL_ORACLE][0].planned, T2021 + 2 * HOUR);
	assert_near(r.out[SC_POL_ORACLE][0].gco2e, 0.12 * 100, 1e-9);
	assert_int_equal(r.out[SC_POL_CARBON][0].planned, T2021 + 2 * HOUR);
	assert_near(r.out[SC_POL_CARBON][0].gco2e, 0.12 * 100, 1e-9);
	assert_int_equal(r.out[SC_POL_CASDK][0].planned, T2021 + 2 * HOUR);
	assert_int_equal(r.out[SC_POL_CATS][0].planned, T2021 + 2 * HOUR);
	/* 30th percentile of the start slots' 400 400 100 100 300 300 50 400
	 * 400 is 100: the first slot at or below it is 02:00. */
	assert_int_equal(r.out[SC_POL_THRESHOLD][0].planned, T2021 + 2 * HOUR);

	assert_int_equal(r.out[SC_POL_ORACLE][1].planned, T2021 + 2 * HOUR);
	assert_int_equal(r.out[SC_POL_CARBON][1].planned, T2021 + 3 * HOUR);
	assert_near(r.out[SC_POL_CARBON][1].gco2e, 0.12 * 200, 1e-9);
	assert_int_equal(r.out[SC_POL_CASDK][1].planned, T2021 + 3 * HOUR);

	assert_near(r.pol[SC_POL_BASELINE].gco2e, 96, 1e-9);
	assert_near(r.pol[SC_POL_ORACLE].gco2e, 24, 1e-9);
	assert_near(r.pol[SC_POL_CARBON].gco2e, 36, 1e-9);
	assert_near(r.pol[SC_POL_CARBON].savings_pct, 62.5, 1e-9);
	assert_near(r.pol[SC_POL_ORACLE].savings_pct, 75, 1e-9);
	assert_near(r.pol[SC_POL_CARBON].oracle_fraction, 62.5 / 75, 1e-9);
	assert_near(r.pol[SC_POL_CARBON].mean_delay_s, 2.5 * HOUR, 1e-9);
	assert_near(r.pol[SC_POL_CARBON].p95_delay_s, 3 * HOUR, 1e-9);
	assert_near(r.pol[SC_POL_BASELINE].mean_delay_s, 0, 1e-9);
	assert_near(r.pol[SC_POL_CARBON].rerouted_pct, 0, 1e-9);
	sc_sim_result_free(&r);

	/* A job whose window (submit + 8 h + 2 h) passes the data's end (24 h)
	 * is counted apart. */
	run_tiny("arrival_time,length,cpus\n0,2,4\n14.5,2,4\n", "perfect", 0, &r);
	assert_int_equal(r.jobs, 1);
	assert_int_equal(r.jobs_outside_data, 1);
	assert_int_equal(r.in[1], 0);
	sc_sim_result_free(&r);
}

/* A model: alice of phys on p runs half her time limit; bob has no entry
 * and his account none, nor the partition. */
static const char tiny_model[] =
	"{\"version\":1,\"kind\":\"slurm-carbon estimates\",\"created\":1609459200,"
	"\"source\":{\"input\":\"t\",\"start\":0,\"end\":0,\"jobs_read\":6,\"jobs_used\":6},"
	"\"min_jobs\":5,\"quantile\":0.9,\"entries\":["
	"{\"level\":\"user\",\"user\":\"alice\",\"account\":\"phys\",\"partition\":\"p\",\"jobs\":6,"
	"\"ratio_median\":0.5,\"ratio_q\":0.5}]}";

/* The same with a name entry for alice's jobs named relax. */
static const char name_model[] =
	"{\"version\":3,\"kind\":\"slurm-carbon estimates\",\"created\":1609459200,"
	"\"min_jobs\":5,\"quantile\":0.9,\"entries\":["
	"{\"level\":\"user\",\"user\":\"alice\",\"account\":\"phys\",\"partition\":\"p\",\"jobs\":6,"
	"\"ratio_median\":0.5,\"ratio_q\":0.5,\"ratio_total\":0.5},"
	"{\"level\":\"name\",\"user\":\"alice\",\"account\":\"phys\",\"partition\":\"p\","
	"\"name\":\"relax\",\"jobs\":5,\"ratio_median\":0.25,\"ratio_q\":0.25,\"ratio_total\":0.25}]}";

/* Estimates: slurm-carbon plans with the learned run time (the plugin's
 * Estimates=learned), the true run time prices the plan; jobs without an
 * entry keep time limit x RuntimeRatio; the peers are unchanged. */
static void test_learned_estimates(void **state)
{
	static const char csv[] = "arrival_time,length,cpus,requested,user,account\n"
				  "0,2,4,4,alice,phys\n0,2,4,4,bob,chem\n";
	struct sc_conf *conf = conf_text(tiny_conf);
	struct sc_grid *g = grid_of(T2021, HOUR, tiny_v, 24);
	struct sc_trace *t = trace_text(csv, SC_TRACE_CSV, SC_UNIT_HOURS, NULL);
	struct sc_model *m = sc_model_parse(tiny_model, sizeof(tiny_model) - 1, "m", T2021, 0, NULL);
	struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1, .keep_jobs = 1 };
	struct sc_sim_result r;
	struct sc_err err = { "" };
	json_t *j;

	(void)state;
	assert_non_null(t);
	assert_non_null(m);
	sc_trace_anchor(t, T2021);
	o.estimates = m;
	if (sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(r.jobs, 2);
	assert_int_equal(r.estimates, 1);
	assert_int_equal(r.jobs_learned, 1);
	/* alice: 4 h x 0.5 = 2 h planned: the 2 h minimum at 02:00, the
	 * oracle's; bob: 4 h planned, 03:00 (test_tiny_optimum's job 1). */
	assert_int_equal(r.out[SC_POL_CARBON][0].planned, T2021 + 2 * HOUR);
	assert_near(r.out[SC_POL_CARBON][0].gco2e, 0.12 * 100, 1e-9);
	assert_int_equal(r.out[SC_POL_CARBON][1].planned, T2021 + 3 * HOUR);
	assert_near(r.out[SC_POL_CARBON][1].gco2e, 0.12 * 200, 1e-9);
	assert_int_equal(r.out[SC_POL_CASDK][0].planned, T2021 + 3 * HOUR);
	j = sc_sim_json(&r, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "estimates")), "learned");
	assert_int_equal(json_integer_value(json_object_get(j, "jobs_learned")), 1);
	json_decref(j);
	sc_sim_result_free(&r);

	/* Without the model both plan 4 h; the JSON says so. */
	o.estimates = NULL;
	assert_int_equal(sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, &err), 0);
	assert_int_equal(r.out[SC_POL_CARBON][0].planned, T2021 + 3 * HOUR);
	assert_int_equal(r.jobs_learned, 0);
	j = sc_sim_json(&r, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "estimates")), "configured");
	assert_null(json_object_get(j, "jobs_learned"));
	json_decref(j);
	sc_sim_result_free(&r);

	/* A version 3 model: alice's job named relax runs a quarter of its
	 * limit: 1 h planned, the 1 h minimum at 06:00. */
	sc_model_destroy(m);
	m = sc_model_parse(name_model, sizeof(name_model) - 1, "m", T2021, 0, NULL);
	assert_non_null(m);
	o.estimates = m;
	t->jobs[0].name = "relax";
	assert_int_equal(sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, &err), 0);
	assert_int_equal(r.out[SC_POL_CARBON][0].planned, T2021 + 6 * HOUR);
	sc_sim_result_free(&r);
	t->jobs[0].name = "other"; /* her user entry: 2 h */
	assert_int_equal(sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, &err), 0);
	assert_int_equal(r.out[SC_POL_CARBON][0].planned, T2021 + 2 * HOUR);
	sc_sim_result_free(&r);
	t->jobs[0].name = NULL;

	/* Not with re-planning. */
	o.estimates = m;
	o.replan = HOUR;
	assert_int_equal(sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, &err), -1);
	assert_contains(err.msg, "learned estimates together are not supported");
	sc_model_destroy(m);
	sc_trace_destroy(t);
	sc_grid_destroy(g);
	sc_conf_destroy(conf);
}

/* A learned run time: the start is chosen at the window's run time (the
 * upper quantile), the plan priced and budgeted at the expected one. */
static void test_decide_learned(void **state)
{
	struct sc_conf *conf = conf_text(tiny_conf);
	struct sc_grid *g = grid_of(T2021, HOUR, tiny_v, 24);
	const struct sc_grid *grids[1] = { g };
	struct sc_zone_forecasts fc = { grids, NULL, 1 };
	struct sc_site site = conf->site;
	struct sc_request req;
	struct sc_decision d;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.n_parts = 1;
	req.shape.cores = 4;
	req.time_limit = 4 * HOUR;
	req.budget_g = -1;
	req.max_delay = -1;
	site.params.runtime_ratio = 0.5;
	/* Expected 2 h: the 2 h minimum at 02:00 (test_tiny_optimum). */
	assert_int_equal(sc_decide(&site, &fc, &req, T2021, &d), 0);
	assert_int_equal(d.chosen.start, T2021 + 2 * HOUR);
	assert_int_equal(sc_decide_learned(&site, 0.5, &fc, &req, T2021, &d), 0);
	assert_int_equal(d.chosen.start, T2021 + 2 * HOUR);
	/* Window at 4 h: 03:00, priced at 2 h there: 40 W x 2 h x 1.5 x
	 * (100 + 300) / 2 = 24 g against 48 g at submission. */
	assert_int_equal(sc_decide_learned(&site, 1.0, &fc, &req, T2021, &d), 0);
	assert_int_equal(d.action, SC_ACT_DELAY);
	assert_int_equal(d.chosen.start, T2021 + 3 * HOUR);
	assert_int_equal(d.chosen.runtime, 2 * HOUR);
	assert_near(d.chosen.gco2e, 24, 1e-9);
	assert_near(d.baseline.gco2e, 48, 1e-9);
	assert_near(d.saving_pct, 50, 1e-9);
	/* A budget the window's plan breaks (24 g) but the expected best keeps
	 * (12 g): the expected decision stands. */
	req.budget_g = 20;
	assert_int_equal(sc_decide_learned(&site, 1.0, &fc, &req, T2021, &d), 0);
	assert_int_equal(d.action, SC_ACT_DELAY);
	assert_int_equal(d.chosen.start, T2021 + 2 * HOUR);
	/* Over the budget either way: rejected, as sc_decide does. */
	req.budget_g = 5;
	assert_int_equal(sc_decide_learned(&site, 1.0, &fc, &req, T2021, &d), 0);
	assert_int_equal(d.action, SC_ACT_REJECT);
	sc_grid_destroy(g);
	sc_conf_destroy(conf);
}

/* slurm-carbon plans with the configured ForecastError, else with the
 * error of what it is shown. */
static void test_forecast_error_source(void **state)
{
	struct sc_sim_result r;
	struct sc_conf *conf;
	struct sc_grid *g = grid_of(T2021, HOUR, tiny_v, 24);
	struct sc_trace *t = trace_text("arrival_time,length,cpus\n0,2,4\n", SC_TRACE_CSV, SC_UNIT_HOURS, NULL);
	struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1 };
	char text[512];

	(void)state;
	run_tiny("arrival_time,length,cpus\n0,2,4\n", "perfect", 0, &r);
	assert_near(r.forecast_error_pct, 0, 1e-12);
	sc_sim_result_free(&r);
	run_tiny("arrival_time,length,cpus\n0,2,4\n", "error:30:4", 0, &r);
	assert_near(r.forecast_error_pct, 30, 1e-12);
	assert_int_equal(r.forecast_error_configured, 0);
	sc_sim_result_free(&r);
	/* Measured: persistence, |a(t) - a(t - 1 day)| / a(t) over every slot
	 * with a day before: days of 100, 200, 100 give (0.5 + 1.0) / 2. */
	{
		double v3[72];
		struct sc_grid *g3;
		struct sc_fview *view;
		struct sc_fview_mode m;
		char mode[300], arch[8192];
		size_t used = 0;

		for (int i = 0; i < 72; i++)
			v3[i] = i >= 24 && i < 48 ? 200 : 100;
		g3 = grid_of(T2021, HOUR, v3, 72);
		assert_int_equal(sc_fview_mode_parse("persistence", &m, NULL), 0);
		view = sc_fview_create(&m, (const struct sc_grid *const *)&g3, 1, DAY, 0, 0, NULL);
		assert_near(sc_fview_error_24h(view, 0), 75, 1e-9);
		sc_fview_destroy(view);
		/* Archive: forecasts of 300 issued on day 1 and day 2 at 00:00
		 * for 30 h; 24 h after each the actual is 200 and 100:
		 * (0.5 + 2) / 2. */
		used += (size_t)snprintf(arch, sizeof(arch), "issued_at,target,forecast\n");
		for (int is = 0; is < 2; is++)
			for (int h = 0; h < 30; h++)
				used += (size_t)snprintf(arch + used, sizeof(arch) - used,
							 "2021-01-%02dT00:00:00Z,2021-01-%02dT%02d:00:00Z,300\n", 1 + is,
							 1 + (24 * is + h) / 24, (24 * is + h) % 24);
		snprintf(mode, sizeof(mode), "archive:%s", write_tmp("measure.csv", arch));
		assert_int_equal(sc_fview_mode_parse(mode, &m, NULL), 0);
		view = sc_fview_create(&m, (const struct sc_grid *const *)&g3, 1, DAY, 0, 0, NULL);
		assert_non_null(view);
		assert_near(sc_fview_error_24h(view, 0), 125, 1e-9);
		sc_fview_destroy(view);
		assert_int_equal(sc_fview_mode_parse("error:17", &m, NULL), 0);
		view = sc_fview_create(&m, (const struct sc_grid *const *)&g3, 1, DAY, 0, 0, NULL);
		assert_near(sc_fview_error_24h(view, 0), 17, 1e-12);
		sc_fview_destroy(view);
		sc_grid_destroy(g3);
	}

	snprintf(text, sizeof(text),
		 "MaxDelay=8:00:00\nZoneName=Z Provider=static Intensity=100 ForecastError=12%%\n"
		 "PartitionName=p Zone=Z PUE=1.5 CoreWatts=10 Usage=1 MemWattsPerGB=0\n");
	conf = conf_text(text);
	sc_trace_anchor(t, T2021);
	assert_int_equal(sc_fview_mode_parse("error:30", &o.forecast, NULL), 0);
	assert_int_equal(sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, NULL), 0);
	assert_near(r.forecast_error_pct, 12, 1e-12);
	assert_int_equal(r.forecast_error_configured, 1);
	sc_sim_result_free(&r);
	sc_conf_destroy(conf);
	sc_trace_destroy(t);
	sc_grid_destroy(g);
}

/* Capacity: the two jobs both want 02:00 on a 4-core cluster; the second
 * waits for the first to end (04:00): queueing delay, apart from the carbon
 * delay. */
/* Re-planning (--replan): one 1-hour, 4-core job (0.04 kWh × PUE 1.5 =
 * 0.06 per g/kWh) submitted at 00:00, the truth tiny_v. The forecast
 * issued at 00:00 shows 05:00 green (100, the rest 400): planned at 05:00,
 * where the truth is 300 (18 g). The one issued at 02:00 shows 02:00 at
 * 50: the pass at 02:00 starts the job then, at a true 100 (6 g). */
static void test_replan(void **state)
{
	static const char conf_txt[] =
		"MaxDelay=8:00:00\nReroute=no\n"
		"ZoneName=Z Provider=static Intensity=100 ForecastError=0%\n"
		"PartitionName=p Zone=Z PUE=1.5 CoreWatts=10 Usage=1 MemWattsPerGB=0 DefaultTime=1:00:00\n";
	struct sc_conf *conf = conf_text(conf_txt);
	struct sc_grid *g = grid_of(T2021, HOUR, tiny_v, 24);
	struct sc_trace *t = trace_text("arrival_time,length,cpus\n0,1,4\n", SC_TRACE_CSV, SC_UNIT_HOURS, NULL);
	struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1, .keep_jobs = 1 };
	struct sc_sim_result r;
	struct sc_err err = { "" };
	char text[8192], mode[300];
	size_t used = 0;

	(void)state;
	used += (size_t)snprintf(text + used, sizeof(text) - used, "issued_at,target,forecast\n");
	for (int h = 0; h < 24; h++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "2021-01-01T00:00:00Z,2021-01-01T%02d:00:00Z,%d\n",
					 h, h == 5 ? 100 : 400);
	for (int h = 2; h < 24; h++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "2021-01-01T02:00:00Z,2021-01-01T%02d:00:00Z,%d\n",
					 h, h == 2 ? 50 : 400);
	snprintf(mode, sizeof(mode), "archive:%s", write_tmp("replan.csv", text));
	assert_int_equal(sc_fview_mode_parse(mode, &o.forecast, NULL), 0);
	sc_trace_anchor(t, T2021);

	/* Off: one-shot. */
	if (sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(r.out[SC_POL_CARBON][0].planned, T2021 + 5 * HOUR);
	assert_near(r.out[SC_POL_CARBON][0].gco2e, 18, 1e-9);
	assert_int_equal(r.out[SC_POL_ONESHOT][0].planned, T2021 + 5 * HOUR);
	assert_int_equal(r.replan, 0);
	assert_int_equal(r.replan_moves, 0);
	sc_sim_result_free(&r);

	/* Every hour: the pass at 02:00 (the next issue) starts it. */
	o.replan = HOUR;
	if (sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(r.replan, HOUR);
	assert_int_equal(r.out[SC_POL_CARBON][0].planned, T2021 + 2 * HOUR);
	assert_int_equal(r.out[SC_POL_CARBON][0].start, T2021 + 2 * HOUR);
	assert_near(r.out[SC_POL_CARBON][0].gco2e, 6, 1e-9);
	assert_int_equal(r.out[SC_POL_ONESHOT][0].planned, T2021 + 5 * HOUR);
	assert_near(r.out[SC_POL_ONESHOT][0].gco2e, 18, 1e-9);
	assert_int_equal(r.replan_moves, 1);
	assert_int_equal(r.replan_jobs, 1);
	assert_int_equal(r.replan_started, 1);
	assert_int_equal(r.replan_passes, 1);
	assert_near(r.pol[SC_POL_CARBON].mean_delay_s, 2 * HOUR, 1e-9);
	assert_near(r.pol[SC_POL_ONESHOT].mean_delay_s, 5 * HOUR, 1e-9);
	/* Baseline 0.06 × 400 = 24 g: 75 % saved, against 25 % one-shot. */
	assert_near(r.pol[SC_POL_CARBON].savings_pct, 75, 1e-9);
	assert_near(r.pol[SC_POL_ONESHOT].savings_pct, 25, 1e-9);
	{
		json_t *j = sc_sim_json(&r, NULL);
		char *enc = sc_json_dumps(j);
		assert_contains(enc, "\"replan_s\":3600");
		assert_contains(enc, "\"one_shot\":{\"jobs\":1,");
		assert_contains(enc, "\"replan_moves\":1,\"replanned_pct\":100.0,\"replan_started_pct\":100.0");
		free(enc);
		json_decref(j);
	}
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		sc_sim_print_text(f, &r, NULL);
		fclose(f);
		assert_contains(buf, "re-plans the jobs it holds every 1 h");
		assert_contains(buf, "1 jobs re-planned (1 started early), 1 changes");
		assert_contains(buf, "  one-shot ");
		free(buf);
	}
	sc_sim_result_free(&r);

	/* A negative interval is an error. */
	o.replan = -1;
	assert_int_equal(sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, &err), -1);
	assert_contains(err.msg, "re-planning interval");
	sc_trace_destroy(t);
	sc_grid_destroy(g);
	sc_conf_destroy(conf);
}

/* Re-planning on 60 days of synthetic data: plans never leave the window
 * [submit, submit + max delay]; with perfect forecasts a move never costs
 * carbon. */
static void test_replan_invariants(void **state)
{
	enum { NH = 24 * 60 };
	double *v = malloc(NH * sizeof(double));
	struct sc_conf *conf = conf_text("MaxDelay=8:00:00\nReroute=no\nZoneName=Z Provider=static Intensity=1\n"
					 "PartitionName=p Zone=Z PUE=1.2 CoreWatts=10 DefaultTime=1:00:00\n");
	struct sc_grid *g;
	struct sc_trace *t;
	struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1, .keep_jobs = 1, .replan = 1800 };
	struct sc_sim_result r;
	char *csv = malloc(64 * 1000 + 64);
	size_t used = 0;
	struct sc_err err = { "" };

	(void)state;
	assert_non_null(v);
	assert_non_null(csv);
	rnd_state = 7;
	for (int i = 0; i < NH; i++)
		v[i] = 200 + 120 * sin(i * 2 * M_PI / 24) + 60 * rnd();
	g = grid_of(T2021, HOUR, v, NH);
	used += (size_t)sprintf(csv + used, "arrival_time,length,cpus\n");
	for (int k = 0; k < 1000; k++)
		used += (size_t)sprintf(csv + used, "%.3f,%.2f,%d\n", k * 1.3, 0.2 + 6 * rnd(), 1 + (int)(16 * rnd()));
	t = trace_text(csv, SC_TRACE_CSV, SC_UNIT_HOURS, NULL);
	assert_non_null(t);
	sc_trace_anchor(t, T2021);
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(sc_fview_mode_parse(pass ? "perfect" : "error:25", &o.forecast, NULL), 0);
		if (sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, &err) < 0)
			fail_msg("%s", err.msg);
		assert_true(r.jobs > 900);
		for (size_t k = 0; k < r.n_out; k++) {
			int64_t d;
			if (!r.in[k])
				continue;
			d = r.out[SC_POL_CARBON][k].planned - t->jobs[k].submit;
			assert_true(d >= 0 && d <= 8 * HOUR);
			/* A perfect forecast is the truth: a move only ever
			 * lowers the job's true carbon (it may find a start inside
			 * a slot, which the submit-time candidates lack). */
			if (pass)
				assert_true(r.out[SC_POL_CARBON][k].gco2e <= r.out[SC_POL_ONESHOT][k].gco2e * (1 + 1e-12));
			/* Only delayed jobs are re-planned. */
			if (r.out[SC_POL_ONESHOT][k].planned == t->jobs[k].submit)
				assert_int_equal(r.out[SC_POL_CARBON][k].planned, t->jobs[k].submit);
		}
		if (pass) {
			assert_true(r.pol[SC_POL_CARBON].gco2e <= r.pol[SC_POL_ONESHOT].gco2e);
		} else {
			assert_true(r.replan_moves > 10);
			assert_true(r.replan_jobs <= r.replan_moves);
		}
		sc_sim_result_free(&r);
	}
	sc_trace_destroy(t);
	sc_grid_destroy(g);
	sc_conf_destroy(conf);
	free(csv);
	free(v);
}

static void test_capacity(void **state)
{
	struct sc_sim_result r;

	(void)state;
	run_tiny("arrival_time,length,cpus\n0,2,4\n0,2,4\n", "perfect", 4, &r);
	assert_int_equal(r.out[SC_POL_ORACLE][0].start, T2021 + 2 * HOUR);
	assert_int_equal(r.out[SC_POL_ORACLE][1].planned, T2021 + 2 * HOUR);
	assert_int_equal(r.out[SC_POL_ORACLE][1].start, T2021 + 4 * HOUR);
	assert_near(r.out[SC_POL_ORACLE][1].gco2e, 0.12 * 300, 1e-9);
	assert_near(r.pol[SC_POL_ORACLE].mean_delay_s, 2 * HOUR, 1e-9);
	assert_near(r.pol[SC_POL_ORACLE].mean_queue_s, HOUR, 1e-9);
	assert_near(r.pol[SC_POL_ORACLE].p95_queue_s, 2 * HOUR, 1e-9);
	/* The baseline queues too: the second job starts at 02:00. */
	assert_int_equal(r.out[SC_POL_BASELINE][1].start, T2021 + 2 * HOUR);
	assert_near(r.pol[SC_POL_BASELINE].gco2e, 0.12 * 400 + 0.12 * 100, 1e-9);
	sc_sim_result_free(&r);

	/* Enough cores: nobody waits. A job larger than the cluster takes it
	 * all. */
	run_tiny("arrival_time,length,cpus\n0,2,4\n0,2,16\n", "perfect", 20, &r);
	assert_near(r.pol[SC_POL_ORACLE].mean_queue_s, 0, 1e-9);
	sc_sim_result_free(&r);
	run_tiny("arrival_time,length,cpus\n0,2,40\n0,2,1\n", "perfect", 20, &r);
	assert_int_equal(r.out[SC_POL_BASELINE][1].start, T2021 + 2 * HOUR);
	sc_sim_result_free(&r);
}

/* Runs model m on cap (cores, GPUs, nodes) and checks the starts. */
static void check_schedule(enum sc_cap_model m, const uint32_t *cap, const struct sc_cap_job *j, size_t n,
			   const int64_t *want)
{
	int64_t start[16];

	assert_true(n <= 16);
	assert_int_equal(sc_cap_schedule(m, cap, j, n, start), 0);
	for (size_t i = 0; i < n; i++)
		if (start[i] != want[i])
			fail_msg("%s, job %zu: starts at %lld, expected %lld", sc_cap_model_name(m), i,
				 (long long)start[i], (long long)want[i]);
}

/* EASY backfill, hand-checked on 10 cores (times in seconds). */
static void test_easy_backfill(void **state)
{
	static const uint32_t ten[SC_CAP_RES] = { 10, 0, 0 };
	/* A wide job (1) behind a 4-core one: its reservation is at 10, when
	 * job 0 ends by its limit. Job 2 (6 cores, ends by 10) backfills
	 * around it at 0; job 3 finds no core free until 1 is done. */
	struct sc_cap_job a[4] = { { 0, 10, 10, { 4, 0, 0 } }, { 0, 5, 5, { 10, 0, 0 } },
				   { 0, 10, 10, { 6, 0, 0 } }, { 1, 5, 5, { 1, 0, 0 } } };
	/* Job 2 would end at 11 and would need cores the reservation holds:
	 * not backfilled, nor job 3 (2 cores past the reservation). */
	struct sc_cap_job b[4] = { { 0, 10, 10, { 4, 0, 0 } }, { 0, 5, 5, { 10, 0, 0 } },
				   { 0, 11, 11, { 6, 0, 0 } }, { 0, 20, 20, { 2, 0, 0 } } };
	/* The head (8 cores) leaves 2 spare at its reservation: job 2 takes
	 * them for longer, job 3 then may not; job 4 ends by 10. */
	struct sc_cap_job c[5] = { { 0, 10, 10, { 4, 0, 0 } }, { 0, 5, 5, { 8, 0, 0 } },
				   { 0, 100, 100, { 2, 0, 0 } }, { 0, 100, 100, { 2, 0, 0 } },
				   { 0, 10, 10, { 3, 0, 0 } } };
	/* Limits, not run times, make the reservation: job 0 asks for 10 but
	 * ends at 4, so the head starts at 4 though job 2 was backfilled as
	 * ending by 10 (it runs 3). */
	struct sc_cap_job d[3] = { { 0, 4, 10, { 4, 0, 0 } }, { 0, 5, 5, { 10, 0, 0 } },
				   { 0, 3, 10, { 6, 0, 0 } } };
	/* Priority is submit (array) order, not release: job 0, released at
	 * 5, goes before job 2, queued since 1. A job larger than the cluster
	 * takes all of it. */
	struct sc_cap_job e[3] = { { 5, 10, 10, { 8, 0, 0 } }, { 0, 10, 10, { 40, 0, 0 } },
				   { 1, 1, 1, { 4, 0, 0 } } };

	(void)state;
	check_schedule(SC_CAP_EASY, ten, a, 4, (const int64_t[]){ 0, 10, 0, 15 });
	check_schedule(SC_CAP_FCFS, ten, a, 4, (const int64_t[]){ 0, 10, 15, 15 });
	check_schedule(SC_CAP_EASY, ten, b, 4, (const int64_t[]){ 0, 10, 15, 15 });
	check_schedule(SC_CAP_EASY, ten, c, 5, (const int64_t[]){ 0, 10, 0, 15, 0 });
	check_schedule(SC_CAP_EASY, ten, d, 3, (const int64_t[]){ 0, 4, 0 });
	check_schedule(SC_CAP_EASY, ten, e, 3, (const int64_t[]){ 10, 0, 20 });
	check_schedule(SC_CAP_FCFS, ten, e, 3, (const int64_t[]){ 11, 0, 10 });
	/* Unlimited: everyone at its release. */
	check_schedule(SC_CAP_EASY, (const uint32_t[]){ 0, 0, 0 }, e, 3, (const int64_t[]){ 5, 0, 1 });
}

/* GPUs and nodes are resources of their own. */
static void test_easy_gpus(void **state)
{
	/* 10 cores, 2 GPUs: job 1 waits for job 0's GPUs (reservation at 10,
	 * one GPU and 9 cores spare then); job 2 needs no GPU and backfills
	 * on spare cores; job 3 has no GPU free before 10. */
	struct sc_cap_job g[4] = { { 0, 10, 10, { 1, 2, 0 } }, { 0, 5, 5, { 1, 1, 0 } },
				   { 0, 100, 100, { 4, 0, 0 } }, { 0, 5, 5, { 1, 1, 0 } } };
	struct sc_cap_job nd[2] = { { 0, 10, 10, { 1, 0, 2 } }, { 0, 5, 5, { 1, 0, 1 } } };

	(void)state;
	check_schedule(SC_CAP_EASY, (const uint32_t[]){ 10, 2, 0 }, g, 4, (const int64_t[]){ 0, 10, 0, 10 });
	check_schedule(SC_CAP_EASY, (const uint32_t[]){ 10, 0, 0 }, g, 4, (const int64_t[]){ 0, 0, 0, 0 });
	check_schedule(SC_CAP_EASY, (const uint32_t[]){ 10, 0, 2 }, nd, 2, (const int64_t[]){ 0, 10 });
	check_schedule(SC_CAP_EASY, (const uint32_t[]){ 10, 0, 3 }, nd, 2, (const int64_t[]){ 0, 0 });
}

/* Property, on random workloads (exact and generous limits): every job
 * starts at or after its release and no resource is ever over-committed,
 * under both models; on these workloads EASY waits less than FCFS in total
 * (not a theorem, but what backfilling is for). */
static void test_easy_random(void **state)
{
	enum { N = 400 };
	static struct sc_cap_job j[N];
	static int64_t st[N];
	const uint32_t cap[SC_CAP_RES] = { 64, 8, 0 };

	(void)state;
	for (int round = 0; round < 20; round++) {
		double wait[2] = { 0, 0 };
		for (int i = 0; i < N; i++) {
			j[i].release = (int64_t)(rnd() * 20000);
			j[i].runtime = 1 + (int64_t)(rnd() * rnd() * 3000);
			j[i].limit = round % 2 ? j[i].runtime : j[i].runtime + (int64_t)(rnd() * 2000);
			j[i].need[0] = 1 + (uint32_t)(rnd() * rnd() * 80);
			j[i].need[1] = rnd() < 0.2 ? 1 + (uint32_t)(rnd() * 4) : 0;
			j[i].need[2] = 7;
		}
		for (int m = 0; m < 2; m++) {
			assert_int_equal(sc_cap_schedule((enum sc_cap_model)m, cap, j, N, st), 0);
			for (int i = 0; i < N; i++) {
				uint32_t used[2] = { 0, 0 };
				assert_true(st[i] >= j[i].release);
				wait[m] += (double)(st[i] - j[i].release);
				/* Usage just after job i starts. */
				for (int k = 0; k < N; k++)
					if (st[k] <= st[i] && st[i] < st[k] + j[k].runtime)
						for (int r = 0; r < 2; r++)
							used[r] += j[k].need[r] < cap[r] ? j[k].need[r] : cap[r];
				assert_true(used[0] <= cap[0]);
				assert_true(used[1] <= cap[1]);
			}
		}
		assert_true(wait[SC_CAP_EASY] <= wait[SC_CAP_FCFS]);
	}
}

/* Rerouting: a DE partition with an FR alternative. */
static void test_reroute(void **state)
{
	static const char text[] =
		"MaxDelay=0\nMinSavings=10%\nReroute=yes\n"
		"ZoneName=DE Provider=static Intensity=400\nZoneName=FR Provider=static Intensity=60\n"
		"PartitionName=de Zone=DE PUE=1.2 CoreWatts=10 Usage=1 MemWattsPerGB=0 Alternatives=fr\n"
		"PartitionName=fr Zone=FR PUE=1.4 CoreWatts=10 Usage=1 MemWattsPerGB=0\n";
	struct sc_conf *conf = conf_text(text);
	struct sc_grid *truth[2] = { NULL, NULL };
	struct sc_trace *t = trace_text("arrival_time,length,cpus,partition\n0,1,1,de\n1,1,1,elsewhere\n2,1,1,fr\n",
					SC_TRACE_CSV, SC_UNIT_HOURS, NULL);
	struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1, .keep_jobs = 1 };
	struct sc_sim_result r;
	struct sc_err err = { "" };

	(void)state;
	assert_non_null(t);
	sc_trace_anchor(t, T2021);
	assert_int_equal(sc_sim_truth_load(conf, NULL, truth, &err), 0);
	assert_null(truth[0]);
	assert_int_equal(sc_sim_truth_static(conf, t, 0, truth, &err), 0);
	assert_non_null(truth[0]);
	assert_non_null(truth[1]);
	assert_int_equal(sc_sim_run(conf, (const struct sc_grid *const *)truth, t, &o, &r, &err), 0);
	assert_int_equal(r.jobs, 3);
	/* Jobs on de (also the unmanaged one, sent to the default) move to fr. */
	assert_int_equal(r.out[SC_POL_CARBON][0].part, 1);
	assert_int_equal(r.out[SC_POL_CARBON][1].part, 1);
	assert_int_equal(r.out[SC_POL_CARBON][2].part, 1);
	assert_near(r.pol[SC_POL_CARBON].rerouted_pct, 200.0 / 3, 1e-9);
	assert_near(r.pol[SC_POL_CASDK].rerouted_pct, 200.0 / 3, 1e-9);
	assert_near(r.pol[SC_POL_BASELINE].gco2e, 2 * 0.01 * 1.2 * 400 + 0.01 * 1.4 * 60, 1e-9);
	assert_near(r.pol[SC_POL_CARBON].gco2e, 3 * 0.01 * 1.4 * 60, 1e-9);
	sc_sim_result_free(&r);
	/* --partition: the unmanaged job goes to fr instead. */
	o.fallback_part = 1;
	assert_int_equal(sc_sim_run(conf, (const struct sc_grid *const *)truth, t, &o, &r, &err), 0);
	assert_near(r.pol[SC_POL_CARBON].rerouted_pct, 100.0 / 3, 1e-9);
	sc_sim_result_free(&r);
	sc_grid_destroy(truth[0]);
	sc_grid_destroy(truth[1]);
	sc_trace_destroy(t);
	sc_conf_destroy(conf);
}

/* Exempt users start at submission under every policy. */
static void test_exempt(void **state)
{
	static const char text[] =
		"MaxDelay=8:00:00\nMinSavings=0%\nExemptUsers=alice\n"
		"ZoneName=Z Provider=static Intensity=1\n"
		"PartitionName=p Zone=Z PUE=1 CoreWatts=10 Usage=1 MemWattsPerGB=0\n";
	struct sc_conf *conf = conf_text(text);
	struct sc_grid *g = grid_of(T2021, HOUR, tiny_v, 24);
	struct sc_trace *t = trace_text("arrival_time,length,cpus,user\n0,2,4,alice\n0,2,4,bob\n", SC_TRACE_CSV,
					SC_UNIT_HOURS, NULL);
	struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1, .keep_jobs = 1 };
	struct sc_sim_result r;

	(void)state;
	sc_trace_anchor(t, T2021);
	assert_int_equal(sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, NULL), 0);
	assert_int_equal(r.jobs_exempt, 1);
	for (int p = 0; p < SC_POL_N; p++)
		assert_int_equal(r.out[p][0].planned, T2021);
	assert_int_equal(r.out[SC_POL_ORACLE][1].planned, T2021 + 2 * HOUR);
	sc_sim_result_free(&r);
	sc_trace_destroy(t);
	sc_grid_destroy(g);
	sc_conf_destroy(conf);
}

/* The oracle is the true minimum over every start in the window, not only
 * the slot boundaries: hand-computed on hourly grids. */
static void test_oracle_exact(void **state)
{
	static const double v1[6] = { 300, 100, 500, 500, 500, 500 };
	static const double v2[6] = { 500, 100, 500, 500, 500, 500 };
	struct sc_grid *g1 = grid_of(T2021, HOUR, v1, 6), *g2 = grid_of(T2021, HOUR, v2, 6);
	struct sc_oracle_part op[2] = { { g1, 2.0, T2021 + 4 * HOUR }, { g1, 2.0, T2021 + 4 * HOUR } };
	struct sc_sim_result r;
	size_t part = 9;
	int64_t start = 0;
	double g = 0;

	(void)state;
	/* 1.5 h from 00:00: on a boundary the best is 01:00, (100 + 250) / 1.5;
	 * ending on one, 00:30 gives (150 + 100) / 1.5. Two equal partitions:
	 * the first. */
	assert_int_equal(sc_oracle_best(op, 2, T2021, 3 * HOUR / 2, &part, &start, &g), 0);
	assert_int_equal(part, 0);
	assert_int_equal(start, T2021 + HOUR / 2);
	assert_near(g, 2.0 * 250 / 1.5, 1e-9);
	/* A cheaper second partition wins. */
	op[1].factor = 1.0;
	assert_int_equal(sc_oracle_best(op, 2, T2021, 3 * HOUR / 2, &part, &start, &g), 0);
	assert_int_equal(part, 1);
	/* The window's end is a candidate though no boundary: 1 h from 00:10,
	 * latest 00:50, gives (500 × 10 + 100 × 50) / 60. */
	op[0] = (struct sc_oracle_part){ g2, 1.0, T2021 + 50 * 60 };
	assert_int_equal(sc_oracle_best(op, 1, T2021 + 600, HOUR, &part, &start, &g), 0);
	assert_int_equal(start, T2021 + 50 * 60);
	assert_near(g, (500.0 * 10 + 100 * 50) / 60, 1e-9);
	/* No window inside the data (or latest before t0): no plan. */
	op[0].latest = T2021;
	assert_int_equal(sc_oracle_best(op, 1, T2021 + 600, HOUR, &part, &start, &g), -1);
	op[0] = (struct sc_oracle_part){ NULL, 1.0, T2021 + HOUR };
	assert_int_equal(sc_oracle_best(op, 1, T2021, HOUR, &part, &start, &g), -1);
	op[0] = (struct sc_oracle_part){ g2, 1.0, T2021 + 9 * HOUR };
	assert_int_equal(sc_oracle_best(op, 1, T2021 + 5 * HOUR, 2 * HOUR, &part, &start, &g), -1);
	sc_grid_destroy(g1);
	sc_grid_destroy(g2);

	/* In the engine: 1.5 h submitted at 03:00 on tiny_v (100 300 300 50
	 * 400 from 03:00): boundaries give at best 03:00 or 06:00,
	 * (100 + 150) / 1.5; 05:30 gives (150 + 50) / 1.5. 4 cores × 10 W ×
	 * 1.5 h × PUE 1.5 = 0.09 kWh. */
	run_tiny("arrival_time,length,cpus\n3,1.5,4\n", "perfect", 0, &r);
	assert_int_equal(r.out[SC_POL_ORACLE][0].planned, T2021 + 5 * HOUR + HOUR / 2);
	assert_near(r.out[SC_POL_ORACLE][0].gco2e, 0.09 * 200 / 1.5, 1e-9);
	assert_true(r.out[SC_POL_CARBON][0].gco2e > r.out[SC_POL_ORACLE][0].gco2e + 1);
	sc_sim_result_free(&r);
}

/* Property: with unlimited capacity, no policy ever beats the oracle, job
 * by job, on random series, traces and forecasts (one and two zones, with
 * rerouting). */
static void test_oracle_never_beaten(void **state)
{
	static const char *const modes[] = { "perfect", "persistence", "error:30:3", "error:60:9" };
	static const char text[] =
		"MaxDelay=10:00:00\nMinSavings=%s\nNearBest=%s\nRuntimeRatio=%s\nReroute=yes\n"
		"ZoneName=A Provider=static Intensity=1\nZoneName=B Provider=static Intensity=1\n"
		"PartitionName=a Zone=A PUE=1.3 CoreWatts=10 Usage=1 MemWattsPerGB=0.5 Alternatives=b\n"
		"PartitionName=b Zone=B PUE=1.1 CoreWatts=12 Usage=1 MemWattsPerGB=0.5\n";

	(void)state;
	for (int round = 0; round < 24; round++) {
		char ctext[1024], csv[16384];
		struct sc_conf *conf;
		struct sc_grid *g[2];
		double va[400], vb[200];
		struct sc_trace *t;
		struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1, .keep_jobs = 1 };
		struct sc_sim_result r;
		struct sc_err err = { "" };
		size_t used;

		snprintf(ctext, sizeof(ctext), text, round % 3 == 0 ? "0%" : "7%", round % 4 == 1 ? "3%" : "0%",
			 round % 5 == 2 ? "0.8" : "1.0");
		conf = conf_text(ctext);
		for (int i = 0; i < 400; i++)
			va[i] = 20 + 700 * rnd() * rnd();
		for (int i = 0; i < 200; i++)
			vb[i] = 20 + 500 * rnd();
		/* A on half hours, B on hours (aligned): 200 h each. */
		g[0] = grid_of(T2021, 1800, va, 400);
		g[1] = grid_of(T2021, HOUR, vb, 200);
		used = (size_t)snprintf(csv, sizeof(csv), "arrival_time,length,cpus,requested,partition\n");
		for (int j = 0; j < 80; j++) {
			double len = 0.05 + 20 * rnd() * rnd();
			double req = rnd() < 0.3 ? 0 : len * (1 + 2 * rnd());
			used += (size_t)snprintf(csv + used, sizeof(csv) - used, "%.4f,%.4f,%d,%.4f,%s\n",
						 170 * rnd(), len, 1 + (int)(64 * rnd()), req,
						 rnd() < 0.7 ? "a" : "b");
		}
		t = trace_text(csv, SC_TRACE_CSV, SC_UNIT_HOURS, NULL);
		assert_non_null(t);
		sc_trace_anchor(t, T2021 + (int64_t)(rnd() * 3600));
		assert_int_equal(sc_fview_mode_parse(modes[round % 4], &o.forecast, NULL), 0);
		if (round % 2)
			o.max_delay = (int64_t)(rnd() * 30) * 600;
		if (sc_sim_run(conf, (const struct sc_grid *const *)g, t, &o, &r, &err) < 0)
			fail_msg("%s", err.msg);
		assert_true(r.jobs > 10);
		for (size_t k = 0; k < t->n; k++) {
			double best = r.out[SC_POL_ORACLE][k].gco2e;
			if (!r.in[k])
				continue;
			for (int p = 0; p < SC_POL_N; p++)
				if (r.out[p][k].gco2e < best * (1 - 1e-9) - 1e-9)
					fail_msg("round %d (%s), job %zu: %s emits %.6f g, the oracle %.6f g", round,
						 modes[round % 4], k, sc_sim_policy_name((enum sc_sim_policy)p),
						 r.out[p][k].gco2e, best);
		}
		for (int p = 0; p < SC_POL_N; p++)
			assert_true(r.pol[p].savings_pct <= r.pol[SC_POL_ORACLE].savings_pct + 1e-9);
		sc_sim_result_free(&r);
		sc_trace_destroy(t);
		sc_grid_destroy(g[0]);
		sc_grid_destroy(g[1]);
		sc_conf_destroy(conf);
	}
}

/* The same job and forecast give the same decision in `simulate` as in
 * `scarbon plan` (sc_evaluate on the plugin's snapshot). */
static void test_same_as_plan(void **state)
{
	char text[1024];
	struct sc_conf *conf;
	struct sc_grid *truth[2] = { NULL, NULL };
	struct sc_err err = { "" };
	static const int cpus[] = { 1, 8, 32 };
	static const char *const limits[] = { "4", "1.5", "9.25" };
	int checked = 0;

	(void)state;
	snprintf(text, sizeof(text),
		 "MaxDelay=8:00:00\nMinSavings=5%%\nReroute=yes\n"
		 "ZoneName=DE Provider=file Path=%s\n"
		 "ZoneName=UK Provider=file Path=%s\n"
		 "PartitionName=de Zone=DE Default=yes PUE=1.3 CoreWatts=10 DefMemPerCPU=2G Alternatives=uk\n"
		 "PartitionName=uk Zone=UK PUE=1.2 CoreWatts=12\n",
		 sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"),
		 "/dev/null/none.csv");
	conf = conf_text(text);
	assert_int_equal(sc_sim_truth_load(conf, NULL, truth, &err), -1);
	assert_contains(err.msg, "zone UK: ");
	sc_conf_destroy(conf);
	/* One zone. */
	snprintf(text, sizeof(text),
		 "MaxDelay=8:00:00\nMinSavings=5%%\nReroute=no\n"
		 "ZoneName=DE Provider=file Path=%s\n"
		 "PartitionName=de Zone=DE Default=yes PUE=1.3 CoreWatts=10 DefMemPerCPU=2G\n",
		 sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"));
	conf = conf_text(text);
	if (sc_sim_truth_load(conf, NULL, truth, &err) < 0)
		fail_msg("%s", err.msg);
	for (int64_t now = T2021 + 1800; now < T2021 + 28 * HOUR; now += 5 * HOUR + 600) {
		for (int i = 0; i < 3; i++) {
			char csv[256];
			struct sc_trace *t;
			struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1, .keep_jobs = 1 };
			struct sc_sim_result r;
			struct sc_snapshot *snap = sc_snapshot_load(conf->zones, conf->n_zones, NULL, now);
			struct sc_job_fields f = { 0 };
			struct sc_eval ev;
			double hours = atof(limits[i]);

			assert_non_null(snap);
			/* The trace: a job that ran half its time limit. */
			snprintf(csv, sizeof(csv), "arrival_time,length,cpus,requested\n0,%g,%d,%s\n", hours / 2, cpus[i],
				 limits[i]);
			t = trace_text(csv, SC_TRACE_CSV, SC_UNIT_HOURS, NULL);
			sc_trace_anchor(t, now);
			if (sc_sim_run(conf, (const struct sc_grid *const *)truth, t, &o, &r, &err) < 0)
				fail_msg("%s", err.msg);
			if (!r.in[0]) { /* past the data's end */
				sc_sim_result_free(&r);
				sc_trace_destroy(t);
				sc_snapshot_destroy(snap);
				continue;
			}
			/* The plan: the same job, as sbatch options. */
			f.ntasks = (uint32_t)cpus[i];
			f.time_limit = (int64_t)(hours * 3600);
			assert_int_equal(sc_evaluate(conf, snap, &f, NULL, NULL, NULL, now, &ev), 0);
			assert_true(ev.d.action != SC_ACT_NONE);
			assert_int_equal(r.out[SC_POL_CARBON][0].part, ev.d.chosen.part);
			assert_int_equal(r.out[SC_POL_CARBON][0].planned, ev.d.chosen.start);
			checked++;
			sc_sim_result_free(&r);
			sc_trace_destroy(t);
			sc_snapshot_destroy(snap);
		}
	}
	assert_true(checked >= 9);
	sc_grid_destroy(truth[0]);
	sc_conf_destroy(conf);
}

/* ------------------------------------------------------------ peers */

static void test_peers(void **state)
{
	/* Hourly: 300 300 100 500 100 100 300 300 ... */
	static const double v[12] = { 300, 300, 100, 500, 100, 100, 300, 300, 300, 300, 300, 300 };
	struct sc_grid *g = grid_of(T2021, HOUR, v, 12);
	const struct sc_grid *grids[1] = { g };
	struct sc_zone_forecasts fs = { grids, NULL, 1 };
	struct sc_partition part = { .name = "p", .zone = 0, .pue = 1 };
	const char *zones[1] = { "Z" };
	struct sc_site site = { &part, 1, zones, 1, { 0 }, NULL };
	struct sc_peer_job j = { .site = &site, .fc = &fs, .n_parts = 1, .runtime = 2 * HOUR,
				 .t0 = T2021 + 1800, .max_delay = 6 * HOUR };
	struct sc_peer_choice c;

	(void)state;
	j.parts[0] = 0;
	j.factor[0] = 1;
	/* CASDK: 2-slot means from the t0 slot: 300 200 300 300 100 200 ...:
	 * the window of slots 4-5, starting at 04:00. */
	sc_peer_casdk(&j, &c);
	assert_int_equal(c.start, T2021 + 4 * HOUR);
	/* CATS: windows from 00:30 then each hour, linear between points:
	 * at 04:00: (100+100)/2 + (100+300)/2 = 300 / 2 h = 150, the lowest
	 * (02:00: 300 + 300 = 600 / 2 = 300; 03:00: 300 + 100 = 400 ...). */
	sc_peer_cats(&j, &c);
	assert_int_equal(c.start, T2021 + 4 * HOUR);
	/* Threshold at the 30th percentile of the start slots 00..06
	 * (300 300 100 500 100 100 300): 100; the first slot at or below it
	 * is 02:00. */
	sc_peer_threshold(&j, 30, &c);
	assert_int_equal(c.start, T2021 + 2 * HOUR);
	assert_int_equal(c.none, 0);
	/* A job longer than the forecast: no window fits, start at t0. */
	j.runtime = 20 * HOUR;
	sc_peer_casdk(&j, &c);
	assert_int_equal(c.start, j.t0);
	sc_peer_cats(&j, &c);
	assert_int_equal(c.start, j.t0);
	/* No forecast for the job's zone: t0, flagged. */
	grids[0] = NULL;
	sc_peer_threshold(&j, 30, &c);
	assert_int_equal(c.start, j.t0);
	assert_int_equal(c.none, 1);
	sc_grid_destroy(g);
}

/* ------------------------------------------------------------ reports and the CLI */

static void test_report(void **state)
{
	struct sc_sim_result r;
	struct sc_sim_info info = { "t.csv", "perfect", 0 };
	json_t *j, *peers;
	char *s = NULL;
	size_t len = 0;
	FILE *f;
	static const char *const keys[] = { "jobs", "jobs_outside_data", "baseline_gco2e", "policy_gco2e",
					    "oracle_gco2e", "savings_pct", "oracle_savings_pct",
					    "oracle_fraction", "mean_delay_s", "p95_delay_s", "rerouted_pct" };

	(void)state;
	run_tiny("arrival_time,length,cpus,requested\n0,2,4,\n0,2,4,4\n", "perfect", 0, &r);
	j = sc_sim_json(&r, &info);
	assert_non_null(j);
	peers = json_object_get(j, "peers");
	assert_non_null(peers);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		assert_non_null(json_object_get(j, keys[k]));
		assert_non_null(json_object_get(json_object_get(peers, "casdk"), keys[k]));
		assert_non_null(json_object_get(json_object_get(peers, "cats"), keys[k]));
		assert_non_null(json_object_get(json_object_get(peers, "threshold"), keys[k]));
	}
	assert_near(json_real_value(json_object_get(j, "policy_gco2e")), 36, 1e-9);
	assert_near(json_real_value(json_object_get(j, "oracle_fraction")), 0.8333, 1e-9);
	assert_int_equal(json_integer_value(json_object_get(j, "jobs")), 2);
	json_decref(j);

	f = open_memstream(&s, &len);
	sc_sim_print_text(f, &r, &info);
	fclose(f);
	assert_contains(s, "slurm-carbon");
	assert_contains(s, "62.5%");
	assert_contains(s, "83%");
	free(s);
	f = open_memstream(&s, &len);
	assert_int_equal(sc_sim_write_svg(f, &r, &info), 0);
	fclose(f);
	assert_contains(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
	assert_contains(s, ">oracle<");
	assert_contains(s, "</svg>");
	assert_null(strstr(s, "href")); /* self-contained */
	free(s);
	sc_sim_result_free(&r);
}

/* Thirteen 2 h jobs of 4 cores, all at 00:00, on 4 cores: queued one after
 * the other, the baseline runs the last from 24:00, past the data's end
 * (24 hours). Such jobs are outside the data for every policy: no policy's
 * figures count them, so the saving compares priced runs only. */
static void test_queued_outside_data(void **state)
{
	char csv[512] = "arrival_time,length,cpus\n";
	struct sc_sim_result r;
	double base = 0, carbon = 0;
	size_t in = 0;

	(void)state;
	for (int k = 0; k < 13; k++)
		strcat(csv, "0,2,4\n");
	run_tiny(csv, "perfect", 4, &r);
	assert_true(r.jobs_queued_outside_data >= 1);
	assert_int_equal(r.jobs + r.jobs_queued_outside_data, 13);
	assert_int_equal(r.jobs_outside_data, r.jobs_queued_outside_data);
	for (size_t k = 0; k < 13; k++) {
		int past = 0;
		for (int p = 0; p < SC_POL_N; p++)
			past |= r.out[p][k].start + 2 * HOUR > T2021 + 24 * HOUR;
		/* Left out exactly when some policy's run leaves the data. */
		assert_int_equal(r.in[k], !past);
		if (!r.in[k])
			continue;
		in++;
		base += r.out[SC_POL_BASELINE][k].gco2e;
		carbon += r.out[SC_POL_CARBON][k].gco2e;
	}
	assert_int_equal(in, r.jobs);
	assert_near(r.pol[SC_POL_BASELINE].gco2e, base, 1e-9);
	assert_near(r.pol[SC_POL_CARBON].gco2e, carbon, 1e-9);
	assert_near(r.pol[SC_POL_CARBON].savings_pct, 100.0 * (base - carbon) / base, 1e-9);
	sc_sim_result_free(&r);
}

/* capacity-aware releases a job's load when it ends, not only at its
 * planned end (the plugin releases a finished job at its next sync). Job 0
 * (4 cores, 4 h requested, 1 h used) at 00:00: the 4-hour windows average
 * 850 550 850 ...: planned 01:00-05:00, it ends at 02:00. Job 1 (4 cores,
 * 1 h) at 02:30: running now costs (300 + 50) / 2 = 175, 03:00 costs 50,
 * which job 0's booking would have filled until 05:00 (4 cores): with the
 * release it is planned at 03:00, as slurm-carbon plans it. */
static void test_capacity_release_at_end(void **state)
{
	static const double v[24] = { 400, 100, 300, 50, 100, 400, 400, 400, 400, 400, 400, 400,
				      400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400 };
	struct sc_sim_result r;

	(void)state;
	run_tiny_on(v, "arrival_time,length,cpus,requested\n0,1,4,4\n2.5,1,4,1\n", "perfect", 4, &r);
	assert_int_equal(r.jobs, 2);
	assert_int_equal(r.out[SC_POL_CAPACITY][0].planned, T2021 + HOUR);
	assert_int_equal(r.out[SC_POL_CAPACITY][1].planned, T2021 + 3 * HOUR);
	assert_int_equal(r.out[SC_POL_CARBON][1].planned, T2021 + 3 * HOUR);
	assert_near(r.pol[SC_POL_CAPACITY].mean_queue_s, 0, 1e-9);
	sc_sim_result_free(&r);
}

/* Utilisation, idle core-hours and idle emissions, hand-computed: two 2 h
 * jobs of 4 cores on 4 cores (test_capacity's schedules), idle cores at
 * 5 W, PUE 1.5, on tiny_v (400 400 100 100 300 300 from 00:00). */
static void test_capacity_report(void **state)
{
	struct sc_conf *conf = conf_text(tiny_conf);
	struct sc_grid *g = grid_of(T2021, HOUR, tiny_v, 24);
	struct sc_trace *t = trace_text("arrival_time,length,cpus\n0,2,4\n0,2,4\n", SC_TRACE_CSV, SC_UNIT_HOURS, NULL);
	struct sc_sim_opts o = { .max_delay = -1, .fallback_part = -1, .cores = 4, .idle_watts_per_core = 5 };
	struct sc_sim_info info = { "t.csv", "perfect", 4 };
	struct sc_sim_result r;
	json_t *j;
	char *s = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	sc_trace_anchor(t, T2021);
	assert_int_equal(sc_sim_run(conf, (const struct sc_grid *const *)&g, t, &o, &r, NULL), 0);
	/* slurm-carbon plans both jobs at 02:00 (the second queues to 04:00);
	 * capacity-aware sees the first in its ledger filling the 4 cores
	 * 02-04 and plans the second at 05:00 (05-07: 175 g/kWh). */
	assert_near(r.pol[SC_POL_CARBON].mean_delay_s, 2 * HOUR, 1e-9);
	assert_near(r.pol[SC_POL_CAPACITY].mean_delay_s, 3.5 * HOUR, 1e-9);
	assert_near(r.pol[SC_POL_CAPACITY].mean_queue_s, 0, 1e-9);
	assert_near(r.pol[SC_POL_CARBON].mean_queue_s, HOUR, 1e-9);
	/* The window: 00:00 to 07:00, capacity-aware's second job's end. */
	assert_int_equal(r.window_start, T2021);
	assert_int_equal(r.window_end, T2021 + 7 * HOUR);
	for (int p = 0; p < SC_POL_N; p++) {
		assert_near(r.pol[p].utilisation_pct, 100.0 * 16 / 28, 1e-9);
		assert_near(r.pol[p].idle_core_h, 12, 1e-9);
		assert_near(r.pol[p].idle_kwh, 12 * 0.005, 1e-12);
	}
	/* Idle core-hours × intensity: 4 × 1650 − 4 × (800 + 200) for the
	 * baseline (jobs 00-02, 02-04), 4 × 1650 − 4 × (200 + 600) for the
	 * oracle (02-04, 04-06); × 5 W × PUE 1.5. Shifting moves the idling
	 * into the dirty hours. */
	assert_near(r.pol[SC_POL_BASELINE].idle_gco2e, 2600 * 0.005 * 1.5, 1e-9);
	assert_near(r.pol[SC_POL_ORACLE].idle_gco2e, 3400 * 0.005 * 1.5, 1e-9);
	assert_near(r.pol[SC_POL_ORACLE].mean_wait_s, 3 * HOUR, 1e-9);
	j = sc_sim_json(&r, &info);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "capacity_model")), "easy");
	assert_near(json_real_value(json_object_get(json_object_get(j, "baseline"), "idle_gco2e")), 19.5, 1e-9);
	assert_near(json_real_value(json_object_get(json_object_get(j, "oracle"), "idle_gco2e")), 25.5, 1e-9);
	assert_near(json_real_value(json_object_get(j, "utilisation_pct")), 57.14, 1e-9);
	assert_near(json_real_value(json_object_get(json_object_get(json_object_get(j, "peers"), "cats"),
						    "idle_core_h")), 12, 1e-9);
	assert_near(json_real_value(json_object_get(json_object_get(j, "capacity_aware"), "mean_delay_s")),
		    3.5 * HOUR, 1e-9);
	assert_non_null(json_object_get(j, "mean_wait_s"));
	json_decref(j);
	f = open_memstream(&s, &len);
	sc_sim_print_text(f, &r, &info);
	fclose(f);
	assert_contains(s, "EASY backfill");
	assert_contains(s, "idle emissions");
	assert_contains(s, "57.1%");
	assert_contains(s, "  capacity-aware ");
	free(s);
	sc_sim_result_free(&r);
	/* Options, as the CLI sets them. */
	{
		struct sc_err err;
		assert_int_equal(sc_sim_opt_set(&o, "congestion-model", "marginal", NULL), 0);
		assert_int_equal(o.congestion_model, SC_CONG_MARGINAL);
		assert_int_equal(sc_sim_opt_set(&o, "congestion-model", "capped", NULL), 0);
		assert_int_equal(o.congestion_model, SC_CONG_CAPPED);
		assert_int_equal(sc_sim_opt_set(&o, "congestion-model", "soft\n", &err), -1);
		assert_string_equal(err.msg, "--congestion-model: invalid value 'soft\\x0a': expected hard, marginal or capped");
		assert_int_equal(sc_sim_opt_set(&o, "congestion-weight", "0.5", NULL), 0);
		assert_near(o.congestion_weight, 0.5, 0);
		assert_int_equal(sc_sim_opt_set(&o, "congestion-weight", "0", &err), -1);
		assert_contains(err.msg, "--congestion-weight");
	}
	assert_int_equal(sc_sim_opt_set(&o, "capacity-model", "fcfs", NULL), 0);
	assert_int_equal(o.capacity_model, SC_CAP_FCFS);
	assert_int_equal(sc_sim_opt_set(&o, "gpus", "8", NULL), 0);
	assert_int_equal(o.gpus, 8);
	assert_int_equal(sc_sim_opt_set(&o, "nodes", "2", NULL), 0);
	assert_int_equal(o.nodes, 2);
	{
		struct sc_err err = { "" };
		assert_int_equal(sc_sim_opt_set(&o, "capacity-model", "sjf", &err), -1);
		assert_contains(err.msg, "expected easy or fcfs");
		assert_int_equal(sc_sim_opt_set(&o, "gpus", "0", &err), -1);
		assert_contains(err.msg, "--gpus: invalid value '0'");
		assert_int_equal(sc_sim_opt_set(&o, "idle-watts-per-core", "-1", &err), -1);
		assert_int_equal(o.gpus, 8);
	}
	sc_trace_destroy(t);
	sc_grid_destroy(g);
	sc_conf_destroy(conf);
}

/* Runs scarbon with args; returns its exit status, output in out. */
static int run_scarbon(const char *args, char *out, size_t n)
{
	char cmd[4096];
	const char *b = getenv("SC_TOP_BUILDDIR");
	FILE *p;
	size_t got;
	int st;

	snprintf(cmd, sizeof(cmd), "%s/cli/scarbon %s 2>&1", b && *b ? b : ".", args);
	p = popen(cmd, "r");
	assert_non_null(p);
	got = fread(out, 1, n - 1, p);
	out[got] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void **state)
{
	char out[65536], args[2048], conf[256], trace[256], svg[300];
	json_t *j;

	(void)state;
	snprintf(conf, sizeof(conf), "%s", write_tmp("c.conf", "MaxDelay=8:00:00\nMinSavings=10%\n"
							      "ZoneName=DE Provider=static Intensity=1\n"
							      "PartitionName=p Zone=DE CoreWatts=10\n"));
	snprintf(trace, sizeof(trace), "%s", write_tmp("t.csv", "arrival_time,length,cpus,requested\n0,2,4,\n0,2,4,4\n"));
	snprintf(svg, sizeof(svg), "%s/out.svg", tmpdir);
	snprintf(args, sizeof(args),
		 "simulate --config %s --trace %s --intensity %s --trace-start 2021-01-01T00:00:00Z --format json --svg %s",
		 conf, trace, sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"), svg);
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 0);
	j = json_loads(out, 0, NULL);
	if (!j)
		fail_msg("not JSON: %s", out);
	assert_int_equal(json_integer_value(json_object_get(j, "jobs")), 2);
	assert_non_null(json_object_get(json_object_get(j, "peers"), "cats"));
	json_decref(j);
	assert_int_equal(access(svg, R_OK), 0);
	/* Text, with capacity. */
	snprintf(args, sizeof(args), "simulate --trace %s --config %s --intensity %s --cores 4 --max-delay 2:00:00",
		 trace, conf, sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"));
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 0);
	assert_contains(out, "mean queue");
	assert_contains(out, "max delay 2 h");
	assert_contains(out, "EASY backfill");
	snprintf(args, sizeof(args), "simulate --trace %s --config %s --intensity %s --cores 4 --capacity-model fcfs "
		 "--idle-watts-per-core 2.5 --format json", trace, conf,
		 sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"));
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 0);
	j = json_loads(out, 0, NULL);
	if (!j)
		fail_msg("not JSON: %s", out);
	assert_string_equal(json_string_value(json_object_get(j, "capacity_model")), "fcfs");
	assert_non_null(json_object_get(json_object_get(j, "baseline"), "idle_gco2e"));
	json_decref(j);
	/* Thirty 2 h jobs on 4 cores queue past the 48 h of data: a warning,
	 * and the text says so. */
	{
		char many[1024] = "arrival_time,length,cpus\n", many_path[256];

		for (int k = 0; k < 30; k++)
			strcat(many, "0,2,4\n");
		snprintf(many_path, sizeof(many_path), "%s", write_tmp("many.csv", many));
		snprintf(args, sizeof(args), "simulate --trace %s --config %s --intensity %s --cores 4", many_path, conf,
			 sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"));
		assert_int_equal(run_scarbon(args, out, sizeof(out)), 0);
		assert_contains(out, "scarbon simulate: warning: ");
		assert_contains(out, " jobs were queued past the end of the intensity data (2021-01-03T00:00:00Z) under "
				     "some policy: they are left out of every policy's emissions, saving and delays");
		assert_contains(out, "queued past its end)");
		/* Without a capacity, or with room enough: no warning. */
		snprintf(args, sizeof(args), "simulate --trace %s --config %s --intensity %s", many_path, conf,
			 sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"));
		assert_int_equal(run_scarbon(args, out, sizeof(out)), 0);
		assert_null(strstr(out, "warning"));
		assert_contains(out, "Simulated 30 jobs");
	}
	snprintf(args, sizeof(args), "simulate --config %s --trace %s --capacity-model sjf", conf, trace);
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 2);
	assert_contains(out, "expected easy or fcfs");
	/* Re-planning every 30 minutes: the one-shot figures come along. */
	snprintf(args, sizeof(args),
		 "simulate --trace %s --config %s --intensity %s --forecast error:25 --replan 30 --format json", trace,
		 conf, sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"));
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 0);
	j = json_loads(out, 0, NULL);
	if (!j)
		fail_msg("not JSON: %s", out);
	assert_int_equal(json_integer_value(json_object_get(j, "replan_s")), 1800);
	assert_non_null(json_object_get(json_object_get(j, "one_shot"), "savings_pct"));
	assert_non_null(json_object_get(j, "replan_moves"));
	json_decref(j);
	snprintf(args, sizeof(args), "simulate --config %s --trace %s --replan soon", conf, trace);
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 2);
	assert_contains(out, "--replan: ");
	/* Usage errors: 2; bad input: 1. */
	assert_int_equal(run_scarbon("simulate --config /dev/null", out, sizeof(out)), 2);
	assert_contains(out, "--trace FILE is required");
	snprintf(args, sizeof(args), "simulate --config %s --trace %s --forecast guess", conf, trace);
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 2);
	assert_contains(out, "expected perfect, persistence");
	snprintf(args, sizeof(args), "simulate --config %s --trace %s --cores 0", conf, trace);
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 2);
	snprintf(args, sizeof(args), "simulate --config %s --trace %s --trace-format xml", conf, trace);
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 2);
	snprintf(args, sizeof(args), "simulate --config %s --trace /nonexistent --intensity %s", conf,
		 sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"));
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 1);
	assert_contains(out, "cannot read trace /nonexistent");
	snprintf(args, sizeof(args), "simulate --config %s --trace %s --partition nope", conf, trace);
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 1);
	assert_contains(out, "partition 'nope' is not managed");
	/* --estimates: a model file, read strictly. */
	snprintf(args, sizeof(args), "simulate --config %s --trace %s --intensity %s --estimates %s", conf,
		 trace, sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"), write_tmp("m.json", tiny_model));
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 0);
	assert_contains(out, "plans with learned estimates: 0 of 2 jobs had an entry");
	snprintf(args, sizeof(args), "simulate --config %s --trace %s --intensity %s --estimates %s", conf,
		 trace, sc_test_path("tests/data/intensity/em-DE-2021-01-01.csv"),
		 write_tmp("bad.json", "{\"version\":9}"));
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 1);
	assert_contains(out, "--estimates: ");
	assert_contains(out, "\"version\" missing or not 1");
	snprintf(args, sizeof(args), "simulate --config %s --trace %s --estimates /nonexistent", conf, trace);
	assert_int_equal(run_scarbon(args, out, sizeof(out)), 1);
	assert_contains(out, "--estimates: cannot read learned model /nonexistent: No such file or directory");
	assert_int_equal(run_scarbon("simulate --help", out, sizeof(out)), 0);
	assert_contains(out, "--estimates FILE");
	assert_contains(out, "--forecast MODE");
	assert_contains(out, "--replan INTERVAL");
	assert_contains(out, "--capacity-model M");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swf),
		cmocka_unit_test(test_swf_bad),
		cmocka_unit_test(test_trace_not_regular),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_bad),
		cmocka_unit_test(test_sacct),
		cmocka_unit_test(test_sacct_bad),
		cmocka_unit_test(test_sacct_shapes),
		cmocka_unit_test(test_trace_missing_file),
		cmocka_unit_test(test_fc_mode_parse),
		cmocka_unit_test(test_persistence_view),
		cmocka_unit_test(test_error_model),
		cmocka_unit_test(test_error_across_issues),
		cmocka_unit_test(test_next_update),
		cmocka_unit_test(test_archive_visibility),
		cmocka_unit_test(test_tiny_optimum),
		cmocka_unit_test(test_learned_estimates),
		cmocka_unit_test(test_decide_learned),
		cmocka_unit_test(test_forecast_error_source),
		cmocka_unit_test(test_replan),
		cmocka_unit_test(test_replan_invariants),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_easy_backfill),
		cmocka_unit_test(test_easy_gpus),
		cmocka_unit_test(test_easy_random),
		cmocka_unit_test(test_reroute),
		cmocka_unit_test(test_exempt),
		cmocka_unit_test(test_oracle_exact),
		cmocka_unit_test(test_oracle_never_beaten),
		cmocka_unit_test(test_same_as_plan),
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_capacity_report),
		cmocka_unit_test(test_capacity_release_at_end),
		cmocka_unit_test(test_queued_outside_data),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
