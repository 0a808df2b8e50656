// Turns an MPI return code into an exception naming the call (communicators use
// MPI_ERRORS_RETURN). Private to src/comm.
#pragma once

#include <mpi.h>

#include <stdexcept>
#include <string>

namespace distgae {

inline void mpi_check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string(call) + " failed: " + std::string(text, length));
}

}  // namespace distgae
