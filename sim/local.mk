# sim/: job traces, forecast views, peer rules and the replay engine behind
# `scarbon simulate` (a convenience library). It reads sacct traces with
# acct/'s reader and forecast archives with forecast/'s, so it links before them.
noinst_LTLIBRARIES += sim/libscsim.la
sim_libscsim_la_SOURCES = \
	sim/trace.c sim/trace.h \
	sim/fview.c sim/fview.h \
	sim/peers.c sim/peers.h \
	sim/oracle.c sim/oracle.h \
	sim/capacity.c sim/capacity.h \
	sim/congest.c sim/congest.h \
	sim/sim.c sim/sim.h \
	sim/report.c sim/report.h
sim_libscsim_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
SC_SIM_LIBS = sim/libscsim.la acct/libscacct.la $(SC_CORE_LIBS)

check_PROGRAMS += tests/unit/test_sim
TESTS += tests/unit/test_sim
tests_unit_test_sim_SOURCES = tests/unit/test_sim.c tests/unit/testutil.h
tests_unit_test_sim_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_sim_LDADD = $(SC_SIM_LIBS) $(CMOCKA_LIBS)
EXTRA_DIST += tests/data/sim/README.md tests/data/sim/mini.swf tests/data/sim/mini-sacct.txt \
	tests/data/sim/gaia-azure-head.csv tests/data/sim/gaia-pai_1k-head.csv \
	tests/data/sim/ukci-forecasts-extract.csv
