#pragma once
/// \file
/// Piecewise-linear functions: abs, relu, max, min, and sign and step, their derivatives. Where
/// the derivative jumps (the kink), each takes PyTorch's choice (torch 1.13), a subgradient:
///
///   d abs(u) = du * sign(u)           sign(0) = 0, so abs'(0) = 0 (torch.abs)
///   d relu(u) = du * step(u)          step(0) = 0, so relu'(0) = 0 (torch.relu)
///   d max(u, v) = du * (1 + sign(u - v)) / 2 + dv * (1 - sign(u - v)) / 2
///   d min(u, v) = du * (1 - sign(u - v)) / 2 + dv * (1 + sign(u - v)) / 2
///
/// so at a tie u == v, max and min pass half of the adjoint to each side (torch.maximum and
/// torch.minimum do the same). A NaN operand gives a NaN value (as torch's do, unlike fmax) and
/// a NaN derivative. The values are exact, so packets are computed with SIMD compares and
/// selects, bit for bit the scalar results.

#include "../detail/config.hpp"

#include <cstddef>
#include <limits>
#include <string_view>
#include <type_traits>

#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "arithmetic.hpp"
#include "operation.hpp"

namespace ctgrad {

namespace detail {
// The sign of a compile-time constant, as one.
template <class E>
using rational_sign = rational<constant_sign_v<E>, 1>;
}  // namespace detail

struct sign_op : function_operation {
  static constexpr std::string_view name = "sign";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return u > 0 ? T(1) : (u < 0 ? T(-1) : u);  // +-0 and NaN pass
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    using L = typename P::lanes_type;
    const L one = L{} + 1;
    return {u.v > 0 ? one : (u.v < 0 ? -one : u.v)};
  }
  // d sign(u) = 0 (a step: 0 almost everywhere, and by convention at 0)
  template <std::size_t>
  static constexpr auto pullback(auto, auto, auto) noexcept {
    return zero_t{};
  }
};

struct step_op : function_operation {
  static constexpr std::string_view name = "step";
  using at_zero = zero_t;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return u > 0 ? T(1) : (u != u ? u : T(0));  // NaN passes
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    using L = typename P::lanes_type;
    return {u.v > 0 ? L{} + 1 : (u.v != u.v ? u.v : L{})};
  }
  // d step(u) = 0
  template <std::size_t>
  static constexpr auto pullback(auto, auto, auto) noexcept {
    return zero_t{};
  }
};

struct abs_op : function_operation {
  static constexpr std::string_view name = "abs";
  template <class T>
  static constexpr T apply(T u) noexcept {
    return u < 0 ? -u : (u == 0 ? T(0) : u);  // abs(-0) = +0; NaN passes
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    using L = typename P::lanes_type;
    return {u.v < 0 ? -u.v : (u.v == 0 ? L{} : u.v)};
  }
  // d abs(u) = du * sign(u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct relu_op : function_operation {
  static constexpr std::string_view name = "relu";
  template <class T>
  static constexpr T apply(T u) noexcept {
    return u > 0 || u != u ? u : T(0);  // relu(-0) = +0; NaN passes
  }
  template <class P>
  static P apply_packet(P u) noexcept {
    using L = typename P::lanes_type;
    return {((u.v > 0) | (u.v != u.v)) ? u.v : L{}};
  }
  // d relu(u) = du * step(u)
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto u) noexcept;
};

struct max_op : pointwise_operation {
  static constexpr std::string_view name = "max";
  static constexpr auto notation = print_notation::function;
  static constexpr int precedence = print_precedence::atom;
  template <class T>
  static constexpr T apply(T u, T v) noexcept {
    return u > v || u != u ? u : v;  // a NaN operand gives NaN
  }
  template <class P>
  static P apply_packet(P u, P v) noexcept {
    return {((u.v > v.v) | (u.v != u.v)) ? u.v : v.v};
  }
  // d max(u, v) = du * (1 + sign(u - v)) / 2 + dv * (1 - sign(u - v)) / 2
  template <std::size_t I>
  static constexpr auto pullback(auto a, auto out, auto u, auto v) noexcept;
};

