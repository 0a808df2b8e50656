#include "model/link_loss.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/fixed_point.hpp"
#include "core/parallel_work.hpp"
#include "model/parallel_sum.hpp"

namespace distgae {
namespace {

void check_pairs(const Matrix& z, std::span<const std::int64_t> first,
                 std::span<const std::int64_t> second) {
  if (first.size() != second.size()) {
    throw std::invalid_argument("pair losses: " + std::to_string(first.size()) +
                                " first endpoints but " + std::to_string(second.size()) +
                                " second ones");
  }
  const auto in_range = [&](std::int64_t row) { return row >= 0 && row < z.rows(); };
  if (!std::all_of(first.begin(), first.end(), in_range) ||
      !std::all_of(second.begin(), second.end(), in_range)) {
    throw std::invalid_argument("pair losses: a row index lies outside z's " +
                                std::to_string(z.rows()) + " rows");
  }
}

// How many pairs ahead the loops prefetch the rows they will touch. Pairs reach rows at random
// (negatives are uniform), so without it every pair waits for up to four DRAM misses in turn:
// prefetching z's and dz's rows 8 pairs ahead made the fused loop 3.4x faster on 1M rows (122 →
// 36 ns per pair, against 33 ns with every row in cache).
constexpr std::int64_t kPrefetchDistance = 8;

// A row of z as a fixed-width vector (Width > 0) or a runtime-width one (Width == Eigen::Dynamic);
// fixed widths vectorise the dot products and updates with a fixed summation order.
template <int Width>
using RowMap = Eigen::Map<const Eigen::Matrix<float, 1, Width>>;
template <int Width>
using MutableRowMap = Eigen::Map<Eigen::Matrix<float, 1, Width>>;

// A prefetch the compiler keeps: GCC 12 drops __builtin_prefetch here (in lambdas, and in loops
// it sees no other effect in), which left the kernels without any prefetch at all. spmm.cpp keeps
// __builtin_prefetch: GCC emits it there, and this asm form made Â·X 20% slower (it constrains
// the compiler's scheduling), measured with bench/kernels.
inline void prefetch_line(const float* address) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*reinterpret_cast<const char*>(address)));
#else
  __builtin_prefetch(address);
#endif
}

// Prefetches a row: every 64-byte line of a fixed-width row, the first line of another.
template <int Width>
inline void prefetch_row(const float* row, Eigen::Index /*width*/) {
  prefetch_line(row);
  if constexpr (Width > 16) prefetch_line(row + 16);
  if constexpr (Width > 32) {
    prefetch_line(row + 32);
    prefetch_line(row + 48);
  }
}

// Pairs are scored in batches: their logits first, then the loss terms and gradient
// coefficients of the whole batch at once, so the exponential and logarithm run over full SIMD
// packets (Eigen's vectorised exp and log1p) instead of one libm call per pair; libm's log1pf
// alone took a fifth of Cora's training step. A batch always computes every lane (unused ones
// are padded with 0), so a pair's terms come from the same packet code wherever it falls in a
// batch: the bits do not depend on batching, block boundaries or the thread count.
constexpr int kBatch = 64;
using BatchArray = Eigen::Array<float, kBatch, 1>;

// BCE with logits, stable for any x: max(x, 0) - x·y + log(1 + exp(-|x|)), and σ(x) from the same
// exponential. fp32 math, as the reference's; the caller sums the terms in double.
// GCC 12 reports its own AVX-512 intrinsics' deliberately undefined operands (_mm512_undefined_ps)
// as uninitialised once Eigen's exp and log1p are inlined here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
struct BatchTerms {
  alignas(64) std::array<float, kBatch> logit;
  alignas(64) std::array<float, kBatch> loss;
  alignas(64) std::array<float, kBatch> coefficient;  // grad_scale · (σ(x) - y)

  void compute(float label, float grad_scale) {
    alignas(64) std::array<float, kBatch> e;
    alignas(64) std::array<float, kBatch> log1p_e;
    const Eigen::Map<const BatchArray, Eigen::Aligned64> x(logit.data());
    Eigen::Map<BatchArray, Eigen::Aligned64>(e.data()) = (-x.abs()).exp();
    Eigen::Map<BatchArray, Eigen::Aligned64>(log1p_e.data()) =
        Eigen::Map<const BatchArray, Eigen::Aligned64>(e.data()).log1p();
    for (int j = 0; j < kBatch; ++j) {
      const float v = logit[j];
      const float sigmoid = (v >= 0.0f ? 1.0f : e[j]) / (1.0f + e[j]);
      loss[j] = std::max(v, 0.0f) - v * label + log1p_e[j];
      coefficient[j] = grad_scale * (sigmoid - label);
    }
  }
};
#pragma GCC diagnostic pop

