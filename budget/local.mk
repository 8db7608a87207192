# budget/: carbon budgets over time — periods, matching jobs to budgets, the usage ledger.
noinst_LTLIBRARIES += budget/libscbudget.la
budget_libscbudget_la_SOURCES = budget/budget.c budget/budget.h
budget_libscbudget_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)

check_PROGRAMS += tests/unit/test_budget
TESTS += tests/unit/test_budget
tests_unit_test_budget_SOURCES = tests/unit/test_budget.c tests/unit/testutil.h
tests_unit_test_budget_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_budget_LDADD = $(SC_TEST_LIBS)
