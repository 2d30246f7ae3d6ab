#pragma once
/// \file
/// The loss and its gradient together, by reverse accumulation (reverse.hpp) in one pass over
/// the data.
///
/// A loss is a scalar expression of reductions, F(R1, ..., Rm) with Rk = mean or sum over the
/// points of a term tk. At every point (or packet of points) each term's graph is computed and
/// swept backward from adjoint 1, giving tk and d tk / d p for every parameter component p; these
/// are summed over the points in the fixed order of reduce.hpp, like any reduction. Then F is
/// computed on the finished reductions and swept backward once: the adjoint of Rk scales Rk's
/// summed partials, and parameters used outside the reductions get their direct share.

#include "../detail/config.hpp"

#include <array>
#include <cstddef>
#include <type_traits>

#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>

#include "../derivative.hpp"
#include "../detail/diagnostics.hpp"
#include "../expr/fixed_string.hpp"
#include "../expr/variable.hpp"
#include "bindings.hpp"
#include "context.hpp"
#include "evaluate.hpp"
#include "reverse.hpp"

namespace ctgrad {

/// The partial derivatives of a loss with respect to Ps..., read by name: `g[w]` is a number
/// for a scalar parameter, a std::array for a vector (nested for a matrix).
template <class T, class... Ps>
struct gradient {
  /// Every component, parameters in `wrt` order, each row-major.
  std::array<T, detail::components_v<Ps...>> values{};

  template <fixed_string Name, std::size_t... Dims>
  [[nodiscard]] constexpr auto operator[](param<Name, Dims...>) const noexcept {
    using P = param<Name, Dims...>;
    constexpr bool found = (std::is_same_v<Ps, P> || ...);
    static_assert(detail::in_this_set<found, detail::spelled_t<P>>,
                  "ctgrad: this gradient was not taken with respect to that parameter (named in "
                  "the condition above)");
    if constexpr (found) {
      constexpr std::size_t offset = detail::component_offset<P, Ps...>();
      shaped_value_t<T, shape_of_t<P>> r{};
      for (std::size_t k = 0; k < shape_of_t<P>::size; ++k)
        detail::flat_at(r, k) = values[offset + k];
      return r;
    } else {
      return T{};
    }
  }
  /// The number of parameters.
  static constexpr std::size_t size() noexcept { return sizeof...(Ps); }
  /// The number of scalar components over all parameters.
  static constexpr std::size_t components() noexcept { return detail::components_v<Ps...>; }
};

/// What `value_and_grad` returns: `auto [value, grad] = value_and_grad(...)`.
template <class T, class... Ps>
struct value_and_gradient {
  T value;
  gradient<T, Ps...> grad;
};

namespace detail {

// Leaf values at one point (or packet) of the data.
// With Clamped, the points of a packet past `last` repeat it (fewer points than lanes).
template <class T, class Ctx, bool Clamped = false>
struct point_leaves {
  const Ctx& ctx;
  std::size_t i;
  std::size_t last = 0;
  template <class V, class D, class E>
  constexpr void put(D& dst, const E& e) const noexcept {
    leaf_value_into<V, T, Clamped>(dst, e, ctx, i, last);
  }
};

template <class E>
struct calls_a_function : std::false_type {};
template <class Op, class... Args>
    struct calls_a_function<node<Op, Args...>> : std::bool_constant < requires(packet<float> p) {
  Op::apply_packet(p);
} > {};

template <class Reductions>
struct any_reduction_calls_a_function : std::false_type {};
template <class... Rs>
struct any_reduction_calls_a_function<hana::tuple<Rs...>>
    : std::bool_constant<(any_in_tree<Rs, calls_a_function>::value || ...)> {};

// At one point: the adjoints that reach each parameter, written to `out`. With Add, each is
// added to out (a lane's running sum); otherwise stored. A parameter that receives one adjoint
// (the usual case) has it stored, not added to a zero: 0 + a is an addition the compiler must
// keep (it turns -0 into +0), once per component and point.
template <bool Add, class V, class Plan, class... Ps>
struct point_sink {
  V* out;  // the G partials of one reduction's term
  template <class P, class A>
  constexpr void take(const P&, const A& a) noexcept {
    constexpr std::size_t offset = component_offset<P, Ps...>();
    constexpr bool store = !Add && Plan::template edges_to<P>() == 1;
    for (std::size_t k = 0; k < shape_of_t<P>::size; ++k) {
      V adjoint;
      if constexpr (is_one_v<A>)
        adjoint = splat<V>(1);
      else
        adjoint = component(a, k);
      if constexpr (store)
        out[offset + k] = adjoint;
      else
        out[offset + k] = out[offset + k] + adjoint;
    }
  }
};

// The point-wise terms of value_and_grad: per reduction, the term and its G partials.
template <class T, class Ctx, class Reductions, class... Ps>
struct gradient_terms {
  static constexpr std::size_t G = components_v<Ps...>;
  static constexpr std::size_t M =
      decltype(hana::length(std::declval<Reductions>()))::value * (1 + G);
  const Ctx& ctx;
  const Reductions& reductions;