template <int Width>
[[gnu::always_inline]] inline float row_dot(const float* a, const float* b, Eigen::Index width) {
  return RowMap<Width>(a, width).dot(RowMap<Width>(b, width));
}

template <int Width>
[[gnu::always_inline]] inline void add_scaled_row(float* target, float scale, const float* source,
                                                  Eigen::Index width) {
  MutableRowMap<Width>(target, width).noalias() += scale * RowMap<Width>(source, width);
}

// Where a kernel adds its pairs' gradients. FloatRows: float rows, each update added in pair
// order. UnitRows: rows of fixed-point units (core/fixed_point.hpp), each product c · z rounded
// once and added as an integer, so a row's sum is the same whatever order and rank its updates
// come from.
template <int Width>
struct FloatRows {
  float* data;
  Eigen::Index width;

  void prefetch(std::int64_t row) const { prefetch_row<Width>(data + row * width, width); }
  [[gnu::always_inline]] void add(std::int64_t row, float coefficient, const float* source) const {
    add_scaled_row<Width>(data + row * width, coefficient, source, width);
  }
};

template <int Width>
struct UnitRows {
  std::int64_t* data;
  Eigen::Index width;
  double to_units;  // a power of two: the coefficient times it is exact

  void prefetch(std::int64_t row) const {
    // Twice a float row's bytes: prefetch_row's lines for the two halves.
    const auto* bytes = reinterpret_cast<const float*>(data + row * width);
    prefetch_row<Width>(bytes, width);
    prefetch_row<Width>(bytes + width, width);
  }
  [[gnu::always_inline]] void add(std::int64_t row, float coefficient, const float* source) const {
    // c · to_units · z: exact in double (24-bit mantissas), under 2^51 by the scale's bound.
    const double scaled = static_cast<double>(coefficient) * to_units;
    std::int64_t* target = data + row * width;
    const Eigen::Index n = Width > 0 ? Width : width;
    // Rounded to nearest, ties to even (the default mode): FixedPointScale's rounding, written so
    // that it vectorises (a round and a conversion per lane).
#pragma omp simd
    for (Eigen::Index j = 0; j < n; ++j) {
      target[j] +=
          static_cast<std::int64_t>(std::nearbyint(scaled * static_cast<double>(source[j])));
    }
  }
};

// Pairs [begin, end) in batches: their loss terms, times `weight`, summed exactly (returned), and
// either their updates applied to `gradient` in pair order (kUpdate) or their coefficients stored
// in `coefficients` (indexed by pair) for a later pass.
template <int Width, bool kUpdate, class Rows>
ExactSum pair_range(const Matrix& z, std::span<const std::int64_t> first,
                    std::span<const std::int64_t> second, float label, double weight,
                    const Rows& gradient, std::int64_t begin, std::int64_t end,
                    float* coefficients) {
  const Eigen::Index width = z.cols();
  const float* zd = z.data();
  const auto n_pairs = static_cast<std::int64_t>(first.size());
  const auto row = [width](auto* base, std::int64_t r) { return base + r * width; };
  const auto grad_scale = static_cast<float>(weight);
  BatchTerms batch;
  ExactSum sum;
  for (std::int64_t batch_begin = begin; batch_begin < end; batch_begin += kBatch) {
    const int count = static_cast<int>(std::min<std::int64_t>(kBatch, end - batch_begin));
    for (int j = 0; j < count; ++j) {
      const std::int64_t p = batch_begin + j;
      // The rows pair p + distance reads (and, when updating, the rows it will update: they are
      // used a batch later, still in cache).
      if (const std::int64_t ahead = p + kPrefetchDistance; ahead < n_pairs) {
        const std::int64_t a = first[static_cast<std::size_t>(ahead)];
        const std::int64_t b = second[static_cast<std::size_t>(ahead)];
        prefetch_row<Width>(row(zd, a), width);
        prefetch_row<Width>(row(zd, b), width);
        if constexpr (kUpdate) {
          gradient.prefetch(a);
          gradient.prefetch(b);
        }
      }
      batch.logit[static_cast<std::size_t>(j)] =
          row_dot<Width>(row(zd, first[static_cast<std::size_t>(p)]),
                         row(zd, second[static_cast<std::size_t>(p)]), width);
    }
    std::fill(batch.logit.begin() + count, batch.logit.end(), 0.0f);
    batch.compute(label, grad_scale);
    sum.add_weighted(std::span<const float>(batch.loss.data(), static_cast<std::size_t>(count)),
                     weight);
    for (int j = 0; j < count; ++j) {
      const auto i = static_cast<std::size_t>(batch_begin + j);
      const auto jj = static_cast<std::size_t>(j);
      if constexpr (kUpdate) {
        const std::int64_t a = first[i];
        const std::int64_t b = second[i];
        gradient.add(a, batch.coefficient[jj], row(zd, b));
        gradient.add(b, batch.coefficient[jj], row(zd, a));
      } else {
        coefficients[i] = batch.coefficient[jj];
      }
    }
  }
  return sum;
}

