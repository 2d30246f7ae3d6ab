#pragma once
/// \file
/// The reverse sweep: every partial derivative of an expression in one forward and one backward
/// pass over its graph, planned at compile time.
///
/// The plan is the expression's distinct subexpressions, listed once each, children before
/// parents (an expression's type is its value, so equal types are one node). Forward, every node
/// is computed once into a slot. Backward, adjoints (d result / d node) pass from the root down:
/// nodes are visited in the reverse order, each applying its operation's `pullback` rule (ops/)
/// to its adjoint, which is the sum of what its parents passed it (the first contribution
/// stored, later ones added, as PyTorch accumulates a tensor's gradient); the adjoints that reach
/// a parameter go to a sink. The work is proportional to the size of the expression, whatever
/// the number of parameters, and a subexpression used twice (the logit z of
/// `log(1 + exp(z)) - y * z`) is computed and passed through once.
///
/// Only empty types can be told apart by their type. Run-time numbers (`0.5 * x`) and, outside
/// the reductions, the reductions themselves are first lifted out of the expression: the K-th
/// in depth-first order becomes an empty leaf carrying K, its value read from an array (or from
/// the finished sums).
///
/// A pullback rule is written with ctgrad's operators. Here it is instantiated once per
/// operation and shape on placeholder leaves (the adjoint, the node's value, its operands),
/// giving a small expression that is then evaluated on the slots' numbers. Where the adjoint is
/// the constant 1 (at the root), the placeholder is the constant itself, so the rule simplifies
/// (square's `2 * a * u` becomes `2 * u`) and the numbers are those a person would compute, and
/// those PyTorch's backward pass computes for the seed.

#include "../detail/config.hpp"

#include <array>
#include <cstddef>
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

/// The parameters a sweep differentiates with respect to.
template <class... Ps>
struct wrt_list {};

/// The K-th run-time number (of type U) of an expression, lifted out of it.
template <std::size_t K, class U>
struct lifted_scalar {
  using ctgrad_expression_tag = void;
};
/// The K-th reduction R of an expression, lifted out of it (outside the reductions, a reduction
/// is a leaf whose value is its finished sum).
template <std::size_t K, class R>
struct lifted_reduction {
  using ctgrad_expression_tag = void;
  using shape_type = shape_of_t<R>;
};

template <class E>
inline constexpr bool is_lifted_scalar_v = false;
template <std::size_t K, class U>
inline constexpr bool is_lifted_scalar_v<lifted_scalar<K, U>> = true;
template <class E>
inline constexpr bool is_lifted_reduction_v = false;
template <std::size_t K, class R>
inline constexpr bool is_lifted_reduction_v<lifted_reduction<K, R>> = true;

// Whether E mentions any parameter in Wrt (inside a lifted reduction too).
template <class E, class Wrt>
struct depends_on_any;
template <class E, class... Ps>  // a leaf
struct depends_on_any<E, wrt_list<Ps...>> : std::bool_constant<(std::is_same_v<E, Ps> || ...)> {};
template <std::size_t K, class R, class... Ps>
struct depends_on_any<lifted_reduction<K, R>, wrt_list<Ps...>>
    : std::bool_constant<(depends_on_v<R, Ps> || ...)> {};
template <class Op, class... Args, class... Ps>
struct depends_on_any<node<Op, Args...>, wrt_list<Ps...>>
    : std::bool_constant<(depends_on_any<Args, wrt_list<Ps...>>::value || ...)> {};

template <class E, class Wrt>
inline constexpr bool depends_on_any_v = depends_on_any<E, Wrt>::value;

