# bench/: benchmarks (not run by make check). `make bench` builds them.
EXTRA_PROGRAMS += bench/bench_decide
bench_bench_decide_SOURCES = bench/bench_decide.c
bench_bench_decide_LDADD = policy/libscpolicy.la -lm
CLEANFILES += bench/bench_decide

bench: $(EXTRA_PROGRAMS)
.PHONY: bench
