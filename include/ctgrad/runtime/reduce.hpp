#pragma once
/// \file
/// The summation order of every reduction, fixed so that results are deterministic, vectorize
/// without -ffast-math, and do not depend on the number of threads:
///
/// 1. The points are cut into blocks of `reduction_block` points (the last may be shorter).
/// 2. Within a block, point i goes to lane i % `reduction_lanes`; each lane starts from +0 and
///    adds its points in index order. The lanes that received points are then added left to
///    right.
/// 3. The block sums are added in block order, starting from the first block's sum.
///
/// With N <= reduction_lanes this is exactly the sequential sum x0 + x1 + ... + x(N-1) (the
/// +0 start matters only for the sign of a zero), which is what PyTorch computes for the seed's
/// four points.

#include "../detail/config.hpp"

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctgrad {

/// Independent partial sums per block: enough for two AVX registers of floats, four of doubles.
inline constexpr std::size_t reduction_lanes = 16;
/// Points per block; the unit of work of a parallel evaluation.
inline constexpr std::size_t reduction_block = 4096;

namespace detail {

constexpr std::size_t smaller(std::size_t a, std::size_t b) noexcept { return a < b ? a : b; }

/// The size in bytes of the target's widest vector register, which a packet fills: AVX-512
/// 64, AVX 32, else (SSE2, and any other target) 16. The summation order does not depend on it:
/// a chunk of reduction_lanes points is always 16 lanes, one or more packets.
#if defined(__AVX512F__)
inline constexpr std::size_t packet_bytes = 64;
#elif defined(__AVX__)
inline constexpr std::size_t packet_bytes = 32;
#else
inline constexpr std::size_t packet_bytes = 16;
#endif

/// `width` consecutive points' values of T, one per SIMD lane (a register of the target's width,
/// packet_bytes, or of 16 bytes for a few points), computed with the same IEEE operations as the
/// scalar code, lane by lane. A portable SIMD register (GNU vector extension, understood by g++
/// and clang) that -O2 maps to SSE, AVX or AVX-512 without -ffast-math. Sized to the target: a
/// vector wider than the target's registers is split by the compiler into halves that go
/// through the stack.
template <class T, std::size_t Bytes = packet_bytes>
struct packet {
  static constexpr std::size_t width = Bytes / sizeof(T);
  // Alignment 16 keeps the type's calling convention the same with or without AVX enabled.
  typedef T lanes_type __attribute__((vector_size(Bytes), aligned(16)));
  lanes_type v;

  [[nodiscard]] T lane(std::size_t k) const noexcept { return v[k]; }
  void set_lane(std::size_t k, T x) noexcept { v[k] = x; }
  static packet broadcast(T x) noexcept { return {lanes_type{} + x}; }
  template <class U>
  static packet load(const U* from) noexcept {
    // Element by element: g++ and clang turn this into plain vector loads (a memcpy into the
    // vector goes through the stack with g++ 12 and stalls store forwarding).
    packet r;
    for (std::size_t k = 0; k < width; ++k) r.v[k] = static_cast<T>(from[k]);
    return r;
  }
  /// Lanes from[0], from[Stride], from[2 * Stride], ...: a row-major feature.
  template <std::size_t Stride, class U>
  static packet load_strided(const U* from) noexcept {
    if constexpr (Stride == 1)
      return load(from);
    else {
      packet r;
      for (std::size_t k = 0; k < width; ++k) r.v[k] = static_cast<T>(from[k * Stride]);
      return r;
    }
  }
  /// Lanes base[min(i + k, last) * Stride]: the points from i on, the last one repeated past the
  /// end of the data (for fewer points than a packet has lanes; the extra lanes are not summed).
  template <std::size_t Stride, class U>
  static packet load_clamped(const U* base, std::size_t i, std::size_t last) noexcept {
    packet r;
    for (std::size_t k = 0; k < width; ++k)
      r.v[k] = static_cast<T>(base[(i + k < last ? i + k : last) * Stride]);
    return r;
  }
  /// Lanes from[0], from[step], from[2 * step], ...: a view whose stride is known at run time
  /// only (an Eigen row of a column-major matrix).
  template <class U>
  static packet load_step(const U* from, std::ptrdiff_t step) noexcept {
    packet r;
    for (std::size_t k = 0; k < width; ++k)
      r.v[k] = static_cast<T>(from[static_cast<std::ptrdiff_t>(k) * step]);
    return r;
  }
  /// load_clamped with a stride known at run time only.
  template <class U>
  static packet load_clamped_step(const U* base, std::size_t i, std::size_t last,
                                  std::ptrdiff_t step) noexcept {
    packet r;
    for (std::size_t k = 0; k < width; ++k)
      r.v[k] =
          static_cast<T>(base[static_cast<std::ptrdiff_t>(i + k < last ? i + k : last) * step]);
    return r;
  }
  friend packet operator+(packet a, packet b) noexcept { return {a.v + b.v}; }
  friend packet operator-(packet a, packet b) noexcept { return {a.v - b.v}; }
  friend packet operator*(packet a, packet b) noexcept { return {a.v * b.v}; }
  friend packet operator/(packet a, packet b) noexcept { return {a.v / b.v}; }
  friend packet operator-(packet a) noexcept { return {-a.v}; }
};

/// Packets exist for float and double; other types take the scalar path.
template <class T>
inline constexpr bool has_packet_v = std::is_same_v<T, float> || std::is_same_v<T, double>;

template <std::size_t M, class P>
constexpr void add_packets(std::array<P, M>& sums, const std::array<P, M>& next) noexcept {
  [&]<std::size_t... j>(std::index_sequence<j...>) {
    ((std::get<j>(sums) = std::get<j>(sums) + std::get<j>(next)), ...);
  }
  (std::make_index_sequence<M>{});
}

// Adds up the M point-wise terms of points [begin, end), in the order of step 2. `terms`
// gives them one point at a time (terms.at(i): std::array<T, M>) and, for float and double,
// a packet of points at a time (terms.packet_at(i): std::array<packet<T>, M>, or
// terms.add_packet_at(i, sums), which adds them to the lane sums where they are made), which fills
// the lanes exactly as the same number of calls of at() would.
template <class T, std::size_t M, class Terms>
constexpr std::array<T, M> sum_block(const Terms& terms, std::size_t begin,
                                     std::size_t end) noexcept {
  constexpr std::size_t K = reduction_lanes;
  std::array<std::array<T, K>, M> lanes{};
  std::size_t i = begin;
  if constexpr (has_packet_v<T>) {
    if (!std::is_constant_evaluated() && i + K <= end) {
      // Lane k of the chunk is lane k % W of packet k / W: the same points, the same order.
      constexpr std::size_t W = packet<T>::width;
      constexpr std::size_t Q = K / W;
      std::array<std::array<packet<T>, M>, Q> sums{};  // from zero, as the scalar lanes
      for (; i + K <= end; i += K) {
        // Unrolled at compile time, so that every sums[q][j] is a fixed register: a loop over q
        // indexes the sums in memory, and each chunk then waits on a store and a load per packet.
        [&]<std::size_t... q>(std::index_sequence<q...>) {
          if constexpr (requires { terms.add_packet_at(i, sums[0]); })
            (terms.add_packet_at(i + q * W, sums[q]), ...);  // the terms added where they are made
          else
            (add_packets<M>(sums[q], terms.packet_at(i + q * W)), ...);
        }
        (std::make_index_sequence<Q>{});
      }
      for (std::size_t j = 0; j < M; ++j)
        for (std::size_t k = 0; k < K; ++k) lanes[j][k] = sums[k / W][j].lane(k % W);
    }
  }
  for (; i + K <= end; i += K) {
    for (std::size_t k = 0; k < K; ++k) {
      const std::array<T, M> point = terms.at(i + k);
      for (std::size_t j = 0; j < M; ++j) lanes[j][k] += point[j];
    }
  }
  for (std::size_t k = 0; i + k < end; ++k) {
    const std::array<T, M> point = terms.at(i + k);
    for (std::size_t j = 0; j < M; ++j) lanes[j][k] += point[j];
  }
  const std::size_t used = smaller(K, end - begin);
  std::array<T, M> total{};
  for (std::size_t j = 0; j < M; ++j) {
    T s = lanes[j][0];
    for (std::size_t k = 1; k < used; ++k) s += lanes[j][k];
    total[j] = s;
  }
  return total;
}

// True when Terms asks for fewer points than a packet's lanes to be evaluated as packets
// (`few_points_in_packets`, with `partial_packet_at<P>(i, last)`).
template <class Terms>
inline constexpr bool few_points_in_packets_v = [] {
  if constexpr (requires { Terms::few_points_in_packets; })
    return Terms::few_points_in_packets;
  else
    return false;
}();

// Up to reduction_lanes points, one per lane: the lanes added left to right are the sequential
// sum. Written out, it skips the lane array; this is the whole evaluation for small data such
// as the seed's.
// sum_few for terms evaluated as packets of Bytes bytes: each lane has the bits of the scalar
// path, the lanes past n repeat the last point and are not used.
template <class T, std::size_t M, std::size_t Bytes, class Terms>
std::array<T, M> sum_few_packets(const Terms& terms, std::size_t n) noexcept {
  using P = packet<T, Bytes>;
  constexpr std::size_t W = P::width;
  std::array<T, M> total{};
  for (std::size_t i = 0; i < n; i += W) {
    const std::array<P, M> lanes = terms.template partial_packet_at<P>(i, n - 1);
    for (std::size_t k = 0; k < W && i + k < n; ++k)
      for (std::size_t j = 0; j < M; ++j)
        total[j] = i + k == 0 ? T(0) + lanes[j].lane(k) : total[j] + lanes[j].lane(k);
  }
  return total;
}

template <class T, std::size_t M, class Terms>
constexpr std::array<T, M> sum_few(const Terms& terms, std::size_t n) noexcept {
  if constexpr (has_packet_v<T> && few_points_in_packets_v<Terms>) {
    if (!std::is_constant_evaluated()) {
      // The points evaluated as packets: of 16 bytes when that holds them all (4 floats, 2
      // doubles), else of the target's width. The functions with a packet rule (exp, log, tanh)
      // cost a fraction of their one-lane calls, and every lane of a packet wider than needed
      // gathers a copy of the last point. (A 32-byte step between the two would save a little
      // more at 5 to 8 floats, for one more instantiation of the sweep to compile.) Summed as
      // below, in order.
      if (n * sizeof(T) <= 16)
        return sum_few_packets<T, M, 16>(terms, n);
      return sum_few_packets<T, M, packet_bytes>(terms, n);
    }
  }
  std::array<T, M> total = terms.at(0);
  for (std::size_t j = 0; j < M; ++j) total[j] = T(0) + total[j];
  for (std::size_t i = 1; i < n; ++i) {
    const std::array<T, M> point = terms.at(i);
    // T(0) + point[j] would only turn a -0 into +0, and adding either to a total that is not
    // -0 gives the same: the total starts as +0 + x0, which is never -0, and a sum of a total
    // that is not -0 is not -0 either (round to nearest). So only the first term needs it.
    for (std::size_t j = 0; j < M; ++j) total[j] += point[j];
  }
  return total;
}

/// The number of blocks of n points (the last may be shorter).
constexpr std::size_t block_count(std::size_t n) noexcept {
  return (n + reduction_block - 1) / reduction_block;
}

// Adds the sums of blocks [first, last) of n points to `total`, in block order (block 0's sum
// replaces total). Going through the blocks in several ranges, one after another, gives the bits
// of one pass over all of them: this is what lets data be summed a chunk at a time.
template <class T, std::size_t M, class Terms>
constexpr void add_block_sums(const Terms& terms, std::size_t n, std::size_t first,
                              std::size_t last, std::array<T, M>& total) noexcept {
  for (std::size_t b = first; b < last; ++b) {
    const std::size_t begin = b * reduction_block;
    const std::array<T, M> block =
        sum_block<T, M>(terms, begin, smaller(n, begin + reduction_block));
    for (std::size_t j = 0; j < M; ++j) total[j] = b == 0 ? block[j] : total[j] + block[j];
  }
}

// Kept out of line: the SIMD code needs a larger stack frame, which small data should not pay for.
template <class T, std::size_t M, class Terms>
[[gnu::noinline]] constexpr std::array<T, M> sum_blocks(const Terms& terms,
                                                        std::size_t n) noexcept {
  std::array<T, M> total{};
  add_block_sums<T, M>(terms, n, 0, block_count(n), total);
  return total;
}

// All M sums over n points, one thread, in the documented order.
template <class T, std::size_t M, class Terms>
constexpr std::array<T, M> sum_all(const Terms& terms, std::size_t n) noexcept {
  if (n > 0 && n <= reduction_lanes)
    return sum_few<T, M>(terms, n);
  return sum_blocks<T, M>(terms, n);
}

// Sums on the calling thread, in the documented order.
struct sequential_summation {
  template <class T, std::size_t M, class Terms>
  constexpr std::array<T, M> sum(const Terms& terms, std::size_t n) const noexcept {
    return sum_all<T, M>(terms, n);
  }
};

}  // namespace detail

}  // namespace ctgrad
