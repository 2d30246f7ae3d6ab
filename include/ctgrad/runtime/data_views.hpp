#pragma once
/// \file
/// Views of data rows of N features per point, in the two layouts data come in. Neither copies.
///
/// - `rows<N>(ptr, points)`: row-major, point i's features at ptr[i * N + j] (what a
///   `std::vector<std::array<T, N>>` holds; binding such a vector makes this view).
/// - `columns<N>(ptr, points)`: feature-major (column-major), feature j of point i at
///   ptr[j * points + i], or ptr[j * stride + i] with an explicit stride between features.
///
/// Feature-major is the faster layout: a SIMD packet of consecutive points' feature j is one
/// contiguous load, where row-major data needs a strided gather (N floats apart) per feature.

#include "../detail/config.hpp"

#include <concepts>
#include <cstddef>

namespace ctgrad {

/// Row-major data: point i's N features at `data[i * N + j]`.
template <std::floating_point T, std::size_t N>
struct row_view {
  const T* data;
  std::size_t points;
  static constexpr std::size_t features = N;
  /// Feature j of point i.
  [[nodiscard]] constexpr T at(std::size_t i, std::size_t j) const noexcept {
    return data[i * N + j];
  }
  /// The start of feature j's values and the distance between two consecutive points' values.
  [[nodiscard]] constexpr const T* feature(std::size_t j) const noexcept { return data + j; }
  static constexpr std::size_t point_stride = N;
};

/// Feature-major data: feature j of point i at `data[j * stride + i]` (stride >= points).
template <std::floating_point T, std::size_t N>
struct column_view {
  const T* data;
  std::size_t points;
  std::size_t stride;
  static constexpr std::size_t features = N;
  [[nodiscard]] constexpr T at(std::size_t i, std::size_t j) const noexcept {
    return data[j * stride + i];
  }
  [[nodiscard]] constexpr const T* feature(std::size_t j) const noexcept {
    return data + j * stride;
  }
  static constexpr std::size_t point_stride = 1;
};

/// Row-major data rows: `x = ctgrad::rows<8>(ptr, points)`; the buffer holds points * 8 values.
template <std::size_t N, std::floating_point T>
[[nodiscard]] constexpr row_view<T, N> rows(const T* first, std::size_t points) noexcept {
  return {first, points};
}

/// Feature-major data rows: `x = ctgrad::columns<8>(ptr, points)`, feature j of point i at
/// ptr[j * points + i]. The fastest layout (see the file comment).
template <std::size_t N, std::floating_point T>
[[nodiscard]] constexpr column_view<T, N> columns(const T* first, std::size_t points) noexcept {
  return {first, points, points};
}

/// Feature-major data rows with `stride` values between the starts of two features (a
/// column-major matrix with leading dimension `stride`, of which the first `points` rows are
/// used). Throws nothing; a stride smaller than `points` is refused when bound.
template <std::size_t N, std::floating_point T>
[[nodiscard]] constexpr column_view<T, N> columns(const T* first, std::size_t points,
                                                  std::size_t stride) noexcept {
  return {first, points, stride};
}

template <class V>
inline constexpr bool is_row_data_view_v = false;
template <class T, std::size_t N>
inline constexpr bool is_row_data_view_v<row_view<T, N>> = true;
template <class T, std::size_t N>
inline constexpr bool is_row_data_view_v<column_view<T, N>> = true;

}  // namespace ctgrad
