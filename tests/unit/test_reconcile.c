/* slurm-carbon: tests of acct/reconcile.h — which record wins, what is
 * written, what is skipped — on the sample dump, without writing (the
 * writers and the command end to end: test_writer.c, test_acct_cli.c).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "testutil.h"

#include <ctype.h>
#include <string.h>
#include <unistd.h>

#include "acct/reconcile.h"
#include "config/conf.h"
#include "record/comment.h"
#include "record/record.h"

struct seen {
	char line[64][200]; /* "jobid outcome ci_source|why" */
	size_t n;
	int warnings;
	char last[1024]; /* the last record, as sacctmgr would store it */
};

static void collect(const char *jobid, enum sc_rec_outcome o, json_t *rec, const char *why, void *arg)
{
	struct seen *s = arg;

	if (rec) {
		char *v;
		json_incref(rec);
		v = sc_comment_encode(NULL, SC_RECORD_ACTUAL_KEY, rec, SC_COMMENT_SACCTMGR);
		assert_non_null(v);
		snprintf(s->last, sizeof(s->last), "%s", v);
		free(v);
	}
	if (s->n < 64)
		snprintf(s->line[s->n++], sizeof(s->line[0]), "%s %s %s", jobid, sc_rec_outcome_name(o),
			 why ? why : rec ? json_string_value(json_object_get(rec, "ci_source")) : "-");
}

static void warned(const char *msg, void *arg)
{
	(void)msg;
	((struct seen *)arg)->warnings++;
}

static int has(const struct seen *s, const char *line)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->line[i], line) == 0)
			return 1;
	return 0;
}

static char state_dir[1024];

/* Reconciles the dump (NULL: the sample; dry run) for the ids in want
 * (NULL: all). */
static struct sc_reconciler *run(struct sc_conf **conf, struct sc_ci_store **st, struct seen *s,
				 char *const *want, size_t n_want, int final, const char *dump)
{
	struct sc_reconcile_opts o = { .dry_run = 1, .fn = collect, .warn = warned, .arg = s };
	struct sc_reconciler *r;
	struct sc_err err = { "" };

	*conf = sc_conf_load(sc_test_path("tests/data/acct/carbon.conf"), NULL);
	assert_non_null(*conf);
	/* The store keeps the directory's name: a copy, not sc_test_path's buffer. */
	snprintf(state_dir, sizeof(state_dir), "%s", sc_test_path("tests/data/acct/state"));
	*st = sc_ci_store_create((*conf)->zones, (*conf)->n_zones, state_dir, warned, s);
	assert_non_null(*st);
	o.site = &(*conf)->site;
	o.store = *st;
	o.want = want;
	o.n_want = n_want;
	r = sc_reconciler_create(&o);
	assert_non_null(r);
	assert_int_equal(sc_reconciler_run(r, dump ? dump : sc_test_path("tests/data/acct/sample.sacct"), 0, 0, final, &err), 0);
	return r;
}

static void done(struct sc_reconciler *r, struct sc_conf *conf, struct sc_ci_store *st)
{
	sc_reconciler_destroy(r);
	sc_ci_store_destroy(st);
	sc_conf_destroy(conf);
}

static void test_outcomes(void **state)
{
	struct seen s = { .n = 0 };
	struct sc_conf *conf;
	struct sc_ci_store *st;
	struct sc_reconciler *r;

	(void)state;
	r = run(&conf, &st, &s, NULL, 0, 1, NULL);
	assert_true(has(&s, "1001 would-write submit"));
	/* Not recorded yet: would be written; the archive wins for the UK job. */
	assert_true(has(&s, "1002 would-write submit"));
	assert_true(has(&s, "1012 would-write actual"));
	/* A record from a better source is kept. */
	assert_true(has(&s, "1013 kept recorded intensity source 'actual' is better than 'static'"));
	assert_true(has(&s, "1006 skipped partition 'debug' is not managed by carbon.conf"));
	assert_true(has(&s, "1007 skipped still running"));
	assert_true(has(&s, "1008 skipped never ran"));
	assert_int_equal(sc_reconciler_seen(r), 12);
	assert_int_equal(sc_reconciler_count(r, SC_REC_WOULD), 8);
	assert_int_equal(sc_reconciler_count(r, SC_REC_UNCHANGED), 0);
	assert_int_equal(sc_reconciler_count(r, SC_REC_KEPT), 1);
	assert_int_equal(sc_reconciler_count(r, SC_REC_SKIPPED), 3);
	assert_int_equal(sc_reconciler_count(r, SC_REC_WRITTEN), 0);
	/* A dry run opens no writer. */
	assert_null(sc_reconciler_writer(r));
	assert_true(sc_reconciler_all_done(r));
	done(r, conf, st);
}

