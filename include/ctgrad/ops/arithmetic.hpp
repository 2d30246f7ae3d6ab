#pragma once
/// \file
/// `+ - * /` and unary minus: their value and derivative rules, and factories that simplify as
/// they build, so derivative types stay small.
///
/// Canonical form of a product: a compile-time constant factor stands leftmost in a left-nested
/// chain, `c * a * b` meaning `((c * a) * b)`, and a factor of -1 is a unary minus on the whole.
/// That is the form `2 * du * u` reaches for d(square(y - w * x)): `-2 * x * (y - w * x)`.

#include "../detail/config.hpp"

#include <cstddef>
#include <type_traits>

#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "linear_algebra.hpp"
#include "operation.hpp"

namespace ctgrad {

struct add_op : pointwise_operation {
  static constexpr auto rebuild(auto u, auto v) noexcept { return u + v; }
  static constexpr std::string_view name = "+";
  static constexpr auto notation = print_notation::infix;
  static constexpr bool vectorizable = true;
  static constexpr int precedence = print_precedence::sum;
  template <class T>
  static constexpr T apply(T u, T v) noexcept {
    return u + v;
  }
  // d(u + v) = du + dv: both operands receive the adjoint as it is
  template <std::size_t I>
  static constexpr auto pullback(auto a, auto, auto, auto) noexcept {
    return a;
  }
};

struct sub_op : pointwise_operation {
  static constexpr auto rebuild(auto u, auto v) noexcept { return u - v; }
  static constexpr std::string_view name = "-";
  static constexpr auto notation = print_notation::infix;
  static constexpr bool vectorizable = true;
  static constexpr int precedence = print_precedence::sum;
  template <class T>
  static constexpr T apply(T u, T v) noexcept {
    return u - v;
  }
  // d(u - v) = du - dv
  template <std::size_t I>
  static constexpr auto pullback(auto a, auto, auto, auto) noexcept {
    if constexpr (I == 0)
      return a;
    else
      return -a;
  }
};

struct mul_op : pointwise_operation {
  static constexpr auto rebuild(auto u, auto v) noexcept { return u * v; }
  static constexpr std::string_view name = "*";
  static constexpr auto notation = print_notation::infix;
  static constexpr bool vectorizable = true;
  static constexpr int precedence = print_precedence::product;
  template <class T>
  static constexpr T apply(T u, T v) noexcept {
    return u * v;
  }
  // d(u * v) = du * v + u * dv
  template <std::size_t I>
  static constexpr auto pullback(auto a, auto, auto u, auto v) noexcept {
    if constexpr (I == 0)
      return v * a;
    else
      return u * a;
  }
};

struct div_op : pointwise_operation {
  static constexpr auto rebuild(auto u, auto v) noexcept { return u / v; }
  static constexpr std::string_view name = "/";
  static constexpr auto notation = print_notation::infix;
  static constexpr bool vectorizable = true;
  static constexpr int precedence = print_precedence::product;
  template <class T>
  static constexpr T apply(T u, T v) noexcept {
    return u / v;
  }
  // d(u / v) = du / v - u * dv / (v * v)
  template <std::size_t I>
  static constexpr auto pullback(auto a, auto, auto u, auto v) noexcept {
    if constexpr (I == 0)
      return a / v;
    else
      return -(u * a / (v * v));
  }
};

struct neg_op : pointwise_operation {
  static constexpr auto rebuild(auto u) noexcept { return -u; }
  static constexpr std::string_view name = "-";
  static constexpr auto notation = print_notation::prefix;
  static constexpr bool vectorizable = true;
  static constexpr int precedence = print_precedence::unary;
  template <class T>
  static constexpr T apply(T u) noexcept {
    return -u;
  }
  // d(-u) = -du
  template <std::size_t>
  static constexpr auto pullback(auto a, auto, auto) noexcept {
    return -a;
  }
};

namespace detail {

// E == C * R with C the compile-time constant factor of E (one_t when it has none).
template <class C, class R>
struct factored {
  using constant = C;
  using rest = R;
};

template <class E>
struct split_constant {
  using type = factored<one_t, E>;
};
template <std::intmax_t N, std::intmax_t D>
struct split_constant<rational<N, D>> {
  using type = factored<rational<N, D>, one_t>;
};
template <class X>
struct split_constant<node<neg_op, X>> {
  using inner = typename split_constant<X>::type;
  using type = factored<rational_neg<typename inner::constant>, typename inner::rest>;
};
template <class A, class B>
struct split_constant<node<mul_op, A, B>> {
  using inner = typename split_constant<A>::type;
  using type =
      std::conditional_t<is_one_v<typename inner::constant>, factored<one_t, node<mul_op, A, B>>,
                         factored<typename inner::constant,
                                  std::conditional_t<is_one_v<typename inner::rest>, B,
                                                     node<mul_op, typename inner::rest, B>>>>;
};

// A scalar spread over a shape (broadcast<S>(s)) next to an operand of that shape: element-wise
// operations broadcast by themselves, so the scalar is used as it is.
template <class E>
inline constexpr bool is_broadcast_node_v = false;
template <class S, class X>
inline constexpr bool is_broadcast_node_v<node<broadcast_op<S>, X>> = true;

template <class E, class Other>
constexpr auto unbroadcast(const E& e) noexcept {
  if constexpr (is_broadcast_node_v<E> && std::is_same_v<shape_of_t<E>, shape_of_t<Other>>)
    return operand_of<0>(e);
  else
    return e;
}

template <class E>
inline constexpr bool is_reciprocal_v = false;
template <class V>
inline constexpr bool is_reciprocal_v<node<div_op, one_t, V>> = true;

template <class E>
inline constexpr bool has_constant_factor_v = !is_one_v<typename split_constant<E>::type::constant>;

template <class E>
inline constexpr bool is_negative_constant_v = false;
template <std::intmax_t N, std::intmax_t D>
inline constexpr bool is_negative_constant_v<rational<N, D>> = (N < 0);

template <class E>
inline constexpr bool has_negative_factor_v =
    is_negative_constant_v<typename split_constant<E>::type::constant>;

// The rest R of E == C * R, rebuilt from E's operands (R holds runtime values when E does).
template <class E>
constexpr auto constant_free_part(const E& e) noexcept {
  if constexpr (!has_constant_factor_v<E>)
    return e;
  else if constexpr (is_rational_v<E>)
    return one_t{};
  else if constexpr (is_node_of_v<E, neg_op>)
    return constant_free_part(operand_of<0>(e));
  else {  // (c * a) * b: the rest is a * b, or b when a is the constant itself
    auto a = constant_free_part(operand_of<0>(e));
    if constexpr (is_one_v<decltype(a)>)
      return operand_of<1>(e);
    else
      return make_node<mul_op>(a, operand_of<1>(e));
  }
}

// C * P in canonical form: C leftmost in P's product chain, or a unary minus when C is -1.
template <class C, class P>
constexpr auto attach_constant(C c, P p) noexcept {
  if constexpr (is_zero_v<C>)
    return zero_t{};
  else if constexpr (is_one_v<P>)
    return c;
  else if constexpr (is_one_v<C>)
    return p;
  else if constexpr (std::is_same_v<C, rational<-1, 1>>)
    return make_node<neg_op>(p);
  else if constexpr (is_node_of_v<P, mul_op>)
    return make_node<mul_op>(attach_constant(c, operand_of<0>(p)), operand_of<1>(p));
  else
    return make_node<mul_op>(c, p);
}

}  // namespace detail

/// -u, simplified: constants fold, -(-u) is u, and -(c * u) is (-c) * u.
template <expression E>
[[nodiscard]] constexpr auto operator-(E u) noexcept {
  if constexpr (is_rational_v<E>)
    return detail::rational_neg<E>{};
  else if constexpr (is_node_of_v<E, neg_op>)
    return operand_of<0>(u);
  else if constexpr (detail::has_constant_factor_v<E>)
    return detail::attach_constant(
        detail::rational_neg<typename detail::split_constant<E>::type::constant>{},
        detail::constant_free_part(u));
  else
    return make_node<neg_op>(u);
}

/// u * v, simplified: constants fold, 0 and 1 vanish, and constant factors gather leftmost.
template <operand U, operand V>
requires(expression<U> || expression<V>) [[nodiscard]] constexpr auto operator*(U u_,
                                                                                V v_) noexcept {
  auto u = detail::unbroadcast<decltype(as_expression(u_)), decltype(as_expression(v_))>(
      as_expression(u_));
  auto v = detail::unbroadcast<decltype(as_expression(v_)), decltype(as_expression(u_))>(
      as_expression(v_));
  using A = decltype(u);
  using B = decltype(v);
  if constexpr (shape_of_t<A>::rank == 2 && shape_of_t<B>::rank == 1)
    return matvec(u, v);  // a matrix times a vector is the matrix-vector product
  else if constexpr (!std::is_void_v<
                         decltype(detail::broadcast_shape<shape_of_t<A>, shape_of_t<B>>())> &&
                     is_rational_v<A> && is_rational_v<B>)
    return detail::rational_mul<A, B>{};
  else if constexpr (is_zero_v<A> || is_zero_v<B>)
    return zero_t{};
  else if constexpr (is_one_v<A>)
    return v;
  else if constexpr (is_one_v<B>)
    return u;
  else if constexpr (detail::is_reciprocal_v<B>)
    return u / operand_of<1>(v);  // u * (1 / v) is u / v
  else if constexpr (detail::is_reciprocal_v<A>)
    return v / operand_of<1>(u);
  else if constexpr (!detail::has_constant_factor_v<A> && !detail::has_constant_factor_v<B>)
    return make_node<mul_op>(u, v);
  else {
    using C = detail::rational_mul<typename detail::split_constant<A>::type::constant,
                                   typename detail::split_constant<B>::type::constant>;
    auto ra = detail::constant_free_part(u);
    auto rb = detail::constant_free_part(v);
    if constexpr (is_one_v<decltype(ra)>)
      return detail::attach_constant(C{}, rb);
    else if constexpr (is_one_v<decltype(rb)>)
      return detail::attach_constant(C{}, ra);
    else
      return detail::attach_constant(C{}, make_node<mul_op>(ra, rb));
  }
}

template <operand U, operand V>
requires(expression<U> || expression<V>) [[nodiscard]] constexpr auto operator-(U u_,
                                                                                V v_) noexcept;

/// u + v, simplified: constants fold, 0 vanishes, u + (-v) is u - v, and u + u is 2 * u.
template <operand U, operand V>
requires(expression<U> || expression<V>) [[nodiscard]] constexpr auto operator+(U u_,
                                                                                V v_) noexcept {
  auto u = detail::unbroadcast<decltype(as_expression(u_)), decltype(as_expression(v_))>(
      as_expression(u_));
  auto v = detail::unbroadcast<decltype(as_expression(v_)), decltype(as_expression(u_))>(
      as_expression(v_));
  using A = decltype(u);
  using B = decltype(v);
  detail::broadcast_shape<shape_of_t<A>, shape_of_t<B>>();
  if constexpr (is_rational_v<A> && is_rational_v<B>)
    return detail::rational_add<A, B>{};
  else if constexpr (is_zero_v<A>)
    return v;
  else if constexpr (is_zero_v<B>)
    return u;
  else if constexpr (detail::has_negative_factor_v<B>)
    return u - (-v);
  else if constexpr (detail::has_negative_factor_v<A>)
    return v - (-u);
  else if constexpr (std::is_same_v<A, B> && std::is_empty_v<A>)
    return constant<2> * u;
  else
    return make_node<add_op>(u, v);
}

/// u - v, simplified: constants fold, 0 vanishes, u - u is 0, and u - (-v) is u + v.
template <operand U, operand V>
requires(expression<U> || expression<V>) [[nodiscard]] constexpr auto operator-(U u_,
                                                                                V v_) noexcept {
  auto u = detail::unbroadcast<decltype(as_expression(u_)), decltype(as_expression(v_))>(
      as_expression(u_));
  auto v = detail::unbroadcast<decltype(as_expression(v_)), decltype(as_expression(u_))>(
      as_expression(v_));
  using A = decltype(u);
  using B = decltype(v);
  detail::broadcast_shape<shape_of_t<A>, shape_of_t<B>>();
  if constexpr (is_rational_v<A> && is_rational_v<B>)
    return detail::rational_add<A, detail::rational_neg<B>>{};
  else if constexpr (is_zero_v<B>)
    return u;
  else if constexpr (is_zero_v<A>)
    return -v;
  else if constexpr (std::is_same_v<A, B> && std::is_empty_v<A>)
    return zero_t{};
  else if constexpr (detail::has_negative_factor_v<B>)
    return u + (-v);
  else
    return make_node<sub_op>(u, v);
}

/// u / v, simplified: constants fold, u / 1 is u, 0 / v is 0, u / u is 1.
template <operand U, operand V>
requires(expression<U> || expression<V>) [[nodiscard]] constexpr auto operator/(U u_,
                                                                                V v_) noexcept {
  auto u = detail::unbroadcast<decltype(as_expression(u_)), decltype(as_expression(v_))>(
      as_expression(u_));
  auto v = detail::unbroadcast<decltype(as_expression(v_)), decltype(as_expression(u_))>(
      as_expression(v_));
  using A = decltype(u);
  using B = decltype(v);
  detail::broadcast_shape<shape_of_t<A>, shape_of_t<B>>();
  static_assert(!is_zero_v<B>, "ctgrad: division by the compile-time constant 0");
  if constexpr (is_rational_v<A> && is_rational_v<B>)
    return detail::rational_div<A, B>{};
  else if constexpr (is_zero_v<A>)
    return zero_t{};
  else if constexpr (is_one_v<B>)
    return u;
  else if constexpr (std::is_same_v<B, rational<-1, 1>>)
    return -u;
  else if constexpr (std::is_same_v<A, B> && std::is_empty_v<A>)
    return one_t{};
  else
    return make_node<div_op>(u, v);
}

namespace detail {
template <class U, class V>
concept misused_operands = (expression<U> && !operand<V>) || (!operand<U> && expression<V>);

template <bool Ok, class Left, class Right>
inline constexpr bool operands_are_expressions_or_numbers = Ok;

template <class U, class V>
constexpr auto reject_operands() noexcept {  // auto: instantiated at the user's call, not later
  if constexpr (std::is_same_v<U, bool> || std::is_same_v<V, bool>)
    static_assert(operands_are_expressions_or_numbers<false, U, V>,
                  "ctgrad: bool is not a number in ctgrad arithmetic; convert it, e.g. "
                  "(flag ? 1.0 : 0.0)");
  else
    static_assert(operands_are_expressions_or_numbers<false, U, V>,
                  "ctgrad: an arithmetic operator needs a ctgrad expression or a plain number on "
                  "each side; the operand types are in the condition above");
}
}  // namespace detail

// Reached only when one side is an expression and the other is not a number, so that the
// error names the problem instead of listing every operator candidate.
template <class U, class V>
requires detail::misused_operands<U, V>
auto operator+(const U&, const V&) noexcept { return detail::reject_operands<U, V>(); }
template <class U, class V>
requires detail::misused_operands<U, V>
auto operator-(const U&, const V&) noexcept { return detail::reject_operands<U, V>(); }
template <class U, class V>
requires detail::misused_operands<U, V>
auto operator*(const U&, const V&) noexcept { return detail::reject_operands<U, V>(); }
template <class U, class V>
requires detail::misused_operands<U, V>
auto operator/(const U&, const V&) noexcept { return detail::reject_operands<U, V>(); }

}  // namespace ctgrad
