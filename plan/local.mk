# plan/: the submit-time evaluation shared by the plugin, scarbon plan and simulate.
noinst_LTLIBRARIES += plan/libscplan.la
plan_libscplan_la_SOURCES = plan/plan.c plan/plan.h plan/loadfile.c plan/loadfile.h
plan_libscplan_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)

check_PROGRAMS += tests/unit/test_plan
TESTS += tests/unit/test_plan
tests_unit_test_plan_SOURCES = tests/unit/test_plan.c tests/unit/testutil.h
tests_unit_test_plan_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_plan_LDADD = $(SC_TEST_LIBS)
