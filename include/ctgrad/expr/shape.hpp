#pragma once
/// \file
/// Shapes: every expression is a scalar, a vector or a matrix, and its shape is part of its type.
/// A shaped value is stored flat, row-major: component k of an m x n matrix is (k / n, k % n).

#include "../detail/config.hpp"

#include <cstddef>
#include <type_traits>

namespace ctgrad {

/// The shape of an expression's value: `shape<>` a scalar, `shape<8>` a vector of 8 components,
/// `shape<16, 8>` a 16 x 8 matrix.
template <std::size_t... Dims>
struct shape {
  static_assert(sizeof...(Dims) <= 2, "ctgrad: shapes have at most two dimensions (a matrix)");
  static_assert(((Dims > 0) && ...), "ctgrad: a shape's dimensions must be positive");
  /// The number of dimensions: 0, 1 or 2.
  static constexpr std::size_t rank = sizeof...(Dims);
  /// The number of components.
  static constexpr std::size_t size = (std::size_t{1} * ... * Dims);
};

using scalar_shape = shape<>;

template <class S>
inline constexpr bool is_scalar_shape_v = S::rank == 0;

namespace detail {

template <class S>
struct shape_dims;
template <std::size_t... Dims>
struct shape_dims<shape<Dims...>> {
  static constexpr std::size_t at(std::size_t i) noexcept {
    const std::size_t dims[] = {Dims..., 0};
    return i < sizeof...(Dims) ? dims[i] : 0;
  }
};

/// Dimension I of shape S (rows are 0, columns 1).
template <class S, std::size_t I>
inline constexpr std::size_t dim_v = shape_dims<S>::at(I);

// Conditions that carry both shapes into a diagnostic: `shapes_conform<false, shape<8>,
// shape<7>>`.
template <bool Ok, class Left, class Right>
inline constexpr bool shapes_conform = Ok;
template <bool Ok, class Shape>
inline constexpr bool shape_is_supported = Ok;

/// The shape of `u op v` for an element-wise operation: equal shapes, or a scalar broadcast to
/// the other's shape. Not conforming is a compile error naming both shapes.
template <class A, class B>
constexpr auto broadcast_shape() noexcept {
  constexpr bool ok = std::is_same_v<A, B> || A::rank == 0 || B::rank == 0;
  static_assert(shapes_conform<ok, A, B>,
                "ctgrad: element-wise operands must have the same shape, or one must be a "
                "scalar; the two shapes are in the condition above");
  if constexpr (A::rank == 0)
    return B{};
  else
    return A{};
}

template <class... Ss>
struct broadcast;
template <class S>
struct broadcast<S> {
  using type = S;
};
template <class A, class B>
struct broadcast<A, B> {
  using type = decltype(broadcast_shape<A, B>());
};

}  // namespace detail

/// The shape of an element-wise operation on operands of shapes Ss.
template <class... Ss>
using broadcast_t = typename detail::broadcast<Ss...>::type;

}  // namespace ctgrad
