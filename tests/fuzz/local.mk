# Fuzzing, not part of make check: `make fuzz` builds the libFuzzer targets of
# tests/fuzz (README.md there) with clang; `make fuzz-check` builds them and runs
# each for FUZZ_TIME seconds from its seed corpus, failing on any finding. They
# compile the sources themselves so that these carry the fuzzer's coverage
# instrumentation, whatever compiler configured the build.
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TIME = 20
FUZZ_BUILD = $(FUZZ_CC) $(FUZZ_CFLAGS) -std=gnu11 -I$(top_srcdir) -I$(top_builddir)
FUZZ_BASE_SRCS = $(srcdir)/base/units.c $(srcdir)/base/error.c $(srcdir)/base/grow.c \
	$(srcdir)/base/file.c
FUZZ_CSV_SRCS = $(srcdir)/forecast/csvfile.c $(srcdir)/forecast/series.c $(FUZZ_BASE_SRCS) \
	$(srcdir)/policy/grid.c
FUZZ_UNITS_SRCS = $(FUZZ_BASE_SRCS)
FUZZ_FORECAST_SRCS = $(srcdir)/forecast/zone.c $(srcdir)/forecast/provider.c \
	$(srcdir)/forecast/provider_common.c $(srcdir)/forecast/provider_electricitymaps.c \
	$(srcdir)/forecast/provider_watttime.c $(srcdir)/forecast/provider_ukci.c \
	$(srcdir)/forecast/provider_casdk.c $(srcdir)/forecast/http_util.c \
	$(srcdir)/forecast/series.c $(srcdir)/forecast/csvfile.c $(srcdir)/forecast/cache.c \
	$(srcdir)/forecast/archive.c $(FUZZ_BASE_SRCS) $(srcdir)/base/json.c $(srcdir)/policy/grid.c
# policy/ but grid.c (in the lists above), and record/.
FUZZ_POLICY_SRCS = $(srcdir)/policy/decide.c $(srcdir)/policy/load.c $(srcdir)/policy/energy.c $(srcdir)/policy/message.c \
	$(srcdir)/policy/request.c
FUZZ_RECORD_SRCS = $(srcdir)/record/record.c $(srcdir)/record/comment.c
FUZZ_STATE_SRCS = $(FUZZ_FORECAST_SRCS) $(FUZZ_POLICY_SRCS) $(FUZZ_RECORD_SRCS) \
	$(srcdir)/budget/budget.c $(srcdir)/learn/model.c $(srcdir)/config/conf.c
FUZZ_HDRS = $(srcdir)/tests/fuzz/fuzz_util.h
FUZZ_TARGETS = tests/fuzz/fuzz_csv tests/fuzz/fuzz_units tests/fuzz/fuzz_em tests/fuzz/fuzz_wt \
	tests/fuzz/fuzz_ukci tests/fuzz/fuzz_casdk tests/fuzz/fuzz_cache tests/fuzz/fuzz_archive \
	tests/fuzz/fuzz_snapshot tests/fuzz/fuzz_conf tests/fuzz/fuzz_ledger tests/fuzz/fuzz_model \
	tests/fuzz/fuzz_sacct tests/fuzz/fuzz_trace tests/fuzz/fuzz_record tests/fuzz/fuzz_spank
