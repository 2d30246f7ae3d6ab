#pragma once
// Central finite differences of an expression's value, the reference every derivative rule is
// checked against.

#include <algorithm>
#include <cmath>

#include <ctgrad.hpp>

namespace ctgrad::testing {

// (f(p + h) - f(p - h)) / 2h in double, with h scaled to the point so the truncation and
// rounding errors stay near 1e-10 relative for smooth functions.
template <class E, class P, class... Bs>
double central_difference(const E& e, P p, double at, const Bs&... others) {
  const double h = 1e-5 * std::max(1.0, std::abs(at));
  const double up = ctgrad::evaluate(e, p = at + h, others...);
  const double down = ctgrad::evaluate(e, p = at - h, others...);
  return (up - down) / (2 * h);
}

// |a - b| within rel * max(1, |a|, |b|): relative for large values, absolute near zero.
inline bool close(double a, double b, double rel) {
  return std::abs(a - b) <= rel * std::max({1.0, std::abs(a), std::abs(b)});
}

}  // namespace ctgrad::testing
