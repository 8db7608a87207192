/* slurm-carbon: tests of acct/writer.h (choosing a SystemComment writer) and
 * acct/slurmdb.h (libslurm loaded at run time), against the stand-in
 * tests/unit/fake_libslurm.c.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * libslurm is loaded once per process, so the tests run in order: the
 * libraries that cannot be used first, then the stand-in.
 */
#include "tests/unit/acct_testutil.h"

#include <stdint.h>
#include <unistd.h>

#include <slurm/slurm_version.h>

#include "acct/slurmdb.h"
#include "acct/writer.h"

static char tmpdir[256], dump[300], calls_log[300], fake[4096];

static int setup(void **state)
{
	const char *build = getenv("SC_TOP_BUILDDIR");
	char api[16];
	(void)state;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sc-test-writer-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(dump, sizeof(dump), "%s/db.sacct", tmpdir);
	snprintf(calls_log, sizeof(calls_log), "%s/calls.log", tmpdir);
	snprintf(fake, sizeof(fake), "%s/tests/unit/.libs/fake_libslurm.so", build && *build ? build : ".");
	snprintf(api, sizeof(api), "%d",
		 sc_slurmdb_api_of(SLURM_VERSION_MAJOR(SLURM_VERSION_NUMBER), SLURM_VERSION_MINOR(SLURM_VERSION_NUMBER)));
	setenv("SC_FAKE_API_VERSION", api, 1);
	setenv("SC_FAKE_DUMP", dump, 1);
	setenv("SC_FAKE_LOG", calls_log, 1);
	unsetenv(SC_LIBSLURM_ENV);
	unsetenv("SLURM_CONF");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return sc_test_rmdir(tmpdir);
}

struct warned {
	int n;
	char msg[1024];
};

static void warn(const char *msg, void *arg)
{
	struct warned *w = arg;

	w->n++;
	snprintf(w->msg, sizeof(w->msg), "%s", msg);
}

static void test_find(void **state)
{
	struct sc_err err = { "" };
	(void)state;

	assert_ptr_equal(sc_comment_writer_find("slurmdb", &err), &sc_writer_slurmdb);
	assert_ptr_equal(sc_comment_writer_find("sacctmgr", &err), &sc_writer_sacctmgr);
	assert_int_equal(sc_writer_slurmdb.form, SC_COMMENT_JSON);
	assert_int_equal(sc_writer_sacctmgr.form, SC_COMMENT_SACCTMGR);
	assert_null(sc_comment_writer_find("sacct", &err));
	assert_string_equal(err.msg, "unknown writer 'sacct': expected slurmdb or sacctmgr");
	assert_null(sc_comment_writer_find("SLURMDB", &err));
	assert_null(sc_comment_writer_find(NULL, NULL));

	/* Each release's API version (its libslurm.so.N). */
	assert_int_equal(sc_slurmdb_api_of(22, 5), 38);
	assert_int_equal(sc_slurmdb_api_of(24, 11), 42);
	assert_int_equal(sc_slurmdb_api_of(26, 5), 45);
	assert_int_equal(sc_slurmdb_api_of(21, 8), -1);
}

