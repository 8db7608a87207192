# cli/: scarbon and its subcommands (one file per subcommand).
bin_PROGRAMS += cli/scarbon
cli_scarbon_SOURCES = cli/scarbon.c cli/cli.c cli/cli.h \
	cli/cmd_budget.c cli/cmd_check_config.c cli/cmd_forecast.c cli/cmd_learn.c cli/cmd_metrics.c cli/cmd_plan.c \
	cli/cmd_refresh.c cli/cmd_reconcile.c cli/cmd_report.c cli/cmd_simulate.c
cli_scarbon_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS)
cli_scarbon_LDADD = sim/libscsim.la acct/libscacct.la metrics/libscmetrics.la $(SC_FETCH_LIBS) $(SC_CORE_LIBS)

# End-to-end tests of the scarbon binary on the bundled example.
check_PROGRAMS += tests/unit/test_cli
TESTS += tests/unit/test_cli
tests_unit_test_cli_SOURCES = tests/unit/test_cli.c tests/unit/testutil.h
tests_unit_test_cli_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_cli_LDADD = $(SC_TEST_LIBS)
