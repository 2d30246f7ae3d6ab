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
///
/// Views with strides known at run time only (an Eigen row of a column-major matrix, a block,
/// a Map with an InnerStride; see <ctgrad/eigen.hpp>) are read by a gather with that stride:
/// - `column(ptr, n, stride)`: a column, value i at ptr[i * stride];
/// - `strided_rows<N>(ptr, points, point_stride, feature_stride)`: feature j of point i at
///   ptr[i * point_stride + j * feature_stride].
/// Every layout gives the same bits: only where a value is read from changes.

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

/// A column with a stride between consecutive values: value i at `first[i * step]`. It has no
/// data(), so that nothing reads it as consecutive values.
template <std::floating_point T>
struct strided_column_view {
  const T* first;
  std::size_t length;
  std::ptrdiff_t step;
  using value_type = T;
  [[nodiscard]] constexpr std::size_t size() const noexcept { return length; }
  [[nodiscard]] constexpr T operator[](std::size_t i) const noexcept {
    return first[static_cast<std::ptrdiff_t>(i) * step];
  }
  /// The distance between two consecutive points' values, known at run time only.
  [[nodiscard]] constexpr std::ptrdiff_t point_step() const noexcept { return step; }
};

/// Data rows with both strides known at run time: feature j of point i at
/// `data[i * points_step + j * features_step]`.
template <std::floating_point T, std::size_t N>
struct strided_row_view {
  const T* data;
  std::size_t points;
  std::ptrdiff_t points_step;
  std::ptrdiff_t features_step;
  static constexpr std::size_t features = N;
  [[nodiscard]] constexpr T at(std::size_t i, std::size_t j) const noexcept {
    return data[static_cast<std::ptrdiff_t>(i) * points_step +
                static_cast<std::ptrdiff_t>(j) * features_step];
  }
  [[nodiscard]] constexpr const T* feature(std::size_t j) const noexcept {
    return data + static_cast<std::ptrdiff_t>(j) * features_step;
  }
  [[nodiscard]] constexpr std::ptrdiff_t point_step() const noexcept { return points_step; }
};

/// A strided column: `x = ctgrad::column(ptr, n, stride)`, value i at ptr[i * stride] (a row
/// of a column-major matrix has stride = its number of rows). stride 1 is `column(ptr, n)`,
/// which is faster (one contiguous load per packet of points, not a gather).
template <std::floating_point T>
[[nodiscard]] constexpr strided_column_view<T> column(const T* first, std::size_t length,
                                                      std::ptrdiff_t stride) noexcept {
  return {first, length, stride};
}

/// Strided data rows: `x = ctgrad::strided_rows<8>(ptr, points, point_stride, feature_stride)`,
/// feature j of point i at ptr[i * point_stride + j * feature_stride]. `rows<8>` (strides 8 and
/// 1) and `columns<8>` (1 and points) are faster where they apply.
template <std::size_t N, std::floating_point T>
[[nodiscard]] constexpr strided_row_view<T, N> strided_rows(
    const T* first, std::size_t points, std::ptrdiff_t point_stride,
    std::ptrdiff_t feature_stride) noexcept {
  return {first, points, point_stride, feature_stride};
}

template <class V>
inline constexpr bool is_row_data_view_v = false;
template <class T, std::size_t N>
inline constexpr bool is_row_data_view_v<row_view<T, N>> = true;
template <class T, std::size_t N>
inline constexpr bool is_row_data_view_v<column_view<T, N>> = true;
template <class T, std::size_t N>
inline constexpr bool is_row_data_view_v<strided_row_view<T, N>> = true;

/// True for the views whose distance between consecutive points is known at run time only.
template <class V>
concept runtime_point_step = requires(const V& v) {
  { v.point_step() } -> std::same_as<std::ptrdiff_t>;
};

}  // namespace ctgrad
