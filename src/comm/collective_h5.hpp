// Rows of 2-D float32 datasets (and elements of 1-D int64 ones) in one HDF5 file, written by every
// rank of a communicator together (parallel HDF5 over MPI-IO): each rank writes its own block of
// rows, so no rank holds more than its share of an array that is too big for one. The file and its
// datasets already exist (one process created them, with their space allocated); only raw data is
// written here, so no HDF5 metadata changes in parallel and the file is the same as a serially
// written one.
//
// Every step is collective and so is its failure: a write that fails on one rank (a full disk
// is often seen by the one rank whose block did not fit) throws the same AgreedError on every
// rank (comm/agreement.hpp), so all of them leave the file together and close it together. A
// rank that threw alone would close the file, a collective call, while the others were in the
// next write: the job hung, or crashed in MPI.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "comm/communicator.hpp"

namespace distgae {

class CollectiveRowWriter {
 public:
  // Collective: opens `path` read-write on every rank of `communicator`.
  CollectiveRowWriter(const Communicator& communicator, std::string path);
  // Collective when the file is still open (after a failed step every rank is here together).
  ~CollectiveRowWriter();
  CollectiveRowWriter(const CollectiveRowWriter&) = delete;
  CollectiveRowWriter& operator=(const CollectiveRowWriter&) = delete;

  // Collective: this rank's rows [first_row, first_row + rows.size() / width) of `dataset`
  // ([num_rows, width] float32). A rank with no rows passes an empty span.
  void write(const std::string& dataset, std::int64_t first_row, std::span<const float> rows,
             int width);

  // Collective: this rank's elements [first, first + values.size()) of the 1-D int64 `dataset`
  // (a dataset's [N] array of node ids, each rank writing its block). A rank with none passes
  // an empty span.
  void write(const std::string& dataset, std::int64_t first, std::span<const std::int64_t> values);

  // Collective: pushes the data to storage and closes the file; a failure of either, on any
  // rank, is every rank's.
  void close();

 private:
  // Runs a step of every rank and agrees on its failure (agree_on_errors), noting when every
  // rank failed together.
  void settle(const std::function<void()>& step);
  // Collective: writes `count` rows of `width` elements of `memory_type` from `data` at
  // `first_row` of `dataset`; width 0 for a 1-D dataset.
  void write_block(const std::string& dataset, std::int64_t first_row, std::size_t count,
                   std::size_t width, hid_t memory_type, const void* data);

  Communicator world_;
  std::string path_;
  hid_t file_ = -1;               // owned: closed by close() or the destructor
  bool failed_together_ = false;  // a step threw the same AgreedError on every rank
};

}  // namespace distgae
