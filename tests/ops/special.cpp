// erf: value, derivative rule, constant evaluation.
#include <doctest/doctest.h>

#include <cmath>
#include <ctgrad.hpp>
#include <numbers>

#include "../support/properties.hpp"

namespace {
using namespace ctgrad::literals;
using ctgrad::testing::b;
using ctgrad::testing::check_derivatives;
using ctgrad::testing::check_on_vector;
using ctgrad::testing::w;
using ctgrad::testing::x;

static_assert(erf(0_c) == 0_c);
// 2 / sqrt(pi) is irrational: a number in the rule
static_assert(d(erf(w), w) == ctgrad::scalar<double>{1.1283791670955126} * exp(-square(w)));
static_assert(ctgrad::evaluate(erf(w), w = 0.0) == 0.0);
static_assert(ctgrad::evaluate(erf(w), w = 7.0) == 1.0);
static_assert(ctgrad::evaluate(d(erf(w), w), w = 0.0) == 1.1283791670955126);
}  // namespace

TEST_CASE("d erf(u) = du * 2 / sqrt(pi) * exp(-square(u))") {
  CHECK(1.1283791670955126 == 2 / std::sqrt(std::numbers::pi));
  check_derivatives(erf(w * x - b), {-2.5, -0.3, 0.0, 0.7, 1.9});
  for (double at : {-30.0, -6.0, -1.0, 0.0, 1e-300, 0.5, 2.5, 5.9}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(erf(w), w = at) == std::erf(at));
    CHECK(ctgrad::evaluate(d(erf(w), w), w = at) ==
          doctest::Approx(2 / std::sqrt(std::numbers::pi) * std::exp(-at * at)).epsilon(1e-15));
    CHECK(ctgrad::value_and_grad(erf(w), wrt(w), w = at).grad[w] ==
          ctgrad::evaluate(d(erf(w), w), w = at));
  }
  CHECK(ctgrad::to_string(d(erf(w), w)) == "1.1283791670955126 * exp(-square(w))");
  CHECK(ctgrad::evaluate(erf(w), w = 0.5f) == std::erf(0.5f));
  check_on_vector([](auto u) { return erf(u); }, {-2.0, 0.0, 0.5});
}

TEST_CASE("the functions of issue 8 evaluate in float and long double as in double") {
  const auto all = sigmoid(w) + softplus(w) + log_sigmoid(w) + expm1(w) + log1p(w) + sinh(w) +
                   cosh(w) + atan(w) + asin(w / 2.0) + acos(w / 2.0) + cbrt(w) + pow<2, 3>(w) +
                   pow(w, 1.5) + hypot(w, 2.0) + erf(w) + abs(w) + relu(w) + max(w, b) + min(w, b);
  const double in_double = ctgrad::evaluate(all, w = 0.75, b = 0.5);
  CHECK(ctgrad::evaluate(all, w = 0.75f, b = 0.5f) == doctest::Approx(in_double).epsilon(1e-6));
  CHECK(static_cast<double>(ctgrad::evaluate(all, w = 0.75L, b = 0.5L)) ==
        doctest::Approx(in_double).epsilon(1e-15));
  const double slope = ctgrad::evaluate(d(all, w), w = 0.75, b = 0.5);
  CHECK(ctgrad::evaluate(d(all, w), w = 0.75f, b = 0.5f) == doctest::Approx(slope).epsilon(1e-6));
  CHECK(static_cast<double>(ctgrad::evaluate(d(all, w), w = 0.75L, b = 0.5L)) ==
        doctest::Approx(slope).epsilon(1e-15));
  CHECK(ctgrad::value_and_grad(all, wrt(w), w = 0.75f, b = 0.5f).grad[w] ==
        doctest::Approx(slope).epsilon(1e-6));
}
