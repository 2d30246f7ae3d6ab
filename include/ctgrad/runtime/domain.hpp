#pragma once
/// \file
/// Where a loss leaves its domain: the first operation, children before parents, whose value is
/// NaN or infinite at a data point although its operands are finite there, written out with the
/// point: "acos(w * x) is nan at data point 2". What the training loop names when the loss is
/// not finite at the start although the data and the parameters are. Generic: the operation is
/// found by walking the expression beside its evaluated graph (runtime/reverse.hpp), not by name.

#include "../detail/config.hpp"

#include <array>
#include <cstddef>
#include <cstdio>
#include <string>
#include <type_traits>

#include "../print.hpp"
#include "reverse.hpp"
#include "validate.hpp"
#include "value_and_grad.hpp"

namespace ctgrad::detail {

// True when every component of a recorded value is finite.
template <class X>
bool all_finite(const X& x) noexcept {
  if constexpr (is_shaped_value_v<X>) {
    for (const auto& v : x)
      if (!is_finite(v))
        return false;
    return true;
  } else {
    return is_finite(x);
  }
}

// The first component of a recorded value that is not finite, as a double.
template <class X>
double first_non_finite_component(const X& x) noexcept {
  if constexpr (is_shaped_value_v<X>) {
    for (const auto& v : x)
      if (!is_finite(v))
        return static_cast<double>(v);
    return 0.0;
  } else {
    return static_cast<double>(x);
  }
}

// Searches e (whose numbers are lifted from K on, as in lift) beside its values in graph g,
// children first, for a node whose value is not finite while its operands' are; writes it to
// `found` and returns true.
template <std::size_t K, class Graph, class E>
bool find_domain_error(const Graph& g, const E& e, std::string& found) {
  if constexpr (is_node_v<E> && !is_reduction_v<E>) {
    return [&]<class... Args>(const node<typename E::op, Args...>&) {
      // Where operand I's numbers start: after those of the operands before it.
      constexpr std::size_t counts[] = {lift<0, 0, Args>::scalars..., 0};
      bool operands_finite = true;
      bool below = false;
      auto one = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
        constexpr std::size_t first = [&] {
          std::size_t total = K;
          for (std::size_t j = 0; j < I; ++j) total += counts[j];
          return total;
        }();
        using U = operand_type_t<I, E>;
        if (below)
          return;
        operands_finite =
            operands_finite && all_finite(g.template value_of<typename lift<first, 0, U>::type>());
        below = find_domain_error<first>(g, operand_of<I>(e), found);
      };
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (one(std::integral_constant<std::size_t, I>{}), ...);
      }
      (std::index_sequence_for<Args...>{});
      if (below)
        return true;
      const auto& value = g.template value_of<typename lift<K, 0, E>::type>();
      if (operands_finite && !all_finite(value)) {
        const double v = first_non_finite_component(value);
        char number[32];
        std::snprintf(number, sizeof number, "%g", v);
        found = to_string(e) + " is " + (v != v ? "nan" : number);  // not "-nan"
        return true;
      }
      return false;
    }(e);
  }
  return false;
}

/// The first operation inside the loss's reductions that produces a NaN or an infinity from
/// finite operands, with the data point, e.g. "log(w * x) is nan at data point 0"; empty when
/// there is none (the loss may leave its domain outside the reductions, or the data or the
/// parameters may not be finite).
template <class E, class... As>
std::string first_domain_error(const E& loss, const As&... args) {
  const auto ctx = make_context(args...);
  using Ctx = std::remove_cvref_t<decltype(ctx)>;
  using T = typename Ctx::value_type;
  std::string found;
  if constexpr (Ctx::has_columns) {
    const auto reductions = collect_reductions(loss);
    hana::for_each(reductions, [&](const auto& reduction) {
      const auto term = operand_of<0>(reduction);
      using Term = std::remove_cvref_t<decltype(term)>;
      const auto numbers = lifted_scalars_of<T>(term);
      for (std::size_t i = 0; i < ctx.points && found.empty(); ++i) {
        graph_sweep<T, T, lifted_t<Term>, wrt_list<>, lifted_scalars_v<Term>> graph{numbers};
        graph.forward(point_leaves<T, Ctx>{ctx, i});
        if (find_domain_error<0>(graph, term, found))
          found += " at data point " + std::to_string(i);
      }
    });
  }
  return found;
}

}  // namespace ctgrad::detail
