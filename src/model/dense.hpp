// Dense node-row matrices: Eigen, row-major, float32 (one row per node, as the halo exchange and
// the HDF5 files lay them out).
#pragma once

#include <Eigen/Dense>

namespace distgae {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;

}  // namespace distgae
