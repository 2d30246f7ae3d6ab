#pragma once
/// \file
/// Eigen's dense vectors and matrices as ctgrad data and parameters, and gradients as Eigen
/// vectors. Optional: `#include <ctgrad/eigen.hpp>` next to `<ctgrad.hpp>`, before the first
/// binding of an Eigen value; `<ctgrad.hpp>` never includes it, so ctgrad does not depend on
/// Eigen (3.4 is tested).
///
/// - `x = v` for `data<"x">`: a vector (`VectorXd`, `Map`, `Ref`, a segment, a row or a column
///   block), viewed with its stride, not copied;
/// - `x = X` for `data<"x", K>`: an N x K matrix, one row per point (a `Map`, `Ref` or block
///   too), viewed: column-major storage is feature-major data, row-major is rows;
/// - `w = v` for `param<"w", N>`: a vector of N components (any expression), copied;
/// - `W = M` for `param<"W", M, N>`: an M x N matrix (any expression, either storage order),
///   copied.
///
/// Views read each value where it is: the same bits as the same values in a std::vector. The
/// fastest paths are taken where the type says a stride is 1 at compile time: a vector of unit
/// inner stride is a contiguous column (one load per SIMD packet of points), a column-major
/// matrix of unit inner stride is feature-major data (`ctgrad::columns<K>`), a row-major matrix
/// of K columns at compile time is row-major data (`ctgrad::rows<K>`). Anything else (a row of
/// a column-major matrix, a `Map` with an `InnerStride`, a dynamic row-major matrix, a block of
/// one) is gathered with its strides (`ctgrad::column(ptr, n, stride)`,
/// `ctgrad::strided_rows<K>`).
///
/// Sizes: a fixed size that does not match the variable's is a compile error beginning
/// `ctgrad:`; a dynamic one throws std::invalid_argument naming the variable and both sizes. A
/// data view must outlive its binding, as for std::vector: binding a temporary that owns its
/// values (a `VectorXd` rvalue, a `Ref`) does not compile, and an expression without storage
/// (`2 * v`, a product) is not a view (evaluate it into a named vector). Parameters copy, so any
/// expression binds. Without this header, ctgrad refuses Eigen's strided views and matrices
/// rather than misreading them (their data() is not their values in order).
///
/// Results: `ctgrad::eigen::to_eigen(g[w])` is an `Eigen::Matrix<T, N, 1>` (a copy), of a
/// matrix parameter an `Eigen::Matrix<T, M, N>` (Eigen's default column-major storage; the
/// values are placed by row and column, so the storage order does not change them);
/// `ctgrad::eigen::map(p[w])` views a vector parameter (or gradient) in place, writable.

#include "detail/config.hpp"

#include <Eigen/Core>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "detail/diagnostics.hpp"
#include "error.hpp"
#include "expr/fixed_string.hpp"
#include "expr/shape.hpp"
#include "expr/variable.hpp"
#include "runtime/bindings.hpp"
#include "runtime/data_views.hpp"