struct min_op : pointwise_operation {
  static constexpr std::string_view name = "min";
  static constexpr auto notation = print_notation::function;
  static constexpr int precedence = print_precedence::atom;
  template <class T>
  static constexpr T apply(T u, T v) noexcept {
    return u < v || u != u ? u : v;  // a NaN operand gives NaN
  }
  template <class P>
  static P apply_packet(P u, P v) noexcept {
    return {((u.v < v.v) | (u.v != u.v)) ? u.v : v.v};
  }
  // d min(u, v) = du * (1 - sign(u - v)) / 2 + dv * (1 + sign(u - v)) / 2
  template <std::size_t I>
  static constexpr auto pullback(auto a, auto out, auto u, auto v) noexcept;
};

/// -1, 0 or 1 by the sign of u (sign(0) is 0; NaN stays NaN); its derivative is 0.
template <expression E>
[[nodiscard]] constexpr auto sign(E u) noexcept {
  if constexpr (is_rational_v<E>)
    return detail::rational_sign<E>{};
  else
    return make_node<sign_op>(u);
}

/// The Heaviside step: 1 for u > 0, 0 for u <= 0 (step(0) is 0, as relu'(0)); its derivative is 0.
template <expression E>
[[nodiscard]] constexpr auto step(E u) noexcept {
  if constexpr (is_rational_v<E>)
    return rational<(constant_sign_v<E> > 0), 1>{};
  else
    return make_node<step_op>(u);
}

/// |u|; abs'(0) is taken as 0. Constants fold: abs(-2_c) is 2_c.
template <expression E>
[[nodiscard]] constexpr auto abs(E u) noexcept {
  if constexpr (is_rational_v<E>)
    return rational<(E::num < 0 ? -E::num : E::num), E::den>{};
  else
    return make_node<abs_op>(u);
}

/// max(u, 0), the rectifier; relu'(0) is taken as 0. Constants fold.
template <expression E>
[[nodiscard]] constexpr auto relu(E u) noexcept {
  if constexpr (is_rational_v<E>)
    return std::conditional_t<(E::num > 0), E, zero_t>{};
  else
    return make_node<relu_op>(u);
}

/// The larger of u and v; at a tie each receives half the derivative. Constants fold, max(u, u)
/// is u.
template <operand U, operand V>
requires(expression<U> || expression<V>) [[nodiscard]] constexpr auto max(U u_, V v_) noexcept {
  auto u = as_expression(u_);
  auto v = as_expression(v_);
  using A = decltype(u);
  using B = decltype(v);
  if constexpr (is_rational_v<A> && is_rational_v<B>)
    return std::conditional_t<
        constant_sign_v<detail::rational_add<A, detail::rational_neg<B>>> >= 0, A, B>{};
  else if constexpr (std::is_same_v<A, B> && std::is_empty_v<A>)
    return u;
  else
    return make_node<max_op>(u, v);
}

/// The smaller of u and v; at a tie each receives half the derivative. Constants fold, min(u, u)
/// is u.
template <operand U, operand V>
requires(expression<U> || expression<V>) [[nodiscard]] constexpr auto min(U u_, V v_) noexcept {
  auto u = as_expression(u_);
  auto v = as_expression(v_);
  using A = decltype(u);
  using B = decltype(v);
  if constexpr (is_rational_v<A> && is_rational_v<B>)
    return std::conditional_t<
        constant_sign_v<detail::rational_add<A, detail::rational_neg<B>>> <= 0, A, B>{};
  else if constexpr (std::is_same_v<A, B> && std::is_empty_v<A>)
    return u;
  else
    return make_node<min_op>(u, v);
}

template <std::size_t>
constexpr auto abs_op::pullback(auto a, auto, auto u) noexcept {
  return a * sign(u);
}
template <std::size_t>
constexpr auto relu_op::pullback(auto a, auto, auto u) noexcept {
  return a * step(u);
}
template <std::size_t I>
constexpr auto max_op::pullback(auto a, auto, auto u, auto v) noexcept {
  if constexpr (I == 0)
    return constant<1, 2> * a * (constant<1> + sign(u - v));
  else
    return constant<1, 2> * a * (constant<1> - sign(u - v));
}
template <std::size_t I>
constexpr auto min_op::pullback(auto a, auto, auto u, auto v) noexcept {
  if constexpr (I == 0)
    return constant<1, 2> * a * (constant<1> - sign(u - v));
  else
    return constant<1, 2> * a * (constant<1> + sign(u - v));
}

}  // namespace ctgrad
