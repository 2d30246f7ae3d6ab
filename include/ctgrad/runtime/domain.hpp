#pragma once
/// \file
/// Where a loss leaves its domain: the first operation, children before parents, whose value is
/// NaN or infinite at a data point although its operands are finite there, written out with the
/// point: "acos(w * x) is nan at data point 2". What the training loop names when the loss is
/// not finite at the start although the data and the parameters are. Generic: the operation is
/// found by walking a recorded tape (runtime/reverse.hpp), not by name.

#include "../detail/config.hpp"

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

// Searches e's tape, children first, for a node whose value is not finite while its operands'
// are; writes it to `found` and returns true.
template <class T, class E>
bool find_domain_error(const tape<T, E>& t, const E& e, std::string& found) {
  if constexpr (is_node_v<E> && !is_reduction_v<E>) {
    bool operands_finite = true;
    const bool below = [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (... || [&] {
        const auto& child = t.children.template get<I>();
        operands_finite = operands_finite && all_finite(child.value);
        return find_domain_error<T>(child, operand_of<I>(e), found);
      }());
    }
    (std::make_index_sequence<E::arity>{});
    if (below)
      return true;
    if (operands_finite && !all_finite(t.value)) {
      const double v = first_non_finite_component(t.value);
      char number[32];
      std::snprintf(number, sizeof number, "%g", v);
      found = to_string(e) + " is " + (v != v ? "nan" : number);  // not "-nan"
      return true;
    }
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
      for (std::size_t i = 0; i < ctx.points && found.empty(); ++i) {
        tape<T, Term> t;
        record<T, T>(t, term, point_leaves<T, Ctx>{ctx, i});
        if (find_domain_error<T>(t, term, found))
          found += " at data point " + std::to_string(i);
      }
    });
  }
  return found;
}

}  // namespace ctgrad::detail
