# record/: the AdminComment / SystemComment JSON records (jansson).
noinst_LTLIBRARIES += record/libscrecord.la
record_libscrecord_la_SOURCES = record/record.c record/record.h record/comment.c record/comment.h
record_libscrecord_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)

check_PROGRAMS += tests/unit/test_record
TESTS += tests/unit/test_record
tests_unit_test_record_SOURCES = tests/unit/test_record.c tests/unit/testutil.h
tests_unit_test_record_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_record_LDADD = $(SC_TEST_LIBS)
