# doc/: man pages.
dist_man_MANS += doc/scarbon.1
dist_man_MANS += doc/carbon.conf.5
