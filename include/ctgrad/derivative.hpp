#pragma once
/// \file
/// Symbolic differentiation at compile time: `d(e, p)` is a new expression type, built by the
/// operations' own derivative rules and simplified as it is built. Nothing here names a specific
/// operation.

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "detail/diagnostics.hpp"
#include "expr/constant.hpp"
#include "expr/node.hpp"
#include "expr/queries.hpp"
#include "expr/variable.hpp"

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

template <class P, class E>
constexpr auto derivative_of(const E& e) noexcept {
  if constexpr (!depends_on_v<E, P>)
    return zero_t{};  // also prunes whole subtrees that do not mention P
  else if constexpr (std::is_same_v<E, P>)
    return one_t{};
  else
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return E::op::derive(operand_of<I>(e)..., derivative_of<P>(operand_of<I>(e))...);
    }
  (std::make_index_sequence<E::arity>{});
}

}  // namespace detail

/// The derivative of e with respect to the parameter p, as a new expression: `d(w * x, w)` is x.
template <expression E, class P>
[[nodiscard]] constexpr auto d(const E& e, P) noexcept {
  detail::check_differentiation_variable<P>();
  return detail::derivative_of<P>(e);
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