namespace ctgrad {

namespace eigen::detail {

// "ctgrad: <kind> '<name>' <expected>, the bound Eigen matrix is <rows> x <cols>".
[[noreturn]] inline void throw_shape(std::string_view kind, std::string_view name,
                                     std::string_view expected, Eigen::Index rows,
                                     Eigen::Index cols) {
  char buffer[64];
  std::string message = "ctgrad: ";
  message.append(kind).append(" '").append(name).append("' ").append(expected);
  std::snprintf(buffer, sizeof buffer, ", the bound Eigen matrix is %td x %td", rows, cols);
  ctgrad::detail::raise<std::invalid_argument>(error_kind::invalid_argument, message + buffer);
}

inline constexpr int dynamic = Eigen::Dynamic;

// Eigen's dense types: derived from DenseBase<D>, where D is not always C itself (a VectorBlock
// is a DenseBase<Block<...>>). Overloads, not a lambda in a requires-expression: clang 14
// accepts any type there.
template <class D>
std::true_type derives_from_dense_base(const Eigen::DenseBase<D>*);
std::false_type derives_from_dense_base(const void*);
template <class C>
concept dense = decltype(derives_from_dense_base(static_cast<const C*>(nullptr)))::value;

// True when an extent known at compile time (or Dynamic) may equal n.
constexpr bool may_be(int extent, std::size_t n) noexcept {
  return extent == dynamic || static_cast<std::size_t>(extent) == n;
}

template <class C>
inline constexpr bool has_storage_v = (C::Flags & Eigen::DirectAccessBit) != 0;

// Types whose rvalue may own the values it would be viewed in: a Matrix or Array, and a Ref
// (a Ref<const T> copies a value it cannot view).
template <class C>
inline constexpr bool may_own_v =
    std::is_base_of_v<Eigen::PlainObjectBase<C>, C> || std::is_base_of_v<Eigen::RefBase<C>, C>;

// The checks every data view makes, at compile time; Variable names the data in the message.
// False after an error, so that the caller stops there (no follow-on errors).
template <class Variable, class C, bool Temporary>
consteval bool viewable() noexcept {
  using T = typename C::Scalar;
  using ctgrad::detail::spelled_t;
  static_assert(ctgrad::detail::takes_a_column_of_floating_point_numbers<std::floating_point<T>,
                                                                         spelled_t<Variable>, C>,
                "ctgrad: data bind from Eigen matrices of float, double or long double only");
  static_assert(ctgrad::detail::is_contiguous<has_storage_v<C>, spelled_t<Variable>, C>,
                "ctgrad: this Eigen expression has no storage of its own (a sum, a product, "
                "...), so it cannot be viewed as data; evaluate it into a named vector or matrix "
                "first");
  static_assert(ctgrad::detail::can_view_without_dangling<!(Temporary && may_own_v<C>),
                                                          spelled_t<Variable>, C>,
                "ctgrad: binding a temporary Eigen matrix (or Ref) to data would leave a "
                "dangling view; bind a named one");
  return std::floating_point<T> && has_storage_v<C> && !(Temporary && may_own_v<C>);
}

// Component (r, c) of an Eigen value as T.
template <class T, class E>
T coefficient(const E& e, Eigen::Index r, Eigen::Index c) {
  return static_cast<T>(e.coeff(r, c));
}

}  // namespace eigen::detail

/// Eigen's dense types (Matrix, Array, Map, Ref, Block and expressions) bind to ctgrad's
/// variables as the file comment says.
template <class C>
requires eigen::detail::dense<C>
struct binding_adapter<C> {
  static constexpr bool adapts = true;

