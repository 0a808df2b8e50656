// The MPI communicator behind a Communicator. Private to src/comm.
#pragma once

#include <mpi.h>

#include "comm/communicator.hpp"

namespace distgae {

inline MPI_Comm to_mpi(const Communicator& communicator) {
  return communicator.scope() == Communicator::Scope::kSelf ? MPI_COMM_SELF : MPI_COMM_WORLD;
}

}  // namespace distgae
