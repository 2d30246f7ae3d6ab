#pragma once
/// \file
/// The summation order of every reduction, fixed so that results are deterministic, vectorize
/// without -ffast-math, and do not depend on the number of threads:
///
/// 1. The points are cut into blocks of `reduction_block` points (the last may be shorter).
/// 2. Within a block, point i goes to lane i % `reduction_lanes`; each lane adds its points in
///    index order, starting from its first point. The lanes are then added left to right.
/// 3. The block sums are added in block order, starting from the first block's sum.
///
/// With N <= reduction_lanes this is exactly the sequential sum x0 + x1 + ... + x(N-1), which
/// is what PyTorch computes for the seed's four points.

#include <algorithm>
#include <array>
#include <cstddef>

namespace ctgrad {

/// Independent partial sums per block: enough for two AVX registers of floats, four of doubles.
inline constexpr std::size_t reduction_lanes = 16;
/// Points per block; the unit of work of a parallel evaluation.
inline constexpr std::size_t reduction_block = 4096;

namespace detail {

// Adds up f(i)[j] for i in [begin, end) and every j, in the order of step 2.
// f(i) returns std::array<T, M>: the M reductions' point-wise terms at point i.
template <class T, std::size_t M, class F>
constexpr std::array<T, M> sum_block(const F& f, std::size_t begin, std::size_t end) noexcept {
  constexpr std::size_t K = reduction_lanes;
  std::array<std::array<T, K>, M> lanes{};
  std::size_t i = begin;
  for (; i + K <= end; i += K) {
    for (std::size_t k = 0; k < K; ++k) {
      const std::array<T, M> terms = f(i + k);
      for (std::size_t j = 0; j < M; ++j) lanes[j][k] += terms[j];
    }
  }
  for (std::size_t k = 0; i + k < end; ++k) {
    const std::array<T, M> terms = f(i + k);
    for (std::size_t j = 0; j < M; ++j) lanes[j][k] += terms[j];
  }
  const std::size_t used = std::min(K, end - begin);
  std::array<T, M> total{};
  for (std::size_t j = 0; j < M; ++j) {
    T s = lanes[j][0];
    for (std::size_t k = 1; k < used; ++k) s += lanes[j][k];
    total[j] = s;
  }
  return total;
}

// All M sums over n points, one thread, in the documented order.
template <class T, std::size_t M, class F>
constexpr std::array<T, M> sum_all(const F& f, std::size_t n) noexcept {
  std::array<T, M> total{};
  for (std::size_t begin = 0; begin < n; begin += reduction_block) {
    const std::array<T, M> block = sum_block<T, M>(f, begin, std::min(n, begin + reduction_block));
    for (std::size_t j = 0; j < M; ++j) total[j] = begin == 0 ? block[j] : total[j] + block[j];
  }
  return total;
}

// Sums on the calling thread, in the documented order.
struct sequential_summation {
  template <class T, std::size_t M, class F>
  constexpr std::array<T, M> sum(const F& f, std::size_t n) const noexcept {
    return sum_all<T, M>(f, n);
  }
};

}  // namespace detail

}  // namespace ctgrad
