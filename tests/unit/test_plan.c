/* slurm-carbon: tests of plan/ (sc_evaluate: the rules before the engine,
 * and the AdminComment it produces; plan/loadfile: StateDir/planned-load).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <jansson.h>

#include <unistd.h>

#include "learn/model.h"
#include "plan/loadfile.h"
#include "plan/plan.h"
#include "policy/load.h"

#define NOW 1764417600

static const char conf_text[] =
	"Mode=enforce\n"
	"ExemptAccounts=ops ExemptUsers=root ExemptQOS=urgent\n"
	"ZoneName=S Provider=static Intensity=300\n"
	"PartitionName=p Zone=S PUE=1.5 CoreWatts=10 MemWattsPerGB=0 DefaultTime=2:00:00\n";

static struct sc_conf *conf_from(const char *text)
{
	struct sc_diag d = { 0 };
	struct sc_conf *c = sc_conf_parse(text, strlen(text), "test.conf", &d);

	for (size_t i = 0; i < d.n; i++)
		print_message("# %s\n", d.msgs[i]);
	sc_diag_free(&d);
	assert_non_null(c);
	return c;
}

static void test_rules(void **state)
{
	struct sc_conf *c = conf_from(conf_text);
	struct sc_snapshot *snap = sc_snapshot_load(c->zones, c->n_zones, NULL, NOW);
	struct sc_job_fields f;
	struct sc_eval ev;

	(void)state;
	assert_non_null(snap);
	memset(&f, 0, sizeof(f));
	f.cpus_per_task = 4;

	/* A static zone: flat, so the job runs; 40 W × 2 h × 1.5 × 300 = 36 g. */
	assert_int_equal(sc_evaluate(c, snap, &f, "alice", "physics", "normal", NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_RUN);
	assert_near(ev.d.chosen.gco2e, 36, 1e-9);
	assert_null(ev.exempt);
	assert_false(ev.ctx.applied);
	assert_string_equal(ev.ctx.signal, "average");

	/* Exemptions, in each list. */
	assert_int_equal(sc_evaluate(c, snap, &f, "alice", "ops", "normal", NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_NONE);
	assert_non_null(ev.exempt);
	assert_contains(ev.d.reason, "exempt");
	assert_int_equal(sc_evaluate(c, snap, &f, "root", NULL, NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_NONE);
	assert_int_equal(sc_evaluate(c, snap, &f, "bob", "physics", "urgent", NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_NONE);

	/* An interactive job (no batch script) is left alone by default, its
	 * options still checked and its budget recorded; PlanInteractive=yes
	 * plans it. */
	f.interactive = 1;
	f.budget = "2kg";
	assert_int_equal(sc_evaluate(c, snap, &f, "alice", NULL, NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_NONE);
	assert_contains(ev.d.reason, "interactive job");
	assert_near(ev.d.budget_g, 2000, 0);
	/* A budget still caps it: 36 g to run now is over 30 g, so it is rejected (never
	 * delayed: the best plan is to run now, as requested). */
	f.budget = "30g";
	assert_int_equal(sc_evaluate(c, snap, &f, "alice", NULL, NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_REJECT);
	assert_near(ev.d.chosen.gco2e, 36, 1e-9);
	assert_int_equal(ev.d.chosen.start, NOW);
	assert_string_equal(ev.ctx.signal, "average");
	f.budget = "2 stone";
	assert_int_equal(sc_evaluate(c, snap, &f, "alice", NULL, NULL, NOW, &ev), -1);
	f.budget = NULL;
	c->plan_interactive = 1;
	assert_int_equal(sc_evaluate(c, snap, &f, "alice", NULL, NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_RUN);
	c->plan_interactive = 0;
	f.interactive = 0;

	/* A deadline that has passed is an error of the request, not "no deadline". */
	f.deadline = NOW - 1;
	assert_int_equal(sc_evaluate(c, snap, &f, "alice", NULL, NULL, NOW, &ev), -1);
	assert_int_equal(ev.build, SC_BUILD_INVALID);
	assert_contains(ev.err.msg, "is not after now");
	f.deadline = 0;

	/* No forecast snapshot: fail open. */
	assert_int_equal(sc_evaluate(c, NULL, &f, "alice", NULL, NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_NONE);
	assert_string_equal(ev.d.reason, "no forecast loaded");

	/* A budget under 36 g: rejected, and the record says so. */
	f.budget = "30g";
	assert_int_equal(sc_evaluate(c, snap, &f, "alice", NULL, NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_REJECT);
	assert_true(ev.ctx.applied);
	{
		char *s = sc_eval_admin_comment(c, &ev, "ticket 12");
		json_t *rec = sc_comment_get(s, "carbon");
		assert_non_null(rec);
		assert_string_equal(json_string_value(json_object_get(rec, "decision")), "reject");
		assert_near(json_number_value(json_object_get(rec, "budget_gco2e")), 30, 0);
		assert_true(strncmp(s, "ticket 12 ", 10) == 0);
		json_decref(rec);
		free(s);
	}

	/* An invalid user option: an error that says what is accepted. */
	f.budget = "-3kg";
	assert_int_equal(sc_evaluate(c, snap, &f, "alice", NULL, NULL, NOW, &ev), -1);
	assert_contains(ev.err.msg, "--carbon-budget: negative carbon amount");
	f.budget = NULL;

	sc_snapshot_destroy(snap);
	sc_conf_destroy(c);

	/* Mode=off: nothing is evaluated. */
	c = conf_from("Mode=off\nZoneName=S Provider=static Intensity=300\nPartitionName=p Zone=S\n");
	assert_int_equal(sc_evaluate(c, NULL, &f, "alice", NULL, NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_NONE);
	assert_string_equal(ev.d.reason, "Mode=off in carbon.conf");
	sc_conf_destroy(c);
}

/* Estimates=learned: the run time and power of the matching entry, the
 * fallbacks, the record and the budget's message. */
static void test_learned(void **state)
{
	static const char model[] =
		"{\"version\":1,\"kind\":\"slurm-carbon estimates\",\"created\":1764414000,"
		"\"quantile\":0.9,\"entries\":["
		"{\"level\":\"user\",\"user\":\"alice\",\"account\":\"physics\",\"partition\":\"p\","
		"\"jobs\":12,\"ratio_median\":0.25,\"ratio_q\":0.5,\"core_w\":5,\"core_w_jobs\":12},"
		"{\"level\":\"partition\",\"partition\":\"p\",\"jobs\":40,\"ratio_median\":0.5,"
		"\"ratio_q\":0.9}]}";
	static const char model_v2[] =
		"{\"version\":2,\"kind\":\"slurm-carbon estimates\",\"created\":1764414000,"
		"\"quantile\":0.9,\"entries\":[{\"level\":\"partition\",\"partition\":\"p\",\"jobs\":40,"
		"\"ratio_median\":0.5,\"ratio_q\":0.9,\"ratio_total\":0.75}]}";
	static const char model_v3[] =
		"{\"version\":3,\"kind\":\"slurm-carbon estimates\",\"created\":1764414000,"
		"\"quantile\":0.9,\"entries\":["
		"{\"level\":\"user\",\"user\":\"alice\",\"account\":\"physics\",\"partition\":\"p\","
		"\"jobs\":12,\"ratio_median\":0.5,\"ratio_q\":0.6,\"ratio_total\":0.5,"
		"\"core_w\":5,\"core_w_jobs\":12},"
		"{\"level\":\"name\",\"user\":\"alice\",\"account\":\"physics\",\"partition\":\"p\","
		"\"name\":\"relax.sh\",\"jobs\":6,\"ratio_median\":0.1,\"ratio_q\":0.1,\"ratio_total\":0.1}]}";
	struct sc_conf *c = conf_from("Mode=enforce Estimates=learned\n"
				      "ZoneName=S Provider=static Intensity=300\n"
				      "PartitionName=p Zone=S PUE=1.5 CoreWatts=10 MemWattsPerGB=0 DefaultTime=2:00:00\n");
	struct sc_snapshot *snap = sc_snapshot_load(c->zones, c->n_zones, NULL, NOW);
	struct sc_model *m = sc_model_parse(model, strlen(model), "e.json", NOW, 0, NULL);
	struct sc_job_fields f;
	struct sc_eval ev;
	json_t *rec;
	char *s;

	(void)state;
	assert_non_null(m);
	memset(&f, 0, sizeof(f));
	f.cpus_per_task = 4;
	/* alice: 2 h × 0.25 at 4 × 5 W measured: 20 W × 0.5 h × 1.5 × 300 = 4.5 g. */
	assert_int_equal(sc_evaluate_model(c, snap, m, NULL, &f, "alice", "physics", NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_RUN);
	assert_int_equal(ev.d.chosen.runtime, 1800);
	assert_near(ev.d.chosen.watts, 20, 1e-9);
	assert_near(ev.d.chosen.gco2e, 4.5, 1e-9);
	assert_string_equal(ev.ctx.estimate, "learned");
	assert_string_equal(ev.ctx.estimate_key, "alice/physics/p");
	assert_int_equal(ev.ctx.estimate_jobs, 12);
	s = sc_eval_admin_comment(c, &ev, NULL);
	assert_non_null(s);
	assert_contains(s, "\"estimate\":\"learned\",\"estimate_key\":\"alice/physics/p\",\"estimate_jobs\":12");
	free(s);
	/* bob: the partition's ratio, configured watts: 40 W × 1 h × 1.5 × 300 = 18 g. */
	assert_int_equal(sc_evaluate_model(c, snap, m, NULL, &f, "bob", "physics", NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.chosen.runtime, 3600);
	assert_near(ev.d.chosen.gco2e, 18, 1e-9);
	assert_string_equal(ev.ctx.estimate_key, "*/*/p");
	/* A caller's scratch (dirty on purpose, reused from job to job) prices
	 * exactly as the call's own copy: alice's learned watts do not stay
	 * behind for bob. */
	{
		struct sc_partition scratch[1];
		struct sc_eval ev2;

		memset(scratch, 0xa5, sizeof(scratch));
		assert_int_equal(sc_evaluate_model(c, snap, m, scratch, &f, "alice", "physics", NULL, NOW, &ev2), 0);
		assert_int_equal(ev2.d.chosen.runtime, 1800);
		assert_near(ev2.d.chosen.watts, 20, 1e-9);
		assert_near(ev2.d.chosen.gco2e, 4.5, 1e-9);
		assert_near(scratch[0].power.core_w, 5, 1e-9);
		assert_int_equal(sc_evaluate_model(c, snap, m, scratch, &f, "bob", "physics", NULL, NOW, &ev2), 0);
		assert_int_equal(ev2.d.chosen.runtime, ev.d.chosen.runtime);
		assert_near(ev2.d.chosen.watts, ev.d.chosen.watts, 1e-12);
		assert_near(ev2.d.chosen.gco2e, ev.d.chosen.gco2e, 1e-12);
		assert_string_equal(ev2.d.basis, ev.d.basis);
	}
	/* Over a budget: the message says which estimate it used. */
	f.budget = "10g";
	assert_int_equal(sc_evaluate_model(c, snap, m, NULL, &f, "bob", "physics", NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.action, SC_ACT_REJECT);
	assert_contains(ev.d.basis, "learned: median run time of 40 jobs of */*/p");
	f.budget = NULL;
	/* No model: carbon.conf's figures, recorded as configured. */
	assert_int_equal(sc_evaluate_model(c, snap, NULL, NULL, &f, "alice", "physics", NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.chosen.runtime, 7200);
	assert_string_equal(ev.ctx.estimate, "configured");
	assert_null(ev.ctx.estimate_key);
	assert_near(ev.window_ratio, 0, 0);
	assert_contains(ev.d.basis, "no learned model loaded");
	rec = sc_record_carbon(&c->site, &ev.d, &ev.ctx);
	assert_string_equal(json_string_value(json_object_get(rec, "estimate")), "configured");
	json_decref(rec);
	/* Estimates=configured (the default): the model is not used. */
	c->estimates_learned = 0;
	assert_int_equal(sc_evaluate_model(c, snap, m, NULL, &f, "alice", "physics", NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.chosen.runtime, 7200);
	assert_null(ev.ctx.estimate);
	sc_model_destroy(m);
	/* Version 2: the entry's total ratio, not its median, prices the job. */
	c->estimates_learned = 1;
	m = sc_model_parse(model_v2, strlen(model_v2), "e.json", NOW, 0, NULL);
	assert_non_null(m);
	assert_int_equal(sc_evaluate_model(c, snap, m, NULL, &f, "bob", "physics", NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.chosen.runtime, 5400);
	assert_near(ev.ctx.estimate_ratio, 0.75, 1e-12);
	assert_near(ev.window_ratio, 0.9, 1e-12); /* the start is chosen with ratio_q */
	assert_contains(ev.d.basis, "learned: total run time of 40 jobs of */*/p");
	sc_model_destroy(m);
	/* Version 3: the job's name first (f.name), then its user's entry. */
	m = sc_model_parse(model_v3, strlen(model_v3), "e.json", NOW, 0, NULL);
	assert_non_null(m);
	f.name = "relax.sh";
	assert_int_equal(sc_evaluate_model(c, snap, m, NULL, &f, "alice", "physics", NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.chosen.runtime, 720); /* 2 h × 0.1 */
	assert_string_equal(ev.ctx.estimate_key, "alice/physics/p/relax.sh");
	assert_int_equal(ev.ctx.estimate_jobs, 6);
	assert_near(ev.d.chosen.watts, 20, 1e-9); /* the user entry's 5 W per core */
	assert_contains(ev.d.basis, "learned: total run time of 6 jobs of alice/physics/p/relax.sh");
	s = sc_eval_admin_comment(c, &ev, NULL);
	assert_non_null(s);
	assert_contains(s, "\"estimate_key\":\"alice/physics/p/relax.sh\",\"estimate_jobs\":6");
	free(s);
	f.name = "wrap";
	assert_int_equal(sc_evaluate_model(c, snap, m, NULL, &f, "alice", "physics", NULL, NOW, &ev), 0);
	assert_int_equal(ev.d.chosen.runtime, 3600);
	assert_string_equal(ev.ctx.estimate_key, "alice/physics/p");
	f.name = NULL;
	assert_int_equal(sc_evaluate_model(c, snap, m, NULL, &f, "alice", "physics", NULL, NOW, &ev), 0);
	assert_string_equal(ev.ctx.estimate_key, "alice/physics/p");
	sc_model_destroy(m);
	sc_snapshot_destroy(snap);
	sc_conf_destroy(c);
}

/* StateDir/planned-load: what is saved comes back; ended jobs and unknown partitions are
 * dropped, malformed lines skipped and the first described; a missing file is empty. */
static void test_ledger_file(void **state)
{
	char *names[] = { "cpu", "gpu" };
	struct sc_load_job jobs[] = { { 7, 0, 2000000000, 2000003600, 4, 0 }, { 9, 1, 2000000000, 2000000600, 1, 2 },
				      { 12, 0, 1000, 2000, 1, 0 } };
	struct sc_load *l = sc_load_create(2, 2016, 10, 2000000000 - 600, NULL);
	struct sc_err err = { "" };
	char dir[] = "/tmp/sc-test-plan-XXXXXX", path[160], *p;
	size_t dropped, bad;
	uint32_t seq = 0, c, g;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/planned-load", dir);
	p = sc_loadfile_path(dir, &err);
	assert_string_equal(p, path);
	free(p);
	assert_null(sc_loadfile_path("", &err));
	assert_int_equal(sc_loadfile_restore(path, l, names, 2, 2000000000, &seq, NULL, &dropped, &bad, &err), 0);
	assert_int_equal(sc_loadfile_save(path, jobs, 3, names, 2, 41, NULL, &err), 0);
	/* Job 12 ended long ago: dropped. */
	assert_int_equal(sc_loadfile_restore(path, l, names, 2, 2000000000, &seq, NULL, &dropped, &bad, &err), 2);
	assert_int_equal(seq, 41);
	assert_int_equal(dropped, 1);
	assert_int_equal(bad, 0);
	sc_load_at(l, 0, 2000000000, &c, NULL);
	assert_int_equal(c, 4);
	sc_load_at(l, 1, 2000000000, &c, &g);
	assert_int_equal(c * 10 + g, 12);
	/* Only partitions still managed; keys above seq raise it. */
	sc_load_clear(l, 2000000000 - 600);
	assert_int_equal(sc_loadfile_restore(path, l, names, 1, 2000000000, &seq, NULL, &dropped, &bad, &err), 1);
	assert_int_equal(dropped, 2);
	f = fopen(path, "a");
	fprintf(f, "99 cpu 2000000000 2000000300 1 0\n5 cpu 10 9 1 0\nx\n6 cpu 2000000000 2000000300 0 0\n");
	fclose(f);
	sc_load_clear(l, 2000000000 - 600);
	assert_int_equal(sc_loadfile_restore(path, l, names, 2, 2000000000, &seq, NULL, &dropped, &bad, &err), 3);
	assert_int_equal(seq, 99);
	assert_int_equal(bad, 3);
	assert_contains(err.msg, "/planned-load:7: a key from 1 to 4294967295, END after START");
	/* Not a ledger: refused, nothing added. */
	f = fopen(path, "w");
	fprintf(f, "{\"budgets\": []}\n");
	fclose(f);
	sc_load_clear(l, 2000000000 - 600);
	assert_int_equal(sc_loadfile_restore(path, l, names, 2, 2000000000, &seq, NULL, &dropped, &bad, &err), -1);
	assert_contains(err.msg, "planned-load:1: not a slurm-carbon ledger");
	assert_int_equal(sc_load_jobs(l), 0);
	unlink(path);
	/* Capacities: saved for the partitions with cores, read back by name; a partition no
	 * longer managed is ignored, a bad line skipped and described. */
	{
		const uint32_t caps[4] = { 64, 0, 8, 0 };
		uint32_t got[4] = { 9, 9, 9, 9 }, got1[2];
		assert_int_equal(sc_loadfile_save(path, jobs, 2, names, 2, 7, caps, &err), 0);
		f = fopen(path, "r");
		assert_non_null(f);
		{
			char text[512];
			size_t len = fread(text, 1, sizeof(text) - 1, f);
			text[len] = '\0';
			assert_contains(text, "seq 7\ncapacity cpu 64 8\n7 cpu ");
			assert_null(strstr(text, "capacity gpu"));
		}
		fclose(f);
		sc_load_clear(l, 2000000000 - 600);
		assert_int_equal(sc_loadfile_restore(path, l, names, 2, 2000000000, &seq, got, &dropped, &bad, &err), 2);
		assert_int_equal(got[0], 64);
		assert_int_equal(got[1], 0);
		assert_int_equal(got[2], 8);
		assert_int_equal(got[3], 0);
		f = fopen(path, "a");
		fprintf(f, "capacity cpu 0 1\ncapacity gone 5 5\n");
		fclose(f);
		sc_load_clear(l, 2000000000 - 600);
		assert_int_equal(sc_loadfile_restore(path, l, names + 1, 1, 2000000000, &seq, got1, &dropped, &bad, &err), 1);
		assert_int_equal(got1[0], 0); /* gpu: none saved; cpu, gone: not managed */
		assert_int_equal(bad, 1);
		assert_contains(err.msg, "planned-load:6: expected capacity PARTITION CORES GPUS");
		unlink(path);
	}
	/* An unwritable place: an error naming it. */
	assert_int_equal(sc_loadfile_save("/nonexistent/planned-load", jobs, 1, names, 2, 1, NULL, &err), -1);
	assert_contains(err.msg, "/nonexistent/planned-load.tmp: cannot write");
	sc_load_destroy(l);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_learned),
		cmocka_unit_test(test_ledger_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