// The pair loss for one width. One thread: a single fused pass (each pair's rows are read, then
// updated while still in cache). Several: pass 1 sums the terms in fixed blocks and keeps each
// pair's coefficient; pass 2 gives each thread a contiguous range of dz's rows and has it apply,
// in pair order, the updates landing there, so no two threads touch a row (no races, no
// atomics). Both paths sum the same blocks (parallel_sum.hpp) and apply the same updates in the
// same order: every thread count gives the same bits.
template <int Width, class Rows>
ExactSum pair_loss_kernel(const Matrix& z, std::span<const std::int64_t> first,
                          std::span<const std::int64_t> second, float label, double weight,
                          const Rows& gradient) {
  const Eigen::Index width = z.cols();
  const float* zd = z.data();
  const auto n_pairs = static_cast<std::int64_t>(first.size());
  const auto row = [width](auto* base, std::int64_t r) { return base + r * width; };
  const auto block_begin = [n_pairs](int block) { return n_pairs * block / detail::kSumBlocks; };
  // A pair is a dot product, two row updates and its share of a batch's exp and log1p: about
  // 3 · width + 32 multiply-adds.
  const bool parallel =
      worth_parallel_work(n_pairs * (3 * width + 32)) && omp_get_max_threads() > 1;
  std::array<ExactSum, detail::kSumBlocks> partial{};

  if (!parallel) {
    for (int block = 0; block < detail::kSumBlocks; ++block) {
      partial[static_cast<std::size_t>(block)] =
          pair_range<Width, true>(z, first, second, label, weight, gradient, block_begin(block),
                                  block_begin(block + 1), nullptr);
    }
  } else {
    float* const g = detail::thread_scratch(0, first.size()).data();
#pragma omp parallel for schedule(dynamic, 1)
    for (int block = 0; block < detail::kSumBlocks; ++block) {
      partial[static_cast<std::size_t>(block)] = pair_range<Width, false>(
          z, first, second, label, weight, gradient, block_begin(block), block_begin(block + 1), g);
    }
#pragma omp parallel
    {
      const std::int64_t threads = omp_get_num_threads();
      const std::int64_t thread = omp_get_thread_num();
      const std::int64_t row_begin = z.rows() * thread / threads;
      const std::int64_t row_end = z.rows() * (thread + 1) / threads;
      const auto mine = [&](std::int64_t r) { return r >= row_begin && r < row_end; };
      for (std::int64_t p = 0; p < n_pairs; ++p) {
        const auto i = static_cast<std::size_t>(p);
        const std::int64_t a = first[i];
        const std::int64_t b = second[i];
        if (p + kPrefetchDistance < n_pairs) {
          const auto ahead = i + static_cast<std::size_t>(kPrefetchDistance);
          for (const std::int64_t r : {first[ahead], second[ahead]}) {
            if (mine(r)) {
              gradient.prefetch(r);
              prefetch_row<Width>(row(zd, r == first[ahead] ? second[ahead] : first[ahead]), width);
            }
          }
        }
        if (mine(a)) gradient.add(a, g[i], row(zd, b));
        if (mine(b)) gradient.add(b, g[i], row(zd, a));
      }
    }
  }
  ExactSum total;
  for (const ExactSum& value : partial) total += value;
  return total;
}

}  // namespace

ExactSum pair_logistic_loss(const Matrix& z, std::span<const std::int64_t> first,
                            std::span<const std::int64_t> second, float label, double weight,
                            Matrix& dz) {
  check_pairs(z, first, second);
  if (dz.rows() != z.rows() || dz.cols() != z.cols() || &dz == &z) {
    throw std::invalid_argument("pair_logistic_loss: dz must have z's shape (and not be z)");
  }
  return with_row_width(z.cols(), [&]<int Width>() {
    return pair_loss_kernel<Width>(z, first, second, label, weight,
                                   FloatRows<Width>{dz.data(), z.cols()});
  });
}

