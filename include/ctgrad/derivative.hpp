#pragma once
/// \file
/// Symbolic differentiation at compile time: `d(e, p)` is a new expression type, built by the
/// operations' own derivative rules (in reverse form: adjoints passed from the result down to
/// the leaves) and simplified as it is built. For a vector or matrix parameter it is an
/// expression of the parameter's shape. Nothing here names a specific operation.

#include "detail/config.hpp"

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "detail/diagnostics.hpp"
#include "expr/constant.hpp"
#include "expr/node.hpp"
#include "expr/queries.hpp"
#include "expr/variable.hpp"
#include "ops/linear_algebra.hpp"

namespace ctgrad {

namespace detail {

// One message per kind of mistake, and only one.
template <class V>
constexpr void check_differentiation_variable() noexcept {
  if constexpr (is_data_v<V>)
    static_assert(differentiable_with_respect_to<false, spelled_t<V>>,
                  "ctgrad: cannot differentiate with respect to a data variable (named in the "
                  "condition above); only a param<> can be a differentiation variable");
  else if constexpr (is_rational_v<V> || is_scalar_v<V> || std::is_arithmetic_v<V>)
    static_assert(differentiable_with_respect_to<false, V>,
                  "ctgrad: cannot differentiate with respect to a constant or a number; only a "
                  "param<> can be a differentiation variable");
  else
    static_assert(differentiable_with_respect_to<is_param_v<V>, V>,
                  "ctgrad: the differentiation variable must be a param<>, e.g. d(loss, w) with "
                  "constexpr ctgrad::param<\"w\"> w");
}

template <class T, class... Ts>
inline constexpr std::size_t occurrences_v = (std::size_t{std::is_same_v<T, Ts>} + ... + 0);

// True when no type appears twice among Ts.
template <class... Ts>
inline constexpr bool distinct_v = ((occurrences_v<Ts, Ts...> == 1) && ...);

// The adjoint `a` (d e' / d e for the expression e' being differentiated) reshaped to the shape
// S of an operand: an operand that was broadcast from a scalar receives the sum of the adjoint's
// components, and a scalar adjoint of a shaped operand (from component_sum) is spread over it.
template <class S, class A>
constexpr auto fit_shape(A a) noexcept {
  using SA = shape_of_t<A>;
  if constexpr (std::is_same_v<SA, S>)
    return a;
  else if constexpr (S::rank == 0)
    return component_sum(a);
  else if constexpr (SA::rank == 0)
    return broadcast<S>(a);
  else
    static_assert(shapes_conform<false, SA, S>, "ctgrad: internal: an adjoint of the wrong shape");
}

template <class P, class E, class A>
constexpr auto adjoint_of(const E& e, A a) noexcept;

// Operand I's share of d/dP, given node e's adjoint a.
template <class P, std::size_t I, class E, class A>
constexpr auto operand_adjoint(const E& e, A a) noexcept {
  using U = operand_type_t<I, E>;
  if constexpr (!depends_on_v<U, P>)
    return zero_t{};
  else
    return [&]<std::size_t... J>(std::index_sequence<J...>) {
      return adjoint_of<P>(operand_of<I>(e), fit_shape<shape_of_t<U>>(E::op::template pullback<I>(
                                                 a, e, operand_of<J>(e)...)));
    }
  (std::make_index_sequence<E::arity>{});
}

// d/dP of the expression whose adjoint at e is a: the reverse chain rule, walked from e down to
// the leaves. A reduction starts afresh with adjoint 1 inside (its operand varies by data point,
// a does not) and multiplies the result by a.
template <class P, class E, class A>
constexpr auto adjoint_of(const E& e, A a) noexcept {
  if constexpr (!depends_on_v<E, P>)
    return zero_t{};  // also prunes whole subtrees that do not mention P
  else if constexpr (std::is_same_v<E, P>)
    return a;
  else if constexpr (E::op::is_reduction) {
    if constexpr (shape_of_t<E>::rank == 0)
      return a * E::op::make(adjoint_of<P>(operand_of<0>(e), one_t{}));
    else {
      static_assert(!has_reduction_v<A>,
                    "ctgrad: the derivative of a vector-valued reduction whose result feeds "
                    "another reduction is not supported");
      return E::op::make(adjoint_of<P>(operand_of<0>(e), a));
    }
  } else
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (zero_t{} + ... + operand_adjoint<P, I>(e, a));
    }
  (std::make_index_sequence<E::arity>{});
}

template <class P, class E>
constexpr auto derivative_of(const E& e) noexcept {
  static_assert(shape_of_t<E>::rank == 0,
                "ctgrad: d(e, w) differentiates a scalar expression; take a component or a "
                "component_sum of a vector first");
  return adjoint_of<P>(e, one_t{});
}

}  // namespace detail

/// The derivative of e with respect to the parameter p, as a new expression: `d(w * x, w)` is x.
template <expression E, class P>
[[nodiscard]] constexpr auto d(const E& e, P) noexcept {
  detail::check_differentiation_variable<P>();
  return detail::derivative_of<P>(e);
}

/// A plain number in place of the expression is refused with a message (its derivative is 0).
template <class T, class P>
requires std::is_arithmetic_v<T>
constexpr auto d(T, P) noexcept {
  static_assert(sizeof(T) == 0,
                "ctgrad: d(e, w) differentiates a ctgrad expression; the first argument is a "
                "plain number, whose derivative is 0 (write 0_c if that is meant)");
  return zero_t{};  // only after the error: a use of the result adds none
}

/// The same as `d(e, p)`, spelled out.
template <expression E, class P>
[[nodiscard]] constexpr auto derivative(const E& e, P p) noexcept {
  return d(e, p);
}

/// The parameters a gradient is taken with respect to: `wrt(w, b)`.
template <class... Ps>
struct wrt_t {
  static constexpr std::size_t size = sizeof...(Ps);
};

/// Names the parameters of a gradient: `value_and_grad(loss, wrt(w, b), ...)`.
template <class... Ps>
[[nodiscard]] constexpr wrt_t<Ps...> wrt(Ps...) noexcept {
  (detail::check_differentiation_variable<Ps>(), ...);
  static_assert(sizeof...(Ps) > 0, "ctgrad: wrt() needs at least one parameter");
  constexpr bool distinct = detail::distinct_v<Ps...>;
  static_assert(detail::bound_only_once<distinct, wrt_t<detail::spelled_t<Ps>...>>,
                "ctgrad: a parameter is named twice in wrt()");
  return {};
}

/// Every partial derivative at once, as a std::tuple: `auto [dw, db] = grad(loss, w, b);`.
template <expression E, class... Ps>
[[nodiscard]] constexpr auto grad(const E& e, Ps... ps) noexcept {
  return std::tuple{d(e, ps)...};
}

}  // namespace ctgrad
