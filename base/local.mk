# base/: what every layer uses and that uses nothing of the project — error values,
# units, growing arrays, reading files, the JSON encoding. (Its objects are linked only where used:
# the SPANK plugin, which needs no jansson, pulls in no base/json.o.)
noinst_LTLIBRARIES += base/libscbase.la
base_libscbase_la_SOURCES = \
	base/error.c base/error.h \
	base/units.c base/units.h \
	base/grow.c base/grow.h \
	base/file.c base/file.h \
	base/json.c base/json.h
base_libscbase_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)

check_PROGRAMS += tests/unit/test_units tests/unit/test_base
TESTS += tests/unit/test_units tests/unit/test_base
tests_unit_test_units_SOURCES = tests/unit/test_units.c tests/unit/testutil.h
tests_unit_test_units_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_units_LDADD = $(SC_TEST_LIBS)
tests_unit_test_base_SOURCES = tests/unit/test_base.c tests/unit/testutil.h
tests_unit_test_base_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_base_LDADD = $(SC_TEST_LIBS)
