# scripts/: dependency set-up, the local single-host Slurm cluster, the test and demo entry points.
dist_noinst_SCRIPTS += scripts/deps.sh scripts/test.sh scripts/demo.sh scripts/cluster.sh
EXTRA_DIST += .ci/run tests/integration/README.md tests/integration/lib/ports.py
dist_noinst_SCRIPTS += scripts/make-sample.sh scripts/slurm-build.sh scripts/check-layers.py
