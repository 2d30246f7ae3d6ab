#pragma once
/// \file
/// The reverse sweep: every partial derivative of an expression in one forward and one backward
/// pass over its tree, planned at compile time.
///
/// Forward, `record` computes every node's value once and keeps it in a *tape*: a struct that
/// mirrors the expression (the plan, in types) with one value per node. Backward, `backward`
/// passes adjoints (d result / d node) from the root down to the leaves, each node applying its
/// operation's `pullback` rule (ops/), and hands the adjoints that reach a parameter to a sink.
/// The work is proportional to the size of the expression, whatever the number of parameters,
/// and the types instantiated grow with the expression, not with parameters x nodes.
///
/// A pullback rule is written with ctgrad's operators. Here it is instantiated once per
/// operation and shape on placeholder leaves (the adjoint, the node's value, its operands),
/// giving a small expression that is then evaluated on the tape's numbers. Where the adjoint is
/// the constant 1 (at the root), the placeholder is the constant itself, so the rule simplifies
/// (square's `2 * a * u` becomes `2 * u`) and the numbers are those a person would compute, and
/// those PyTorch's backward pass computes for the seed.

#include "../detail/config.hpp"

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../derivative.hpp"
#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "../expr/queries.hpp"
#include "../expr/shape.hpp"
#include "evaluate.hpp"
#include "values.hpp"

namespace ctgrad::detail {

// Placeholders for a pullback rule's arguments.
template <class S>
struct adjoint_leaf {
  using ctgrad_expression_tag = void;
  using shape_type = S;
};
template <class S>
struct result_leaf {
  using ctgrad_expression_tag = void;
  using shape_type = S;
};
template <std::size_t J, class S>
struct operand_leaf {
  using ctgrad_expression_tag = void;
  using shape_type = S;
};

template <class E>
inline constexpr bool is_adjoint_leaf_v = false;
template <class S>
inline constexpr bool is_adjoint_leaf_v<adjoint_leaf<S>> = true;
template <class E>
inline constexpr bool is_result_leaf_v = false;
template <class S>
inline constexpr bool is_result_leaf_v<result_leaf<S>> = true;

/// The values of E's nodes, kept from the forward pass for the backward one. Reductions are
/// leaves here: inside a reduction there are none, and outside, their sums are already known.
template <class V, class E>
struct tape {
  value_t<V, shape_of_t<E>> value;
};
template <class V, class Op, class... Args>
requires(!Op::is_reduction) struct tape<V, node<Op, Args...>> {
  // Not std::tuple, whose default constructor zeroes its elements: a tape is filled on every
  // point, and zeroing the values of a 64-feature row cost a third of the time.
  flat_tuple<std::index_sequence_for<Args...>, tape<V, Args>...> children;
  value_t<V, shape_of_t<node<Op, Args...>>> value;
};

// The number of (scalar) reductions in the operands of E before operand I.
template <class E, std::size_t I>
inline constexpr std::size_t scalar_reductions_before = reductions_before<E, I>::value;

/// Records e's values into t, in place (a tape is filled where it lies: returning tapes by value
/// copied every subtree's values at every level); `leaves.template get<V, Offset>(leaf)` gives a
/// leaf's value (Offset: the number of reductions before it, in depth-first order).
template <class V, class T, std::size_t Offset = 0, class E, class Leaves>
constexpr void record(tape<V, E>& t, const E& e, const Leaves& leaves) noexcept {
  if constexpr (is_node_v<E> && !is_reduction_v<E>) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (record<V, T, Offset + scalar_reductions_before<E, I>>(t.children.template get<I>(),
                                                             operand_of<I>(e), leaves),
       ...);
      apply_op_into<typename E::op, T, shape_of_t<operand_type_t<I, E>>...>(
          t.value, t.children.template get<I>().value...);
    }
    (std::make_index_sequence<E::arity>{});
  } else if constexpr (requires { leaves.template put<V, Offset>(t.value, e); }) {
    leaves.template put<V, Offset>(t.value, e);
  } else {
    t.value = leaves.template get<V, Offset>(e);
  }
}

/// The parameters a sweep differentiates with respect to.
template <class... Ps>
struct wrt_list {};

