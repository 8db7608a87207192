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

# scarbon refresh end to end against the mock providers (TAP; starts and
# stops the mock itself).
TESTS += tests/providers/test_refresh.sh
EXTRA_DIST += tests/providers/test_refresh.sh tests/providers/mockprovider.py
