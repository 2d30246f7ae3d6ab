#pragma once
/// \file
/// Evaluation: values for an expression, or for several at once in one pass over the data.
/// Each output is split into its reductions (evaluated point by point inside one loop, in the
/// order of runtime/reduce.hpp) and the scalar expression around them (evaluated once after).
/// Generic: nothing here names a specific operation.

#include "../detail/config.hpp"

#include <array>
#include <boost/hana/at.hpp>
#include <boost/hana/flatten.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../detail/diagnostics.hpp"
#include "../error.hpp"
#include "../expr/constant.hpp"
#include "../expr/node.hpp"
#include "../expr/queries.hpp"
#include "../expr/shape.hpp"
#include "../expr/variable.hpp"
#include "context.hpp"
#include "data_views.hpp"
#include "reduce.hpp"
#include "values.hpp"

namespace ctgrad {

namespace detail {

// The number of sums the reductions of E need: one per component of each reduction's value.
template <class E>
struct reduction_count : std::integral_constant<std::size_t, 0> {};
template <class Op, class... Args>
struct reduction_count<node<Op, Args...>>
    : std::integral_constant<std::size_t, Op::is_reduction
                                              ? shape_of_t<node<Op, Args...>>::size
                                              : (reduction_count<Args>::value + ... + 0)> {};

// The number of reductions in the operands of E before operand I: where operand I's own
// reductions start in the flat list.
template <class E, std::size_t I>
struct reductions_before;
template <class Op, class... Args, std::size_t I>
struct reductions_before<node<Op, Args...>, I> {
  static constexpr std::size_t value = [] {
    constexpr std::size_t counts[] = {reduction_count<Args>::value..., 0};
    std::size_t total = 0;
    for (std::size_t k = 0; k < I; ++k) total += counts[k];
    return total;
  }();
};

// The value of a leaf at point i (V = T), or at points i .. i + V::width - 1 (V = packet<T>),
// written into dst: data give their points' values, everything else is the same at every point.
// A row of data or a vector parameter is loaded where it is kept, not built in a temporary and
// copied. With Clamped, a packet's lanes past point `last` repeat it (packet::load_clamped).
template <class V, class T, bool Clamped = false, class E, class Ctx, class D>
constexpr void leaf_value_into(D& dst, const E& e, const Ctx& ctx, [[maybe_unused]] std::size_t i,
                               [[maybe_unused]] std::size_t last = 0) noexcept {
  using S = shape_of_t<E>;
  if constexpr (is_param_v<E> || is_data_v<E>) {
    const auto& b = ctx.template binding<E>();
    using B = std::remove_cvref_t<decltype(b)>;
    // Component k (a feature, for data rows; the point itself, for a data column) at i.
    auto at = [&](std::size_t k) -> V {
      if constexpr (is_param_v<E>) {
        return splat<V>(static_cast<T>(b.at(k)));
      } else if constexpr (std::is_same_v<V, T> || !B::is_column) {
        if constexpr (S::rank == 0)
          return splat<V>(static_cast<T>(b.at(i)));
        else
          return splat<V>(static_cast<T>(b.at(i, k)));
      } else if constexpr (runtime_point_step<typename B::storage_type>) {
        // A strided view (<ctgrad/eigen.hpp>'s blocks and maps): a gather, stride known at run
        // time.
        const std::ptrdiff_t step = b.storage.point_step();
        const auto* const first = [&] {
          if constexpr (S::rank == 0)
            return b.storage.first;
          else
            return b.storage.feature(k);
        }();
        if constexpr (Clamped)
          return V::load_clamped_step(first, i, last, step);
        else
          return V::load_step(first + static_cast<std::ptrdiff_t>(i) * step, step);
      } else {
        constexpr std::size_t stride = [] {
          if constexpr (S::rank == 0)
            return std::size_t{1};
          else
            return B::storage_type::point_stride;
        }();
        const auto* const first = [&] {  // of the data's own type, converted by the load
          if constexpr (S::rank == 0)
            return b.storage.data();
          else
            return b.storage.feature(k);
        }();
        if constexpr (Clamped)
          return V::template load_clamped<stride>(first, i, last);
        else
          return V::template load_strided<stride>(first + i * stride);
      }
    };
    if constexpr (S::rank == 0)
      dst = at(0);
    else
      for (std::size_t k = 0; k < S::size; ++k) dst[k] = at(k);
  } else if constexpr (is_rational_v<E>)
    dst = splat<V>(E::template as<T>());
  else if constexpr (is_scalar_v<E>)
    dst = splat<V>(static_cast<T>(e.value));
  else if constexpr (std::is_same_v<E, data_size>) {
    static_assert(Ctx::has_columns,
                  "ctgrad: the expression uses the number of data points (from the derivative of "
                  "a sum), but no data column is bound");
    dst = splat<V>(static_cast<T>(ctx.points));
  } else
    static_assert(is_param_v<E>, "ctgrad: not an expression leaf");
}

// leaf_value_into, returned.
template <class V, class T, bool Clamped = false, class E, class Ctx>
constexpr auto leaf_value(const E& e, const Ctx& ctx, std::size_t i,
                          std::size_t last = 0) noexcept {
  value_t<V, shape_of_t<E>> r;
  leaf_value_into<V, T, Clamped>(r, e, ctx, i, last);
  return r;
}

// Point-wise evaluation inside reductions, with every shared subexpression computed once per
// point: expressions of the same empty type are the same value, so the distinct node types of
// all the reductions' operands are listed once, children before parents, and each is computed
// once into a slot. The residual y - w * x of a loss and of its gradient is one slot.

template <class... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

// A node whose value is decided by its type alone, and that is computed per point.
template <class E>
inline constexpr bool shared_node_v = false;
template <class Op, class... Args>
inline constexpr bool shared_node_v<node<Op, Args...>> =
    !Op::is_reduction && std::is_empty_v<node<Op, Args...>>;

// Membership through base classes rather than a fold over the list: a fold expression of more
// than 256 terms exceeds clang's default nesting limit, and networks have more distinct nodes.
template <class T>
struct type_tag {};
template <class... Ts>
struct type_set : type_tag<Ts>... {};

template <class List, class E>
struct append_unique;
template <class... Ts, class E>
struct append_unique<type_list<Ts...>, E> {
  using type = std::conditional_t<std::is_base_of_v<type_tag<E>, type_set<Ts...>>, type_list<Ts...>,
                                  type_list<Ts..., E>>;
};

template <class List, class E>
inline constexpr bool contains_v = false;
template <class... Ts, class E>
inline constexpr bool contains_v<type_list<Ts...>, E> =
    std::is_base_of_v<type_tag<E>, type_set<Ts...>>;

// A node already listed is not walked again: its children were listed before it. Derivatives
// repeat subexpressions (a chain's adjoints hold every level below them), and walking the tree
// rather than the list of distinct nodes took time exponential in the depth.
template <class List, class E, bool Listed>
struct shared_nodes_of_node {
  using type = List;
};

// The shared nodes of one expression, appended to List (leaves add nothing).
template <class List, class E>
struct shared_nodes_of {
  using type = List;
};
template <class List, class... Es>
struct shared_nodes {
  using type = List;
};
template <class List, class E, class... Es>
struct shared_nodes<List, E, Es...> {
  using type = typename shared_nodes<typename shared_nodes_of<List, E>::type, Es...>::type;
};
template <class List, class Op, class... Args>
struct shared_nodes_of<List, node<Op, Args...>> {
  using type = typename shared_nodes_of_node<List, node<Op, Args...>,
                                             contains_v<List, node<Op, Args...>>>::type;
};

template <class List, class Op, class... Args>
struct shared_nodes_of_node<List, node<Op, Args...>, false> {
  using children = typename shared_nodes<List, Args...>::type;  // post-order: children first
  using type =
      std::conditional_t<shared_node_v<node<Op, Args...>>,
                         typename append_unique<children, node<Op, Args...>>::type, children>;
};

template <class E, class... Ts>
consteval std::size_t index_in(type_list<Ts...>) noexcept {
  constexpr bool match[] = {std::is_same_v<Ts, E>..., false};
  std::size_t i = 0;
  while (!match[i]) ++i;
  return i;
}

// A tuple whose element K is a direct base: reaching it is one conversion, where std::tuple's
// element K lies K bases deep, and g++'s -Wsequence-point (in -Wall) takes minutes over the
// conversions for the few hundred slots of a Hessian.
template <std::size_t K, class V>
struct flat_element {
  V value;
};
template <class Indices, class... Vs>
struct flat_tuple;
template <std::size_t... K, class... Vs>
struct flat_tuple<std::index_sequence<K...>, Vs...> : flat_element<K, Vs>... {
  template <std::size_t J, class V>
  static constexpr V& element(flat_element<J, V>& e) noexcept {
    return e.value;
  }
  template <std::size_t J, class V>
  static constexpr const V& element(const flat_element<J, V>& e) noexcept {
    return e.value;
  }
  template <std::size_t J, class V>
  static V type_at(const flat_element<J, V>&);  // declared only: names element J's type

