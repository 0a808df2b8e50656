#include "comm/collective_h5.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <exception>
#include <stdexcept>

#include "comm/agreement.hpp"
#include "comm/mpi_comm.hpp"
#include "core/error.hpp"
#include "io/h5_file.hpp"
#include "io/storage_errors.hpp"

namespace distgae {
namespace {

// The dataspaces of elements [first, first + count) of the 1-D dataset `set`, as select_rows
// (io/h5_file.hpp) gives rows of a 2-D one.
RowSelection select_elements(hid_t set, const std::string& dataset, hsize_t first, hsize_t count) {
  RowSelection selection;
  selection.file_space = H5Handle(H5Dget_space(set), H5Sclose);
  hsize_t size = 0;
  if (H5Sget_simple_extent_ndims(selection.file_space.get()) != 1 ||
      H5Sget_simple_extent_dims(selection.file_space.get(), &size, nullptr) < 0) {
    selection.problem = "dataset '" + dataset + "' is not a 1-D array";
    return selection;
  }
  if (first + count > size) {
    selection.problem =
        fmt::format("dataset '{}' has {} elements, fewer than {}", dataset, size, first + count);
    return selection;
  }
  selection.columns = 1;
  selection.memory_space = H5Handle(H5Screate_simple(1, &count, nullptr), H5Sclose);
  const herr_t selected = count == 0
                              ? H5Sselect_none(selection.file_space.get())
                              : H5Sselect_hyperslab(selection.file_space.get(), H5S_SELECT_SET,
                                                    &first, nullptr, &count, nullptr);
  if (count == 0) H5Sselect_none(selection.memory_space.get());
  if (selected < 0) selection.problem = "cannot select elements of dataset '" + dataset + "'";
  return selection;
}

}  // namespace

CollectiveRowWriter::CollectiveRowWriter(const Communicator& communicator, std::string path)
    : world_(communicator), path_(std::move(path)) {
  silence_hdf5_errors();
  hid_t opened = -1;
  agree_on_errors(world_, [&] {
    const H5Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (!access.valid() || H5Pset_fapl_mpio(access.get(), to_mpi(world_), MPI_INFO_NULL) < 0) {
      throw std::runtime_error(at_file(path_, "cannot set up MPI-IO access for HDF5"));
    }
    opened = H5Fopen(path_.c_str(), H5F_ACC_RDWR, access.get());
    if (opened < 0) {
      throw std::runtime_error(at_file(path_, "cannot open the file on every rank (MPI-IO)"));
    }
  });
  file_ = opened;
}

CollectiveRowWriter::~CollectiveRowWriter() {
  // Closing is collective. While an exception unwinds, every rank is here only if the exception
  // is a failure they agreed on; after any other (this rank's alone) the file stays open, as the
  // job is about to be aborted, rather than this rank waiting forever for the others to close it.
  if (file_ >= 0 && (std::uncaught_exceptions() == 0 || failed_together_)) H5Fclose(file_);
}

void CollectiveRowWriter::settle(const std::function<void()>& step) {
  try {
    agree_on_errors(world_, step);
  } catch (const AgreedError&) {
    failed_together_ = true;
    throw;
  }
}

void CollectiveRowWriter::write(const std::string& dataset, std::int64_t first_row,
                                std::span<const float> rows, int width) {
  if (width <= 0 || rows.size() % static_cast<std::size_t>(width) != 0 || first_row < 0) {
    throw std::invalid_argument(at_file(path_, "CollectiveRowWriter: rows are not whole rows"));
  }
  const auto row_width = static_cast<std::size_t>(width);
  write_block(dataset, first_row, rows.size() / row_width, row_width, H5T_NATIVE_FLOAT,
              rows.data());
}

void CollectiveRowWriter::write(const std::string& dataset, std::int64_t first,
                                std::span<const std::int64_t> values) {
  if (first < 0) throw std::invalid_argument(at_file(path_, "CollectiveRowWriter: first < 0"));
  write_block(dataset, first, values.size(), 0, H5T_NATIVE_INT64, values.data());
}

void CollectiveRowWriter::write_block(const std::string& dataset, std::int64_t first_row,
                                      std::size_t count, std::size_t width, hid_t memory_type,
                                      const void* data) {
  const auto fail = [&](const std::string& what) {
    throw std::runtime_error(at_file(path_, fmt::format("dataset '{}': {}", dataset, what)));
  };
  const H5Handle set(H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose);
  // Every rank takes part in the collective write, even one whose dataset or selection is bad
  // (it selects nothing): a rank that skipped it would leave the others waiting inside it.
  RowSelection selection;
  std::string problem;
  if (!set.valid()) {
    problem = "cannot open it";
  } else {
    selection = width == 0
                    ? select_elements(set.get(), dataset, static_cast<hsize_t>(first_row), count)
                    : select_rows(set.get(), dataset, static_cast<hsize_t>(first_row), count,
                                  static_cast<hsize_t>(width));
    problem = selection.problem;
  }
  settle([&] {
    if (!problem.empty()) fail(problem);
  });
  settle([&] {
    const H5Handle transfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
    if (!transfer.valid() || H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE) < 0) {
      fail("cannot set up a collective MPI-IO transfer");
    }
    errno = 0;
    if (H5Dwrite(set.get(), memory_type, selection.memory_space.get(), selection.file_space.get(),
                 transfer.get(), data) < 0) {
      fail(fmt::format("cannot write rows {}..{}{}", first_row,
                       first_row + static_cast<std::int64_t>(count), storage_failure_cause(path_)));
    }
  });
}

void CollectiveRowWriter::close() {
  settle([&] {
    errno = 0;
    const bool flushed = H5Fflush(file_, H5F_SCOPE_GLOBAL) >= 0;
    const std::string cause = storage_failure_cause(path_);
    // Closed whatever the flush did, so that a failure leaves no open file behind.
    const bool closed = H5Fclose(file_) >= 0;
    file_ = -1;
    if (!flushed || !closed) {
      throw std::runtime_error(at_file(path_, "cannot write the file to storage" + cause));
    }
  });
}

}  // namespace distgae
