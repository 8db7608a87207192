# acct/: accounting — the sacct reader, actual emissions, reports, and the
# adapter that runs sacct/sacctmgr.
noinst_LTLIBRARIES += acct/libscacct.la
acct_libscacct_la_SOURCES = \
	acct/sacct.c acct/sacct.h \
	acct/actual.c acct/actual.h \
	acct/intensity.c acct/intensity.h \
	acct/report.c acct/report.h \
	acct/slurmcmd.c acct/slurmcmd.h
acct_libscacct_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
SC_ACCT_LIBS = acct/libscacct.la $(SC_TEST_LIBS)

check_PROGRAMS += tests/unit/test_sacct tests/unit/test_actual tests/unit/test_report \
	tests/unit/test_slurmcmd tests/unit/test_acct_cli
TESTS += tests/unit/test_sacct tests/unit/test_actual tests/unit/test_report \
	tests/unit/test_slurmcmd tests/unit/test_acct_cli
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
# scarbon reconcile and report end to end, with stand-ins for sacct and sacctmgr.
tests_unit_test_acct_cli_SOURCES = tests/unit/test_acct_cli.c tests/unit/testutil.h
tests_unit_test_acct_cli_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_acct_cli_LDADD = $(SC_TEST_LIBS)
EXTRA_DIST += tests/data/acct/README.md tests/data/acct/fake-cmd.sh tests/data/acct/file-zone.csv \
	tests/data/acct/carbon.conf tests/data/acct/sample.sacct tests/data/acct/fake-sacct.sh \
	tests/data/acct/fake-sacctmgr.sh \
	tests/integration/accounting/run.sh tests/integration/accounting/cdp_check.py \
	tests/integration/accounting/verify.py \
	tests/data/acct/state/archive/GB-actual.csv tests/data/acct/state/archive/GB-forecasts.csv \
	tests/data/acct/state-bad/archive/XX-actual.csv tests/data/acct/state-bad/archive/XX-forecasts.csv