  template <std::size_t J>
  constexpr auto& get() noexcept {
    return element<J>(*this);
  }
  template <std::size_t J>
  constexpr const auto& get() const noexcept {
    return element<J>(*this);
  }
  template <std::size_t J>
  using type = decltype(type_at<J>(std::declval<const flat_tuple&>()));
};

// The values at point i (V = T), or at points i .. i + V::width - 1 (V = packet<T>), of
// the shared nodes in `Shared`, and of any expression built from them.
template <class V, class T, class Ctx, class Shared>
struct point_evaluator;
template <class V, class T, class Ctx, class... Es>
struct point_evaluator<V, T, Ctx, type_list<Es...>> {
  using Shared = type_list<Es...>;
  const Ctx& ctx;
  std::size_t i;
  flat_tuple<std::index_sequence_for<Es...>, value_t<V, shape_of_t<Es>>...> slots;

  constexpr point_evaluator(const Ctx& c, std::size_t point) noexcept : ctx(c), i(point) {
    fill<0>();
  }

  template <class E>
  constexpr auto value(const E& e) const noexcept {
    if constexpr (shared_node_v<E>)
      return slots.template get<index_in<E>(Shared{})>();
    else if constexpr (is_node_v<E>)
      return compute(e);
    else
      return leaf_value<V, T>(e, ctx, i);
  }

