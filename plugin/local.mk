# plugin/: job_submit/carbon (slurmctld) and spank/carbon (sbatch, salloc, srun), thin adapters
# over plan/, policy/, record/, config/ and forecast/. Built against Slurm's public headers
# only, never linked with -lslurm (slurmctld and the client commands carry Slurm's symbols),
# with the project's convenience libraries inside and only the plugin ABI exported.

# The pure half of job_submit/carbon (job_desc_msg_t -> sc_job_fields, spank_job_env entries):
# Slurm's types, no Slurm symbols, so the unit tests link it too.
noinst_LTLIBRARIES += plugin/libscjobdesc.la
plugin_libscjobdesc_la_SOURCES = plugin/jobdesc.c plugin/jobdesc.h
plugin_libscjobdesc_la_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)

plugin_LTLIBRARIES += plugin/job_submit_carbon.la
plugin_job_submit_carbon_la_SOURCES = plugin/job_submit_carbon.c plugin/budget_gate.c plugin/budget_gate.h \
	plugin/ctld.c plugin/ctld.h plugin/compat.h
plugin_job_submit_carbon_la_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
plugin_job_submit_carbon_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
plugin_job_submit_carbon_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-export-symbols-regex '^(plugin_name|plugin_type|plugin_version|init|fini|job_submit|job_modify)$$'
plugin_job_submit_carbon_la_LIBADD = plugin/libscjobdesc.la metrics/libscmetrics.la plan/libscplan.la learn/libsclearn.la config/libscconf.la budget/libscbudget.la \
	forecast/libscforecast.la record/libscrecord.la policy/libscpolicy.la base/libscbase.la $(JANSSON_LIBS) -lm

plugin_LTLIBRARIES += plugin/spank_carbon.la
plugin_spank_carbon_la_SOURCES = plugin/spank_carbon.c
plugin_spank_carbon_la_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
plugin_spank_carbon_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-export-symbols-regex '^(plugin_name|plugin_type|plugin_version|spank_plugin_version|slurm_spank_init|slurm_spank_init_post_opt|slurm_spank_exit)$$'
plugin_spank_carbon_la_LIBADD = policy/libscpolicy.la base/libscbase.la -lm

check_PROGRAMS += tests/unit/test_jobdesc
TESTS += tests/unit/test_jobdesc
tests_unit_test_jobdesc_SOURCES = tests/unit/test_jobdesc.c tests/unit/testutil.h
tests_unit_test_jobdesc_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
tests_unit_test_jobdesc_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_jobdesc_LDADD = plugin/libscjobdesc.la $(SC_TEST_LIBS)

# The glue of job_submit/carbon, compiled with a stand-in for plugin/ctld.c and Slurm's logging.
check_PROGRAMS += tests/unit/test_plugin
TESTS += tests/unit/test_plugin
tests_unit_test_plugin_SOURCES = tests/unit/test_plugin.c tests/unit/testutil.h plugin/job_submit_carbon.c \
	plugin/budget_gate.c
tests_unit_test_plugin_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
tests_unit_test_plugin_CFLAGS = $(SC_TEST_CFLAGS)
tests_unit_test_plugin_LDADD = plugin/libscjobdesc.la metrics/libscmetrics.la $(SC_TEST_LIBS)

# The integration suite (tests/integration/slurm/run.sh BUILD_DIR) and its helper, which
# submits jobs with forged spank_job_env entries through Slurm's C API.
# Built where libslurm is (not in a headers-only build against a release).
if HAVE_LIBSLURM
noinst_PROGRAMS += tests/integration/slurm/sc_forge
endif
EXTRA_DIST += tests/integration/slurm/sc_forge.c
tests_integration_slurm_sc_forge_SOURCES = tests/integration/slurm/sc_forge.c plugin/compat.h
tests_integration_slurm_sc_forge_CPPFLAGS = $(AM_CPPFLAGS) $(SLURM_CPPFLAGS)
tests_integration_slurm_sc_forge_LDADD = $(SLURM_LIBS)
dist_noinst_SCRIPTS += tests/integration/slurm/run.sh tests/integration/slurm/test_slurm.py
# The soak test (tests/soak/soak.py BUILD_DIR; minutes, not part of scripts/test.sh).
dist_noinst_SCRIPTS += tests/soak/soak.py

# Slurm loads the .so files only: libtool's .la files don't belong in a PluginDir.
install-data-hook: install-plugins-drop-la
install-plugins-drop-la:
	rm -f $(DESTDIR)$(plugindir)/job_submit_carbon.la $(DESTDIR)$(plugindir)/spank_carbon.la
.PHONY: install-plugins-drop-la
# ...so libtool's uninstall, which goes by the .la, needs help with the .so files.
uninstall-hook: uninstall-plugins-so
uninstall-plugins-so:
	rm -f $(DESTDIR)$(plugindir)/job_submit_carbon.so $(DESTDIR)$(plugindir)/spank_carbon.so
.PHONY: uninstall-plugins-so