static void test_unloadable(void **state)
{
	struct sc_err err = { "" };
	struct warned w = { 0, "" };
	const struct sc_comment_writer *wr;
	void *st = (void *)&w;
	(void)state;

	/* The path: configure's, unless the environment names another. */
	assert_string_equal(sc_slurmdb_path(), SC_LIBSLURM_PATH);
	setenv(SC_LIBSLURM_ENV, "", 1);
	assert_string_equal(sc_slurmdb_path(), SC_LIBSLURM_PATH);
	setenv(SC_LIBSLURM_ENV, "/nonexistent/libslurm.so.38", 1);
	assert_string_equal(sc_slurmdb_path(), "/nonexistent/libslurm.so.38");

	/* Not there: the path and the loader's reason. */
	assert_int_equal(sc_slurmdb_load(&err), -1);
	assert_contains(err.msg, "cannot load libslurm /nonexistent/libslurm.so.38: ");
	assert_contains(err.msg, "No such file or directory");
	assert_null(sc_slurmdb_open(&err));
	assert_contains(err.msg, "cannot load libslurm /nonexistent/libslurm.so.38");

	/* The default falls back to sacctmgr, and says what that means. */
	wr = sc_comment_writer_open(NULL, warn, &w, &st, &err);
	assert_ptr_equal(wr, &sc_writer_sacctmgr);
	assert_non_null(st);
	wr->close(st);
	assert_int_equal(w.n, 1);
	assert_contains(w.msg, "cannot load libslurm /nonexistent/libslurm.so.38");
	assert_contains(w.msg, "through sacctmgr instead, which stores every '\"' as '`'");
	assert_contains(w.msg, "set SCARBON_LIBSLURM to Slurm's libslurm.so");
	wr = sc_comment_writer_open("", NULL, NULL, &st, &err);
	assert_ptr_equal(wr, &sc_writer_sacctmgr);
	wr->close(st);
	/* Asked for by name: no fallback, and no warning for sacctmgr. */
	w.n = 0;
	st = (void *)&w;
	assert_null(sc_comment_writer_open("slurmdb", warn, &w, &st, &err));
	assert_null(st);
	assert_contains(err.msg, "slurmdb: cannot load libslurm /nonexistent/libslurm.so.38: ");
	wr = sc_comment_writer_open("sacctmgr", warn, &w, &st, &err);
	assert_ptr_equal(wr, &sc_writer_sacctmgr);
	wr->close(st);
	assert_int_equal(w.n, 0);
	assert_null(sc_comment_writer_open("jq", warn, &w, &st, &err));
	assert_string_equal(err.msg, "unknown writer 'jq': expected slurmdb or sacctmgr");

	/* A library that is not libslurm. */
	setenv(SC_LIBSLURM_ENV, "libm.so.6", 1);
	assert_int_equal(sc_slurmdb_load(&err), -1);
	assert_contains(err.msg, "libslurm libm.so.6 has no slurm_init");

	/* Another release's libslurm: its structures differ. */
	{
		int want = sc_slurmdb_api_of(SLURM_VERSION_MAJOR(SLURM_VERSION_NUMBER),
					     SLURM_VERSION_MINOR(SLURM_VERSION_NUMBER));
		char msg[160];
		setenv(SC_LIBSLURM_ENV, fake, 1);
		setenv("SC_FAKE_API_VERSION", want == 42 ? "45" : "42", 1);
		assert_int_equal(sc_slurmdb_load(&err), -1);
		assert_contains(err.msg, want == 42 ? "is Slurm 26.05's (API 45)" : "is Slurm 24.11's (API 42)");
		snprintf(msg, sizeof(msg), "but scarbon was built with Slurm %d.%02d's headers (API %d)",
			 SLURM_VERSION_MAJOR(SLURM_VERSION_NUMBER), SLURM_VERSION_MINOR(SLURM_VERSION_NUMBER), want);
		assert_contains(err.msg, msg);
	}
	setenv("SC_FAKE_API_VERSION", "7", 1);
	assert_int_equal(sc_slurmdb_load(&err), -1);
	assert_contains(err.msg, "is an unknown Slurm's (API 7)");
	/* slurm_init was never reached; nothing is loaded. */
	assert_int_equal(access(calls_log, F_OK), -1);
	assert_string_equal(sc_slurmdb_loaded(), "");
}