  // The parameters differentiated, broadcast into full-width packets once per call rather than
  // at every packet of points (a 64-component weight vector is 64 broadcasts and stores).
  using full_packet = std::conditional_t<has_packet_v<T>, packet<T>, T>;
  struct broadcast_parameters {
    flat_tuple<std::index_sequence_for<Ps...>, value_t<full_packet, shape_of_t<Ps>>...> values;
    template <class E>
    static constexpr bool provides = (std::is_same_v<E, Ps> || ...);
    template <class E>
    constexpr const auto& get() const noexcept {
      return values.template get<position_in<E>(type_list<Ps...>{})>();
    }
  };
  broadcast_parameters parameters;

  constexpr gradient_terms(const Ctx& c, const Reductions& r) noexcept : ctx(c), reductions(r) {
    if (std::is_constant_evaluated())
      return;  // packets are for run time only
    const point_leaves<T, Ctx> leaves{ctx, 0};
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      (leaves.template put<full_packet>(parameters.values.template get<K>(), Ps{}), ...);
    }
    (std::index_sequence_for<Ps...>{});
  }

  // Fewer points than a block's 16 lanes are still evaluated in packets when a term calls a
  // function with a packet rule (exp, log, tanh): one call on a packet costs about what one call
  // on a single point does. Plain arithmetic, and functions computed lane by lane anyway, are
  // cheaper point by point.
  static constexpr bool few_points_in_packets =
      any_reduction_calls_a_function<std::remove_cv_t<Reductions>>::value;

  // The terms at point (or packet) i, stored into `out`, or, with Add, added to it: the lane
  // sums of reduce.hpp, which then need no copy of the terms. Adding a term to a lane directly is
  // the same operation as adding the stored term, as long as each term is whole: a parameter
  // that appears more than once has its adjoints summed first.
  template <bool Add, class V, bool Clamped = false>
  constexpr void sweep(std::size_t i, std::array<V, M>& out, std::size_t last = 0) const noexcept {
    const point_leaves<T, Ctx, Clamped> leaves{ctx, i, last};
    std::size_t base = 0;
    auto one = [&](const auto& reduction) {
      const auto term = operand_of<0>(reduction);
      using Term = std::remove_cvref_t<decltype(term)>;
      using Lifted = lifted_t<Term>;  // run-time numbers out of the term, so that it is empty
      using Plan = term_graph<Lifted, wrt_list<Ps...>>;
      const auto scalars = lifted_scalars_of<T>(term);
      using Provided = std::conditional_t<std::is_same_v<V, full_packet> && !std::is_same_v<V, T>,
                                          broadcast_parameters, no_leaves_provided>;
      graph_sweep<V, T, Lifted, wrt_list<Ps...>, lifted_scalars_v<Term>, Provided> graph{scalars};
      if constexpr (!std::is_same_v<Provided, no_leaves_provided>)
        graph.provided = &parameters;
      graph.forward(leaves);
      if constexpr (Add)
        out[base] = out[base] + graph.result();
      else
        out[base] = graph.result();
      constexpr bool repeated = ((Plan::template edges_to<Ps>() != 1) || ...);
      if constexpr (Add && repeated) {
        std::array<V, G> partials{};
        point_sink<true, V, Plan, Ps...> sink{partials.data()};
        graph.backward(sink);
        for (std::size_t k = 0; k < G; ++k) out[base + 1 + k] = out[base + 1 + k] + partials[k];
      } else {
        if constexpr (!Add && repeated)
          for (std::size_t k = 0; k < G; ++k) out[base + 1 + k] = V{};
        point_sink<Add, V, Plan, Ps...> sink{out.data() + base + 1};
        graph.backward(sink);
      }
      base += 1 + G;
    };
    hana::for_each(reductions, one);
  }

