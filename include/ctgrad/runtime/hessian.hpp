#pragma once
/// \file
/// The Hessian: every second partial derivative of a loss over the flattened components of the
/// parameters in `wrt` (in `wrt` order, each parameter row-major), evaluated in one fused pass.
///
/// Each entry H(i, j) is the symbolic derivative of component i of the gradient with respect to
/// component j, built at compile time. Entries that simplify to the constant 0 (parameters that
/// do not interact, a loss linear in a parameter) are zero by structure: known at compile time and
/// never computed. Of the others only the upper triangle is evaluated (all of them in one pass
/// over the data, sharing subexpressions), and mirrored, so that H is exactly symmetric.

#include "../detail/config.hpp"

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../derivative.hpp"
#include "../expr/shape.hpp"
#include "../ops/linear_algebra.hpp"
#include "context.hpp"
#include "evaluate.hpp"
#include "reverse.hpp"

namespace ctgrad {

/// An N x N matrix of second partial derivatives, on the stack: `H(i, j)`.
template <class T, std::size_t N>
struct hessian_matrix {
  /// Row-major entries.
  std::array<T, N * N> values{};
  [[nodiscard]] constexpr T operator()(std::size_t i, std::size_t j) const noexcept {
    return values[i * N + j];
  }
  [[nodiscard]] constexpr T& operator()(std::size_t i, std::size_t j) noexcept {
    return values[i * N + j];
  }
  /// The number of rows (and columns): the number of scalar components in `wrt`.
  static constexpr std::size_t size() noexcept { return N; }
};

namespace detail {

// Which parameter (index in Ps) holds flattened component G, and which of its components it is.
template <std::size_t G, class... Ps>
consteval std::pair<std::size_t, std::size_t> locate_component() noexcept {
  constexpr std::size_t sizes[] = {shape_of_t<Ps>::size..., 0};
  std::size_t i = 0, k = G;
  while (k >= sizes[i]) k -= sizes[i++];
  return {i, k};
}

template <std::size_t I, class... Ps>
using nth_param_t = std::remove_cv_t<std::tuple_element_t<I, std::tuple<Ps...>>>;

// Component K of e, or e itself when it is a scalar (or the constant 0).
template <std::size_t K, class E>
constexpr auto scalar_component(const E& e) noexcept {
  if constexpr (shape_of_t<E>::rank == 0)
    return e;
  else
    return component<K>(e);
}

// d^2 loss / d c_G d c_H, where c_G is flattened component G of the parameters Ps.
template <std::size_t G, std::size_t H, class... Ps, class E>
constexpr auto hessian_entry(const E& loss) noexcept {
  constexpr auto g = locate_component<G, Ps...>();
  constexpr auto h = locate_component<H, Ps...>();
  const auto dg = scalar_component<g.second>(derivative_of<nth_param_t<g.first, Ps...>>(loss));
  return scalar_component<h.second>(adjoint_of<nth_param_t<h.first, Ps...>>(dg, one_t{}));
}

template <std::size_t G, std::size_t H, class E, class... Ps>
inline constexpr bool structural_zero_v =
    is_zero_v<decltype(hessian_entry<G, H, Ps...>(std::declval<const E&>()))>;

// The upper-triangle entries (G <= H) that are not zero by structure, as G * N + H.
template <class E, class... Ps>
consteval auto computed_entries() noexcept {
  constexpr std::size_t N = components_v<Ps...>;
  constexpr auto zero = []<std::size_t... K>(std::index_sequence<K...>) {
    return std::array<bool, N * N>{structural_zero_v<K / N, K % N, E, Ps...>...};
  }
  (std::make_index_sequence<N * N>{});
  constexpr std::size_t count = [&] {
    std::size_t c = 0;
    for (std::size_t k = 0; k < N * N; ++k) c += (k / N <= k % N && !zero[k]) ? 1 : 0;
    return c;
  }();
  std::array<std::size_t, count> list{};
  std::size_t c = 0;
  for (std::size_t k = 0; k < N * N; ++k)
    if (k / N <= k % N && !zero[k])
      list[c++] = k;
  return list;
}

template <class Summation, class E, class... Ps, class... As>
constexpr auto hessian_with(const Summation& summation, const E& loss, wrt_t<Ps...>,
                            const As&... args) {
  static_assert(shape_of_t<E>::rank == 0, "ctgrad: hessian() needs a scalar loss");
  const auto ctx = make_context(args...);
  using T = typename decltype(ctx)::value_type;
  constexpr std::size_t N = components_v<Ps...>;
  constexpr auto entries = computed_entries<E, Ps...>();
  hessian_matrix<T, N> result{};
  if constexpr (entries.size() > 0) {
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      const auto values = evaluate_outputs(
          ctx, summation, hessian_entry<entries[K] / N, entries[K] % N, Ps...>(loss)...);
      auto put = [&](std::size_t k, T v) {
        result.values[k] = v;
        result.values[(k % N) * N + k / N] = v;
      };
      [[maybe_unused]] const int in_order[] = {(put(entries[K], std::get<K>(values)), 0)..., 0};
    }
    (std::make_index_sequence<entries.size()>{});
  }
  return result;
}

}  // namespace detail

/// The matrix of second partial derivatives of `loss` over the flattened components of the
/// parameters in `wrt(...)`, at the bound values, in one pass over the data:
/// `auto H = hessian(loss, wrt(w, b), params, data);` then `H(i, j)`.
template <expression E, class... Ps, binding_argument... As>
[[nodiscard]] constexpr auto hessian(const E& loss, wrt_t<Ps...> variables, const As&... args) {
  return detail::hessian_with(detail::sequential_summation{}, loss, variables, args...);
}

/// The number of Hessian entries of a loss of type Loss over parameters Ps that are zero by
/// structure (never computed), counting both triangles:
/// `structural_zeros_v<decltype(loss), decltype(w), decltype(b)>`.
template <class Loss, class... Ps>
inline constexpr std::size_t structural_zeros_v = [] {
  using E = std::remove_cvref_t<Loss>;
  constexpr std::size_t N = detail::components_v<Ps...>;
  constexpr auto zero = []<std::size_t... K>(std::index_sequence<K...>) {
    return std::array<bool, N * N>{
        detail::structural_zero_v<K / N, K % N, E, std::remove_cvref_t<Ps>...>...};
  }
  (std::make_index_sequence<N * N>{});
  std::size_t count = 0;
  for (bool z : zero) count += z ? 1 : 0;
  return count;
}();

}  // namespace ctgrad
