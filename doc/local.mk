# doc/: man pages.
dist_man_MANS += doc/scarbon.1
