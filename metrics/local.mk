# metrics/: what job_submit/carbon decided (its counters, saved in StateDir) and the
# Prometheus text exposition of them and of the zones' forecasts (`scarbon metrics`).
noinst_LTLIBRARIES += metrics/libscmetrics.la
metrics_libscmetrics_la_SOURCES = metrics/counters.c metrics/counters.h \
	metrics/exposition.c metrics/exposition.h
metrics_libscmetrics_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)

check_PROGRAMS += tests/unit/test_metrics
TESTS += tests/unit/test_metrics
tests_unit_test_metrics_SOURCES = tests/unit/test_metrics.c tests/unit/testutil.h
tests_unit_test_metrics_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_metrics_LDADD = metrics/libscmetrics.la $(SC_TEST_LIBS)
