# bench/: benchmarks (not run by make check). `make bench` builds them.
EXTRA_PROGRAMS += bench/bench_decide
bench_bench_decide_SOURCES = bench/bench_decide.c bench/benchutil.h
bench_bench_decide_LDADD = policy/libscpolicy.la base/libscbase.la -lm
CLEANFILES += bench/bench_decide
EXTRA_PROGRAMS += bench/bench_forecast
bench_bench_forecast_SOURCES = bench/bench_forecast.c bench/benchutil.h
bench_bench_forecast_LDADD = $(SC_CORE_LIBS)
CLEANFILES += bench/bench_forecast
EXTRA_PROGRAMS += bench/bench_simulate
bench_bench_simulate_SOURCES = bench/bench_simulate.c bench/benchutil.h
bench_bench_simulate_LDADD = $(SC_SIM_LIBS)
CLEANFILES += bench/bench_simulate
dist_noinst_SCRIPTS += bench/simulate_tables.py
# The error model's forecasts as an archive, and their errors against a real one's.
EXTRA_PROGRAMS += bench/forecast_issues
bench_forecast_issues_SOURCES = bench/forecast_issues.c
bench_forecast_issues_LDADD = $(SC_SIM_LIBS)
CLEANFILES += bench/forecast_issues
dist_noinst_SCRIPTS += bench/forecast_errors.py
dist_noinst_SCRIPTS += bench/oracle_check.py
# job_submit/carbon's time per job_submit call: dlopens the built plugin with stub Slurm
# symbols (exported from the harness, as slurmctld exports them).
EXTRA_PROGRAMS += bench/bench_plugin
bench_bench_plugin_SOURCES = bench/bench_plugin.c bench/benchutil.h
bench_bench_plugin_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
bench_bench_plugin_LDFLAGS = $(AM_LDFLAGS) -export-dynamic
bench_bench_plugin_LDADD = -ldl -lm
CLEANFILES += bench/bench_plugin
# Submission throughput of a private cluster with and without the plugins.
dist_noinst_SCRIPTS += bench/bench_submit.sh

bench: $(EXTRA_PROGRAMS)
.PHONY: bench

# scarbon report / reconcile over synthetic sacct dumps (BENCHMARKS.md, "Reports from accounting").
EXTRA_DIST += bench/gen-sacct.sh bench/bench-report.sh
# The learned estimates: lookup at submission and loading (BENCHMARKS.md, "Learned estimates"),
# and their accuracy on a public trace (a script running scarbon learn).
EXTRA_PROGRAMS += bench/bench_learn
bench_bench_learn_SOURCES = bench/bench_learn.c bench/benchutil.h
bench_bench_learn_LDADD = $(SC_CORE_LIBS)
CLEANFILES += bench/bench_learn
dist_noinst_SCRIPTS += bench/learn_accuracy.py bench/learn_variants.py
