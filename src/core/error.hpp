// Errors carrying context. Thrown where a problem is found, caught once in main, printed as one
// line. InputError (bad files, flags, data) exits with code 2; anything else exits with 1.
#pragma once

#include <stdexcept>
#include <string>

namespace distgae {

// Bad input from the user: a file, a flag, a value. The message already names the place
// ("edges.txt:17: ...") so main prints it as is.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Exit codes documented in the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;
// A rank made no progress for --stall-timeout seconds (a peer frozen or cut off) and ended.
inline constexpr int kExitStalled = 3;
// Training stopped on SIGTERM/SIGUSR1 after writing a checkpoint: requeue and --resume
// (75 is sysexits' EX_TEMPFAIL, "try again later").
inline constexpr int kExitCheckpointed = 75;

// An error every rank of an MPI job raised together, after agreeing on it (comm/agreement.hpp):
// the message is the first failing rank's, the exit code that of its error. main prints it once
// (rank 0) and every rank exits normally with the code, with no MPI_Abort.
class AgreedError : public std::runtime_error {
 public:
  AgreedError(const std::string& message, int exit_code)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// What main prints and returns for an error: the message and the exit code its type implies
// (InputError: kExitBadInput; AgreedError: its own; anything else: kExitInternal).
struct ErrorReport {
  std::string message;
  int exit_code = kExitInternal;
  bool agreed = false;  // an AgreedError: every rank of the job holds the same report
};

// The report of the exception being handled; call only inside a catch block.
ErrorReport report_current_exception();

// "path:line: message", the one-line form of a problem found at a line of a text file.
std::string at_line(const std::string& path, long long line, const std::string& message);

// "path: message", for a problem with a whole file or one of its datasets.
std::string at_file(const std::string& path, const std::string& message);

}  // namespace distgae