 private:
  // The slots in list order, children before parents, one statement each. Not one expression
  // over the whole list (a fold, or an array initializer): g++'s -Wsequence-point (in -Wall)
  // takes time quadratic in such an expression's size, minutes for a Hessian's few hundred
  // slots, and clang refuses folds of more than 256 terms.
  template <std::size_t K>
  constexpr void fill() noexcept {
    if constexpr (K < sizeof...(Es)) {
      slots.template get<K>() =
          compute(typename flat_tuple<std::index_sequence_for<Es...>, Es...>::template type<K>{});
      fill<K + 1>();
    }
  }

  template <class E>
  constexpr auto compute(const E& e) const noexcept {
    static_assert(!E::op::is_reduction, "ctgrad: a reduction inside a reduction is not supported");
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return apply_op<typename E::op, T, shape_of_t<operand_type_t<I, E>>...>(
          value(operand_of<I>(e))...);
    }
    (std::make_index_sequence<E::arity>{});
  }
};

// A reduction adds its operand's value at each point exactly as written: a constant factor is
// not taken out of the sum. Taking +-2^k out of (c * a) * b regroups it into c * (a * b), which
// loses bits where a * b is subnormal, and c * sum(e_i) is finite where the term-by-term sum
// overflows; evaluating term by term keeps every value equal to the plain loop's.
//
// The M reductions' point-wise terms, one point or one packet of points at a time.
template <class T, class Ctx, class Reductions>
struct reduction_terms {
  const Ctx& ctx;
  const Reductions& reductions;

  template <class V>
  constexpr auto terms_at(std::size_t i) const noexcept {
    return hana::unpack(reductions, [&](const auto&... r) {
      using shared = typename shared_nodes<type_list<>, decltype(operand_of<0>(r))...>::type;
      const point_evaluator<V, T, Ctx, shared> at_point(ctx, i);
      constexpr std::size_t M = (shape_of_t<std::remove_cvref_t<decltype(r)>>::size + ... + 0);
      std::array<V, M> out;
      std::size_t k = 0;
      auto put = [&](const auto& x) {
        using X = std::remove_cvref_t<decltype(x)>;
        if constexpr (is_shaped_value_v<X>)
          for (const auto& c : x) out[k++] = c;
        else
          out[k++] = x;
      };
      [[maybe_unused]] const int in_order[] = {(put(at_point.value(operand_of<0>(r))), 0)..., 0};
      return out;
    });
  }
  constexpr auto at(std::size_t i) const noexcept { return terms_at<T>(i); }
  auto packet_at(std::size_t i) const noexcept { return terms_at<packet<T>>(i); }
};

// The reductions of e in depth-first order, as a tuple of nodes.
template <class E>
constexpr auto collect_reductions(const E& e) noexcept {
  if constexpr (!is_node_v<E>)
    return hana::make_tuple();
  else if constexpr (E::op::is_reduction)
    return hana::make_tuple(e);
  else
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return hana::flatten(hana::make_tuple(collect_reductions(operand_of<I>(e))...));
    }
  (std::make_index_sequence<E::arity>{});
}