FUZZ_LINK = -ljansson -lm
tests/fuzz/fuzz_csv: $(srcdir)/tests/fuzz/fuzz_csv.c $(FUZZ_CSV_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -o $@ $(srcdir)/tests/fuzz/fuzz_csv.c $(FUZZ_CSV_SRCS) -lm
tests/fuzz/fuzz_units: $(srcdir)/tests/fuzz/fuzz_units.c $(FUZZ_UNITS_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -o $@ $(srcdir)/tests/fuzz/fuzz_units.c $(FUZZ_UNITS_SRCS) -lm
tests/fuzz/fuzz_em: $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_PROVIDER=1 -o $@ $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_LINK)
tests/fuzz/fuzz_wt: $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_PROVIDER=2 -o $@ $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_LINK)
tests/fuzz/fuzz_ukci: $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_PROVIDER=3 -o $@ $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_LINK)
tests/fuzz/fuzz_casdk: $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_PROVIDER=4 -o $@ $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_LINK)
tests/fuzz/fuzz_cache: $(srcdir)/tests/fuzz/fuzz_files.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_FILE=1 -o $@ $(srcdir)/tests/fuzz/fuzz_files.c $(FUZZ_FORECAST_SRCS) $(FUZZ_LINK)
tests/fuzz/fuzz_archive: $(srcdir)/tests/fuzz/fuzz_files.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_FILE=2 -o $@ $(srcdir)/tests/fuzz/fuzz_files.c $(FUZZ_FORECAST_SRCS) $(FUZZ_LINK)
tests/fuzz/fuzz_snapshot: $(srcdir)/tests/fuzz/fuzz_files.c $(FUZZ_FORECAST_SRCS) $(srcdir)/forecast/snapshot.c $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_FILE=3 -o $@ $(srcdir)/tests/fuzz/fuzz_files.c $(FUZZ_FORECAST_SRCS) $(srcdir)/forecast/snapshot.c $(FUZZ_LINK)
tests/fuzz/fuzz_conf: $(srcdir)/tests/fuzz/fuzz_conf.c $(FUZZ_STATE_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -o $@ $(srcdir)/tests/fuzz/fuzz_conf.c $(FUZZ_STATE_SRCS) $(FUZZ_LINK)
tests/fuzz/fuzz_ledger: $(srcdir)/tests/fuzz/fuzz_state.c $(FUZZ_STATE_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_STATE=1 -o $@ $(srcdir)/tests/fuzz/fuzz_state.c $(FUZZ_STATE_SRCS) $(FUZZ_LINK)
tests/fuzz/fuzz_model: $(srcdir)/tests/fuzz/fuzz_state.c $(FUZZ_STATE_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_STATE=2 -o $@ $(srcdir)/tests/fuzz/fuzz_state.c $(FUZZ_STATE_SRCS) $(FUZZ_LINK)
tests/fuzz/fuzz_sacct: $(srcdir)/tests/fuzz/fuzz_acct.c $(srcdir)/acct/sacct.c $(FUZZ_CSV_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_ACCT=1 -o $@ $(srcdir)/tests/fuzz/fuzz_acct.c $(srcdir)/acct/sacct.c $(FUZZ_CSV_SRCS) -lm
tests/fuzz/fuzz_trace: $(srcdir)/tests/fuzz/fuzz_acct.c $(srcdir)/acct/sacct.c $(srcdir)/sim/trace.c $(FUZZ_CSV_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_ACCT=2 -o $@ $(srcdir)/tests/fuzz/fuzz_acct.c $(srcdir)/acct/sacct.c $(srcdir)/sim/trace.c $(FUZZ_CSV_SRCS) -lm
tests/fuzz/fuzz_record: $(srcdir)/tests/fuzz/fuzz_record.c $(FUZZ_RECORD_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -o $@ $(srcdir)/tests/fuzz/fuzz_record.c $(FUZZ_RECORD_SRCS) $(FUZZ_POLICY_SRCS) $(srcdir)/policy/grid.c $(FUZZ_BASE_SRCS) $(srcdir)/base/json.c $(FUZZ_LINK)
tests/fuzz/fuzz_spank: $(srcdir)/tests/fuzz/fuzz_spank.c $(srcdir)/plugin/jobdesc.c $(srcdir)/policy/request.c $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) $(SLURM_CPPFLAGS) -o $@ $(srcdir)/tests/fuzz/fuzz_spank.c $(srcdir)/plugin/jobdesc.c $(srcdir)/policy/request.c $(FUZZ_BASE_SRCS) -lm
fuzz: $(FUZZ_TARGETS)
# Each target from its seeds (tests/fuzz/corpus/<target>) into a scratch corpus
# that is emptied first, with its dictionary (tests/fuzz/targets); libFuzzer
# exits non-zero on a finding, which stops make.
fuzz-check: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		name=$${t#tests/fuzz/}; \
		dict=$$(sed -n "s/^$$name //p" $(srcdir)/tests/fuzz/targets); \
		test -n "$$dict" || { echo "fuzz-check: $$name is not in tests/fuzz/targets"; exit 1; }; \
		rm -rf fuzz-check-corpus/$$name && $(MKDIR_P) fuzz-check-corpus/$$name || exit 1; \
		echo "fuzz-check: $$name for $(FUZZ_TIME) s"; \
		./$$t -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-dict=$(srcdir)/tests/fuzz/$$dict.dict \
			-artifact_prefix=fuzz-check-corpus/$$name- \
			fuzz-check-corpus/$$name $(srcdir)/tests/fuzz/corpus/$$name \
			> fuzz-check-corpus/$$name.log 2>&1 \
		|| { tail -40 fuzz-check-corpus/$$name.log; echo "fuzz-check: $$name FAILED (fuzz-check-corpus/$$name.log)"; exit 1; }; \
		grep -E '^stat::number_of_executed_units|cov:' fuzz-check-corpus/$$name.log | tail -2; \
	done
.PHONY: fuzz fuzz-check
CLEANFILES += $(FUZZ_TARGETS)
clean-local: clean-fuzz-check
clean-fuzz-check:
	rm -rf fuzz-check-corpus
.PHONY: clean-fuzz-check
EXTRA_DIST += tests/fuzz/fuzz_csv.c tests/fuzz/fuzz_units.c tests/fuzz/fuzz_providers.c \
	tests/fuzz/fuzz_files.c tests/fuzz/fuzz_conf.c tests/fuzz/fuzz_state.c tests/fuzz/fuzz_acct.c \
	tests/fuzz/fuzz_record.c tests/fuzz/fuzz_spank.c tests/fuzz/fuzz_util.h tests/fuzz/targets \
	tests/fuzz/csv.dict tests/fuzz/json.dict tests/fuzz/units.dict tests/fuzz/conf.dict \
	tests/fuzz/sacct.dict tests/fuzz/spank.dict tests/fuzz/run-long.sh tests/fuzz/README.md \
	tests/fuzz/corpus
