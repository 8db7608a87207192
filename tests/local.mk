# tests/: shared settings for the cmocka unit tests. Each module's local.mk declares
# its own tests/unit/test_<module> (check_PROGRAMS and TESTS), so modules don't collide.
SC_CORE_LIBS = plan/libscplan.la learn/libsclearn.la config/libscconf.la budget/libscbudget.la forecast/libscforecast.la record/libscrecord.la \
	policy/libscpolicy.la base/libscbase.la $(JANSSON_LIBS) -lm
SC_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JANSSON_CFLAGS)
SC_TEST_LIBS = $(SC_CORE_LIBS) $(CMOCKA_LIBS)



