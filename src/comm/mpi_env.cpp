#include "comm/mpi_env.hpp"

#include <mpi.h>

#include <stdexcept>

#include "core/log.hpp"

namespace distgae {
namespace {
bool g_active = false;
}

MpiEnv::MpiEnv(int& argc, char**& argv) {
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    throw std::runtime_error("MPI_Init_thread failed");
  }
  g_active = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size_);
  // Errors come back as codes we turn into exceptions instead of MPI's default abort.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  log::set_rank(rank_, world_size_);
}

MpiEnv::~MpiEnv() {
  g_active = false;
  MPI_Finalize();
}

bool MpiEnv::active() {
  return g_active;
}

void MpiEnv::abort_job(int exit_code) {
  if (g_active) MPI_Abort(MPI_COMM_WORLD, exit_code);
}

}  // namespace distgae
