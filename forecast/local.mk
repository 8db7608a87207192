# forecast/: intensity series, the file and static providers, snapshots.
noinst_LTLIBRARIES += forecast/libscforecast.la
forecast_libscforecast_la_SOURCES = \
	forecast/zone.c forecast/zone.h forecast/series.h forecast/csvfile.h forecast/snapshot.h
forecast_libscforecast_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