ExactSum pair_logistic_loss(const Matrix& z, std::span<const std::int64_t> first,
                            std::span<const std::int64_t> second, float label, double weight,
                            const FixedPointScale& scale, UnitMatrix& dz_units) {
  check_pairs(z, first, second);
  if (dz_units.rows() != z.rows() || dz_units.cols() != z.cols()) {
    throw std::invalid_argument("pair_logistic_loss: dz_units must have z's shape");
  }
  return with_row_width(z.cols(), [&]<int Width>() {
    return pair_loss_kernel<Width>(z, first, second, label, weight,
                                   UnitRows<Width>{dz_units.data(), z.cols(), scale.to_units()});
  });
}

void pair_logits(const Matrix& z, std::span<const std::int64_t> first,
                 std::span<const std::int64_t> second, std::span<double> out) {
  check_pairs(z, first, second);
  if (out.size() != first.size()) {
    throw std::invalid_argument("pair_logits: output size differs from the pair count");
  }
  const auto n_pairs = static_cast<std::int64_t>(first.size());
#pragma omp parallel for schedule(static) if (worth_parallel_work(n_pairs * z.cols()))
  for (std::int64_t p = 0; p < n_pairs; ++p) {
    const auto i = static_cast<std::size_t>(p);
    out[i] = z.row(first[i]).cast<double>().dot(z.row(second[i]).cast<double>());
  }
}

ExactSum gaussian_kl(const Matrix& mu, const Matrix& logstd, double weight, Matrix& dmu,
                     Matrix& dlogstd) {
  const auto same_shape = [&](const Matrix& m) {
    return m.rows() == mu.rows() && m.cols() == mu.cols();
  };
  if (!same_shape(logstd) || !same_shape(dmu) || !same_shape(dlogstd)) {
    throw std::invalid_argument("gaussian_kl: mu, logstd, dmu and dlogstd must share a shape");
  }
  const auto scale = static_cast<float>(weight);
  const Eigen::Index n = mu.size();
  const Eigen::Index cols = mu.cols();
  // σ² = exp(2 log σ) in float over the whole matrix, one vectorised pass (Eigen's exp), instead
  // of an exp in double per entry; the terms are then formed and summed in double.
  const std::span<float> scratch = detail::thread_scratch(1, static_cast<std::size_t>(n));
  Eigen::Map<Eigen::ArrayXf>(scratch.data(), n) =
      (2.0f * Eigen::Map<const Eigen::ArrayXf>(logstd.data(), n)).exp();
  const float* const sigma2 = scratch.data();
  // An entry is a few multiply-adds and its share of the exp pass.
  const bool parallel = worth_parallel_work(n * 8);
  return detail::blocked_sum(mu.rows(), parallel, [&](std::int64_t row) {
    double sum = 0.0;
    for (Eigen::Index d = 0; d < cols; ++d) {
      const float m = mu(row, d);
      const float s2 = sigma2[row * cols + d];
      sum += -0.5 * (1.0 + 2.0 * static_cast<double>(logstd(row, d)) - static_cast<double>(m) * m -
                     static_cast<double>(s2));
      dmu(row, d) += scale * m;
      dlogstd(row, d) += scale * (s2 - 1.0f);
    }
    return weight * sum;
  });
}

void reparameterize(const Matrix& mu, const Matrix& logstd, const Matrix& noise, Matrix& z) {
  if (logstd.rows() != mu.rows() || logstd.cols() != mu.cols() || noise.rows() != mu.rows() ||
      noise.cols() != mu.cols()) {
    throw std::invalid_argument("reparameterize: mu, logstd and noise must share a shape");
  }
  z.resize(mu.rows(), mu.cols());
  z.array() = mu.array() + noise.array() * logstd.array().exp();
}

void reparameterize_backward(const Matrix& dz, const Matrix& logstd, const Matrix& noise,
                             Matrix& dmu, Matrix& dlogstd) {
  const auto same_shape = [&](const Matrix& m) {
    return m.rows() == dz.rows() && m.cols() == dz.cols();
  };
  if (!same_shape(logstd) || !same_shape(noise) || !same_shape(dmu) || !same_shape(dlogstd)) {
    throw std::invalid_argument("reparameterize_backward: all matrices must share a shape");
  }
  dmu += dz;
  dlogstd.array() += dz.array() * noise.array() * logstd.array().exp();
}

}  // namespace distgae
