/* Tests for acct/sacct.h: the sacct -P reader and its field parsers.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "testutil.h"

#include <math.h>

#include "acct/sacct.h"

/* SC_SACCT_FIELDS as sacct -P prints the header. */
#define HDR                                                                                 \
	"JobID|JobIDRaw|Cluster|User|Account|Partition|State|Submit|Eligible|Start|End|"     \
	"ElapsedRaw|Elapsed|NNodes|NCPUS|AllocTRES|ReqMem|CPUTimeRAW|TotalCPU|"               \
	"ConsumedEnergyRaw|AdminComment|SystemComment"
#define US "\x1f"

/* A job as the callback saw it, with its strings copied. */
struct seen {
	struct sc_acct_job j;
	char jobid[32], raw[32], user[32], account[32], partition[32], qos[32], state[32], admin[512], sys[512];
	char why[SC_ODD_BITS][160]; /* odd_why, "" for NULL */
};

struct sink {
	struct seen jobs[32];
	int n;
	char warn[2048];
	int stop_after; /* return 7 after this many jobs (0: never) */
};

static int collect(const struct sc_acct_job *j, void *arg)
{
	struct sink *s = arg;
	struct seen *o = &s->jobs[s->n++];

	assert_true(s->n <= 32);
	o->j = *j;
	snprintf(o->jobid, sizeof(o->jobid), "%s", j->jobid);
	snprintf(o->raw, sizeof(o->raw), "%s", j->jobid_raw);
	snprintf(o->user, sizeof(o->user), "%s", j->user);
	snprintf(o->account, sizeof(o->account), "%s", j->account);
	snprintf(o->partition, sizeof(o->partition), "%s", j->partition);
	snprintf(o->state, sizeof(o->state), "%s", j->state);
	snprintf(o->admin, sizeof(o->admin), "%s", j->admin_comment);
	snprintf(o->sys, sizeof(o->sys), "%s", j->system_comment);
	snprintf(o->qos, sizeof(o->qos), "%s", j->qos);
	for (int k = 0; k < SC_ODD_BITS; k++) {
		assert_true(!j->odd_why[k] == !(j->odd & (1u << k)));
		snprintf(o->why[k], sizeof(o->why[k]), "%s", j->odd_why[k] ? j->odd_why[k] : "");
	}
	return s->stop_after && s->n == s->stop_after ? 7 : 0;
}

static void warned(const char *msg, void *arg)
{
	struct sink *s = arg;
	size_t l = strlen(s->warn);

	snprintf(s->warn + l, sizeof(s->warn) - l, "%s\n", msg);
}

static int read_text(const char *text, struct sink *s, struct sc_sacct_stats *st, struct sc_err *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	rc = sc_sacct_read(f, "dump", 0, collect, s, warned, st, err);
	fclose(f);
	return rc;
}

/* One job line with the standard columns. */
#define JOB(id, raw, user, acct, part, state, start, end, elapsedraw, elapsed, nnodes, ncpus, tres, reqmem, \
	    cputime, totalcpu, energy, admin, sys)                                                      \
	id "|" raw "|c1|" user "|" acct "|" part "|" state "|2024-03-01T09:00:00|2024-03-01T09:00:00|" start \
	   "|" end "|" elapsedraw "|" elapsed "|" nnodes "|" ncpus "|" tres "|" reqmem "|" cputime "|" totalcpu \
	   "|" energy "|" admin "|" sys "\n"

#define STEP(id, raw, energy) id "|" raw "|c1|||||||2024-03-01T10:00:00|2024-03-01T11:00:00|3600|01:00:00|1|2|cpu=2||7200|00:10:00|" energy "||\n"

static void test_header_matches_fields(void **state)
{
	char h[] = HDR;
	(void)state;

	for (char *p = h; *p; p++)
		if (*p == '|')
			*p = ',';
	assert_string_equal(h, SC_SACCT_FIELDS);
}

