# forecast/: intensity series, the file and static providers, snapshots.
noinst_LTLIBRARIES += forecast/libscforecast.la
forecast_libscforecast_la_SOURCES = \
	forecast/zone.c forecast/zone.h \
	forecast/series.c forecast/series.h \
	forecast/csvfile.c forecast/csvfile.h \
	forecast/snapshot.c forecast/snapshot.h
forecast_libscforecast_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)

check_PROGRAMS += tests/unit/test_series
TESTS += tests/unit/test_series
tests_unit_test_series_SOURCES = tests/unit/test_series.c tests/unit/testutil.h
tests_unit_test_series_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_series_LDADD = $(SC_TEST_LIBS)

check_PROGRAMS += tests/unit/test_csvfile
TESTS += tests/unit/test_csvfile
tests_unit_test_csvfile_SOURCES = tests/unit/test_csvfile.c tests/unit/testutil.h
tests_unit_test_csvfile_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_csvfile_LDADD = $(SC_TEST_LIBS)
EXTRA_DIST += tests/data/intensity/README.md \
	tests/data/intensity/em-DE-2021-01-01.csv \
	tests/data/intensity/ukci-national-2023-03-13.csv

check_PROGRAMS += tests/unit/test_snapshot
TESTS += tests/unit/test_snapshot
tests_unit_test_snapshot_SOURCES = tests/unit/test_snapshot.c tests/unit/testutil.h
tests_unit_test_snapshot_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_snapshot_LDADD = $(SC_TEST_LIBS)