  /// `w = v` for param<"w", N>, `W = M` for param<"W", M, N>: copied, coefficient by
  /// coefficient (any expression, any storage order).
  template <fixed_string Name, std::size_t... Dims, class V>
  static auto bind(param<Name, Dims...>, V&& value) {
    using P = param<Name, Dims...>;
    using S = shape<Dims...>;
    using T = typename C::Scalar;
    using ctgrad::detail::spelled_t;
    static_assert(
        ctgrad::detail::takes_a_floating_point_value<std::floating_point<T>, spelled_t<P>, C>,
        "ctgrad: parameters bind from Eigen matrices of float, double or long double "
        "only");
    constexpr int rows = C::RowsAtCompileTime;
    constexpr int cols = C::ColsAtCompileTime;
    // Products and other expressions without coefficient access are evaluated once here.
    const auto& e = value.eval();
    shaped_value_t<T, S> v{};
    if constexpr (S::rank == 1) {
      constexpr std::size_t n = S::size;
      constexpr bool ok = (eigen::detail::may_be(rows, 1) || eigen::detail::may_be(cols, 1)) &&
                          (C::SizeAtCompileTime == eigen::detail::dynamic ||
                           static_cast<std::size_t>(C::SizeAtCompileTime) == n);
      static_assert(ctgrad::detail::parameter_length_matches<ok, spelled_t<P>, S, C>,
                    "ctgrad: the Eigen vector bound to a vector parameter (named in the "
                    "condition above) is a matrix, or does not have as many components as the "
                    "parameter");
      if (e.rows() != 1 && e.cols() != 1)
        eigen::detail::throw_shape("parameter", Name.view(), "is a vector", e.rows(), e.cols());
      if (static_cast<std::size_t>(e.size()) != n)
        ctgrad::detail::throw_parameter_length(Name.view(), n, static_cast<std::size_t>(e.size()));
      const bool column = e.cols() == 1;
      for (std::size_t k = 0; k < n; ++k) {
        const auto i = static_cast<Eigen::Index>(k);
        v[k] = eigen::detail::coefficient<T>(e, column ? i : 0, column ? 0 : i);
      }
    } else {
      constexpr std::size_t m = ctgrad::detail::dim_v<S, 0>;
      constexpr std::size_t n = ctgrad::detail::dim_v<S, 1>;
      constexpr bool ok = eigen::detail::may_be(rows, m) && eigen::detail::may_be(cols, n);
      static_assert(ctgrad::detail::parameter_length_matches<ok, spelled_t<P>, S, C>,
                    "ctgrad: the Eigen matrix bound to a matrix parameter (named in the "
                    "condition above) does not have the parameter's rows and columns");
      if (static_cast<std::size_t>(e.rows()) != m || static_cast<std::size_t>(e.cols()) != n) {
        char expected[64];
        std::snprintf(expected, sizeof expected, "is %zu x %zu", m, n);
        eigen::detail::throw_shape("parameter", Name.view(), expected, e.rows(), e.cols());
      }
      for (std::size_t r = 0; r < m; ++r)
        for (std::size_t c = 0; c < n; ++c)
          v[r][c] = eigen::detail::coefficient<T>(e, static_cast<Eigen::Index>(r),
                                                  static_cast<Eigen::Index>(c));
    }
    return param_binding<P, shaped_value_t<T, S>>{v};
  }

  /// `x = v` for data<"x">: a vector (or a matrix of one row or one column) viewed with its
  /// stride.
  template <fixed_string Name, class V>
  static auto bind(data<Name> variable, V&& value) {
    using T = typename C::Scalar;
    constexpr bool ok = eigen::detail::may_be(C::RowsAtCompileTime, 1) ||
                        eigen::detail::may_be(C::ColsAtCompileTime, 1);
    static_assert(ctgrad::detail::is_contiguous<ok, ctgrad::detail::spelled_t<data<Name>>, C>,
                  "ctgrad: an Eigen matrix bound to a data column (named in the condition "
                  "above); bind a vector, or the matrix to data rows, data<\"x\", K>");
    if constexpr (!eigen::detail::viewable<data<Name>, C, !std::is_lvalue_reference_v<V>>() ||
                  !ok) {
      return;
    } else {
      if (value.rows() != 1 && value.cols() != 1)
        eigen::detail::throw_shape("data", Name.view(), "is a column", value.rows(), value.cols());
      const auto n = static_cast<std::size_t>(value.size());
      if constexpr (C::IsVectorAtCompileTime && C::InnerStrideAtCompileTime == 1) {
        return variable = std::span<const T>(value.data(), n);  // consecutive: the fast path
      } else {
        const Eigen::Index step = value.cols() == 1 ? value.rowStride() : value.colStride();
        return variable = column(static_cast<const T*>(value.data()), n, step);
      }
    }
  }

