#pragma once
/// \file
/// Values during evaluation, and an operation applied to them. A value of a scalar expression is
/// one number V; of a shaped one, std::array<V, size> (flat, row-major). V is the evaluation
/// type T at one data point, or a packet<T> of consecutive points. Shared by the forward
/// evaluator (evaluate.hpp) and the reverse sweep (reverse.hpp); nothing here names an operation.

#include "../detail/config.hpp"

#include <array>
#include <cstddef>
#include <type_traits>

#include "../expr/shape.hpp"
#include "../expr/variable.hpp"
#include "reduce.hpp"

namespace ctgrad::detail {

/// The value of an expression of shape S, with V per component.
template <class V, class S>
using value_t = std::conditional_t<S::rank == 0, V, std::array<V, S::size>>;

template <class X>
inline constexpr bool is_shaped_value_v = false;
template <class V, std::size_t N>
inline constexpr bool is_shaped_value_v<std::array<V, N>> = true;

/// Component k of a value; a scalar stands for every component (broadcast).
template <class X>
constexpr const auto& part(const X& x, [[maybe_unused]] std::size_t k) noexcept {
  if constexpr (is_shaped_value_v<X>)
    return x[k];
  else
    return x;
}

// The scalar rule of an element-wise operation on numbers, or on packets: with + - * / where the
// rule is written with those only, with the tag's packet rule where it has one, else lane by lane.
template <class Op, class T, class V, class... Vs>
constexpr V apply_lanes(const V& first, const Vs&... rest) noexcept {
  if constexpr (std::is_same_v<V, T> || Op::vectorizable) {
    return Op::apply(first, rest...);
  } else if constexpr (requires { Op::apply_packet(first, rest...); }) {
    return Op::apply_packet(first, rest...);
  } else {
    V result;
    for (std::size_t k = 0; k < V::width; ++k)
      result.set_lane(k, Op::apply(first.lane(k), rest.lane(k)...));
    return result;
  }
}

/// Operation Op applied to values xs of shapes Ss, in evaluation type T.
template <class Op, class T, class... Ss, class... Xs>
constexpr auto apply_op(const Xs&... xs) noexcept {
  if constexpr (Op::elementwise) {
    using R = broadcast_t<Ss...>;
    if constexpr (R::rank == 0) {
      return apply_lanes<Op, T>(xs...);
    } else {
      using V = std::remove_cvref_t<decltype(apply_lanes<Op, T>(part(xs, 0)...))>;
      std::array<V, R::size> r;
      for (std::size_t k = 0; k < R::size; ++k) r[k] = apply_lanes<Op, T>(part(xs, k)...);
      return r;
    }
  } else {
    return Op::template compute<Ss...>(xs...);
  }
}

/// apply_op's result written into dst (an element-wise result component by component, with no
/// temporary array to copy).
template <class Op, class T, class... Ss, class D, class... Xs>
constexpr void apply_op_into(D& dst, const Xs&... xs) noexcept {
  if constexpr (Op::elementwise && is_shaped_value_v<D>) {
    for (std::size_t k = 0; k < dst.size(); ++k) dst[k] = apply_lanes<Op, T>(part(xs, k)...);
  } else {
    dst = apply_op<Op, T, Ss...>(xs...);
  }
}

/// A broadcast of a number into V.
template <class V, class T>
constexpr V splat(T x) noexcept {
  if constexpr (std::is_arithmetic_v<V>)
    return static_cast<V>(x);
  else
    return V::broadcast(
        static_cast<typename std::remove_cvref_t<decltype(std::declval<V>().lane(0))>>(x));
}

}  // namespace ctgrad::detail
