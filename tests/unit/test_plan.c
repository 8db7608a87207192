/* slurm-carbon: tests of plan/ (sc_evaluate: the rules before the engine,
 * and the AdminComment it produces).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include <jansson.h>

#include "learn/model.h"
#include "plan/plan.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_learned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
