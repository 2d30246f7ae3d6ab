#pragma once
/// \file
/// Gradient checks that run in `static_assert`: the symbolic derivative against a central finite
/// difference of the value, and a hand-written gradient against the symbolic one. A failed
/// comparison names the factor by which the two differ.

#include "detail/config.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "derivative.hpp"
#include "detail/constexpr_math.hpp"
#include "runtime/bindings.hpp"
#include "runtime/context.hpp"
#include "runtime/evaluate.hpp"
#include "runtime/value_and_grad.hpp"

namespace ctgrad {

/// The relative tolerance of a gradient check: |a - b| <= tol * max(1, |a|, |b|).
struct relative_tolerance {
  double value = 1e-6;
};

/// How a gradient compares with a reference: whether they agree, and `hand / exact` as the
/// fraction num/den (den <= 10000) nearest to it, which is exact when the two differ by a simple
/// factor such as 4 (a sum taken where a mean was meant). den is 0 when exact is 0.
struct gradient_comparison {
  bool agrees;
  std::int64_t num;
  std::int64_t den;
};

namespace detail {

constexpr double larger(double a, double b) noexcept { return a < b ? b : a; }

constexpr bool close_enough(double a, double b, double tol) noexcept {
  return abs(a - b) <= tol * larger(1.0, larger(abs(a), abs(b)));
}

constexpr double floor_of(double r) noexcept {
  auto t = static_cast<double>(static_cast<std::int64_t>(r));
  return t > r ? t - 1 : t;
}

// The fraction p/q with q <= 10000 nearest to x, by continued fractions.
constexpr gradient_comparison as_fraction(bool agrees, double x) noexcept {
  if (!(abs(x) < 1e15))
    return {agrees, x < 0 ? -1 : 1, 0};  // NaN, or no finite ratio
  std::int64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0;
  double r = x;
  for (int i = 0; i < 40; ++i) {
    const double a = floor_of(r);
    const std::int64_t p2 = static_cast<std::int64_t>(a) * p1 + p0;
    const std::int64_t q2 = static_cast<std::int64_t>(a) * q1 + q0;
    if (q2 > 10000)
      break;
    p0 = p1, q0 = q1, p1 = p2, q1 = q2;
    if (r - a < 1e-9)
      break;
    r = 1.0 / (r - a);
  }
  return {agrees, p1, q1};
}

// The binding b, or, when b binds P, a double binding of P with component k set to v.
template <class P, class B>
constexpr auto rebind(const B& b, [[maybe_unused]] std::size_t k,
                      [[maybe_unused]] double v) noexcept {
  if constexpr (std::is_same_v<typename B::variable, P>) {
    using S = shape_of_t<P>;
    if constexpr (S::rank == 0)
      return P{} = v;
    else {
      std::array<double, S::size> values{};
      for (std::size_t j = 0; j < S::size; ++j) values[j] = static_cast<double>(b.at(j));
      values[k] = v;
      return P{} = values;
    }
  } else
    return b;
}

// Named so that both compilers print the factor in the failed condition: clang shows
// 'hand_over_exact_is_one<4L, 1L>', g++ the instantiation of hand_gradient_is_off_by_factor<4, 1>.
template <std::int64_t Num, std::int64_t Den>
inline constexpr bool hand_over_exact_is_one = Num == Den;

template <std::int64_t Num, std::int64_t Den>
struct hand_gradient_is_off_by_factor {
  static_assert(hand_over_exact_is_one<Num, Den>,
                "ctgrad: the gradient does not match the exact derivative; the arguments of "
                "hand_gradient_is_off_by_factor<Num, Den> above are hand / exact as a fraction "
                "(Den = 0: the exact derivative is 0 there)");
  static constexpr bool value = Num == Den;
};

}  // namespace detail

/// Compares a hand-written gradient with the exact one at the bound point:
/// `compare_gradient(d(loss, w), my_dw, w = 0.5, x = X, y = Y)`.
template <expression Exact, expression Hand, binding_argument... As>
[[nodiscard]] constexpr gradient_comparison compare_gradient(const Exact& exact, const Hand& hand,
                                                             const As&... args) {
  const double e = static_cast<double>(evaluate(exact, args...));
  const double h = static_cast<double>(evaluate(hand, args...));
  const bool agrees = detail::close_enough(h, e, relative_tolerance{}.value);
  if (e == 0)
    return {agrees, h == 0 ? 1 : (h < 0 ? -1 : 1), h == 0 ? 1 : 0};
  return detail::as_fraction(agrees, h / e);
}

/// True when the comparison agrees; otherwise a compile error whose instantiation names the
/// factor: `static_assert(ctgrad::gradient_matches<ctgrad::compare_gradient(...)>);`.
template <gradient_comparison C>
inline constexpr bool gradient_matches =
    C.agrees || detail::hand_gradient_is_off_by_factor<C.num, C.den>::value;

/// True when the symbolic partial derivatives of `loss` agree with central finite differences of
/// its value at the bound point, for every parameter in `wrt(...)`, within `tol`. Runs in
/// constant expressions: `static_assert(check_gradient(loss, wrt(w, b), w = 0.5, b = 0.1, x = X, y
/// = Y));`
///
/// Reach in `static_assert`: the compiler's budget for one constant evaluation is shared by
/// points x (2 x components + 2) evaluations x nodes. For the seed's loss and one parameter it
/// holds about 700 data points on clang 14 (default `-fconstexpr-steps=1048576`; 850 fail) and
/// 3,500 on g++ 12 (default `-fconstexpr-ops-limit=33554432`; 5,000 fail); a larger model holds
/// proportionally fewer. Beyond it the error is the compiler's own ("constexpr evaluation hit
/// maximum step limit", "'constexpr' evaluation operation count exceeds limit"): no C++
/// construct lets a library replace that message. Raise the flag, check a sample of the data at
/// compile time, or call check_gradient at run time, where there is no limit.
template <expression E, class... Ps, binding_argument... As>
[[nodiscard]] constexpr bool check_gradient(const E& loss, wrt_t<Ps...> variables,
                                            relative_tolerance tol, const As&... args) {
  const auto exact = value_and_grad(loss, variables, args...).grad;
  const auto ctx = make_context(args...);
  auto agrees = [&]<class P>(P) {
    const auto exact_p = exact[P{}];
    for (std::size_t k = 0; k < shape_of_t<P>::size; ++k) {
      // In double at least, with a step near the cube root of epsilon, where truncation and
      // rounding errors balance (about 1e-10 relative for smooth functions).
      const double at = static_cast<double>(ctx.template binding<P>().at(k));
      const double step = 6e-6 * detail::larger(1.0, detail::abs(at));
      auto loss_at = [&](double v) {
        return hana::unpack(ctx.bindings, [&](const auto&... b) {
          return static_cast<double>(evaluate(loss, detail::rebind<P>(b, k, v)...));
        });
      };
      const double numeric = (loss_at(at + step) - loss_at(at - step)) / (2 * step);
      if (!detail::close_enough(static_cast<double>(detail::flat_at(exact_p, k)), numeric,
                                tol.value))
        return false;
    }
    return true;
  };
  return (agrees(Ps{}) && ...);
}

/// check_gradient with the default relative tolerance, 1e-6.
template <expression E, class... Ps, binding_argument... As>
[[nodiscard]] constexpr bool check_gradient(const E& loss, wrt_t<Ps...> variables,
                                            const As&... args) {
  return check_gradient(loss, variables, relative_tolerance{}, args...);
}

}  // namespace ctgrad