// The value of a pullback rule R (an expression over placeholders and constants) for the node
// seen through t (self_value(t), operand_value(leaf, t)) whose adjoint is a.
// (Leaves are returned by reference: copying a 64-component row at every node cost more than
// the arithmetic.)
template <class V, class T, class R, class Tape, class A>
constexpr decltype(auto) evaluate_rule(const R& r, const Tape& t, const A& a) noexcept {
  if constexpr (is_adjoint_leaf_v<R>)
    return (a);
  else if constexpr (is_result_leaf_v<R>)
    return self_value(t);
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

// True when every operation of rule R is element-wise: then component k of its value needs only
// component k of its operands (rule_component).
template <class R>
struct elementwise_rule : std::true_type {};
template <class Op, class... Args>
struct elementwise_rule<node<Op, Args...>>
    : std::bool_constant<Op::elementwise && (elementwise_rule<Args>::value && ...)> {};

// Component k of rule R's value, for an element-wise rule, without forming the other
// components: a 64-component share then goes to its destination one component at a time
// instead of through a temporary array.
template <class V, class T, class R, class View, class A>
constexpr V rule_component(const R& r, const View& t, const A& a, std::size_t k) noexcept {
  if constexpr (is_adjoint_leaf_v<R>)
    return part(a, k);
  else if constexpr (is_result_leaf_v<R>)
    return part(self_value(t), k);
  else if constexpr (is_node_v<R>)
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return apply_lanes<typename R::op, T>(rule_component<V, T>(operand_of<I>(r), t, a, k)...);
    }
  (std::make_index_sequence<R::arity>{});
  else if constexpr (is_rational_v<R>) return splat<V>(R::template as<T>());
  else if constexpr (is_scalar_v<R>) return splat<V>(static_cast<T>(r.value));
  else return part(operand_value(r, t), k);
}

/// A shaped share computed one component at a time, on demand (`component(share, k)`).
template <class F>
struct lazy_share {
  F at;
};
template <class X>
inline constexpr bool is_lazy_share_v = false;
template <class F>
inline constexpr bool is_lazy_share_v<lazy_share<F>> = true;

/// Component k of a share: a value's, or a lazy share's.
template <class X>
constexpr decltype(auto) component(const X& x, std::size_t k) noexcept {
  if constexpr (is_lazy_share_v<X>)
    return x.at(k);
  else
    return part(x, k);
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

// E with its run-time numbers and its reductions lifted out, counting from K and R; `scalars`
// and `reductions` are K and R plus the number lifted.
template <std::size_t K, std::size_t R, class E>
struct lift {
  using type = E;
  static constexpr std::size_t scalars = K, reductions = R;
};
template <std::size_t K, std::size_t R, class U>
struct lift<K, R, scalar<U>> {
  using type = lifted_scalar<K, U>;
  static constexpr std::size_t scalars = K + 1, reductions = R;
};
template <std::size_t K, std::size_t R, class Done, class... Rest>
struct lift_operands {
  using list = Done;
  static constexpr std::size_t scalars = K, reductions = R;
};
template <std::size_t K, std::size_t R, class... Done, class A, class... Rest>
struct lift_operands<K, R, type_list<Done...>, A, Rest...>
    : lift_operands<lift<K, R, A>::scalars, lift<K, R, A>::reductions,
                    type_list<Done..., typename lift<K, R, A>::type>, Rest...> {};
template <class Op, class List>
struct node_of;
template <class Op, class... Args>
struct node_of<Op, type_list<Args...>> {
  using type = node<Op, Args...>;
};
template <std::size_t K, std::size_t R, class Op, class... Args>
struct lift<K, R, node<Op, Args...>> {
  using operands = lift_operands<K, R, type_list<>, Args...>;
  static constexpr bool reduction = Op::is_reduction;
  using type = std::conditional_t<reduction, lifted_reduction<R, node<Op, Args...>>,
                                  typename node_of<Op, typename operands::list>::type>;
  // A reduction's own numbers stay in it: the reduction is evaluated from the original.
  static constexpr std::size_t scalars = reduction ? K : operands::scalars;
  static constexpr std::size_t reductions = reduction ? R + 1 : operands::reductions;
};
template <class E>
using lifted_t = typename lift<0, 0, E>::type;
template <class E>
inline constexpr std::size_t lifted_scalars_v = lift<0, 0, E>::scalars;

// The numbers of e, in depth-first order (the order of lift), as T, written from out[k] on.
template <class T, std::size_t N, class E>
constexpr void collect_scalars(const E& e, std::array<T, N>& out, std::size_t& k) noexcept {
  if constexpr (is_scalar_v<E>) {
    out[k++] = static_cast<T>(e.value);
  } else if constexpr (is_node_v<E> && !std::is_empty_v<E> && !is_reduction_v<E>) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (collect_scalars<T>(operand_of<I>(e), out, k), ...);
    }
    (std::make_index_sequence<E::arity>{});
  }
}

/// The numbers that lift takes out of e, in its order, as T: what lifted_t<E>'s leaves read.
template <class T, class E>
constexpr std::array<T, lifted_scalars_v<E>> lifted_scalars_of(const E& e) noexcept {
  std::array<T, lifted_scalars_v<E>> numbers{};
  std::size_t k = 0;
  collect_scalars<T>(e, numbers, k);
  return numbers;
}