static void test_wanted(void **state)
{
	char *want[] = { "1003", "1007", "1099" };
	struct seen s = { .n = 0 };
	struct sc_conf *conf;
	struct sc_ci_store *st;
	struct sc_reconciler *r;

	(void)state;
	/* Not the last pass: a running job is not reported yet, and an id
	 * names its array tasks. */
	r = run(&conf, &st, &s, want, 3, 0, NULL);
	assert_int_equal(s.n, 2);
	assert_true(has(&s, "1003_1 would-write static"));
	assert_true(has(&s, "1003_2 would-write static"));
	assert_true(sc_reconciler_done(r, 0));
	assert_false(sc_reconciler_done(r, 1));
	assert_false(sc_reconciler_done(r, 2));
	assert_false(sc_reconciler_all_done(r));
	done(r, conf, st);

	memset(&s, 0, sizeof(s));
	r = run(&conf, &st, &s, want + 1, 1, 1, NULL);
	assert_int_equal(s.n, 1);
	assert_true(has(&s, "1007 skipped still running"));
	done(r, conf, st);
}

/* A record stored by sacctmgr (backticks, lower case) with the same figures
 * is not written again. */
static void test_unchanged(void **state)
{
	char *want[] = { "1001" };
	char dump[] = "/tmp/sc-test-reconcile-XXXXXX", cmd[2048];
	struct seen s = { .n = 0 };
	struct sc_conf *conf;
	struct sc_ci_store *st;
	struct sc_reconciler *r;
	int fd;

	(void)state;
	r = run(&conf, &st, &s, want, 1, 1, NULL);
	assert_true(has(&s, "1001 would-write submit"));
	done(r, conf, st);
	for (char *p = s.last; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	fd = mkstemp(dump);
	assert_true(fd >= 0);
	close(fd);
	/* The header and job 1001, its SystemComment (the last column) set. */
	snprintf(cmd, sizeof(cmd), "(head -1 '%s'; grep '^1001[|.]' '%s' | sed '1s/|$/|%s/') >'%s'",
		 sc_test_path("tests/data/acct/sample.sacct"), sc_test_path("tests/data/acct/sample.sacct"),
		 s.last, dump);
	assert_int_equal(system(cmd), 0);
	memset(&s, 0, sizeof(s));
	r = run(&conf, &st, &s, want, 1, 1, dump);
	assert_int_equal(s.n, 1);
	assert_true(has(&s, "1001 unchanged submit"));
	done(r, conf, st);
	unlink(dump);
}

static void test_parse_jobs(void **state)
{
	struct sc_err err = { "" };
	char **ids, *buf;
	size_t n;

	(void)state;
	assert_int_equal(sc_reconcile_parse_jobs("12,13_4,,14+1", &ids, &buf, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ids[0], "12");
	assert_string_equal(ids[1], "13_4");
	assert_string_equal(ids[2], "14+1");
	free(ids);
	free(buf);
	assert_int_equal(sc_reconcile_parse_jobs("12,x", &ids, &buf, &n, &err), -1);
	assert_string_equal(err.msg, "invalid job id 'x': expected N, N_T (array task) or N+K "
				     "(heterogeneous component), comma-separated");
	assert_null(ids);
	assert_null(buf);
	assert_int_equal(sc_reconcile_parse_jobs(",", &ids, &buf, &n, &err), -1);
	assert_string_equal(err.msg, "no job id given");
	assert_int_equal(sc_reconcile_parse_jobs("12345678901", &ids, &buf, &n, &err), -1);
	assert_int_equal(sc_reconcile_parse_jobs("1_", &ids, &buf, &n, &err), -1);
	assert_string_equal(sc_rec_outcome_name(SC_REC_WOULD), "would-write");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_wanted),
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_parse_jobs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
