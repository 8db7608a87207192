/* slurm-carbon: unit tests of plugin/jobdesc — job_desc_msg_t to the engine's
 * request, and the CARBON_* entries of spank_job_env.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "tests/unit/testutil.h"

#include "plugin/jobdesc.h"
#include "policy/request.h"

/* --- a counting allocator that can be told to fail ------------------------ */

static int allocs, frees, fail_after = -1;

static void *t_calloc(size_t n, size_t size)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	allocs++;
	return calloc(n, size);
}

static void t_free(void *p)
{
	if (p)
		frees++;
	free(p);
}

static const struct sc_alloc talloc = { t_calloc, t_free };

static int reset_alloc(void **state)
{
	(void)state;
	allocs = frees = 0;
	fail_after = -1;
	return 0;
}

/* An environment as slurmctld holds it: n entries and a NULL, allocated with talloc. */
static char **env_make(uint32_t *n, const char *const *entries)
{
	uint32_t k = 0;
	char **env;

	while (entries[k])
		k++;
	env = t_calloc(k + 1, sizeof(*env));
	for (uint32_t i = 0; i < k; i++) {
		env[i] = t_calloc(strlen(entries[i]) + 1, 1);
		strcpy(env[i], entries[i]);
	}
	*n = k;
	return env;
}

static void env_free(char **env, uint32_t n)
{
	for (uint32_t i = 0; env && i < n; i++)
		t_free(env[i]);
	t_free(env);
}

/* What slurm_init_job_desc_msg() leaves in the fields the plugin reads. */
static void jd_init(job_desc_msg_t *jd)
{
	memset(jd, 0, sizeof(*jd));
	jd->min_nodes = NO_VAL;
	jd->max_nodes = NO_VAL;
	jd->num_tasks = NO_VAL;
	jd->min_cpus = NO_VAL;
	jd->cpus_per_task = NO_VAL16;
	jd->ntasks_per_node = NO_VAL16;
	jd->pn_min_cpus = NO_VAL16;
	jd->pn_min_memory = NO_VAL64;
	jd->time_limit = NO_VAL;
	jd->time_min = NO_VAL;
	jd->het_job_offset = NO_VAL;
}

/* --- sc_jobdesc_fields ------------------------------------------------------ */

static void test_fields_unset(void **state)
{
	job_desc_msg_t jd;
	struct sc_job_fields f;
	struct sc_err why = { "" };

	(void)state;
	jd_init(&jd);
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_null(f.partition);
	assert_int_equal(f.nodes, 0);
	assert_int_equal(f.ntasks, 0);
	assert_int_equal(f.cpus_per_task, 0);
	assert_int_equal(f.ntasks_per_node, 0);
	assert_int_equal(f.min_cpus, 0);
	assert_int_equal(f.mem_per_node_mb, 0);
	assert_int_equal(f.mem_per_cpu_mb, 0);
	assert_int_equal(f.gpus_per_job + f.gpus_per_node + f.gpus_per_task, 0);
	assert_int_equal(f.time_limit, 0);
	assert_false(f.time_unlimited);
	assert_int_equal(f.begin, 0);
	assert_int_equal(f.deadline, 0);
	assert_null(f.budget);
	assert_null(f.max_delay);
	assert_null(f.policy);
	assert_true(f.interactive); /* no script: salloc or srun */

	/* INFINITE values and a NO_VAL deadline are "not given" too. */
	jd.time_limit = INFINITE;
	jd.pn_min_memory = INFINITE64;
	jd.deadline = (time_t)NO_VAL;
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_int_equal(f.time_limit, 0);
	assert_true(f.time_unlimited); /* priced at DefaultTime, and the record says so */
	assert_int_equal(f.mem_per_node_mb + f.mem_per_cpu_mb, 0);
	assert_int_equal(f.deadline, 0);
}