  constexpr std::array<T, M> at(std::size_t i) const noexcept {
    std::array<T, M> out;  // every element written: no zeroing per point
    sweep<false>(i, out);
    return out;
  }
  /// The terms of the points from i on, as a packet whose lanes past point `last` repeat it.
  template <class P>
  std::array<P, M> partial_packet_at(std::size_t i, std::size_t last) const noexcept {
    std::array<P, M> out;
    sweep<false, P, true>(i, out, last);
    return out;
  }
  /// Adds the terms of the packet of points at i to the lane sums.
  void add_packet_at(std::size_t i, std::array<packet<T>, M>& sums) const noexcept {
    sweep<true>(i, sums);
  }
};

// Leaf values outside the reductions: a reduction is its finished sum.
template <class T, class Ctx, std::size_t G, std::size_t M>
struct outer_leaves {
  const Ctx& ctx;
  const std::array<T, M>& sums;
  template <class V, class D, class E>
  constexpr void put(D& dst, const E& e) const noexcept {
    if constexpr (is_lifted_reduction_v<E>) {
      dst = finish(e);
    } else {
      if constexpr (is_data_v<E>) {
        constexpr bool point = !Ctx::template is_column_v<E>;
        static_assert(used_inside_a_reduction<point, spelled_t<E>>,
                      "ctgrad: a data column (named in the condition above) is used outside "
                      "mean()/sum(); wrap the expression in a reduction, or bind a single point");
      }
      leaf_value_into<T, T>(dst, e, ctx, 0);
    }
  }
  template <std::size_t K, class R>
  constexpr T finish(lifted_reduction<K, R>, std::size_t j = 0) const noexcept {
    return R::op::finish(sums[K * (1 + G) + j], ctx.points);
  }
};

// Outside the reductions: a reduction's adjoint scales its finished partials; a parameter's
// adjoint is its direct share. The first contribution to a component is stored, later ones added.
template <class T, class Ctx, std::size_t G, std::size_t M, class... Ps>
struct outer_sink {
  const outer_leaves<T, Ctx, G, M>& leaves;
  std::array<T, G> grad{};
  std::array<bool, G> seen{};

  constexpr void add(std::size_t k, T v) noexcept {
    grad[k] = seen[k] ? grad[k] + v : v;
    seen[k] = true;
  }
  template <class E, class A>
  constexpr void take(const E& e, const A& a) noexcept {
    if constexpr (is_lifted_reduction_v<E>) {
      for (std::size_t k = 0; k < G; ++k) {
        const T partial = leaves.finish(e, 1 + k);
        if constexpr (is_one_v<A>)
          add(k, partial);
        else
          add(k, a * partial);
      }
    } else {
      constexpr std::size_t offset = component_offset<E, Ps...>();
      for (std::size_t k = 0; k < shape_of_t<E>::size; ++k) {
        if constexpr (is_one_v<A>)
          add(offset + k, T(1));
        else
          add(offset + k, component(a, k));
      }
    }
  }
};

template <class Summation, class E, class... Ps, class... As>
constexpr auto value_and_grad_with(const Summation& summation, const E& loss, wrt_t<Ps...>,
                                   const As&... args) {
  static_assert(shape_of_t<E>::rank == 0,
                "ctgrad: value_and_grad() needs a scalar loss; sum the components "
                "(component_sum) or take one");
  auto ctx = make_context(args...);
  // A summation over a shard of the data (mpi.hpp) sums the local points but finishes a mean
  // with the global count, which every rank must see (and which decides an empty mean).
  const std::size_t local_points = ctx.points;
  if constexpr (requires { summation.global_points(); })
    ctx.points = summation.global_points();
  using Ctx = std::remove_cvref_t<decltype(ctx)>;
  using T = typename Ctx::value_type;
  constexpr std::size_t G = components_v<Ps...>;
  const auto reductions = collect_reductions(loss);
  constexpr std::size_t R = decltype(hana::length(reductions))::value;
  static_assert(reduction_count<E>::value == R,
                "ctgrad: value_and_grad() needs the reductions in the loss to be scalars; take "
                "the component_sum inside the mean()");
  constexpr std::size_t M = R * (1 + G);
  std::array<T, M> sums{};
  if constexpr (R > 0) {
    static_assert(Ctx::has_columns,
                  "ctgrad: mean()/sum() needs data: bind at least one data column, e.g. x = X");
    if (has_reduction_undefined_on_empty<E>::value && ctx.points == 0)
      throw_empty_mean();
    const gradient_terms<T, Ctx, decltype(reductions), Ps...> terms{ctx, reductions};
    sums = summation.template sum<T, M>(terms, local_points);
  }
  const outer_leaves<T, Ctx, G, M> leaves{ctx, sums};
  const auto numbers = lifted_scalars_of<T>(loss);
  graph_sweep<T, T, lifted_t<E>, wrt_list<Ps...>, lifted_scalars_v<E>> graph{numbers};
  graph.forward(leaves);
  outer_sink<T, Ctx, G, M, Ps...> sink{leaves};
  graph.backward(sink);
  value_and_gradient<T, Ps...> result{graph.result(), {}};
  for (std::size_t k = 0; k < G; ++k) result.grad.values[k] = sink.seen[k] ? sink.grad[k] : T(0);
  return result;
}

}  // namespace detail

/// The value of `loss` and its partial derivatives with respect to the parameters in `wrt(...)`,
/// computed in one pass over the data by reverse accumulation: `auto [l, g] =
/// value_and_grad(loss, wrt(w), w = 0.0f, x = X, y = Y);` then `g[w]`.
template <expression E, class... Ps, binding_argument... As>
[[nodiscard]] constexpr auto value_and_grad(const E& loss, wrt_t<Ps...> variables,
                                            const As&... args) {
  return detail::value_and_grad_with(detail::sequential_summation{}, loss, variables, args...);
}

}  // namespace ctgrad