  /// `x = X` for data<"x", K>: an N x K matrix, one row per point, viewed with its strides.
  template <fixed_string Name, std::size_t K, class V>
  static auto bind(data<Name, K> variable, V&& value) {
    using T = typename C::Scalar;
    constexpr bool ok = eigen::detail::may_be(C::ColsAtCompileTime, K);
    static_assert(ctgrad::detail::row_length_matches<ok, ctgrad::detail::spelled_t<data<Name, K>>,
                                                     shape<K>, C>,
                  "ctgrad: the Eigen matrix bound to data rows (named in the condition above) "
                  "does not have one column per feature (it takes one row per point)");
    if constexpr (!eigen::detail::viewable<data<Name, K>, C, !std::is_lvalue_reference_v<V>>() ||
                  !ok) {
      return;
    } else {
      if (static_cast<std::size_t>(value.cols()) != K) {
        char expected[80];
        std::snprintf(expected, sizeof expected, "has %zu features (one column each)", K);
        eigen::detail::throw_shape("data", Name.view(), expected, value.rows(), value.cols());
      }
      const T* const first = value.data();
      const auto points = static_cast<std::size_t>(value.rows());
      if constexpr (!C::IsRowMajor && C::InnerStrideAtCompileTime == 1) {
        // Column-major with consecutive points: feature-major, the fastest layout. With one
        // feature the outer stride is never used (a vector's may be anything).
        const auto stride = K == 1 ? points : static_cast<std::size_t>(value.outerStride());
        return variable = columns<K>(first, points, stride);
      } else if constexpr (C::IsRowMajor && C::InnerStrideAtCompileTime == 1 &&
                           C::OuterStrideAtCompileTime == static_cast<int>(K)) {
        return variable = rows<K>(first, points);
      } else {
        return variable = strided_rows<K>(first, points, value.rowStride(), value.colStride());
      }
    }
  }
};

namespace eigen {

/// A vector parameter's value or gradient as an Eigen vector (a copy): `to_eigen(g[w])`.
template <std::floating_point T, std::size_t N>
[[nodiscard]] Eigen::Matrix<T, static_cast<int>(N), 1> to_eigen(const std::array<T, N>& values) {
  Eigen::Matrix<T, static_cast<int>(N), 1> r;
  for (std::size_t k = 0; k < N; ++k) r(static_cast<Eigen::Index>(k)) = values[k];
  return r;
}

/// A matrix parameter's value or gradient (rows of std::arrays) as an Eigen matrix, a copy in
/// Eigen's default column-major storage: `to_eigen(g[W])(r, c)` is `g[W][r][c]`.
template <std::floating_point T, std::size_t N, std::size_t M>
[[nodiscard]] Eigen::Matrix<T, static_cast<int>(M), static_cast<int>(N)> to_eigen(
    const std::array<std::array<T, N>, M>& values) {
  Eigen::Matrix<T, static_cast<int>(M), static_cast<int>(N)> r;
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j)
      r(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = values[i][j];
  return r;
}

/// A vector parameter viewed in place as an Eigen vector: `map(p[w]) = v;` writes the
/// parameter, `map(p[w]).norm()` reads it. The array must outlive the map.
template <std::floating_point T, std::size_t N>
[[nodiscard]] Eigen::Map<Eigen::Matrix<T, static_cast<int>(N), 1>> map(
    std::array<T, N>& values) noexcept {
  return Eigen::Map<Eigen::Matrix<T, static_cast<int>(N), 1>>(values.data());
}
/// A read-only view, e.g. of a gradient kept in a variable: `map(gw).dot(v)`.
template <std::floating_point T, std::size_t N>
[[nodiscard]] Eigen::Map<const Eigen::Matrix<T, static_cast<int>(N), 1>> map(
    const std::array<T, N>& values) noexcept {
  return Eigen::Map<const Eigen::Matrix<T, static_cast<int>(N), 1>>(values.data());
}
/// `map(g[w])` would view a temporary that is gone at the end of the statement: use
/// to_eigen(g[w]), or keep g[w] in a variable first.
template <std::floating_point T, std::size_t N>
void map(const std::array<T, N>&& values) = delete;

}  // namespace eigen

}  // namespace ctgrad
