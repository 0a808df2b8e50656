// Rows of 2-D float32 datasets in one HDF5 file, written by every rank of a communicator
// together (parallel HDF5 over MPI-IO): each rank writes its own block of rows, so no rank holds
// more than its share of an array that is too big for one. The file and its datasets already
// exist (one process created them, with their space allocated); only raw data is written here,
// so no HDF5 metadata changes in parallel and the file is the same as a serially written one.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "comm/communicator.hpp"
#include "io/h5_file.hpp"

namespace distgae {

class CollectiveRowWriter {
 public:
  // Collective: opens `path` read-write on every rank of `communicator`.
  CollectiveRowWriter(const Communicator& communicator, std::string path);

  // Collective: this rank's rows [first_row, first_row + rows.size() / width) of `dataset`
  // ([num_rows, width] float32). A rank with no rows passes an empty span.
  void write(const std::string& dataset, std::int64_t first_row, std::span<const float> rows,
             int width);

  // Collective: pushes the data to storage (MPI_File_sync) and closes the file.
  void close();

 private:
  std::string path_;
  H5Handle file_;
};

}  // namespace distgae
