# sim/: job traces, forecast views, peer rules and the replay engine behind
# `scarbon simulate` (a convenience library).
noinst_LTLIBRARIES += sim/libscsim.la
sim_libscsim_la_SOURCES = \
	sim/trace.c sim/trace.h \
	sim/fview.c sim/fview.h \
	sim/peers.c sim/peers.h \
	sim/sim.c sim/sim.h \
	sim/report.c sim/report.h
sim_libscsim_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
SC_SIM_LIBS = sim/libscsim.la $(SC_CORE_LIBS)
