#include "comm/collective_h5.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "comm/mpi_comm.hpp"
#include "core/error.hpp"

namespace distgae {

CollectiveRowWriter::CollectiveRowWriter(const Communicator& communicator, std::string path)
    : path_(std::move(path)) {
  silence_hdf5_errors();
  const H5Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!access.valid() || H5Pset_fapl_mpio(access.get(), to_mpi(communicator), MPI_INFO_NULL) < 0) {
    throw std::runtime_error(at_file(path_, "cannot set up MPI-IO access for HDF5"));
  }
  file_ = H5Handle(H5Fopen(path_.c_str(), H5F_ACC_RDWR, access.get()), H5Fclose);
  if (!file_.valid()) {
    throw std::runtime_error(at_file(path_, "cannot open the file on every rank (MPI-IO)"));
  }
}

void CollectiveRowWriter::write(const std::string& dataset, std::int64_t first_row,
                                std::span<const float> rows, int width) {
  const auto fail = [&](const std::string& what) {
    throw std::runtime_error(at_file(path_, fmt::format("dataset '{}': {}", dataset, what)));
  };
  if (width <= 0 || rows.size() % static_cast<std::size_t>(width) != 0 || first_row < 0) {
    throw std::invalid_argument(at_file(path_, "CollectiveRowWriter: rows are not whole rows"));
  }
  const H5Handle set(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set.valid()) fail("cannot open it");
  const std::size_t count = rows.size() / static_cast<std::size_t>(width);
  // Every rank takes part in the collective write; one without rows selects nothing.
  const RowSelection selection = select_rows(set.get(), dataset, static_cast<hsize_t>(first_row),
                                             count, static_cast<hsize_t>(width));
  if (!selection.problem.empty()) throw std::runtime_error(at_file(path_, selection.problem));
  const H5Handle transfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE);
  if (H5Dwrite(set.get(), H5T_NATIVE_FLOAT, selection.memory_space.get(),
               selection.file_space.get(), transfer.get(), rows.data()) < 0) {
    fail(fmt::format("cannot write rows {}..{}", first_row,
                     first_row + static_cast<std::int64_t>(count)));
  }
}

void CollectiveRowWriter::close() {
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) {
    throw std::runtime_error(at_file(path_, "cannot flush the file to storage"));
  }
  file_.reset();
}

}  // namespace distgae