static void test_fields_given(void **state)
{
	job_desc_msg_t jd;
	struct sc_job_fields f;
	struct sc_err why = { "" };
	char part[] = "compute,gpu";

	(void)state;
	jd_init(&jd);
	jd.partition = part;
	jd.min_nodes = 2;
	jd.num_tasks = 8;
	jd.min_cpus = 16;
	jd.cpus_per_task = 2;
	jd.ntasks_per_node = 4;
	jd.pn_min_memory = 2048; /* --mem=2G: per node */
	jd.time_limit = 90;      /* minutes */
	jd.begin_time = 1900000000;
	jd.deadline = 1900086400;
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_string_equal(f.partition, "compute,gpu");
	assert_int_equal(f.nodes, 2);
	assert_int_equal(f.ntasks, 8);
	assert_int_equal(f.min_cpus, 16);
	assert_int_equal(f.cpus_per_task, 2);
	assert_int_equal(f.ntasks_per_node, 4);
	assert_int_equal(f.mem_per_node_mb, 2048);
	assert_int_equal(f.mem_per_cpu_mb, 0);
	assert_int_equal(f.time_limit, 90 * 60);
	assert_int_equal(f.begin, 1900000000);
	assert_int_equal(f.deadline, 1900086400);
	assert_true(f.interactive);
	{
		char script[] = "#!/bin/sh\nsleep 1\n";
		char name[] = "relax.sh";
		jd.script = script; /* sbatch */
		assert_null(f.name);
		jd.name = name; /* sbatch's default: the script's file name */
		assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
		assert_false(f.interactive);
		assert_string_equal(f.name, "relax.sh");
		jd.script = NULL;
		jd.name = NULL;
	}

	/* --mem-per-cpu=500 arrives with the MEM_PER_CPU bit. */
	jd.pn_min_memory = 500 | MEM_PER_CPU;
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_int_equal(f.mem_per_cpu_mb, 500);
	assert_int_equal(f.mem_per_node_mb, 0);
}

static void test_fields_mincpus(void **state)
{
	job_desc_msg_t jd;
	struct sc_job_fields f;
	struct sc_err why = { "" };

	(void)state;
	jd_init(&jd);
	jd.min_nodes = 3;
	jd.min_cpus = 3;
	jd.pn_min_cpus = 4; /* --mincpus=4 on 3 nodes: at least 12 CPUs */
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_int_equal(f.min_cpus, 12);
	/* A larger total stays. */
	jd.min_cpus = 20;
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_int_equal(f.min_cpus, 20);
	/* No node count: one node. */
	jd.min_nodes = NO_VAL;
	jd.min_cpus = NO_VAL;
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_int_equal(f.min_cpus, 4);
}

static void test_fields_gpus(void **state)
{
	job_desc_msg_t jd;
	struct sc_job_fields f;
	struct sc_err why = { "" };
	char per_job[] = "gres:gpu:2";
	char per_node[] = "gres:gpu:a100:1,gres:nic:1";
	char per_task[] = "gres/gpu:1";
	char per_socket[] = "gres:gpu:3";
	char bad[] = "gres:gpu:a100:many";

	(void)state;
	jd_init(&jd);
	jd.tres_per_job = per_job;
	jd.tres_per_node = per_node;
	jd.tres_per_task = per_task;
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_int_equal(f.gpus_per_job, 2);
	assert_int_equal(f.gpus_per_node, 1);
	assert_int_equal(f.gpus_per_task, 1);
	/* Per socket counts as (at least) per node. */
	jd.tres_per_socket = per_socket;
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_int_equal(f.gpus_per_node, 4);
	/* An unreadable request is an error that names the field. */
	jd.tres_per_socket = NULL;
	jd.tres_per_node = bad;
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), -1);
	assert_contains(why.msg, "GPU request (tres_per_node)");
	assert_contains(why.msg, "gres:gpu:a100:many");
}

static void test_fields_options(void **state)
{
	job_desc_msg_t jd;
	struct sc_job_fields f;
	struct sc_err why = { "" };
	static const char *const entries[] = {
		"_SLURM_SPANK_OPTION_carbon_carbon_budget=2kg",
		"CARBON_BUDGET=1kg",
		"CARBON_BUDGETX=9t",
		"CARBON_MAX_DELAY=2:00:00",
		"CARBON_BUDGET=2kg", /* the last one wins */
		"CARBON_POLICY=none",
		NULL,
	};
	uint32_t n;

	(void)state;
	jd_init(&jd);
	jd.spank_job_env = env_make(&n, entries);
	jd.spank_job_env_size = n;
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_string_equal(f.budget, "2kg");
	assert_string_equal(f.max_delay, "2:00:00");
	assert_string_equal(f.policy, "none");
	env_free(jd.spank_job_env, n);
}