// The value of an expression outside reductions, given the sums of its reductions starting at
// index Offset of `sums`.
template <std::size_t Offset, class T, class E, class Ctx, std::size_t M>
constexpr auto outer_value(const E& e, const Ctx& ctx, const std::array<T, M>& sums) noexcept {
  if constexpr (is_node_v<E>) {
    if constexpr (E::op::is_reduction) {
      using S = shape_of_t<E>;
      value_t<T, S> r{};
      for (std::size_t k = 0; k < S::size; ++k) {
        const T total = sums[Offset + k];
        if constexpr (S::rank == 0)
          r = E::op::finish(total, ctx.points);
        else
          r[k] = E::op::finish(total, ctx.points);
      }
      return r;
    } else
      return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return apply_op<typename E::op, T, shape_of_t<operand_type_t<I, E>>...>(
            outer_value<Offset + reductions_before<E, I>::value, T>(operand_of<I>(e), ctx,
                                                                    sums)...);
      }
    (std::make_index_sequence<E::arity>{});
  } else {
    if constexpr (is_data_v<E>) {
      constexpr bool point = !Ctx::template is_column_v<E>;
      static_assert(used_inside_a_reduction<point, spelled_t<E>>,
                    "ctgrad: a data column (named in the condition above) is used outside "
                    "mean()/sum(); wrap the expression in a reduction, or bind a single point");
    }
    return leaf_value<T, T>(e, ctx, 0);
  }
}

// A flat value in the user's shape: a number, a std::array, or a nested one for a matrix.
template <class S, class X>
constexpr auto to_user_shape(const X& x) noexcept {
  if constexpr (S::rank < 2)
    return x;
  else {
    using T = typename X::value_type;
    shaped_value_t<T, S> r{};
    for (std::size_t k = 0; k < S::size; ++k) flat_at(r, k) = x[k];
    return r;
  }
}

[[noreturn]] inline void throw_empty_mean() {
  raise<std::invalid_argument>(
      error_kind::invalid_argument,
      "ctgrad: mean() over no data: the bound data columns are empty (0 points)");
}

template <class E>
struct has_reduction_undefined_on_empty : std::false_type {};
template <class Op, class... Args>
struct has_reduction_undefined_on_empty<node<Op, Args...>>
    : std::bool_constant<(Op::is_reduction && !Op::defined_on_empty) ||
                         (has_reduction_undefined_on_empty<Args>::value || ...)> {};

// The values of all outputs, in one pass over the data, summed by `summation`.
template <class Ctx, class Summation, class... Es>
constexpr auto evaluate_outputs(const Ctx& ctx, const Summation& summation, const Es&... outputs) {
  using T = typename Ctx::value_type;
  constexpr std::size_t counts[] = {reduction_count<Es>::value..., 0};
  constexpr std::size_t M = (reduction_count<Es>::value + ... + 0);
  std::array<T, M> sums{};
  if constexpr (M > 0) {
    static_assert(Ctx::has_columns,
                  "ctgrad: mean()/sum() needs data: bind at least one data column, e.g. x = X");
    if ((has_reduction_undefined_on_empty<Es>::value || ...) && ctx.points == 0)
      throw_empty_mean();
    const auto reductions = hana::flatten(hana::make_tuple(collect_reductions(outputs)...));
    const reduction_terms<T, Ctx, decltype(reductions)> terms{ctx, reductions};
    sums = summation.template sum<T, M>(terms, ctx.points);
  }
  return [&]<std::size_t... K>(std::index_sequence<K...>) {
    constexpr std::size_t offsets[] = {[] {
      std::size_t total = 0;
      for (std::size_t k = 0; k < K; ++k) total += counts[k];
      return total;
    }()...};
    const auto tied = hana::make_tuple(std::addressof(outputs)...);
    return std::tuple{outer_value<offsets[K], T>(*hana::at_c<K>(tied), ctx, sums)...};
  }
  (std::index_sequence_for<Es...>{});
}

}  // namespace detail

/// The value of an expression for the given bindings: `evaluate(loss, w = 0.5f, x = X, y = Y)`.
/// The result type is the evaluation type (float for float data and parameters).
/// A vector or matrix expression gives a std::array (nested for a matrix), as parameters take.
template <expression E, binding_argument... As>
[[nodiscard]] constexpr auto evaluate(const E& e, const As&... args) {
  const auto ctx = make_context(args...);
  using Ctx = std::remove_const_t<decltype(ctx)>;
  if constexpr (!Ctx::template binds_all<E>)
    return typename Ctx::value_type{};  // only after the error naming the unbound variable
  else
    return detail::to_user_shape<shape_of_t<E>>(
        std::get<0>(detail::evaluate_outputs(ctx, detail::sequential_summation{}, e)));
}

}  // namespace ctgrad
