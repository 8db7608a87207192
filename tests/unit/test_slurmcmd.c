/* Tests for acct/slurmcmd.h: running commands without a shell.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "testutil.h"

#include "acct/slurmcmd.h"

static char script[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(script, sizeof(script), "%s", sc_test_path("tests/data/acct/fake-cmd.sh"));
	return 0;
}

static void test_prog(void **state)
{
	(void)state;
	unsetenv("SCARBON_SACCT");
	unsetenv("SCARBON_SACCTMGR");
	assert_string_equal(sc_slurm_prog("sacct"), "sacct");
	assert_string_equal(sc_slurm_prog("sacctmgr"), "sacctmgr");
	setenv("SCARBON_SACCT", "/opt/x/sacct", 1);
	setenv("SCARBON_SACCTMGR", "", 1);
	assert_string_equal(sc_slurm_prog("sacct"), "/opt/x/sacct");
	assert_string_equal(sc_slurm_prog("sacctmgr"), "sacctmgr");
	assert_string_equal(sc_slurm_prog("other"), "other");
	unsetenv("SCARBON_SACCT");
	unsetenv("SCARBON_SACCTMGR");
}

static void test_open_args_env(void **state)
{
	char *argv[] = { "/bin/sh", script, "args", "a b", "{\"x\":'y'}", "$HOME", ";ls", "", NULL };
	struct sc_err err;
	struct sc_proc *p;
	char buf[512];
	size_t n;
	(void)state;

	setenv("TZ", "Europe/Paris", 1);
	p = sc_proc_open(argv, &err);
	assert_non_null(p);
	n = fread(buf, 1, sizeof(buf) - 1, sc_proc_out(p));
	buf[n] = '\0';
	assert_int_equal(sc_proc_close(p, &err), 0);
	/* Arguments arrive as they are: nothing expanded, split or quoted. */
	assert_string_equal(buf, "TZ=UTC\nFMT=standard\n[a b]\n[{\"x\":'y'}]\n[$HOME]\n[;ls]\n[]\n");
	unsetenv("TZ");
	assert_int_equal(sc_proc_close(NULL, &err), 0);
}

static void test_open_failures(void **state)
{
	char *fail[] = { "/bin/sh", script, "fail", NULL };
	char *killed[] = { "/bin/sh", script, "kill", NULL };
	char *big[] = { "/bin/sh", script, "big", NULL };
	char *missing[] = { "/nonexistent/sacct", NULL };
	struct sc_err err;
	struct sc_proc *p;
	(void)state;

	p = sc_proc_open(fail, &err);
	assert_non_null(p);
	assert_int_equal(sc_proc_close(p, &err), -1);
	assert_string_equal(err.msg, "sh exited with status 3: sacct: error: something broke second line");

	p = sc_proc_open(killed, &err);
	assert_non_null(p);
	assert_int_equal(sc_proc_close(p, &err), -1);
	assert_contains(err.msg, "status 143");

	/* Closing without reading drains the output: no child left blocked. */
	p = sc_proc_open(big, &err);
	assert_non_null(p);
	assert_int_equal(sc_proc_close(p, &err), 0);

	assert_null(sc_proc_open(missing, &err));
	assert_string_equal(err.msg, "cannot run /nonexistent/sacct: No such file or directory");
	{
		char *bare[] = { "sacct-not-installed-here", NULL };
		assert_null(sc_proc_open(bare, &err));
		assert_contains(err.msg, "cannot run sacct-not-installed-here: No such file or directory");
	}
}

static void test_run(void **state)
{
	char *cat[] = { "/bin/sh", script, "cat", NULL };
	char *quit[] = { "/bin/sh", script, "quit", NULL };
	char *fail[] = { "/bin/sh", script, "fail", NULL };
	char *missing[] = { "/nonexistent/sacctmgr", NULL };
	char *out = NULL, *errout = NULL, *input;
	struct sc_err err;
	size_t big = 3u << 20;
	(void)state;

	assert_int_equal(sc_proc_run(cat, "line 1\nline \"2\"\n", &out, &errout, &err), 0);
	assert_string_equal(out, "line 1\nline \"2\"\n");
	assert_string_equal(errout, "");
	free(out);
	free(errout);

	/* More input than a pipe holds, echoed back: no deadlock. */
	input = malloc(big + 1);
	assert_non_null(input);
	memset(input, 'x', big);
	input[big] = '\0';
	assert_int_equal(sc_proc_run(cat, input, &out, NULL, &err), 0);
	assert_int_equal(strlen(out), big);
	free(out);
	/* A child that doesn't read its input: no SIGPIPE for us. */
	assert_int_equal(sc_proc_run(quit, input, NULL, NULL, &err), 0);
	free(input);

	assert_int_equal(sc_proc_run(fail, NULL, &out, &errout, &err), 3);
	assert_string_equal(out, "");
	assert_string_equal(errout, "sacct: error: something broke\nsecond line\n");
	free(out);
	free(errout);

	assert_int_equal(sc_proc_run(missing, "x", &out, &errout, &err), -1);
	assert_null(out);
	assert_null(errout);
	assert_contains(err.msg, "cannot run /nonexistent/sacctmgr");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prog),
		cmocka_unit_test(test_open_args_env),
		cmocka_unit_test(test_open_failures),
		cmocka_unit_test(test_run),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
