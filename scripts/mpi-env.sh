# Sourced by the scripts: lets Open MPI run as root (CI containers, this machine) and
# oversubscribe cores. Harmless for a normal user.
export OMPI_ALLOW_RUN_AS_ROOT=1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
