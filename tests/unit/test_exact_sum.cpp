#include "core/exact_sum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <span>
#include <vector>

namespace distgae {
namespace {

// Terms of a mean loss over a million pairs: values of every sign and scale down to 1e-12.
std::vector<double> terms(std::size_t n, unsigned seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-40, 8);
  std::vector<double> out(n);
  for (double& t : out) t = std::ldexp(mantissa(engine), exponent(engine));
  return out;
}

ExactSum sum_of(std::span<const double> values) {
  ExactSum sum;
  for (const double v : values) sum.add(v);
  return sum;
}

TEST(ExactSum, TheSameBitsInAnyOrderAndForAnySplit) {
  std::vector<double> values = terms(100000, 1);
  const ExactSum whole = sum_of(values);
  std::shuffle(values.begin(), values.end(), std::mt19937_64(2));
  EXPECT_EQ(sum_of(values), whole);
  EXPECT_EQ(sum_of(values).value(), whole.value());
  // Split into parts of uneven sizes, each summed on its own, then combined in another order.
  const std::span<const double> all(values);
  ExactSum combined;
  for (const auto& [begin, end] :
       {std::pair{70000, 100000}, std::pair{0, 3}, std::pair{3, 70000}}) {
    combined +=
        sum_of(all.subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin)));
  }
  EXPECT_EQ(combined, whole);
  // A double sum in this order differs from one in another: what ExactSum is for.
  double forward = 0.0;
  for (const double v : values) forward += v;
  double backward = 0.0;
  for (auto v = values.rbegin(); v != values.rend(); ++v) backward += *v;
  EXPECT_NE(forward, backward);
  EXPECT_NEAR(whole.value(), forward, 1e-9 * std::abs(forward));
}

TEST(ExactSum, IsTheSumOfTheTermsRoundedTo2ToTheMinus64) {
  ExactSum sum;
  sum.add(0.75);
  sum.add(-0.25);
  sum.add(std::ldexp(1.0, -70));  // below the grid's half step: rounds to 0
  sum.add(std::ldexp(3.0, -65));  // 1.5 units: ties to even, 2 units
  EXPECT_EQ(sum.value(), 0.5 + std::ldexp(1.0, -63));
  ExactSum negative;
  negative.add(-3.0);
  negative.add(1.0);
  EXPECT_EQ(negative.value(), -2.0);
}

TEST(ExactSum, ReduceSlotsAddUpLikeTheSums) {
  const std::vector<double> values = terms(3000, 3);
  const std::span<const double> all(values);
  // Three "ranks": their slots added entry by entry, as MPI_SUM does.
  ExactSum::ReduceSlots slots{};
  for (int rank = 0; rank < 3; ++rank) {
    const ExactSum mine = sum_of(all.subspan(static_cast<std::size_t>(rank) * 1000, 1000));
    const ExactSum::ReduceSlots own = mine.reduce_slots();
    for (int i = 0; i < ExactSum::kReduceSlots; ++i) slots[i] += own[i];
  }
  EXPECT_EQ(ExactSum::from_reduce_slots(slots), sum_of(all));
  ExactSum negative;
  negative.add(-1e6);
  EXPECT_EQ(ExactSum::from_reduce_slots(negative.reduce_slots()).value(), -1e6);
}

TEST(ExactSum, AddWeightedIsAddingEachWeightedTerm) {
  std::vector<float> losses(1000);
  std::mt19937 engine(4);
  std::exponential_distribution<float> loss(1.5f);
  for (float& v : losses) v = loss(engine);
  losses[500] = 3e9f;  // a batch whose scaled terms pass int64's room: the one-by-one path
  for (const double weight : {1.0, 1.0 / 17e6}) {
    ExactSum batched;
    batched.add_weighted(losses, weight);
    ExactSum one_by_one;
    for (const float v : losses) one_by_one.add(weight * static_cast<double>(v));
    EXPECT_EQ(batched, one_by_one);
  }
}

TEST(ExactSum, ATermNotFiniteOrOutOfRangeMakesTheSumNaNOnEveryRank) {
  ExactSum diverged;
  diverged.add(1.0);
  diverged.add(std::nan(""));
  EXPECT_TRUE(std::isnan(diverged.value()));
  ExactSum huge;
  huge.add(1e13);
  EXPECT_TRUE(std::isnan(huge.value()));
  // Combined over ranks, the healthy rank's sum turns NaN too.
  ExactSum healthy;
  healthy.add(2.0);
  ExactSum::ReduceSlots slots = healthy.reduce_slots();
  const ExactSum::ReduceSlots other = diverged.reduce_slots();
  for (int i = 0; i < ExactSum::kReduceSlots; ++i) slots[i] += other[i];
  EXPECT_TRUE(std::isnan(ExactSum::from_reduce_slots(slots).value()));
  std::vector<float> batch = {1.0f, std::nanf("")};
  ExactSum weighted;
  weighted.add_weighted(batch, 0.5);
  EXPECT_TRUE(std::isnan(weighted.value()));
}

}  // namespace
}  // namespace distgae
