// MpiEnv: RAII MPI initialisation and finalisation for one process.
//
// Construct once in a subcommand that runs under mpirun. MPI_THREAD_FUNNELED is requested
// because OpenMP threads compute while only the main thread calls MPI. When an exception
// escapes on one rank, main calls abort_job() so the other ranks do not hang in a collective.
#pragma once

namespace distgae {

class MpiEnv {
 public:
  MpiEnv(int& argc, char**& argv);
  ~MpiEnv();
  MpiEnv(const MpiEnv&) = delete;
  MpiEnv& operator=(const MpiEnv&) = delete;

  int rank() const { return rank_; }
  int world_size() const { return world_size_; }

  // True between construction and destruction of an MpiEnv in this process.
  static bool active();
  // Ends every rank of the job with `exit_code` (MPI_Abort); returns only if MPI is not active.
  static void abort_job(int exit_code);

 private:
  int rank_ = 0;
  int world_size_ = 1;
};

}  // namespace distgae
