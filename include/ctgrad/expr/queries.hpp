#pragma once
/// \file
/// Questions about an expression's structure, answered from its type alone: what it depends on,
/// how many nodes it has, whether two expressions are the same.

#include "../detail/config.hpp"

#include <cstddef>
#include <type_traits>

#include "constant.hpp"
#include "node.hpp"
#include "variable.hpp"

namespace ctgrad {

namespace detail {

// True when some node or leaf of E satisfies Pred (pre-order, stops at nothing).
template <class E, template <class> class Pred>
struct any_in_tree : std::bool_constant<Pred<E>::value> {};
template <class Op, class... Args, template <class> class Pred>
struct any_in_tree<node<Op, Args...>, Pred>
    : std::bool_constant<Pred<node<Op, Args...>>::value ||
                         (any_in_tree<Args, Pred>::value || ...)> {};

template <class E>
struct is_data_leaf : std::bool_constant<is_data_v<E> || std::is_same_v<E, data_size>> {};

template <class E>
struct is_reduction_node : std::false_type {};
template <class Op, class... Args>
struct is_reduction_node<node<Op, Args...>> : std::bool_constant<Op::is_reduction> {};

template <class P>
struct is_leaf {
  template <class E>
  struct same : std::is_same<E, P> {};
};

template <class E>
struct node_count : std::integral_constant<std::size_t, 1> {};
template <class Op, class... Args>
struct node_count<node<Op, Args...>>
    : std::integral_constant<std::size_t, 1 + (node_count<Args>::value + ... + 0)> {};

template <class E, class V>
struct leaf_occurrences : std::integral_constant<std::size_t, std::is_same_v<E, V> ? 1 : 0> {};
template <class Op, class... Args, class V>
struct leaf_occurrences<node<Op, Args...>, V>
    : std::integral_constant<std::size_t, (leaf_occurrences<Args, V>::value + ... + 0)> {};

}  // namespace detail

/// The number of times the leaf V appears in expression E (as a tree: a repeated subexpression
/// counts each time).
template <class E, class V>
inline constexpr std::size_t leaf_occurrences_v = detail::leaf_occurrences<E, V>::value;

/// True when expression E contains the variable V (a `param` or a `data`).
template <class E, class V>
inline constexpr bool depends_on_v =
    detail::any_in_tree<E, detail::is_leaf<V>::template same>::value;

/// True when E contains a data column (so it varies from one data point to the next).
template <class E>
inline constexpr bool has_data_v = detail::any_in_tree<E, detail::is_data_leaf>::value;

/// True when E contains a reduction (`mean` or `sum`).
template <class E>
inline constexpr bool has_reduction_v = detail::any_in_tree<E, detail::is_reduction_node>::value;

/// True when E is itself a reduction node.
template <class E>
inline constexpr bool is_reduction_v = detail::is_reduction_node<E>::value;

/// The number of nodes and leaves in E: `node_count_v<decltype(w * x)> == 3`.
template <class E>
inline constexpr std::size_t node_count_v = detail::node_count<E>::value;

/// The number of nodes and leaves in an expression, for use in `static_assert`.
template <expression E>
[[nodiscard]] consteval std::size_t node_count(const E&) noexcept {
  return node_count_v<E>;
}

/// True when two expressions are structurally identical: the same type and, for expressions
/// that hold runtime numbers, the same numbers. `static_assert(d(w * x, w) == x)`.
template <expression A, expression B>
[[nodiscard]] constexpr bool operator==(const A& a, const B& b) noexcept {
  if constexpr (!std::is_same_v<A, B>)
    return false;
  else if constexpr (std::is_empty_v<A>)
    return true;
  else if constexpr (is_scalar_v<A>)
    return a.value == b.value;
  else
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return ((operand_of<I>(a) == operand_of<I>(b)) && ...);
    }
  (std::make_index_sequence<A::arity>{});
}

}  // namespace ctgrad
