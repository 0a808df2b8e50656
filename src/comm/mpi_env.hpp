// MpiEnv: MPI initialisation for one process, and how a job ends after an error.
//
// Construct once in a subcommand that runs under mpirun. MPI_THREAD_FUNNELED is required
// because OpenMP threads compute while only the main thread calls MPI. Errors on any
// communicator come back as codes that comm/ turns into exceptions.
//
// An exception that leaves the subcommand must end every rank of the job, not only this one:
// the others may be waiting for this rank in a collective. So ~MpiEnv does not finalize while an
// exception is unwinding through it; main catches the exception, prints it, and calls
// end_after_error(), which aborts the whole job (MPI_Abort: mpirun kills every rank within
// seconds and exits with the code) unless every rank holds the same error (an AgreedError,
// comm/agreement.hpp), in which case each finalizes and exits normally.
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

  // True while MPI is initialised and not finalized by this process.
  static bool active();
  // This process's rank and the job's size while active (0 and 1 otherwise).
  static int active_rank();
  static int active_world_size();

  // Ends this process's part in the job after an error: when other ranks may still be running
  // (`every_rank_failed` false, more than one rank) MPI_Abort(exit_code), which does not return;
  // otherwise MPI_Finalize and return. Does nothing when MPI is not active.
  static void end_after_error(int exit_code, bool every_rank_failed);

  // The rank the launcher gave this process (mpirun, srun), read from the environment, for
  // errors found before MPI starts (argument parsing): 0 when not launched as a job.
  static int launcher_rank();

 private:
  int rank_ = 0;
  int world_size_ = 1;
  int exceptions_at_start_ = 0;
};

}  // namespace distgae
