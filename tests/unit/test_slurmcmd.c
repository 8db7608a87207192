/* Tests for acct/slurmcmd.h: running commands without a shell.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "acct/slurmcmd.h"

static char script[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(script, sizeof(script), "%s", sc_test_path("tests/data/acct/fake-cmd.sh"));
	return 0;
}

/* What sc_slurm_prog gives for name when the environment says nothing: the command in the
 * bin/ of the Slurm configure was given (--with-slurm), when it is there, else the name. */
static const char *default_prog(const char *name, char *buf, size_t n)
{
#ifdef SC_SLURM_BINDIR
	snprintf(buf, n, "%s/%s", SC_SLURM_BINDIR, name);
	if (access(buf, X_OK) == 0)
		return buf;
#endif
	snprintf(buf, n, "%s", name);
	return buf;
}

static void test_prog(void **state)
{
	char want[512];

	(void)state;
	unsetenv("SCARBON_SACCT");
	unsetenv("SCARBON_SACCTMGR");
	unsetenv("SCARBON_SCONTROL");
	assert_string_equal(sc_slurm_prog("sacct"), default_prog("sacct", want, sizeof(want)));
	assert_string_equal(sc_slurm_prog("sacctmgr"), default_prog("sacctmgr", want, sizeof(want)));
	/* The environment wins; empty counts as unset; any command has its variable. */
	setenv("SCARBON_SACCT", "/opt/x/sacct", 1);
	setenv("SCARBON_SACCTMGR", "", 1);
	setenv("SCARBON_SCONTROL", "/opt/x/scontrol", 1);
	assert_string_equal(sc_slurm_prog("sacct"), "/opt/x/sacct");
	assert_string_equal(sc_slurm_prog("sacctmgr"), default_prog("sacctmgr", want, sizeof(want)));
	assert_string_equal(sc_slurm_prog("scontrol"), "/opt/x/scontrol");
	assert_string_equal(sc_slurm_prog("sc-no-such-command"), "sc-no-such-command");
	unsetenv("SCARBON_SACCT");
	unsetenv("SCARBON_SACCTMGR");
	unsetenv("SCARBON_SCONTROL");
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

static int count_job(const struct sc_acct_job *job, void *arg)
{
	(void)job;
	(*(int *)arg)++;
	return 0;
}

/* sacct run the way scarbon reads it, with the test's stand-in. */
static void test_sacct_run(void **state)
{
	char dir[] = "/tmp/sc-test-slurmcmd-XXXXXX", wrapper[128], log[128], cmd[512], *args[] = { "--allusers", NULL };
	struct sc_sacct_stats st;
	struct sc_err err = { "" };
	FILE *f;
	int jobs = 0;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(wrapper, sizeof(wrapper), "%s/sacct", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	f = fopen(wrapper, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\nexec /bin/sh '%s' \"$@\"\n", sc_test_path("tests/data/acct/fake-sacct.sh"));
	fclose(f);
	assert_int_equal(chmod(wrapper, 0755), 0);
	setenv("SCARBON_SACCT", wrapper, 1);
	setenv("SC_FAKE_DUMP", sc_test_path("tests/data/acct/sample.sacct"), 1);
	setenv("SC_FAKE_LOG", log, 1);

	assert_int_equal(sc_sacct_run(args, count_job, &jobs, NULL, &st, &err), 0);
	assert_true(jobs > 0);
	assert_int_equal(st.jobs, jobs);
	f = fopen(log, "r");
	assert_non_null(f);
	{
		char text[4096];
		size_t n = fread(text, 1, sizeof(text) - 1, f);
		text[n] = '\0';
		assert_contains(text, "sacct\n  --parsable2\n  --noconvert\n  --delimiter=\x1f\n  --allusers\n"
				      "  --format=" SC_SACCT_FIELDS "\n");
	}
	fclose(f);

	/* sacct's failure is the error, whatever the reading made of its output. */
	setenv("SC_FAKE_SACCT_FAIL", "1", 1);
	assert_int_equal(sc_sacct_run(NULL, count_job, &jobs, NULL, NULL, &err), -1);
	assert_contains(err.msg, "Connection refused");
	unsetenv("SC_FAKE_SACCT_FAIL");
	setenv("SCARBON_SACCT", "/nonexistent/sacct", 1);
	assert_int_equal(sc_sacct_run(NULL, count_job, &jobs, NULL, NULL, &err), -1);
	assert_contains(err.msg, "/nonexistent/sacct");
	{
		char *many[34];
		for (int i = 0; i < 33; i++)
			many[i] = "--x";
		many[33] = NULL;
		assert_int_equal(sc_sacct_run(many, count_job, &jobs, NULL, NULL, &err), -1);
		assert_contains(err.msg, "more than 32 sacct arguments");
	}
	unsetenv("SCARBON_SACCT");
	unsetenv("SC_FAKE_DUMP");
	unsetenv("SC_FAKE_LOG");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prog),
		cmocka_unit_test(test_open_args_env),
		cmocka_unit_test(test_open_failures),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_sacct_run),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
