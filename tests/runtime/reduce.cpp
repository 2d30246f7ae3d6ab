#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <ctgrad.hpp>
#include <vector>

namespace {
constexpr ctgrad::data<"x"> x;

// The documented order, written out plainly: blocks in order; in a block, lane k starts from +0
// and adds points k, k + K, ... in order; the lanes that received points are added left to right.
template <class T>
T reference_sum(const std::vector<T>& v) {
  const std::size_t K = ctgrad::reduction_lanes;
  const std::size_t B = ctgrad::reduction_block;
  T total = 0;
  for (std::size_t begin = 0; begin < v.size(); begin += B) {
    const std::size_t end = std::min(v.size(), begin + B);
    std::array<T, 16> lanes{};
    std::array<bool, 16> used{};
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t k = (i - begin) % K;
      lanes[k] = lanes[k] + v[i];
      used[k] = true;
    }
    T block = lanes[0];
    for (std::size_t k = 1; k < K && used[k]; ++k) block += lanes[k];
    total = begin == 0 ? block : total + block;
  }
  return total;
}

template <class T = float>
std::vector<T> noisy(std::size_t n) {
  std::vector<T> v(n);
  std::uint32_t state = 12345;
  for (auto& e : v) {
    state = state * 1664525u + 1013904223u;
    e = static_cast<T>(state >> 8) / T(16777216) * T(2) - T(0.7);
  }
  return v;
}
}  // namespace

static_assert(ctgrad::reduction_lanes == 16 &&
              ctgrad::reduction_block % ctgrad::reduction_lanes == 0);

TEST_CASE("up to reduction_lanes points, the sum is the sequential sum") {
  for (std::size_t n = 1; n <= ctgrad::reduction_lanes; ++n) {
    const auto v = noisy(n);
    float sequential = v[0];
    for (std::size_t i = 1; i < n; ++i) sequential += v[i];
    CAPTURE(n);
    CHECK(ctgrad::evaluate(sum(x), x = v) == sequential);
  }
}

TEST_CASE("a lane starts from +0, so the sign of a zero is the same on every path") {
  const std::vector<float> negative_zeros(3, -0.0f);
  CHECK(!std::signbit(ctgrad::evaluate(sum(x), x = negative_zeros)));
  const std::vector<float> many(40, -0.0f);
  CHECK(!std::signbit(ctgrad::evaluate(sum(x), x = many)));
}

TEST_CASE_TEMPLATE("every length follows the documented order exactly", T, float, double) {
  for (std::size_t n : {17u, 31u, 100u, 4095u, 4096u, 4097u, 10000u, 65537u}) {
    const auto v = noisy<T>(n);
    CAPTURE(n);
    CHECK(ctgrad::evaluate(sum(x), x = v) == reference_sum(v));
    CHECK(ctgrad::evaluate(sum(x), x = v) == ctgrad::evaluate(sum(x), x = v));
  }
}
