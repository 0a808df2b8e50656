#include "comm/mpi_env.hpp"

#include <mpi.h>

#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>

#include "comm/mpi_check.hpp"
#include "core/log.hpp"

namespace distgae {
namespace {
bool g_active = false;
int g_rank = 0;
int g_world_size = 1;

const char* thread_level_name(int level) {
  switch (level) {
    case MPI_THREAD_SINGLE:
      return "MPI_THREAD_SINGLE";
    case MPI_THREAD_FUNNELED:
      return "MPI_THREAD_FUNNELED";
    case MPI_THREAD_SERIALIZED:
      return "MPI_THREAD_SERIALIZED";
    default:
      return "MPI_THREAD_MULTIPLE";
  }
}
}  // namespace

MpiEnv::MpiEnv(int& argc, char**& argv) : exceptions_at_start_(std::uncaught_exceptions()) {
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    throw std::runtime_error("MPI_Init_thread failed");
  }
  // Every rank gets the same level from the same library, so all stop here alike.
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw std::runtime_error(std::string("the MPI library provides ") +
                             thread_level_name(provided) +
                             ", distgae needs MPI_THREAD_FUNNELED (OpenMP threads compute while "
                             "the main thread calls MPI)");
  }
  g_active = true;
  // Errors come back as codes we turn into exceptions (mpi_check) instead of MPI's default
  // abort without a word: on every communicator the code uses.
  mpi_check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  mpi_check(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  mpi_check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(MPI_COMM_WORLD, &world_size_), "MPI_Comm_size");
  g_rank = rank_;
  g_world_size = world_size_;
  log::set_rank(rank_, world_size_);
}

MpiEnv::~MpiEnv() {
  // Unwinding an exception: leave MPI up so that main can end the whole job (end_after_error).
  if (std::uncaught_exceptions() > exceptions_at_start_) return;
  if (!g_active) return;
  g_active = false;
  MPI_Finalize();
}

bool MpiEnv::active() {
  return g_active;
}

int MpiEnv::active_rank() {
  return g_active ? g_rank : 0;
}

int MpiEnv::active_world_size() {
  return g_active ? g_world_size : 1;
}

void MpiEnv::end_after_error(int exit_code, bool every_rank_failed) {
  if (!g_active) return;
  if (g_world_size > 1 && !every_rank_failed) MPI_Abort(MPI_COMM_WORLD, exit_code);
  g_active = false;
  MPI_Finalize();
}

int MpiEnv::launcher_rank() {
  // Open MPI, PMIx (srun --mpi=pmix), MPICH/Hydra's PMI, and SLURM's own task id.
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return 0;
}

}  // namespace distgae
