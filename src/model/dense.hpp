// Dense node-row matrices: Eigen, row-major, float32 (one row per node, as the halo exchange and
// the HDF5 files lay them out).
#pragma once

#include <cstdint>

#include <Eigen/Dense>

namespace distgae {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;

// Rows of fixed-point units (core/fixed_point.hpp): gradients summed exactly.
using UnitMatrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace distgae