static void test_slurmdb(void **state)
{
	struct sc_err err = { "" };
	struct sc_slurmdb *db;
	char api[16], lib[400], cmd[12000], *log, *all;
	(void)state;

	snprintf(api, sizeof(api), "%d",
		 sc_slurmdb_api_of(SLURM_VERSION_MAJOR(SLURM_VERSION_NUMBER), SLURM_VERSION_MINOR(SLURM_VERSION_NUMBER)));
	setenv("SC_FAKE_API_VERSION", api, 1);
	/* The accounting "database", and libslurm installed as Slurm does:
	 * libslurm.so, and libslurmfull.so in the plugin directory next to it,
	 * which is the one loaded. */
	snprintf(cmd, sizeof(cmd),
		 "cp '%s' '%s' && : >'%s' && mkdir -p '%s/lib/slurm' && cp '%s' '%s/lib/libslurm.so.99' && "
		 "cp '%s' '%s/lib/slurm/libslurmfull.so'",
		 sc_test_path("tests/data/acct/sample.sacct"), dump, calls_log, tmpdir, fake, tmpdir, fake, tmpdir);
	assert_int_equal(system(cmd), 0);
	snprintf(lib, sizeof(lib), "%s/lib/libslurm.so.99", tmpdir);
	setenv(SC_LIBSLURM_ENV, lib, 1);

	/* An unreadable slurm.conf is said before libslurm's fatal() could end the process. */
	setenv("SLURM_CONF", "/nonexistent/slurm.conf", 1);
	assert_null(sc_slurmdb_open(&err));
	assert_contains(err.msg, "cannot read /nonexistent/slurm.conf (SLURM_CONF): No such file or directory");
	unsetenv("SLURM_CONF");

	/* slurmdbd down: where slurm.conf says it is, and Slurm's reason. */
	setenv("SC_FAKE_DBD_DOWN", "1", 1);
	assert_null(sc_slurmdb_open(&err));
	assert_string_equal(err.msg, "cannot reach slurmdbd at dbd.example:6819 (AccountingStorageHost and "
				     "AccountingStoragePort of slurm.conf): Unable to connect to database");
	unsetenv("SC_FAKE_DBD_DOWN");

	db = sc_slurmdb_open(&err);
	assert_non_null(db);
	snprintf(lib, sizeof(lib), "%s/lib/slurm/libslurmfull.so", tmpdir);
	assert_string_equal(sc_slurmdb_loaded(), lib);
	/* Each record exactly: a job, an array task, a heterogeneous component. */
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1001", "carbontest", "{\"carbon_actual\":{\"v\":1}}", &err), 0);
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1003_1", "carbontest", "{\"a\":1}", &err), 0);
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1004+1", "", "{\"b\":\"x y\"}", &err), 0);
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1009", NULL, "requeued by ops {\"c\":2}", &err), 0);

	/* Refused before anything is sent. */
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1002", "carbontest", "it's", &err), -1);
	assert_contains(err.msg, "holds a ' or a \\, which slurmdbd would put into its SQL unescaped");
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1002", "carbontest", "a\\b", &err), -1);
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1002.batch", "carbontest", "x", &err), -1);
	assert_string_equal(err.msg, "invalid job id '1002.batch': expected N, N_T or N+K");
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1003_", "carbontest", "x", &err), -1);
	assert_int_equal(sc_slurmdb_set_system_comment(db, "0", "carbontest", "x", &err), -1);

	/* What slurmdbd refuses. */
	setenv("SC_FAKE_DENY", "1", 1);
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1002", "carbontest", "{}", &err), -1);
	assert_string_equal(err.msg, "permission denied: only root, SlurmUser and users with AdminLevel Operator or "
				     "Administrator may set SystemComment (Access/permission denied)");
	unsetenv("SC_FAKE_DENY");
	assert_int_equal(sc_slurmdb_set_system_comment(db, "4242", "carbontest", "{}", &err), -1);
	assert_string_equal(err.msg, "not found in accounting on cluster carbontest (Nothing modified)");
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1002", "othercluster", "{}", &err), -1);
	assert_string_equal(err.msg, "not found in accounting on cluster othercluster (Nothing modified)");
	setenv("SC_FAKE_FAIL", "1002", 1);
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1002", "carbontest", "{}", &err), -1);
	assert_contains(err.msg, "(Nothing modified)");
	unsetenv("SC_FAKE_FAIL");
	setenv("SC_FAKE_MATCH2", "1", 1);
	assert_int_equal(sc_slurmdb_set_system_comment(db, "1002", "carbontest", "{}", &err), -1);
	assert_string_equal(err.msg, "2 records matched instead of one: rolled back");
	unsetenv("SC_FAKE_MATCH2");
	sc_slurmdb_close(db);
	sc_slurmdb_close(NULL);

	log = sc_test_read_file(calls_log, NULL);
	assert_int_equal(sc_test_count(log, "slurm_init\n"), 1);
	assert_int_equal(sc_test_count(log, "connect\n"), 2);
	assert_int_equal(sc_test_count(log, "close\n"), 2);
	assert_contains(log, "modify cluster=carbontest job=1001 SystemComment={\"carbon_actual\":{\"v\":1}}\n");
	assert_contains(log, "modify cluster=carbontest job=1003_1 SystemComment={\"a\":1}\n");
	assert_contains(log, "modify cluster=carbontest job=1004+1 SystemComment={\"b\":\"x y\"}\n");
	assert_contains(log, "modify cluster=othercluster job=1002 ");
	/* Four changes committed; the one that matched two records rolled back. */
	assert_int_equal(sc_test_count(log, "commit 1\n"), 4);
	assert_int_equal(sc_test_count(log, "commit 0\n"), 1);
	assert_null(strstr(log, "it's"));
	assert_null(strstr(log, "ABORT"));
	free(log);
	/* Stored as given. */
	all = sc_test_read_file(dump, NULL);
	assert_contains(all, "\n1001|1001|carbontest|alice|");
	assert_contains(all, "|{\"carbon_actual\":{\"v\":1}}\n1001.batch|");
	assert_contains(all, "|{\"a\":1}\n1003_2|");
	assert_contains(all, "|{\"b\":\"x y\"}\n1006|");
	assert_contains(all, "|requeued by ops {\"c\":2}\n1012|");
	free(all);
}

static void test_writer_slurmdb(void **state)
{
	struct sc_err err = { "" };
	struct warned w = { 0, "" };
	struct sc_comment_write jobs[2] = {
		{ .jobid = "1012", .jobid_raw = "1012", .cluster = "carbontest", .value = "{\"d\":4}" },
		{ .jobid = "999", .jobid_raw = "999", .cluster = "carbontest", .value = "{\"d\":4}" },
	};
	const struct sc_comment_writer *wr;
	void *st = NULL;
	(void)state;

	/* Loadable now: the default is slurmdb, without a warning. */
	wr = sc_comment_writer_open(NULL, warn, &w, &st, &err);
	assert_ptr_equal(wr, &sc_writer_slurmdb);
	assert_int_equal(w.n, 0);
	wr->write(st, jobs, 2);
	wr->close(st);
	assert_int_equal(jobs[0].written, 1);
	assert_string_equal(jobs[0].why, "");
	assert_int_equal(jobs[1].written, 0);
	assert_string_equal(jobs[1].why, "not found in accounting on cluster carbontest (Nothing modified)");
	/* An unreachable slurmdbd fails the writer: sacctmgr would fail too. */
	setenv("SC_FAKE_DBD_DOWN", "1", 1);
	assert_null(sc_comment_writer_open(NULL, warn, &w, &st, &err));
	assert_contains(err.msg, "slurmdb: cannot reach slurmdbd at dbd.example:6819");
	assert_int_equal(w.n, 0);
	unsetenv("SC_FAKE_DBD_DOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_unloadable),
		cmocka_unit_test(test_slurmdb),
		cmocka_unit_test(test_writer_slurmdb),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
