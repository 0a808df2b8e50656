// Dense node-row matrices: Eigen, row-major, float32 (one row per node, as the halo exchange and
// the HDF5 files lay them out).
#pragma once

#include <cstdint>

#include <Eigen/Dense>

namespace distgae {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;

// Calls f.template operator()<Width>() with `width` as a compile-time constant where it is one of
// the usual hidden and latent widths (16, 32, 64) and Eigen::Dynamic otherwise: kernels over node
// rows keep a fixed-width row in registers and unroll it.
template <class F>
decltype(auto) with_row_width(Eigen::Index width, F&& f) {
  switch (width) {
    case 16:
      return f.template operator()<16>();
    case 32:
      return f.template operator()<32>();
    case 64:
      return f.template operator()<64>();
    default:
      return f.template operator()<Eigen::Dynamic>();
  }
}

// Rows of fixed-point units (core/fixed_point.hpp): gradients summed exactly.
using UnitMatrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace distgae