/* The translation end to end: what the engine is asked to price. */
static void test_fields_request(void **state)
{
	struct sc_partition parts[1] = { { .name = "compute", .zone = 0, .pue = 1.2,
					  .default_time = 3600 } };
	const char *zones[] = { "Z" };
	struct sc_site site = { .parts = parts, .n_parts = 1, .zones = zones, .n_zones = 1 };
	job_desc_msg_t jd;
	struct sc_job_fields f;
	struct sc_request req;
	struct sc_err why = { "" };
	char gres[] = "gres:gpu:2";
	static const char *const entries[] = { "CARBON_BUDGET=1.5kg", "CARBON_MAX_DELAY=30", NULL };
	uint32_t n;

	(void)state;
	jd_init(&jd);
	/* sbatch -N2 -n4 --mem-per-cpu=1G --gres=gpu:2 -t 2:00:00 --carbon-budget=1.5kg ... */
	jd.min_nodes = 2;
	jd.num_tasks = 4;
	jd.min_cpus = 4;
	jd.pn_min_memory = 1024 | MEM_PER_CPU;
	jd.tres_per_node = gres;
	jd.time_limit = 120;
	jd.spank_job_env = env_make(&n, entries);
	jd.spank_job_env_size = n;
	assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
	assert_int_equal(sc_request_build(&site, NULL, 0, 1, &f, &req, &why), SC_BUILD_OK);
	assert_int_equal(req.n_parts, 1);
	assert_int_equal(req.shape.nodes, 2);
	assert_int_equal(req.shape.cores, 4);
	assert_int_equal(req.shape.gpus, 4);
	assert_near(req.shape.mem_gb, 4.0, 1e-9);
	assert_int_equal(req.time_limit, 7200);
	assert_near(req.budget_g, 1500, 1e-9);
	assert_int_equal(req.max_delay, 1800);
	env_free(jd.spank_job_env, n);

	/* A forged option is refused by the same validator sbatch uses. */
	{
		static const char *const forged[] = { "CARBON_BUDGET=-5kg", NULL };
		jd.spank_job_env = env_make(&n, forged);
		jd.spank_job_env_size = n;
		assert_int_equal(sc_jobdesc_fields(&jd, &f, &why), 0);
		assert_int_equal(sc_request_build(&site, NULL, 0, 1, &f, &req, &why), SC_BUILD_INVALID);
		assert_contains(why.msg, "--carbon-budget");
		env_free(jd.spank_job_env, n);
	}
}

/* --- environment entries ------------------------------------------------------- */

static void test_env_get(void **state)
{
	char a[] = "CARBON_BUDGET=1kg", b[] = "CARBON_BUDGET", c[] = "CARBON_BUDGET=";
	char *env[] = { NULL, a, b, NULL };
	char *env2[] = { a, c };

	(void)state;
	assert_string_equal(sc_env_get(env, 3, "CARBON_BUDGET"), "1kg");
	assert_null(sc_env_get(env, 3, "CARBON"));
	assert_null(sc_env_get(env, 3, "CARBON_BUDGE"));
	assert_null(sc_env_get(NULL, 0, "CARBON_BUDGET"));
	/* Only n entries are read; the last one present wins, even if empty. */
	assert_string_equal(sc_env_get(env2, 1, "CARBON_BUDGET"), "1kg");
	assert_string_equal(sc_env_get(env2, 2, "CARBON_BUDGET"), "");
}

static void test_env_unset(void **state)
{
	static const char *const entries[] = { "CARBON_NOT_BEFORE=1", "A=1", "CARBON_NOT_BEFORE=2",
					       "CARBON_NOT_BEFORE_X=3", "B=2", NULL };
	uint32_t n;
	char **env = env_make(&n, entries);

	(void)state;
	assert_int_equal(n, 5);
	assert_int_equal(sc_env_unset(env, &n, "CARBON_NOT_BEFORE", &talloc), 2);
	assert_int_equal(n, 3);
	assert_string_equal(env[0], "A=1");
	assert_string_equal(env[1], "CARBON_NOT_BEFORE_X=3");
	assert_string_equal(env[2], "B=2");
	assert_null(env[3]);
	assert_int_equal(frees, 2);
	/* Nothing to remove: unchanged. */
	assert_int_equal(sc_env_unset(env, &n, "CARBON_NOT_BEFORE", &talloc), 0);
	assert_int_equal(n, 3);
	assert_int_equal(sc_env_unset(NULL, &n, "X", &talloc), 0);
	env_free(env, n);
	assert_int_equal(allocs, frees);
}

