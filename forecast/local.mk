# forecast/: intensity series, the providers, snapshots. The providers are here
# (the table is what config/ and the plugins consult) but need no libcurl: their
# GETs go through the client that sc_fetch_ctx hands them (forecast/http.c).
noinst_LTLIBRARIES += forecast/libscforecast.la
forecast_libscforecast_la_SOURCES = \
	forecast/zone.c forecast/zone.h \
	forecast/provider.c forecast/provider.h forecast/provider_int.h forecast/provider_common.c \
	forecast/provider_electricitymaps.c forecast/provider_electricitymaps.h \
	forecast/provider_watttime.c forecast/provider_watttime.h \
	forecast/provider_ukci.c forecast/provider_ukci.h \
	forecast/provider_casdk.c forecast/provider_casdk.h \
	forecast/http_util.c \
	forecast/series.c forecast/series.h \
	forecast/csvfile.c forecast/csvfile.h \
	forecast/snapshot.c forecast/snapshot.h \
	forecast/cache.c forecast/cache.h forecast/archive.c forecast/archive.h
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

# The HTTP client and the refresh: the only code that touches the network
# (libcurl). Linked by scarbon, not by the plugins, which only read the cache.
noinst_LTLIBRARIES += forecast/libscfetch.la
forecast_libscfetch_la_SOURCES = \
	forecast/http.c forecast/http.h forecast/refresh.c forecast/refresh.h
forecast_libscfetch_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS)
SC_FETCH_LIBS = forecast/libscfetch.la $(CURL_LIBS)

check_PROGRAMS += tests/unit/test_providers
TESTS += tests/unit/test_providers
tests_unit_test_providers_SOURCES = tests/unit/test_providers.c tests/unit/testutil.h
tests_unit_test_providers_CFLAGS = $(SC_TEST_CFLAGS) $(CURL_CFLAGS)
tests_unit_test_providers_LDADD = $(SC_FETCH_LIBS) $(SC_TEST_LIBS)
EXTRA_DIST += tests/data/providers/README.md \
	tests/data/providers/casdk_webapi_average_carbon_intensity_doc_example.json \
	tests/data/providers/casdk_webapi_emissions_bylocation_doc_example.json \
	tests/data/providers/casdk_forecasts_current_CONSTRUCTED.json \
	tests/data/providers/electricitymaps_v3_carbon_intensity_forecast.json \
	tests/data/providers/electricitymaps_v3_carbon_intensity_history.json \
	tests/data/providers/electricitymaps_v3_carbon_intensity_latest.json \
	tests/data/providers/electricitymaps_v3_carbon_intensity_past_range.json \
	tests/data/providers/ukci_intensity_fw48h_doc_example.json \
	tests/data/providers/ukci_regional_fw48h_regionid_doc_example.json \
	tests/data/providers/ukci_regional_intensity_fw48h_doc_example.json \
	tests/data/providers/watttime_login_example.json \
	tests/data/providers/watttime_v3_error_example.json \
	tests/data/providers/watttime_v3_forecast_example.json \
	tests/data/providers/watttime_v3_historical_example.json

# The HTTP layer and the fetchers against the mock providers (starts and stops it).
check_PROGRAMS += tests/unit/test_http
TESTS += tests/unit/test_http
tests_unit_test_http_SOURCES = tests/unit/test_http.c tests/unit/testutil.h
tests_unit_test_http_CFLAGS = $(SC_TEST_CFLAGS) $(CURL_CFLAGS)
tests_unit_test_http_LDADD = $(SC_FETCH_LIBS) $(SC_TEST_LIBS)

check_PROGRAMS += tests/unit/test_cache
TESTS += tests/unit/test_cache
tests_unit_test_cache_SOURCES = tests/unit/test_cache.c tests/unit/testutil.h
tests_unit_test_cache_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_cache_LDADD = $(SC_TEST_LIBS)

# Fuzzing, not part of make check: `make fuzz` builds the libFuzzer targets of
# tests/fuzz (README.md there) with clang; `make fuzz-check` builds them and runs
# each for FUZZ_TIME seconds from its seed corpus, failing on any finding. They
# compile the sources themselves so that these carry the fuzzer's coverage
# instrumentation, whatever compiler configured the build.
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TIME = 30
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
FUZZ_HDRS = $(srcdir)/tests/fuzz/fuzz_util.h
FUZZ_TARGETS = tests/fuzz/fuzz_csv tests/fuzz/fuzz_units tests/fuzz/fuzz_em tests/fuzz/fuzz_wt tests/fuzz/fuzz_ukci tests/fuzz/fuzz_casdk tests/fuzz/fuzz_cache tests/fuzz/fuzz_archive
tests/fuzz/fuzz_csv: $(srcdir)/tests/fuzz/fuzz_csv.c $(FUZZ_CSV_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -o $@ $(srcdir)/tests/fuzz/fuzz_csv.c $(FUZZ_CSV_SRCS) -lm
tests/fuzz/fuzz_units: $(srcdir)/tests/fuzz/fuzz_units.c $(FUZZ_UNITS_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -o $@ $(srcdir)/tests/fuzz/fuzz_units.c $(FUZZ_UNITS_SRCS) -lm
tests/fuzz/fuzz_em: $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_PROVIDER=1 -o $@ $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) -ljansson -lm
tests/fuzz/fuzz_wt: $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_PROVIDER=2 -o $@ $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) -ljansson -lm
tests/fuzz/fuzz_ukci: $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_PROVIDER=3 -o $@ $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) -ljansson -lm
tests/fuzz/fuzz_casdk: $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_PROVIDER=4 -o $@ $(srcdir)/tests/fuzz/fuzz_providers.c $(FUZZ_FORECAST_SRCS) -ljansson -lm
tests/fuzz/fuzz_cache: $(srcdir)/tests/fuzz/fuzz_files.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_FILE=1 -o $@ $(srcdir)/tests/fuzz/fuzz_files.c $(FUZZ_FORECAST_SRCS) -ljansson -lm
tests/fuzz/fuzz_archive: $(srcdir)/tests/fuzz/fuzz_files.c $(FUZZ_FORECAST_SRCS) $(FUZZ_HDRS)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_BUILD) -DFUZZ_FILE=2 -o $@ $(srcdir)/tests/fuzz/fuzz_files.c $(FUZZ_FORECAST_SRCS) -ljansson -lm
fuzz: $(FUZZ_TARGETS)
# Each target from its seeds (tests/fuzz/corpus/<target>) into a scratch corpus
# that is emptied first; libFuzzer exits non-zero on a finding, which stops make.
fuzz-check: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		name=$${t#tests/fuzz/}; \
		case $$name in fuzz_units) dict=units;; fuzz_csv|fuzz_archive) dict=csv;; *) dict=json;; esac; \
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
	tests/fuzz/fuzz_files.c tests/fuzz/fuzz_util.h tests/fuzz/csv.dict tests/fuzz/json.dict \
	tests/fuzz/units.dict tests/fuzz/run-long.sh tests/fuzz/README.md \
	tests/fuzz/corpus

# scarbon refresh end to end against the mock providers (TAP; starts and
# stops the mock itself).
TESTS += tests/providers/test_refresh.sh
EXTRA_DIST += tests/providers/test_refresh.sh tests/providers/mockprovider.py
