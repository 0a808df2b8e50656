#!/usr/bin/env bash
# Installs every Debian package distgae needs to build, test and run. Idempotent: packages
# already present are skipped, and apt-get runs only when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libopenmpi-dev openmpi-bin
  libhdf5-openmpi-dev hdf5-tools
  libeigen3-dev libmetis-dev
  libptscotch-dev libscotchparmetis-dev  # distributed partitioning (64-bit PT-Scotch)
  libgtest-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  python3-h5py python3-numpy
  slurm-wlm munge libpmix-dev  # tests/slurm; libpmix-dev has the libpmix.so srun --mpi=pmix loads
  iproute2 util-linux  # tests/multinode: ip netns, veths, a bridge; unshare --uts
  clang-format
  clang libclang-rt-dev libomp-dev  # scripts/sanitize.sh, scripts/fuzz.sh: ASan/UBSan, libFuzzer
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
