# scripts/: dependency set-up, the local single-host Slurm cluster, demo and check entry points.
dist_noinst_SCRIPTS += scripts/deps.sh scripts/cluster.sh