// The leaves of the nodes in List (and of E itself, when it is a leaf) whose values are kept:
// variables, the data size and lifted reductions; constants are not kept.
template <class E>
inline constexpr bool kept_leaf_v =
    is_param_v<E> || is_data_v<E> || std::is_same_v<E, data_size> || is_lifted_reduction_v<E>;

template <class Acc, class... Es>
struct kept_leaves_of {
  using type = Acc;
};
template <class Acc, class E, class... Es>
struct kept_leaves_of<Acc, E, Es...> {
  using next = std::conditional_t<kept_leaf_v<E>, typename append_unique<Acc, E>::type, Acc>;
  using type = typename kept_leaves_of<next, Es...>::type;
};
template <class Acc, class Nodes>
struct kept_leaves_of_nodes;
template <class Acc>
struct kept_leaves_of_nodes<Acc, type_list<>> {
  using type = Acc;
};
template <class Acc, class Op, class... Args, class... Ns>
struct kept_leaves_of_nodes<Acc, type_list<node<Op, Args...>, Ns...>> {
  using type = typename kept_leaves_of_nodes<typename kept_leaves_of<Acc, Args...>::type,
                                             type_list<Ns...>>::type;
};

template <std::size_t K, class List>
struct list_at;
template <std::size_t K, class... Ts>
struct list_at<K, type_list<Ts...>> {
  using type = typename flat_tuple<std::index_sequence_for<Ts...>, Ts...>::template type<K>;
};

inline constexpr std::size_t not_listed = static_cast<std::size_t>(-1);

// The position of E in a list, found by the compiler's lookup of a base class rather than by
// comparing E with every element: a plan looks up a few hundred types in lists of a few
// hundred, and comparing each pair made clang 14 take half as long again on a depth-50 chain.
template <std::size_t K, class E>
struct listed_at {};
template <class Indices, class... Ts>
struct listed_set;
template <std::size_t... K, class... Ts>
struct listed_set<std::index_sequence<K...>, Ts...> : listed_at<K, Ts>... {};
template <class E, std::size_t K>
constexpr std::size_t listed_position(const listed_at<K, E>*) noexcept {
  return K;
}
template <class E>
constexpr std::size_t listed_position(const void*) noexcept {
  return not_listed;
}

template <class E, class... Ts>
consteval std::size_t position_in(type_list<Ts...>) noexcept {
  return listed_position<E>(
      static_cast<const listed_set<std::index_sequence_for<Ts...>, Ts...>*>(nullptr));
}

// The compile-time plan of a lifted expression Term, differentiated with respect to Wrt.
template <class Term, class Wrt>
struct term_graph {
  using nodes = typename shared_nodes<type_list<>, Term>::type;  // children before parents
  using leaves =
      typename kept_leaves_of_nodes<typename kept_leaves_of<type_list<>, Term>::type, nodes>::type;
  static constexpr std::size_t size = nodes::size;

  template <std::size_t K>
  using node_at = typename list_at<K, nodes>::type;

  // For node K and operand J: the operand's position in `nodes` (not_listed for a leaf), and
  // whether node K passes adjoints at all; and for each kept leaf, the number of (node, operand)
  // pairs that are that leaf. One table per plan, filled node by node (a fold over the nodes
  // would exceed clang's nesting limit of 256 on large expressions).
  static constexpr std::size_t max_arity = 4;
  struct edges {
    std::array<std::array<std::size_t, max_arity>, size> operand{};
    std::array<bool, size> live{};
    std::array<std::size_t, leaves::size> into_leaf{};
  };
  template <std::size_t K>
  static constexpr void fill(edges& t) noexcept {
    if constexpr (K < size) {
      using N = node_at<K>;
      static_assert(N::arity <= max_arity);
      t.live[K] = depends_on_any_v<N, Wrt>;
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((t.operand[K][I] = position_in<operand_type_t<I, N>>(nodes{})), ...);
        constexpr std::size_t leaf[] = {position_in<operand_type_t<I, N>>(leaves{})..., not_listed};
        for (std::size_t j : leaf)
          if (j != not_listed)
            ++t.into_leaf[j];
      }
      (std::make_index_sequence<N::arity>{});
      fill<K + 1>(t);
    }
  }
  static constexpr edges table = [] {
    edges t{};
    for (auto& row : t.operand) row.fill(not_listed);
    fill<0>(t);
    return t;
  }();

  // Whether operand J of node K is the first to pass an adjoint to that operand (a node), in the
  // backward order: nodes from last to first, each node's operands in order.
  template <std::size_t K, std::size_t J>
  static consteval bool first_contribution() noexcept {
    const std::size_t c = table.operand[K][J];
    for (std::size_t p = size; p-- > K + 1;)
      if (table.live[p])
        for (std::size_t j = 0; j < max_arity; ++j)
          if (table.operand[p][j] == c)
            return false;
    for (std::size_t j = 0; j < J; ++j)
      if (table.operand[K][j] == c)
        return false;
    return true;
  }

  // The number of adjoints that reach leaf P: one per (node, operand) that is P.
  template <class P>
  static consteval std::size_t edges_to() noexcept {
    constexpr std::size_t i = position_in<P>(leaves{});
    if constexpr (std::is_same_v<Term, P>)
      return 1;
    else if constexpr (i == not_listed)
      return 0;
    else
      return table.into_leaf[i];
  }
};

