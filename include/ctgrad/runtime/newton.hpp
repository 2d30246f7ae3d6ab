#pragma once
/// \file
/// Newton's method: p <- p - H^-1 g, with the gradient g (value_and_grad.hpp) and the Hessian H
/// (hessian.hpp) at p. For a quadratic loss, such as linear least squares, one step reaches the
/// minimum from any start, to rounding.

#include "../detail/config.hpp"

#include <array>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "../error.hpp"
#include "bindings.hpp"
#include "hessian.hpp"
#include "value_and_grad.hpp"

namespace ctgrad {

namespace detail {

// Solves A x = b in place (b becomes x) by Gaussian elimination with partial pivoting; false
// when A is singular to working precision. N is small (the parameters' components).
template <class F, std::size_t N>
constexpr bool solve_in_place(std::array<F, N * N>& a, std::array<F, N>& b) noexcept {
  F largest = 0;
  for (const F v : a) largest = (v < 0 ? -v : v) > largest ? (v < 0 ? -v : v) : largest;
  const F tiny = largest * F(N) * std::numeric_limits<F>::epsilon();
  for (std::size_t c = 0; c < N; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < N; ++r) {
      const F x = a[r * N + c] < 0 ? -a[r * N + c] : a[r * N + c];
      const F y = a[pivot * N + c] < 0 ? -a[pivot * N + c] : a[pivot * N + c];
      if (x > y)
        pivot = r;
    }
    const F p = a[pivot * N + c];
    if (!((p < 0 ? -p : p) > tiny))
      return false;
    if (pivot != c) {
      for (std::size_t k = 0; k < N; ++k) {
        const F t = a[c * N + k];
        a[c * N + k] = a[pivot * N + k];
        a[pivot * N + k] = t;
      }
      const F t = b[c];
      b[c] = b[pivot];
      b[pivot] = t;
    }
    for (std::size_t r = c + 1; r < N; ++r) {
      const F f = a[r * N + c] / a[c * N + c];
      for (std::size_t k = c; k < N; ++k) a[r * N + k] -= f * a[c * N + k];
      b[r] -= f * b[c];
    }
  }
  for (std::size_t c = N; c-- > 0;) {
    F s = b[c];
    for (std::size_t k = c + 1; k < N; ++k) s -= a[c * N + k] * b[k];
    b[c] = s / a[c * N + c];
  }
  return true;
}

}  // namespace detail

/// One Newton step on every parameter of `params`: solves H d = g (in double for float
/// parameters) and sets p = p - d. Returns the loss and gradient before the step. Throws
/// std::domain_error, leaving `params` unchanged, when the Hessian is singular to working
/// precision (a parameter the loss does not depend on, collinear data, ...).
template <expression E, class... Ps, class... Ds>
auto newton_step(const E& loss, param_set<Ps...>& params, const data_set<Ds...>& data) {
  constexpr auto variables = wrt(typename Ps::variable{}...);
  const auto before = value_and_grad(loss, variables, params, data);
  using T = decltype(before.value);
  using F = std::common_type_t<T, double>;
  constexpr std::size_t N = decltype(before.grad)::components();
  const auto h = hessian(loss, variables, params, data);
  std::array<F, N * N> a{};
  std::array<F, N> step{};
  for (std::size_t k = 0; k < N * N; ++k) a[k] = static_cast<F>(h.values[k]);
  for (std::size_t k = 0; k < N; ++k) step[k] = static_cast<F>(before.grad.values[k]);
  if (!detail::solve_in_place<F, N>(a, step))
    detail::raise<std::domain_error>(
        error_kind::domain_error,
        "ctgrad: newton_step: the Hessian is singular (a parameter the loss does not depend "
        "on, or collinear data); the parameters are unchanged");
  std::size_t offset = 0;
  auto update = [&](auto& b) {
    using B = std::remove_cvref_t<decltype(b)>;
    using V = typename B::value_type;
    for (std::size_t k = 0; k < shape_of_t<typename B::variable>::size; ++k) {
      auto& c = detail::flat_at(b.value, k);
      c = static_cast<V>(static_cast<F>(c) - step[offset + k]);
    }
    offset += shape_of_t<typename B::variable>::size;
  };
  hana::unpack(params.bindings, [&](auto&... b) { (update(b), ...); });
  return before;
}

}  // namespace ctgrad
