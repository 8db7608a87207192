# policy/: the pure decision engine (libc and base/ only).
noinst_LTLIBRARIES += policy/libscpolicy.la
policy_libscpolicy_la_SOURCES = \
	policy/energy.c policy/energy.h \
	policy/grid.c policy/grid.h \
	policy/decide.c policy/decide.h \
	policy/load.c policy/load.h \
	policy/message.c policy/message.h \
	policy/request.c policy/request.h

check_PROGRAMS += tests/unit/test_decide
TESTS += tests/unit/test_decide
tests_unit_test_decide_SOURCES = tests/unit/test_decide.c tests/unit/testutil.h
tests_unit_test_decide_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_decide_LDADD = $(SC_TEST_LIBS)