template <class V, class X>
constexpr void add_into(X& dst, const X& src) noexcept {
  if constexpr (is_shaped_value_v<X>)
    for (std::size_t k = 0; k < dst.size(); ++k) dst[k] = dst[k] + src[k];
  else
    dst = dst + src;
}

// What a pullback rule reads of a graph node: its value and its operands' values.
template <class Graph, class Node>
struct graph_node_view {
  const Graph& graph;
};
template <class Graph, class Node>
constexpr decltype(auto) self_value(const graph_node_view<Graph, Node>& v) noexcept {
  return v.graph.template value_of<Node>();
}
template <std::size_t J, class S, class Graph, class Node>
constexpr decltype(auto) operand_value(operand_leaf<J, S>,
                                       const graph_node_view<Graph, Node>& v) noexcept {
  return v.graph.template value_of<operand_type_t<J, Node>>();
}

/// Leaf values that a graph reads from elsewhere instead of loading them into its own slots at
/// every point: none. A provider has `provides<E>` and `get<E>()` (a reference to E's value).
struct no_leaves_provided {
  template <class E>
  static constexpr bool provides = false;
};

template <class List, class Provided>
struct without_provided;
template <class... Es, class Provided>
struct without_provided<type_list<Es...>, Provided> {
  template <class Acc, class... Rest>
  struct keep {
    using type = Acc;
  };
  template <class... Acc, class E, class... Rest>
  struct keep<type_list<Acc...>, E, Rest...> {
    using type = typename keep<
        std::conditional_t<Provided::template provides<E>, type_list<Acc...>, type_list<Acc..., E>>,
        Rest...>::type;
  };
  using type = typename keep<type_list<>, Es...>::type;
};

/// The values and adjoints of a lifted expression's graph (at one point, or packet of points,
/// for a reduction's term).
template <class V, class T, class Term, class Wrt, std::size_t Scalars,
          class Provided = no_leaves_provided>
struct graph_sweep {
  using plan = term_graph<Term, Wrt>;
  using nodes = typename plan::nodes;
  using leaves = typename without_provided<typename plan::leaves, Provided>::type;

  template <class List>
  struct slots_for;
  template <class... Es>
  struct slots_for<type_list<Es...>> {
    using type = flat_tuple<std::index_sequence_for<Es...>, value_t<V, shape_of_t<Es>>...>;
  };

  const std::array<T, Scalars>& scalars;
  const Provided* provided;
  typename slots_for<leaves>::type leaf_values;  // filled by forward, not zeroed first
  typename slots_for<nodes>::type values;

  constexpr explicit graph_sweep(const std::array<T, Scalars>& numbers,
                                 const Provided* from = nullptr) noexcept
      : scalars(numbers), provided(from) {}

  template <class E>
  constexpr decltype(auto) value_of() const noexcept {
    if constexpr (is_node_v<E>)
      return (values.template get<position_in<E>(nodes{})>());
    else if constexpr (Provided::template provides<E>)
      return (provided->template get<E>());
    else if constexpr (kept_leaf_v<E>)
      return (leaf_values.template get<position_in<E>(leaves{})>());
    else if constexpr (is_lifted_scalar_v<E>)
      return splat<V>(scalars[lifted_index<E>()]);
    else
      return splat<V>(E::template as<T>());  // a rational constant
  }
  template <class E>
  static consteval std::size_t lifted_index() noexcept {
    return []<std::size_t K, class U>(lifted_scalar<K, U>*) { return K; }(static_cast<E*>(nullptr));
  }

