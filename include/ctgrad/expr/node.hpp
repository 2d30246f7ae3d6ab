#pragma once
/// \file
/// The expression node: an operation tag and its operands, stored by value. Structure only; what
/// an operation computes and how it differentiates lives with its tag in `ops/`, and the drivers
/// that walk trees (`evaluate`, `derivative`, printing) live apart from both.

#include "../detail/config.hpp"

#include <concepts>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "shape.hpp"

namespace ctgrad {

/// True for every ctgrad expression type (variables, constants and nodes).
template <class T>
concept expression = requires {
  typename std::remove_cvref_t<T>::ctgrad_expression_tag;
};

/// A plain number that may stand next to an expression in an operator (`2 * x`, `y - 1.5`).
template <class T>
concept number =
    std::is_arithmetic_v<std::remove_cvref_t<T>> && !std::is_same_v<std::remove_cvref_t<T>, bool>;

/// What an operator accepts on either side.
template <class T>
concept operand = expression<T> || number<T>;

namespace detail {

// One operand of a node. An operand whose type holds no runtime value (a variable, a
// compile-time constant, or a node built only from those) is not stored at all: its value is
// its type, so the node stays empty and two equal expressions are one and the same type.
template <std::size_t I, class T, bool = std::is_empty_v<T>>
struct slot {
  T value;
  constexpr explicit slot(T v) noexcept : value(v) {}
  [[nodiscard]] constexpr T get() const noexcept { return value; }
};

template <std::size_t I, class T>
struct slot<I, T, true> {
  constexpr slot() noexcept = default;
  constexpr explicit slot(T) noexcept {}
  [[nodiscard]] constexpr T get() const noexcept { return T{}; }
};

template <class Indices, class... Ts>
struct slots;

template <std::size_t... I, class... Ts>
struct slots<std::index_sequence<I...>, Ts...> : slot<I, Ts>... {
  constexpr slots() noexcept = default;
  constexpr explicit slots(Ts... ts) noexcept : slot<I, Ts>(ts)... {}
};

template <std::size_t I, class T, class... Ts>
struct nth_type : nth_type<I - 1, Ts...> {};
template <class T, class... Ts>
struct nth_type<0, T, Ts...> {
  using type = T;
};

}  // namespace detail

/// The shape of expression E: what its type declares (`shape_type`), or a scalar.
template <class E, class = void>
struct shape_of {
  using type = scalar_shape;
};
template <class E>
struct shape_of<E, std::void_t<typename E::shape_type>> {
  using type = typename E::shape_type;
};
template <class E>
using shape_of_t = typename shape_of<E>::type;

/// An operation `Op` applied to operands `Args...`. Built by the operation's factory (which
/// simplifies), never by hand.
template <class Op, class... Args>
struct node : detail::slots<std::index_sequence_for<Args...>, Args...> {
  using ctgrad_expression_tag = void;
  using op = Op;
  static constexpr std::size_t arity = sizeof...(Args);
  /// The shape of the value, decided by the operation from the operands' shapes.
  using shape_type = typename Op::template result_shape<shape_of_t<Args>...>;

  using detail::slots<std::index_sequence_for<Args...>, Args...>::slots;

  /// Component I of a vector-valued expression: `(W * x)[index_c<2>]`.
  template <std::size_t I>
  constexpr auto operator[](std::integral_constant<std::size_t, I>) const noexcept {
    return component<I>(*this);
  }
};

/// The type of operand I of node type N.
template <std::size_t I, class N>
struct operand_type;
template <std::size_t I, class Op, class... Args>
struct operand_type<I, node<Op, Args...>> : detail::nth_type<I, Args...> {};
template <std::size_t I, class N>
using operand_type_t = typename operand_type<I, N>::type;

/// Operand I of a node, by value.
template <std::size_t I, class Op, class... Args>
[[nodiscard]] constexpr auto operand_of(const node<Op, Args...>& n) noexcept {
  using T = typename detail::nth_type<I, Args...>::type;
  return static_cast<const detail::slot<I, T>&>(n).get();
}

/// Builds a node without simplifying; for operation factories only.
template <class Op, class... Args>
[[nodiscard]] constexpr node<Op, Args...> make_node(Args... args) noexcept {
  if constexpr ((std::is_empty_v<Args> && ...))
    return {};
  else
    return node<Op, Args...>(args...);
}

/// True when E is a node (of any operation).
template <class E>
inline constexpr bool is_node_v = false;
template <class Op, class... Args>
inline constexpr bool is_node_v<node<Op, Args...>> = true;

/// True when E is a node of operation Op.
template <class E, class Op>
inline constexpr bool is_node_of_v = false;
template <class Op, class... Args>
inline constexpr bool is_node_of_v<node<Op, Args...>, Op> = true;

}  // namespace ctgrad