template <class E, class Wrt>
inline constexpr bool depends_on_any_v = false;
template <class E, class... Ps>
inline constexpr bool depends_on_any_v<E, wrt_list<Ps...>> = (depends_on_v<E, Ps> || ...);

// The value of a pullback rule R (an expression over placeholders and constants) for the node
// whose tape is t and whose adjoint is a.
// (Leaves are returned by reference: copying a 64-component row at every node cost more than
// the arithmetic.)
template <class V, class T, class R, class Tape, class A>
constexpr decltype(auto) evaluate_rule(const R& r, const Tape& t, const A& a) noexcept {
  if constexpr (is_adjoint_leaf_v<R>)
    return (a);
  else if constexpr (is_result_leaf_v<R>)
    return (t.value);
  else if constexpr (is_node_v<R>)
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return apply_op<typename R::op, T, shape_of_t<operand_type_t<I, R>>...>(
          evaluate_rule<V, T>(operand_of<I>(r), t, a)...);
    }
  (std::make_index_sequence<R::arity>{});
  else if constexpr (is_rational_v<R>) return splat<V>(R::template as<T>());
  else if constexpr (is_scalar_v<R>) return splat<V>(static_cast<T>(r.value));  // erf's 2/sqrt(pi)
  else return operand_value(r, t);
}

template <std::size_t J, class S, class Tape>
constexpr decltype(auto) operand_value(operand_leaf<J, S>, const Tape& t) noexcept {
  return (t.children.template get<J>().value);
}

// The pullback rule of E's operand I as an expression over placeholders: one type per
// operation, shapes and kind of adjoint, shared by every node that has them.
template <class E, std::size_t I, class A>
constexpr auto pullback_rule() noexcept {
  using S = shape_of_t<E>;
  using Adjoint = std::conditional_t<is_one_v<A>, one_t, adjoint_leaf<S>>;
  return [&]<std::size_t... J>(std::index_sequence<J...>) {
    return fit_shape<shape_of_t<operand_type_t<I, E>>>(E::op::template pullback<I>(
        Adjoint{}, result_leaf<S>{}, operand_leaf<J, shape_of_t<operand_type_t<J, E>>>{}...));
  }
  (std::make_index_sequence<E::arity>{});
}

/// Passes the adjoint a of e (a value, or one_t for the constant 1) down to the leaves that are
/// among the parameters in Wrt (a wrt_list), and hands each leaf's adjoint to
/// `sink.template take<Offset>(leaf, adjoint)`. Reductions (outside a reduction) are leaves too.
/// Subtrees that mention none of the parameters are skipped.
template <class V, class T, class Wrt, std::size_t Offset = 0, class E, class A, class Sink>
constexpr void backward(const E& e, const tape<V, E>& t, const A& a, Sink& sink) noexcept {
  if constexpr (!depends_on_any_v<E, Wrt>) {
    return;
  } else if constexpr (is_node_v<E> && !is_reduction_v<E>) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      auto one = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
        using U = operand_type_t<K, E>;
        if constexpr (depends_on_any_v<U, Wrt>) {
          constexpr auto rule = pullback_rule<E, K, A>();
          backward<V, T, Wrt, Offset + scalar_reductions_before<E, K>>(
              operand_of<K>(e), t.children.template get<K>(), evaluate_rule<V, T>(rule, t, a),
              sink);
        }
      };
      [[maybe_unused]] const int in_order[] = {
          (one(std::integral_constant<std::size_t, I>{}), 0)..., 0};
    }
    (std::make_index_sequence<E::arity>{});
  } else {
    sink.template take<Offset>(e, a);
  }
}

/// The number of scalar components of parameters Ps, and where each one's start.
template <class... Ps>
inline constexpr std::size_t components_v = (shape_of_t<Ps>::size + ... + 0);

template <class P, class... Ps>
consteval std::size_t component_offset() noexcept {
  constexpr bool match[] = {std::is_same_v<P, Ps>..., false};
  constexpr std::size_t sizes[] = {shape_of_t<Ps>::size..., 0};
  std::size_t offset = 0;
  for (std::size_t k = 0; !match[k]; ++k) offset += sizes[k];
  return offset;
}

}  // namespace ctgrad::detail