  /// Loads the leaves (`in.template put<V>(slot, leaf)`) and computes every node once.
  template <class Leaves>
  constexpr void forward(const Leaves& in) noexcept {
    [&]<std::size_t... L>(std::index_sequence<L...>) {
      (in.template put<V>(leaf_values.template get<L>(), typename list_at<L, leaves>::type{}), ...);
    }
    (std::make_index_sequence<leaves::size>{});
    compute<0>();
  }
  /// The term's value, after forward.
  constexpr decltype(auto) result() const noexcept { return value_of<Term>(); }

  /// Passes adjoints from the root (adjoint 1) down to the leaves in Wrt (and the lifted
  /// reductions that depend on them), handing each leaf's adjoints to `sink.take(leaf, adjoint)`.
  template <class Sink>
  constexpr void backward(Sink& sink) const noexcept {
    if constexpr (is_node_v<Term>) {
      typename slots_for<nodes>::type adjoints;
      pass<plan::size - 1>(adjoints, sink);
    } else if constexpr (depends_on_any_v<Term, Wrt>) {
      sink.take(Term{}, one_t{});
    }
  }

 private:
  // One statement per node, not a fold: see point_evaluator::fill (evaluate.hpp).
  template <std::size_t K>
  constexpr void compute() noexcept {
    if constexpr (K < plan::size) {
      using E = typename plan::template node_at<K>;
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        apply_op_into<typename E::op, T, shape_of_t<operand_type_t<I, E>>...>(
            values.template get<K>(), value_of<operand_type_t<I, E>>()...);
      }
      (std::make_index_sequence<E::arity>{});
      compute<K + 1>();
    }
  }

  template <std::size_t K, class Adjoints, class Sink>
  constexpr void pass(Adjoints& adjoints, Sink& sink) const noexcept {
    using E = typename plan::template node_at<K>;
    if constexpr (depends_on_any_v<E, Wrt>) {
      if constexpr (K + 1 == plan::size)  // the term itself
        pass_operands<K>(one_t{}, adjoints, sink);
      else
        pass_operands<K>(adjoints.template get<K>(), adjoints, sink);
    }
    if constexpr (K > 0)
      pass<K - 1>(adjoints, sink);
  }

  template <std::size_t K, class A, class Adjoints, class Sink>
  constexpr void pass_operands(const A& a, Adjoints& adjoints, Sink& sink) const noexcept {
    using E = typename plan::template node_at<K>;
    const graph_node_view<graph_sweep, E> view{*this};
    auto one = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
      using U = operand_type_t<J, E>;
      if constexpr (depends_on_any_v<U, Wrt>) {
        constexpr auto rule = pullback_rule<E, J, A>();
        // A shaped share of an element-wise rule goes where it is needed component by component.
        constexpr bool by_component =
            shape_of_t<U>::rank > 0 && elementwise_rule<std::remove_cv_t<decltype(rule)>>::value;
        if constexpr (is_node_v<U>) {
          constexpr std::size_t c = position_in<U>(nodes{});
          auto& slot = adjoints.template get<c>();
          constexpr bool first = plan::template first_contribution<K, J>();
          if constexpr (by_component) {
            for (std::size_t k = 0; k < shape_of_t<U>::size; ++k) {
              const V share = rule_component<V, T>(rule, view, a, k);
              slot[k] = first ? share : slot[k] + share;
            }
          } else if constexpr (first) {
            slot = evaluate_rule<V, T>(rule, view, a);
          } else {
            add_into<V>(slot, evaluate_rule<V, T>(rule, view, a));
          }
        } else if constexpr (by_component) {
          auto share = [&](std::size_t k) { return rule_component<V, T>(rule, view, a, k); };
          sink.take(U{}, lazy_share<decltype(share)>{share});
        } else {
          sink.take(U{}, evaluate_rule<V, T>(rule, view, a));
        }
      }
    };
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      [[maybe_unused]] const int in_order[] = {
          (one(std::integral_constant<std::size_t, J>{}), 0)..., 0};
    }
    (std::make_index_sequence<E::arity>{});
  }
};

}  // namespace ctgrad::detail
