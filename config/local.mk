# config/: the carbon.conf parser.
noinst_LTLIBRARIES += config/libscconf.la
config_libscconf_la_SOURCES = config/conf.c config/conf.h
