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
  const std::size_t count = rows.size() / static_cast<std::size_t>(width);
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
    selection = select_rows(set.get(), dataset, static_cast<hsize_t>(first_row), count,
                            static_cast<hsize_t>(width));
    problem = selection.problem;
  }
  settle([&] {
    if (!problem.empty()) fail(problem);
  });
  settle([&] {
    const H5Handle transfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
    H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE);
    errno = 0;
    if (H5Dwrite(set.get(), H5T_NATIVE_FLOAT, selection.memory_space.get(),
                 selection.file_space.get(), transfer.get(), rows.data()) < 0) {
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