static void test_env_set(void **state)
{
	static const char *const entries[] = { "CARBON_NOT_BEFORE=1", "A=1", NULL };
	uint32_t n;
	char **env = env_make(&n, entries);
	char **none = NULL;
	uint32_t zero = 0;

	(void)state;
	assert_int_equal(sc_env_set(&env, &n, "CARBON_NOT_BEFORE", "1900000000", &talloc), 0);
	assert_int_equal(n, 2);
	assert_string_equal(env[0], "A=1");
	assert_string_equal(env[1], "CARBON_NOT_BEFORE=1900000000");
	assert_null(env[2]);
	/* From no environment at all (spank_job_env NULL, size 0). */
	assert_int_equal(sc_env_set(&none, &zero, "CARBON_NOT_BEFORE", "1900000000", &talloc), 0);
	assert_int_equal(zero, 1);
	assert_string_equal(none[0], "CARBON_NOT_BEFORE=1900000000");
	assert_null(none[1]);
	env_free(none, zero);
	/* Out of memory: -1, and the name is gone rather than stale. */
	fail_after = 1;
	assert_int_equal(sc_env_set(&env, &n, "CARBON_NOT_BEFORE", "1900000001", &talloc), -1);
	assert_int_equal(n, 1);
	assert_string_equal(env[0], "A=1");
	assert_null(env[1]);
	fail_after = -1;
	env_free(env, n);
	assert_int_equal(allocs, frees);
}

static void test_hold_refusal_message(void **state)
{
	char buf[512], tiny[16];

	(void)state;
	sc_hold_refusal_message("42", "2030-03-17T17:00:00Z", "2030-03-17T17:46:40Z", buf, sizeof(buf));
	assert_string_equal(buf, "carbon: job 42 keeps its carbon hold: it was delayed to a greener "
				 "window and may not start before 2030-03-17T17:46:40Z (asked: "
				 "2030-03-17T17:00:00Z); a later start is allowed, an earlier one only "
				 "by an operator (root, SlurmUser or an accounting operator/administrator)");
	/* Truncated to the buffer, terminated. */
	sc_hold_refusal_message("42", "a", "b", tiny, sizeof(tiny));
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_string_equal(tiny, "carbon: job 42 ");
}

static void test_hold_parse(void **state)
{
	int64_t t = 42;

	(void)state;
	assert_int_equal(sc_hold_parse("1900000000", &t), 0);
	assert_int_equal(t, 1900000000);
	assert_int_equal(sc_hold_parse("9999999999", &t), 0);
	assert_int_equal(t, INT64_C(9999999999));
	t = 42;
	assert_int_equal(sc_hold_parse("999999999", &t), -1);   /* before 2001 */
	assert_int_equal(sc_hold_parse("10000000000", &t), -1); /* 11 digits */
	assert_int_equal(sc_hold_parse("99999999999999999999999", &t), -1);
	assert_int_equal(sc_hold_parse("", &t), -1);
	assert_int_equal(sc_hold_parse("+1900000000", &t), -1);
	assert_int_equal(sc_hold_parse("1900000000 ", &t), -1);
	assert_int_equal(sc_hold_parse("19e8", &t), -1);
	assert_int_equal(sc_hold_parse(NULL, &t), -1);
	assert_int_equal(t, 42);
}

static void test_hold_find(void **state)
{
	char a[] = "SLURM_JOB_ACCOUNT=x", b[] = "SPANK_CARBON_NOT_BEFORE=1900000000",
	     c[] = "CARBON_NOT_BEFORE=1800000000", d[] = "SPANK_CARBON_NOT_BEFORE=soon";
	char *with[] = { a, b, NULL };
	char *unprefixed[] = { a, c, NULL };
	char *bad[] = { b, d, NULL };
	int64_t t = 0;

	(void)state;
	assert_int_equal(sc_hold_find(with, &t), 1);
	assert_int_equal(t, 1900000000);
	assert_int_equal(sc_hold_find(unprefixed, &t), 0);
	assert_int_equal(sc_hold_find(bad, &t), -1);
	assert_int_equal(sc_hold_find(NULL, &t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_unset),
		cmocka_unit_test(test_fields_given),
		cmocka_unit_test(test_fields_mincpus),
		cmocka_unit_test(test_fields_gpus),
		cmocka_unit_test_setup(test_fields_options, reset_alloc),
		cmocka_unit_test_setup(test_fields_request, reset_alloc),
		cmocka_unit_test(test_env_get),
		cmocka_unit_test_setup(test_env_unset, reset_alloc),
		cmocka_unit_test_setup(test_env_set, reset_alloc),
		cmocka_unit_test(test_hold_parse),
		cmocka_unit_test(test_hold_refusal_message),
		cmocka_unit_test(test_hold_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
