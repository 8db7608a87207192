# learn/: the learned estimates — the model file (estimates.json), its strict reader and
# the lookup at submission (model.c), and the fit from ended jobs that writes it (fit.c).
noinst_LTLIBRARIES += learn/libsclearn.la
learn_libsclearn_la_SOURCES = learn/model.c learn/model.h learn/fit.c learn/fit.h
learn_libsclearn_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)

check_PROGRAMS += tests/unit/test_learn
TESTS += tests/unit/test_learn
tests_unit_test_learn_SOURCES = tests/unit/test_learn.c tests/unit/testutil.h
tests_unit_test_learn_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_learn_LDADD = $(SC_TEST_LIBS)
EXTRA_DIST += tests/data/learn/history.sacct
