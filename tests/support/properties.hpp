#pragma once
// Property checks that every operation must pass, shared by the tests in tests/ops/:
// the symbolic derivative agrees with a central finite difference of the value, for the first
// and the second derivative, at each of several points, and the reverse sweep of value_and_grad
// (the same rules evaluated on numbers) agrees with the symbolic derivative.

#include <doctest/doctest.h>
#include <array>
#include <initializer_list>
#include <string>

#include "finite_difference.hpp"

namespace ctgrad::testing {

inline constexpr ctgrad::param<"w"> w;
inline constexpr ctgrad::param<"b"> b;
inline constexpr ctgrad::data<"x"> x;

// The data every point-wise check runs over: mixed signs, a value near zero, none at zero.
inline constexpr std::array<double, 5> sample_x{0.5, -1.25, 2.0, 0.125, -3.5};

// Checks d(e, w) and d(d(e, w), w) against finite differences at each w in `points`, where e
// is point-wise in w and x and is reduced with mean() so the data loop is exercised too.
template <class E>
void check_derivatives(const E& e, std::initializer_list<double> points, double rel = 1e-7) {
  const auto loss = [&] {
    if constexpr (ctgrad::has_data_v<E>)
      return mean(e);
    else
      return e;  // nothing to reduce over
  }();
  const auto first = d(loss, w);
  const auto second = d(first, w);
  for (double at : points) {
    CAPTURE(at);
    const double symbolic = ctgrad::evaluate(first, w = at, b = 0.75, x = sample_x);
    const double numeric = central_difference(loss, w, at, b = 0.75, x = sample_x);
    CHECK_MESSAGE(close(symbolic, numeric, rel), "first derivative: symbolic ", symbolic,
                  " vs finite difference ", numeric);
    // the reverse sweep runs the same rules on numbers; it may round differently, no more
    const double swept =
        ctgrad::value_and_grad(loss, wrt(w), w = at, b = 0.75, x = sample_x).grad[w];
    CHECK_MESSAGE(close(swept, symbolic, 1e-13), "reverse sweep ", swept, " vs symbolic ",
                  symbolic);
    const double symbolic2 = ctgrad::evaluate(second, w = at, b = 0.75, x = sample_x);
    const double numeric2 = central_difference(first, w, at, b = 0.75, x = sample_x);
    CHECK_MESSAGE(close(symbolic2, numeric2, 10 * rel), "second derivative: symbolic ", symbolic2,
                  " vs finite difference ", numeric2);
  }
}

inline constexpr ctgrad::param<"v", 3> v3;

// An element-wise function f applied to a vector parameter: each component has the value of f
// on that number, and the reverse sweep's gradient of the sum agrees with finite differences.
template <class F>
void check_on_vector(F f, std::array<double, 3> at) {
  const std::array<double, 3> values = ctgrad::evaluate(f(v3), v3 = at);
  for (std::size_t k = 0; k < 3; ++k) {
    CAPTURE(at[k]);
    CHECK(values[k] == ctgrad::evaluate(f(w), w = at[k]));
  }
  CHECK(ctgrad::check_gradient(component_sum(f(v3)), wrt(v3), ctgrad::relative_tolerance{1e-7},
                               v3 = at));
}

// Checks that a simplified expression has the value of the formula it was written as.
template <class E, class F>
void check_same_value(const E& simplified, F formula, std::initializer_list<double> points) {
  for (double at : points) {
    for (double xi : sample_x) {
      CAPTURE(at);
      CAPTURE(xi);
      const double got = ctgrad::evaluate(simplified, w = at, b = 0.75, x = xi);
      const double want = formula(at, 0.75, xi);
      CHECK(close(got, want, 1e-14));
    }
  }
}

}  // namespace ctgrad::testing
