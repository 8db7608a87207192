# acct/: accounting — the sacct reader, actual emissions, reports, the
# adapter that runs sacct/sacctmgr, and the writers of SystemComment (libslurm's
# accounting API, loaded with dlopen: nothing here links -lslurm; or sacctmgr).
noinst_LTLIBRARIES += acct/libscacct.la
acct_libscacct_la_SOURCES = \
	acct/sacct.c acct/sacct.h \
	acct/actual.c acct/actual.h \
	acct/intensity.c acct/intensity.h \
	acct/report.c acct/report.h \
	acct/slurmcmd.c acct/slurmcmd.h \
	acct/slurmdb.c acct/slurmdb.h \
	acct/reconcile.c acct/reconcile.h \
	acct/writer.c acct/writer.h acct/writer_sacctmgr.c
acct_libscacct_la_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
acct_libscacct_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
SC_ACCT_LIBS = acct/libscacct.la $(SC_TEST_LIBS)

# A stand-in for libslurm's accounting API, loaded through $SCARBON_LIBSLURM
# (tests/unit/fake_libslurm.c): a module built for the tests, never installed.
check_LTLIBRARIES = tests/unit/fake_libslurm.la
tests_unit_fake_libslurm_la_SOURCES = tests/unit/fake_libslurm.c
tests_unit_fake_libslurm_la_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
tests_unit_fake_libslurm_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared -rpath /nowhere

check_PROGRAMS += tests/unit/test_sacct tests/unit/test_actual tests/unit/test_report \
	tests/unit/test_slurmcmd tests/unit/test_writer tests/unit/test_acct_cli tests/unit/test_reconcile
TESTS += tests/unit/test_sacct tests/unit/test_actual tests/unit/test_report \
	tests/unit/test_slurmcmd tests/unit/test_writer tests/unit/test_acct_cli tests/unit/test_reconcile
tests_unit_test_sacct_SOURCES = tests/unit/test_sacct.c tests/unit/testutil.h
tests_unit_test_sacct_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_sacct_LDADD = $(SC_ACCT_LIBS)
tests_unit_test_actual_SOURCES = tests/unit/test_actual.c tests/unit/testutil.h
tests_unit_test_actual_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_actual_LDADD = $(SC_ACCT_LIBS)
tests_unit_test_report_SOURCES = tests/unit/test_report.c tests/unit/testutil.h
tests_unit_test_report_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_report_LDADD = $(SC_ACCT_LIBS)
tests_unit_test_slurmcmd_SOURCES = tests/unit/test_slurmcmd.c tests/unit/testutil.h
tests_unit_test_slurmcmd_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_slurmcmd_LDADD = $(SC_ACCT_LIBS)
tests_unit_test_reconcile_SOURCES = tests/unit/test_reconcile.c tests/unit/testutil.h
tests_unit_test_reconcile_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_reconcile_LDADD = $(SC_ACCT_LIBS)
# The writers of SystemComment and libslurm's loading, against the stand-in.
tests_unit_test_writer_SOURCES = tests/unit/test_writer.c tests/unit/testutil.h tests/unit/acct_testutil.h
tests_unit_test_writer_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
tests_unit_test_writer_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_writer_LDADD = $(SC_ACCT_LIBS)
# scarbon reconcile and report end to end, with stand-ins for sacct, sacctmgr and libslurm.
tests_unit_test_acct_cli_SOURCES = tests/unit/test_acct_cli.c tests/unit/testutil.h tests/unit/acct_testutil.h
tests_unit_test_acct_cli_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
tests_unit_test_acct_cli_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_acct_cli_LDADD = $(SC_ACCT_LIBS)
EXTRA_DIST += tests/data/acct/README.md tests/data/acct/fake-cmd.sh tests/data/acct/file-zone.csv \
	tests/data/acct/carbon.conf tests/data/acct/sample.sacct tests/data/acct/fake-sacct.sh \
	tests/data/acct/fake-sacctmgr.sh \
	tests/integration/accounting/run.sh tests/integration/accounting/cdp_check.py \
	tests/integration/accounting/verify.py \
	tests/data/acct/state/archive/GB-actual.csv tests/data/acct/state/archive/GB-forecasts.csv \
	tests/data/acct/state-bad/archive/XX-actual.csv tests/data/acct/state-bad/archive/XX-forecasts.csv