static void test_plain_job_with_steps(void **state)
{
	struct sink s = { 0 };
	struct sc_sacct_stats st;
	struct sc_err err;
	const char *text =
		HDR "\n"
		JOB("100", "100", "alice", "phys", "cpu", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T11:00:00",
		    "3600", "01:00:00", "1", "2", "billing=2,cpu=2,mem=4000M,node=1", "4000M", "7200",
		    "01:30:00", "360000", "{\"carbon\":{\"v\":1}}", "")
		STEP("100.batch", "100.batch", "300000")
		STEP("100.extern", "100.extern", "360000")
		STEP("100.0", "100.0", "100000");
	(void)state;

	assert_int_equal(read_text(text, &s, &st, &err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.jobs[0].jobid, "100");
	assert_string_equal(s.jobs[0].user, "alice");
	assert_string_equal(s.jobs[0].account, "phys");
	assert_string_equal(s.jobs[0].partition, "cpu");
	assert_string_equal(s.jobs[0].admin, "{\"carbon\":{\"v\":1}}");
	assert_int_equal(s.jobs[0].j.start, 1709287200);
	assert_int_equal(s.jobs[0].j.end, 1709290800);
	assert_int_equal(s.jobs[0].j.submit, 1709283600);
	assert_int_equal(s.jobs[0].j.elapsed, 3600);
	assert_int_equal(s.jobs[0].j.nnodes, 1);
	assert_int_equal(s.jobs[0].j.ncpus, 2);
	assert_int_equal(s.jobs[0].j.gpus, 0);
	assert_near(s.jobs[0].j.mem_mb, 4000, 1e-9);
	assert_near(s.jobs[0].j.cpu_time_s, 7200, 1e-9);
	assert_near(s.jobs[0].j.total_cpu_s, 5400, 1e-9);
	/* The job line's energy wins over the steps'. */
	assert_near(s.jobs[0].j.energy_j, 360000, 1e-9);
	assert_int_equal(s.jobs[0].j.energy_from_steps, 0);
	assert_true(s.jobs[0].j.ended);
	assert_true(s.jobs[0].j.ran);
	assert_int_equal(s.jobs[0].j.het_offset, -1);
	assert_false(s.jobs[0].j.array_task);
	assert_int_equal(s.jobs[0].j.odd, 0);
	assert_int_equal(st.steps, 3);
	assert_int_equal(st.jobs, 1);
	assert_int_equal(st.lines, 5);
	assert_string_equal(s.warn, "");
}

static void test_energy_from_steps(void **state)
{
	struct sink s = { 0 };
	struct sc_err err;
	const char *text =
		HDR "\n"
		JOB("101", "101", "bob", "bio", "cpu", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T11:00:00",
		    "3600", "01:00:00", "1", "2", "cpu=2,mem=4000M,node=1", "", "7200", "", "0", "", "")
		STEP("101.batch", "101.batch", "300000")
		STEP("101.extern", "101.extern", "350000")
		STEP("101.0", "101.0", "18446744073709551614")
		JOB("102", "102", "bob", "bio", "cpu", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T11:00:00",
		    "3600", "01:00:00", "1", "2", "cpu=2,energy=123456,mem=4000M,node=1", "", "7200", "", "", "", "");
	(void)state;

	assert_int_equal(read_text(text, &s, NULL, &err), 0);
	assert_int_equal(s.n, 2);
	/* ConsumedEnergyRaw 0 on the job line: the largest step (the extern step spans the job). */
	assert_near(s.jobs[0].j.energy_j, 350000, 1e-9);
	assert_int_equal(s.jobs[0].j.energy_from_steps, 1);
	/* No ConsumedEnergyRaw: AllocTRES energy. */
	assert_near(s.jobs[1].j.energy_j, 123456, 1e-9);
	assert_int_equal(s.jobs[1].j.energy_from_steps, 0);
}

static void test_odd_fields(void **state)
{
	struct sink s = { 0 };
	struct sc_err err;
	const char *text =
		HDR "\n"
		/* ReqMem 0n and no mem in AllocTRES: memory unknown. */
		JOB("200", "200", "u", "a", "p", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T10:30:00",
		    "1800", "00:30:00", "1", "4", "cpu=4,node=1", "0n", "7200", "", "", "", "")
		/* Empty Elapsed and ElapsedRaw: End - Start. */
		JOB("201", "201", "u", "a", "p", "FAILED", "2024-03-01T10:00:00", "2024-03-01T10:10:00",
		    "", "", "1", "1", "cpu=1,mem=1G,node=1", "", "", "", "", "", "")
		/* TotalCPU above CPUTime: clamped. */
		JOB("202", "202", "u", "a", "p", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T10:01:00",
		    "60", "00:01:00", "1", "1", "cpu=1,node=1", "100Mc", "60", "00:02:00.500", "", "", "")
		/* Unknown memory unit in AllocTRES: ReqMem per node instead. */
		JOB("203", "203", "u", "a", "p", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T10:01:00",
		    "60", "00:01:00", "2", "2", "cpu=2,mem=5X,node=2", "2Gn", "120", "garbage", "", "", "")
		/* ReqMem per CPU with decimals, NO_VAL energy, odd counts. */
		JOB("204", "204", "u", "a", "p", "TIMEOUT", "2024-03-01T10:00:00", "2024-03-01T10:01:00",
		    "sixty", "00:01:00", "x", "", "cpu=3,node=1", "1.5Gc", "", "", "4294967294", "", "")
		/* A time that isn't one. */
		JOB("205", "205", "u", "a", "p", "COMPLETED", "yesterday", "2024-03-01T10:01:00",
		    "60", "00:01:00", "1", "1", "cpu=1,node=1", "", "60", "", "", "", "")
		/* ReqMem that isn't one; End before Start. */
		JOB("206", "206", "u", "a", "p", "COMPLETED", "2024-03-01T10:01:00", "2024-03-01T10:00:00",
		    "60", "00:01:00", "1", "1", "cpu=1,node=1", "lots", "60", "", "", "", "");
	(void)state;

	assert_int_equal(read_text(text, &s, NULL, &err), 0);
	assert_int_equal(s.n, 7);

	/* 0n: all memory of a node, no figure (and nothing odd). */
	assert_true(s.jobs[0].j.mem_mb < 0);
	assert_true(s.jobs[0].j.req_mem_mb < 0);
	assert_int_equal(s.jobs[0].j.odd, 0);
	assert_null(s.jobs[0].j.odd_why[3]);

	assert_int_equal(s.jobs[1].j.elapsed, 600);
	assert_true(s.jobs[1].j.odd & SC_ODD_ELAPSED);
	assert_near(s.jobs[1].j.mem_mb, 1024, 1e-9);
	/* No CPUTimeRAW: NCPUS × elapsed. */
	assert_near(s.jobs[1].j.cpu_time_s, 600, 1e-9);
	assert_true(s.jobs[1].j.ended); /* FAILED after starting */

	assert_near(s.jobs[2].j.total_cpu_s, 60, 1e-9);
	assert_true(s.jobs[2].j.odd & SC_ODD_TOTALCPU);
	/* AllocTRES has no mem: ReqMem 100 MB per CPU × 1 CPU. */
	assert_near(s.jobs[2].j.mem_mb, 100, 1e-9);
	assert_near(s.jobs[2].j.req_mem_mb, 100, 1e-9);
	assert_int_equal(s.jobs[2].j.req_mem_per, 'c');

	assert_true(s.jobs[3].j.odd & SC_ODD_TRES);
	assert_near(s.jobs[3].j.mem_mb, 4096, 1e-9);
	assert_near(s.jobs[3].j.req_mem_mb, 2048, 1e-9);
	assert_int_equal(s.jobs[3].j.req_mem_per, 'n');
	assert_true(s.jobs[3].j.total_cpu_s < 0);
	assert_true(s.jobs[3].j.odd & SC_ODD_CPUTIME);

	assert_int_equal(s.jobs[4].j.elapsed, 60); /* ElapsedRaw unreadable: Elapsed */
	assert_int_equal(s.jobs[4].j.ncpus, 3);    /* NCPUS empty: AllocTRES cpu */
	assert_int_equal(s.jobs[4].j.nnodes, 1);   /* NNodes unreadable: AllocTRES node */
	assert_true(s.jobs[4].j.odd & SC_ODD_COUNT);
	assert_near(s.jobs[4].j.mem_mb, 3 * 1536, 1e-9);
	assert_true(s.jobs[4].j.energy_j < 0);
	assert_true(s.jobs[4].j.odd & SC_ODD_ENERGY);
	assert_near(s.jobs[4].j.cpu_time_s, 180, 1e-9);

	assert_true(s.jobs[5].j.odd & SC_ODD_TIME);
	assert_int_equal(s.jobs[5].j.start, 0);
	assert_false(s.jobs[5].j.ran);
	assert_false(s.jobs[5].j.ended);

	assert_true(s.jobs[6].j.odd & SC_ODD_REQMEM);
	assert_true(s.jobs[6].j.req_mem_mb < 0);
	assert_true(s.jobs[6].j.odd & SC_ODD_TIME);
}

/* Each odd value says what was wrong, naming its column. */
static void test_odd_why(void **state)
{
	struct sink s = { 0 };
	struct sc_err err;
	const char *text =
		HDR "\n"
		JOB("1", "1", "u", "a", "p", "COMPLETED", "yesterday", "2024-03-01T10:01:00", "sixty",
		    "1:00:00:00", "x", "4", "cpu=4,mem=5X", "lots", "", "00:02:00", "4294967294", "", "")
		JOB("2", "2", "u", "a", "p", "COMPLETED", "2024-03-01T10:01:00", "2024-03-01T10:00:00", "",
		    "", "1", "1", "", "", "", "", "", "", "")
		JOB("3", "3", "u", "a", "p", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T10:01:00", "60",
		    "", "1", "many", "", "", "x", "", "", "", "");
	(void)state;

	assert_int_equal(read_text(text, &s, NULL, &err), 0);
	assert_int_equal(s.n, 3);
	assert_contains(s.jobs[0].why[1], "Start: ");
	assert_contains(s.jobs[0].why[1], "'yesterday'");
	assert_contains(s.jobs[0].why[0], "invalid ElapsedRaw 'sixty'");
	assert_contains(s.jobs[0].why[2], "AllocTRES: TRES mem: unknown memory unit in '5X'");
	assert_contains(s.jobs[0].why[7], "invalid NNodes 'x'");
	assert_contains(s.jobs[0].why[3], "invalid ReqMem 'lots'");
	assert_contains(s.jobs[0].why[6], "ConsumedEnergyRaw: not a measured energy");
	assert_string_equal(s.jobs[0].why[4], ""); /* TotalCPU 2 min, CPU time unknown: fine */
	/* End before Start; Elapsed empty for a job that started (End − Start unusable). */
	assert_string_equal(s.jobs[1].why[1], "End is before Start");
	assert_string_equal(s.jobs[1].why[0], "Elapsed is empty for a job that started");
	assert_int_equal(s.jobs[1].j.elapsed, -1);
	assert_contains(s.jobs[2].why[7], "invalid NCPUS 'many'");
	assert_contains(s.jobs[2].why[4], "invalid CPUTimeRAW 'x'");
	assert_string_equal(s.jobs[2].why[1], "");
}

static void test_arrays_het_pending_running(void **state)
{
	struct sink s = { 0 };
	struct sc_sacct_stats st;
	struct sc_err err;
	const char *text =
		HDR "\n"
		JOB("300_1", "301", "u", "a", "p", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T10:01:00",
		    "60", "00:01:00", "1", "1", "cpu=1,gres/gpu=1,gres/gpu:a100=1,node=1", "", "60", "", "", "", "")
		STEP("300_1.batch", "301.batch", "6000")
		JOB("300_2", "300", "u", "a", "p", "CANCELLED by 0", "2024-03-01T10:00:00", "2024-03-01T10:02:00",
		    "120", "00:02:00", "1", "1", "cpu=1,gres/gpu:a100=2,gres/gpu:v100=1,node=1", "", "120", "", "",
		    "", "")
		JOB("300_[3-9]", "300", "u", "a", "p", "PENDING", "Unknown", "Unknown",
		    "0", "00:00:00", "1", "1", "", "1G", "0", "", "", "", "")
		JOB("400+0", "400", "u", "a", "p", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T10:01:00",
		    "60", "00:01:00", "1", "1", "cpu=1,node=1", "", "60", "", "", "", "")
		STEP("400+0.0", "400.0", "")
		JOB("400+1", "401", "u", "a", "q", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T10:01:00",
		    "60", "00:01:00", "1", "4", "cpu=4,node=1", "", "240", "", "", "", "")
		JOB("500", "500", "u", "a", "p", "RUNNING", "2024-03-01T10:00:00", "Unknown",
		    "60", "00:01:00", "1", "1", "cpu=1,node=1", "", "60", "", "", "", "")
		JOB("501", "501", "u", "a", "p", "CANCELLED by 1000", "None", "2024-03-01T10:00:00",
		    "0", "00:00:00", "0", "0", "", "", "0", "", "", "", "")
		STEP("999.batch", "999.batch", "5");
	(void)state;

	assert_int_equal(read_text(text, &s, &st, &err), 0);
	assert_int_equal(s.n, 6);
	assert_string_equal(s.jobs[0].jobid, "300_1");
	assert_string_equal(s.jobs[0].raw, "301");
	assert_true(s.jobs[0].j.array_task);
	assert_int_equal(s.jobs[0].j.gpus, 1); /* the untyped entry, not both */
	assert_near(s.jobs[0].j.energy_j, 6000, 1e-9); /* step matched through JobIDRaw */
	assert_int_equal(s.jobs[1].j.gpus, 3); /* typed entries only: their sum */
	assert_true(s.jobs[1].j.ended);
	assert_string_equal(s.jobs[2].jobid, "400+0");
	assert_int_equal(s.jobs[2].j.het_offset, 0);
	assert_int_equal(s.jobs[3].j.het_offset, 1);
	assert_string_equal(s.jobs[3].partition, "q");
	assert_true(s.jobs[4].j.ran);
	assert_false(s.jobs[4].j.ended);
	assert_false(s.jobs[5].j.ran);
	assert_false(s.jobs[5].j.ended);
	assert_int_equal(st.pending, 1);
	assert_int_equal(st.orphan_steps, 1);
	assert_int_equal(st.steps, 2);
}

static void test_separator_inside_comments(void **state)
{
	struct sink s = { 0 };
	struct sc_sacct_stats st;
	struct sc_err err;
	const char *text =
		HDR "\n"
		/* '|' inside the AdminComment JSON and inside the SystemComment text. */
		JOB("600", "600", "u", "a", "p", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T10:01:00",
		    "60", "00:01:00", "1", "1", "cpu=1,node=1", "", "60", "", "",
		    "{\"carbon\":{\"reason\":\"a|b\",\"v\":1}}", "note|with|bars {`carbon_actual`:{`v`:1}}")
		/* Unbalanced whichever way: skipped. */
		JOB("601", "601", "u", "a", "p", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T10:01:00",
		    "60", "00:01:00", "1", "1", "cpu=1,node=1", "", "60", "", "", "{|", "}|{")
		/* Too few fields: skipped. */
		"602|602|c1|u\n"
		/* Empty JobID: skipped. */
		JOB("", "", "u", "a", "p", "COMPLETED", "", "", "", "", "", "", "", "", "", "", "", "", "")
		JOB("603", "603", "u", "a", "p", "COMPLETED", "2024-03-01T10:00:00", "2024-03-01T10:01:00",
		    "60", "00:01:00", "1", "1", "cpu=1,node=1", "", "60", "", "", "", "");
	(void)state;

	assert_int_equal(read_text(text, &s, &st, &err), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.jobs[0].admin, "{\"carbon\":{\"reason\":\"a|b\",\"v\":1}}");
	assert_string_equal(s.jobs[0].sys, "note|with|bars {`carbon_actual`:{`v`:1}}");
	assert_true(s.jobs[0].j.odd == 0);
	assert_string_equal(s.jobs[1].jobid, "603");
	assert_int_equal(st.skipped, 3);
	assert_contains(s.warn, "dump:3: 24 fields where the header has 22; line skipped");
	assert_contains(s.warn, "dump:4: 4 fields where the header has 22; line skipped");
	assert_contains(s.warn, "dump:5: empty JobID; line skipped");
}

static void test_header_variants(void **state)
{
	struct sink s = { 0 };
	struct sc_err err;
	/* Another order, lower case, AllocCPUS, an extra column, the unit
	 * separator sacct --delimiter gives, blank lines and CRLF. */
	const char *text =
		"\n  \n"
		"jobid" US "extra" US "user" US "alloccpus" US "start" US "end" US "partition\r\n"
		"7" US "zz" US "carol" US "8" US "2024-03-01T10:00:00" US "2024-03-01T12:00:00" US "gpu\r\n"
		"\n";
	(void)state;

	assert_int_equal(read_text(text, &s, NULL, &err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.jobs[0].jobid, "7");
	assert_string_equal(s.jobs[0].raw, "7");
	assert_string_equal(s.jobs[0].user, "carol");
	assert_string_equal(s.jobs[0].partition, "gpu");
	assert_int_equal(s.jobs[0].j.ncpus, 8);
	assert_int_equal(s.jobs[0].j.nnodes, -1);
	assert_int_equal(s.jobs[0].j.elapsed, 7200); /* no Elapsed columns: End - Start */
	assert_int_equal(s.jobs[0].j.odd & SC_ODD_ELAPSED, 0);
	assert_near(s.jobs[0].j.cpu_time_s, 8 * 7200, 1e-9);
	assert_true(s.jobs[0].j.mem_mb < 0);
	assert_true(s.jobs[0].j.energy_j < 0);
	assert_true(s.jobs[0].j.ended);
	assert_string_equal(s.jobs[0].admin, "");
}

/* Time limits, QOS, the Req* columns in place of the Alloc* ones (the
 * best name wins whatever the order), a header without JobID. */
static void test_more_columns(void **state)
{
	struct sink s = { 0 };
	struct sc_err err = { "" };
	struct sc_sacct *r = sc_sacct_create("ReqCPUS|QOS|Timelimit|TimelimitRaw|NCPUS|ReqNodes|ReqTRES|ReqMem", 0, &err);
	char l1[] = "2|high|01:00:00||4|3|gres/gpu=2,mem=3G|1Gn";
	char l2[] = "2|low|UNLIMITED|||1||";
	char l3[] = "2||2-00:00:00|90|1|||";
	char l4[] = "2||Partition_Limit|Partition_Limit|1|||";
	char l5[] = "2||soon||1|||";
	char l6[] = "1.0||||1|||"; /* no JobID column: a job line like any other */
	(void)state;

	assert_non_null(r);
	assert_true(sc_sacct_has_column(r, "ncpus"));
	assert_true(sc_sacct_has_column(r, "AllocCPUS")); /* read in NCPUS' place */
	assert_true(sc_sacct_has_column(r, "NNodes"));
	assert_true(sc_sacct_has_column(r, "Timelimit"));
	assert_false(sc_sacct_has_column(r, "JobID"));
	assert_false(sc_sacct_has_column(r, "Submit"));
	assert_false(sc_sacct_has_column(r, "NoSuchColumn"));
	assert_false(sc_sacct_has_column(r, NULL));
	assert_int_equal(sc_sacct_feed(r, l1, collect, &s, &err), 0);
	assert_int_equal(sc_sacct_feed(r, l2, collect, &s, &err), 0);
	assert_int_equal(sc_sacct_feed(r, l3, collect, &s, &err), 0);
	assert_int_equal(sc_sacct_feed(r, l4, collect, &s, &err), 0);
	assert_int_equal(sc_sacct_feed(r, l5, collect, &s, &err), 0);
	assert_int_equal(sc_sacct_feed(r, l6, collect, &s, &err), 0);
	assert_int_equal(sc_sacct_finish(r, collect, &s), 0);
	assert_string_equal(err.msg, "");
	assert_int_equal(s.n, 6);
	assert_string_equal(s.jobs[0].jobid, "");
	assert_string_equal(s.jobs[0].qos, "high");
	assert_int_equal(s.jobs[0].j.line, 2);
	assert_int_equal(s.jobs[0].j.ncpus, 4); /* NCPUS, not ReqCPUS */
	assert_int_equal(s.jobs[0].j.nnodes, 3);
	assert_int_equal(s.jobs[0].j.gpus, 2);
	assert_near(s.jobs[0].j.mem_mb, 3072, 1e-9); /* the TRES' mem */
	assert_near(s.jobs[0].j.req_mem_mb, 1024, 1e-9);
	assert_int_equal(s.jobs[0].j.req_mem_per, 'n');
	assert_int_equal(s.jobs[0].j.timelimit, 3600);
	assert_int_equal(s.jobs[1].j.timelimit, 0);
	assert_int_equal(s.jobs[2].j.timelimit, 90 * 60); /* TimelimitRaw first */
	assert_int_equal(s.jobs[3].j.timelimit, -1);      /* the partition's */
	assert_int_equal(s.jobs[4].j.timelimit, -1);
	assert_true(s.jobs[4].j.odd & SC_ODD_TIMELIMIT);
	assert_contains(s.jobs[4].why[9], "Timelimit: invalid duration 'soon'");
	assert_int_equal(s.jobs[5].j.line, 7);
	assert_int_equal(sc_sacct_stats(r)->steps, 0);
	sc_sacct_destroy(r);
}

static void test_header_errors_and_stop(void **state)
{
	struct sink s = { 0 };
	struct sc_err err;
	(void)state;

	assert_int_equal(read_text("", &s, NULL, &err), -1);
	assert_contains(err.msg, "dump: empty");
	assert_int_equal(read_text("\n\n", &s, NULL, &err), -1);
	assert_contains(err.msg, "header");
	assert_int_equal(read_text("User|Account\nalice|x\n", &s, NULL, &err), -1);
	assert_contains(err.msg, "dump:1: sacct header has no JobID column");
	assert_contains(err.msg, "sacct -P -o JobID");
	/* What the header quotes back is printable, and so is the dump's name. */
	assert_int_equal(read_text("User|\x1b]0;pwned\x07\n", &s, NULL, &err), -1);
	assert_contains(err.msg, "(got 'User|\\x1b]0;pwned\\x07')");
	{
		FILE *f = fmemopen((void *)"", 0, "r");
		assert_non_null(f);
		assert_int_equal(sc_sacct_read(f, "du\x1bmp", 0, collect, &s, warned, NULL, &err), -1);
		fclose(f);
		assert_contains(err.msg, "du\\x1bmp: empty");
	}
	assert_null(sc_sacct_create(NULL, '|', &err));

	/* The callback's non-zero value stops the reading and is returned. */
	s.n = 0;
	s.stop_after = 1;
	assert_int_equal(read_text("JobID|User\n1|a\n2|b\n3|c\n", &s, NULL, &err), 7);
	assert_int_equal(s.n, 1);
}

static void test_long_line(void **state)
{
	struct sink s = { 0 };
	struct sc_sacct_stats st;
	struct sc_err err;
	size_t big = (1u << 20) + 100;
	char *text = malloc(big + 200);
	(void)state;

	assert_non_null(text);
	strcpy(text, "JobID|User\n1|a\n2|");
	memset(text + strlen(text), 'x', big);
	strcpy(text + strlen("JobID|User\n1|a\n2|") + big, "\n3|c\n");
	assert_int_equal(read_text(text, &s, &st, &err), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.jobs[0].jobid, "1");
	assert_string_equal(s.jobs[1].jobid, "3");
	assert_int_equal(st.skipped, 1);
	assert_contains(s.warn, "dump:3: line longer than 1 MiB; skipped");
	free(text);

	/* An endless line (here 60 MiB without a newline, as /dev/zero or a file without
	 * newlines): the reader gives up after a few over-long lines instead of reading on. */
	{
		size_t endless = (size_t)60 << 20;
		struct sink s2 = { 0 };
		text = malloc(endless + 32);
		assert_non_null(text);
		strcpy(text, "JobID|User\n");
		memset(text + strlen(text), 'x', endless);
		text[strlen("JobID|User\n") + endless] = '\0';
		assert_int_equal(read_text(text, &s2, &st, &err), -1);
		assert_contains(err.msg, "lines in a row longer than 1 MiB: not `sacct -P` output");
		assert_int_equal(s2.n, 0);
		free(text);
	}
}

static void test_feed_api(void **state)
{
	struct sink s = { 0 };
	struct sc_err err = { "" };
	struct sc_sacct *r = sc_sacct_create("JobID|State|Start|End", 0, &err);
	char l1[] = "1|COMPLETED|2024-03-01T10:00:00|2024-03-01T10:00:00";
	char l2[] = "1.batch|COMPLETED||";
	char l3[] = "   ";
	(void)state;

	assert_non_null(r);
	assert_int_equal(sc_sacct_feed(r, l1, collect, &s, &err), 0);
	assert_int_equal(s.n, 0); /* held until its steps are seen */
	assert_int_equal(sc_sacct_feed(r, l2, collect, &s, &err), 0);
	assert_int_equal(sc_sacct_feed(r, l3, collect, &s, &err), 0);
	assert_int_equal(sc_sacct_finish(r, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.jobs[0].j.elapsed, 0);
	assert_true(s.jobs[0].j.ended);
	assert_int_equal(sc_sacct_stats(r)->steps, 1);
	assert_int_equal(sc_sacct_finish(r, collect, &s), 0); /* nothing left */
	assert_int_equal(s.n, 1);
	sc_sacct_destroy(r);
	sc_sacct_destroy(NULL);
}

static void test_parse_tres(void **state)
{
	struct sc_tres t;
	struct sc_err err;
	(void)state;

	assert_int_equal(sc_acct_parse_tres("billing=8,cpu=8,energy=42,gres/gpu=2,mem=1.50G,node=2", &t, &err), 0);
	assert_int_equal(t.cpu, 8);
	assert_int_equal(t.node, 2);
	assert_int_equal(t.gpu, 2);
	assert_near(t.mem_mb, 1536, 1e-9);
	assert_near(t.energy_j, 42, 1e-9);
	assert_int_equal(sc_acct_parse_tres("", &t, &err), 0);
	assert_int_equal(t.cpu, -1);
	assert_int_equal(t.gpu, -1);
	assert_true(t.mem_mb < 0);
	assert_int_equal(sc_acct_parse_tres(NULL, &t, &err), 0);
	assert_int_equal(sc_acct_parse_tres("mem=512K,license/x=3,gres/nic=1", &t, &err), 0);
	assert_near(t.mem_mb, 0.5, 1e-12);
	assert_int_equal(t.gpu, -1);
	assert_int_equal(sc_acct_parse_tres("mem=2T", &t, &err), 0);
	assert_near(t.mem_mb, 2097152, 1e-6);
	assert_int_equal(sc_acct_parse_tres("mem=1P", &t, &err), 0);
	assert_near(t.mem_mb, 1073741824.0, 1);
	assert_int_equal(sc_acct_parse_tres("mem=100", &t, &err), 0);
	assert_near(t.mem_mb, 100, 1e-9);

	/* Bad entries: the rest is still read, the call says so. */
	assert_int_equal(sc_acct_parse_tres("cpu=x,mem=4G", &t, &err), -1);
	assert_contains(err.msg, "TRES cpu");
	assert_int_equal(t.cpu, -1);
	assert_near(t.mem_mb, 4096, 1e-9);
	assert_int_equal(sc_acct_parse_tres("cpu=4,mem=4Q", &t, &err), -1);
	assert_contains(err.msg, "unknown memory unit");
	assert_int_equal(t.cpu, 4);
	assert_int_equal(sc_acct_parse_tres("cpu", &t, &err), -1);
	assert_contains(err.msg, "no '='");
	assert_int_equal(sc_acct_parse_tres("c\x1bpu", &t, &err), -1);
	assert_contains(err.msg, "TRES entry 'c\\x1bpu' has no '='");
	assert_int_equal(sc_acct_parse_tres("mem=4\x01Q", &t, &err), -1);
	assert_contains(err.msg, "unknown memory unit in '4\\x01Q'");
	assert_int_equal(sc_acct_parse_tres("cpu=-1", &t, &err), -1);
	assert_int_equal(sc_acct_parse_tres("cpu=1.5", &t, &err), -1);
	assert_contains(err.msg, "whole number");
	assert_int_equal(sc_acct_parse_tres("energy=abc", &t, &err), -1);
}

static void test_parse_reqmem(void **state)
{
	double mb;
	char per;
	struct sc_err err;
	(void)state;

	assert_int_equal(sc_acct_parse_reqmem("4000M", &mb, &per, &err), 0);
	assert_near(mb, 4000, 1e-9);
	assert_int_equal(per, 0);
	assert_int_equal(sc_acct_parse_reqmem("4000Mc", &mb, &per, &err), 0);
	assert_int_equal(per, 'c');
	assert_int_equal(sc_acct_parse_reqmem("16Gn", &mb, &per, &err), 0);
	assert_near(mb, 16384, 1e-9);
	assert_int_equal(per, 'n');
	assert_int_equal(sc_acct_parse_reqmem(" 2048 ", &mb, &per, &err), 0);
	assert_near(mb, 2048, 1e-9);
	assert_int_equal(sc_acct_parse_reqmem("0n", &mb, &per, &err), -1);
	assert_contains(err.msg, "all memory of the node");
	assert_int_equal(sc_acct_parse_reqmem("0", &mb, &per, &err), -1);
	assert_int_equal(sc_acct_parse_reqmem("", &mb, &per, &err), -1);
	assert_contains(err.msg, "empty");
	assert_int_equal(sc_acct_parse_reqmem("n", &mb, &per, &err), -1);
	assert_int_equal(sc_acct_parse_reqmem("12Zc", &mb, &per, &err), -1);
	assert_contains(err.msg, "unknown memory unit");
	assert_int_equal(sc_acct_parse_reqmem("-5M", &mb, &per, &err), -1);
}

static void test_parse_time_and_cputime(void **state)
{
	int64_t t = 99;
	double s;
	struct sc_err err;
	(void)state;

	assert_int_equal(sc_acct_parse_time("2024-03-01T10:00:00", &t, &err), 0);
	assert_int_equal(t, 1709287200);
	assert_int_equal(sc_acct_parse_time("Unknown", &t, &err), 0);
	assert_int_equal(t, 0);
	t = 5;
	assert_int_equal(sc_acct_parse_time("None", &t, &err), 0);
	assert_int_equal(t, 0);
	assert_int_equal(sc_acct_parse_time("", &t, &err), 0);
	assert_int_equal(sc_acct_parse_time(NULL, &t, &err), 0);
	assert_int_equal(sc_acct_parse_time("now-1hour", &t, &err), -1);
	assert_int_equal(sc_acct_parse_time("2024-02-30T10:00:00", &t, &err), -1);

	assert_int_equal(sc_acct_parse_cputime("00:00.004", &s, &err), 0);
	assert_near(s, 0.004, 1e-12);
	assert_int_equal(sc_acct_parse_cputime("01:02:03", &s, &err), 0);
	assert_near(s, 3723, 1e-9);
	assert_int_equal(sc_acct_parse_cputime("1-02:03:04.5", &s, &err), 0);
	assert_near(s, 93784.5, 1e-9);
	assert_int_equal(sc_acct_parse_cputime("10:00", &s, &err), 0);
	assert_near(s, 600, 1e-9);
	assert_int_equal(sc_acct_parse_cputime("", &s, &err), -1);
	assert_int_equal(sc_acct_parse_cputime("00:00.", &s, &err), -1);
	assert_int_equal(sc_acct_parse_cputime("00:00.x1", &s, &err), -1);
	assert_int_equal(sc_acct_parse_cputime("400-00:00:00", &s, &err), -1);
	assert_contains(err.msg, "365 days");
	assert_int_equal(sc_acct_parse_cputime("abc", &s, &err), -1);
	/* Fields are quoted printable: control bytes and invalid UTF-8 as \xNN. */
	assert_int_equal(sc_acct_parse_cputime("1\x1b[2J.5", &s, &err), -1);
	assert_contains(err.msg, "invalid CPU time '1\\x1b[2J.5'");
	assert_int_equal(sc_acct_parse_cputime("\xff:00", &s, &err), -1);
	assert_contains(err.msg, "invalid CPU time '\\xff:00'");
	assert_int_equal(sc_acct_parse_time("now\x07", &t, &err), -1);
	assert_contains(err.msg, "invalid time 'now\\x07'");

	{
		int64_t n;
		assert_int_equal(sc_acct_parse_count("42", &n, &err), 0);
		assert_int_equal(n, 42);
		assert_int_equal(sc_acct_parse_count("-1", &n, &err), -1);
		assert_int_equal(sc_acct_parse_count("1e30", &n, &err), -1);
		assert_int_equal(sc_acct_parse_count("", &n, &err), -1);
	}
}

/* Values quoted in messages are escaped (found by fuzzing). */
static void test_hostile_values(void **state)
{
	static const char dump[] = "\xb0obID|User|NCPUS\n1|a|2\n";
	struct sc_err err = { "" };
	double mb;
	char per;
	int64_t n, t;
	double secs;
	struct sc_tres tres;
	FILE *f = fmemopen((void *)dump, sizeof(dump) - 1, "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(sc_sacct_read(f, "dump", 0, NULL, NULL, NULL, NULL, &err), -1);
	fclose(f);
	assert_non_null(strstr(err.msg, "no JobID column (got '\\xb0obID|User|NCPUS')"));
	assert_int_equal(sc_acct_parse_reqmem("\xb0" "16G", &mb, &per, &err), -1);
	assert_true(sc_test_printable(err.msg));
	assert_int_equal(sc_acct_parse_count("1\x1b", &n, &err), -1);
	assert_true(sc_test_printable(err.msg));
	assert_int_equal(sc_acct_parse_time("2024-\x07", &t, &err), -1);
	assert_true(sc_test_printable(err.msg));
	assert_int_equal(sc_acct_parse_cputime("1:\xff", &secs, &err), -1);
	assert_true(sc_test_printable(err.msg));
	assert_int_equal(sc_acct_parse_tres("mem=4X\x1b,gres/gpu:\xc3=x", &tres, &err), -1);
	assert_true(sc_test_printable(err.msg));
	assert_int_equal(sc_acct_parse_tres("gres/gpu:\x1b=x", &tres, &err), -1);
	assert_true(sc_test_printable(err.msg));
	assert_int_equal(sc_acct_parse_tres("cpu\x1b", &tres, &err), -1);
	assert_true(sc_test_printable(err.msg));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_matches_fields),
		cmocka_unit_test(test_plain_job_with_steps),
		cmocka_unit_test(test_energy_from_steps),
		cmocka_unit_test(test_odd_fields),
		cmocka_unit_test(test_odd_why),
		cmocka_unit_test(test_arrays_het_pending_running),
		cmocka_unit_test(test_separator_inside_comments),
		cmocka_unit_test(test_header_variants),
		cmocka_unit_test(test_more_columns),
		cmocka_unit_test(test_header_errors_and_stop),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_feed_api),
		cmocka_unit_test(test_parse_tres),
		cmocka_unit_test(test_parse_reqmem),
		cmocka_unit_test(test_parse_time_and_cputime),
		cmocka_unit_test(test_hostile_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
