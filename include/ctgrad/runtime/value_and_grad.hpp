#pragma once
/// \file
/// The loss and its gradient together, in one pass over the data.

#include <array>
#include <cstddef>
#include <type_traits>

#include "../derivative.hpp"
#include "../detail/diagnostics.hpp"
#include "../expr/fixed_string.hpp"
#include "../expr/variable.hpp"
#include "bindings.hpp"
#include "context.hpp"
#include "evaluate.hpp"

namespace ctgrad {

/// The partial derivatives of a loss with respect to Ps..., read by name: `g[w]`.
template <class T, class... Ps>
struct gradient {
  std::array<T, sizeof...(Ps)> values{};

  template <fixed_string Name>
  [[nodiscard]] constexpr T operator[](param<Name>) const noexcept {
    constexpr bool match[] = {std::is_same_v<Ps, param<Name>>...};
    constexpr std::size_t i = [&] {
      std::size_t k = 0;
      while (k < sizeof...(Ps) && !match[k]) ++k;
      return k;
    }();
    static_assert(detail::in_this_set<(i < sizeof...(Ps)), detail::spelled_t<param<Name>>>,
                  "ctgrad: this gradient was not taken with respect to that parameter (named in "
                  "the condition above)");
    return values[i < sizeof...(Ps) ? i : 0];
  }
  /// The number of partial derivatives.
  static constexpr std::size_t size() noexcept { return sizeof...(Ps); }
};

/// What `value_and_grad` returns: `auto [value, grad] = value_and_grad(...)`.
template <class T, class... Ps>
struct value_and_gradient {
  T value;
  gradient<T, Ps...> grad;
};

namespace detail {
template <class Summation, class E, class... Ps, class... As>
constexpr auto value_and_grad_with(const Summation& summation, const E& loss, wrt_t<Ps...>,
                                   const As&... args) {
  const auto ctx = make_context(args...);
  using T = typename decltype(ctx)::value_type;
  const auto all =
      detail::evaluate_outputs(ctx, summation, loss, detail::derivative_of<Ps>(loss)...);
  value_and_gradient<T, Ps...> result{all[0], {}};
  for (std::size_t k = 0; k < sizeof...(Ps); ++k) result.grad.values[k] = all[k + 1];
  return result;
}
}  // namespace detail

/// The value of `loss` and its partial derivatives with respect to the parameters in `wrt(...)`,
/// computed in one pass over the data: `auto [l, g] = value_and_grad(loss, wrt(w), w = 0.0f,
/// x = X, y = Y);` then `g[w]`.
template <expression E, class... Ps, binding_argument... As>
[[nodiscard]] constexpr auto value_and_grad(const E& loss, wrt_t<Ps...> variables,
                                            const As&... args) {
  return detail::value_and_grad_with(detail::sequential_summation{}, loss, variables, args...);
}

}  // namespace ctgrad
