# config/: the carbon.conf parser.
noinst_LTLIBRARIES += config/libscconf.la
config_libscconf_la_SOURCES = config/conf.c config/conf.h

check_PROGRAMS += tests/unit/test_conf
TESTS += tests/unit/test_conf
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c tests/unit/testutil.h
tests_unit_test_conf_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_conf_LDADD = $(SC_TEST_LIBS)
