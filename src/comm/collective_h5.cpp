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
  const H5Handle file_space(H5Dget_space(set.get()), H5Sclose);
  hsize_t dims[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(file_space.get()) != 2 ||
      H5Sget_simple_extent_dims(file_space.get(), dims, nullptr) < 0 ||
      dims[1] != static_cast<hsize_t>(width)) {
    fail(fmt::format("not a [*, {}] array", width));
  }
  const hsize_t count[2] = {rows.size() / static_cast<std::size_t>(width),
                            static_cast<hsize_t>(width)};
  const hsize_t start[2] = {static_cast<hsize_t>(first_row), 0};
  if (start[0] + count[0] > dims[0]) fail("rows beyond its end");
  // Every rank takes part in the collective write; one without rows selects nothing.
  const H5Handle memory_space(H5Screate_simple(2, count, nullptr), H5Sclose);
  if (count[0] == 0) {
    H5Sselect_none(file_space.get());
    H5Sselect_none(memory_space.get());
  } else if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) <
             0) {
    fail("cannot select its rows");
  }
  const H5Handle transfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE);
  if (H5Dwrite(set.get(), H5T_NATIVE_FLOAT, memory_space.get(), file_space.get(), transfer.get(),
               rows.data()) < 0) {
    fail(fmt::format("cannot write rows {}..{}", first_row,
                     first_row + static_cast<std::int64_t>(count[0])));
  }
}

void CollectiveRowWriter::close() {
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) {
    throw std::runtime_error(at_file(path_, "cannot flush the file to storage"));
  }
  file_.reset();
}

}  // namespace distgae
