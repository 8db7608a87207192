# cli/: scarbon and its subcommands (one file per subcommand).
bin_PROGRAMS += cli/scarbon
cli_scarbon_SOURCES = cli/scarbon.c cli/cli.c cli/cli.h \
	cli/cmd_check_config.c cli/cmd_forecast.c cli/cmd_plan.c \
	cli/cmd_refresh.c cli/cmd_reconcile.c cli/cmd_report.c cli/cmd_simulate.c
cli_scarbon_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS)
cli_scarbon_LDADD = acct/libscacct.la $(SC_CORE_LIBS) $(CURL_LIBS)
