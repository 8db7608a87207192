# plan/: the submit-time evaluation shared by the plugin, scarbon plan and simulate.
noinst_LTLIBRARIES += plan/libscplan.la
plan_libscplan_la_SOURCES = plan/plan.c plan/plan.h
plan_libscplan_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
