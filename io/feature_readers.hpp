// Readers for node-feature matrices: MatrixMarket (coordinate or array; real, integer or pattern;
// general or symmetric) and a dense 2-D dataset in an HDF5 file.
//
// Row i is the feature vector of the node with canonical id i. Features are held as CSR
// (float32); zeros are not stored. NaN or Inf anywhere is an error naming the file and line
// (MatrixMarket) or the dataset and row (HDF5).
#pragma once

#include <cstdint>
#include <string>

#include "core/csr.hpp"

namespace distgae {

// [n_rows, n_cols] sparse features; n_cols is Csr::n_cols.
using FeatureMatrix = Csr<std::int32_t, float>;

FeatureMatrix read_matrix_market_features(const std::string& path);

// `dataset` is a path inside the file ("features" or "/group/x"); 2-D, any integer or float type.
FeatureMatrix read_hdf5_features(const std::string& path, const std::string& dataset);

// Dispatches on the file's signature: HDF5 magic → HDF5 (dataset `dataset`), "%%MatrixMarket"
// → MatrixMarket; anything else is an error saying which formats are understood.
FeatureMatrix read_features(const std::string& path, const std::string& dataset = "features");

}  // namespace distgae
