# etc/
# The documented example configuration (carbon.conf(5)), installed to $(docdir).
exampledir = $(docdir)
dist_example_DATA = etc/carbon.conf.example
