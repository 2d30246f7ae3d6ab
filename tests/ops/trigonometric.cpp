#include <doctest/doctest.h>

#include <cmath>
#include <ctgrad.hpp>

#include "../support/properties.hpp"

namespace {
using namespace ctgrad::literals;
using ctgrad::testing::b;
using ctgrad::testing::check_derivatives;
using ctgrad::testing::w;
using ctgrad::testing::x;

static_assert(sin(0_c) == 0_c && cos(0_c) == 1_c && tan(0_c) == 0_c && tanh(0_c) == 0_c);
static_assert(d(sin(w), w) == cos(w));
static_assert(d(cos(w), w) == -sin(w));
static_assert(d(tan(w), w) == 1_c / square(cos(w)));
static_assert(ctgrad::to_static_string(d(tanh(w), w)) == "1 - square(tanh(w))");
static_assert(ctgrad::to_static_string(d(sin(2_c * w), w)) == "2 * cos(2 * w)");
// In constant expressions, with ctgrad's own functions.
static_assert(ctgrad::evaluate(sin(w), w = 0.0) == 0.0 && ctgrad::evaluate(cos(w), w = 0.0) == 1.0);
static_assert(ctgrad::evaluate(square(sin(w)) + square(cos(w)), w = 0.6) - 1.0 < 1e-15);
}  // namespace

TEST_CASE("d sin(u) = du * cos(u)") {
  check_derivatives(sin(w * x), {-2.5, -0.3, 0.0, 0.7, 1.9, 3.1});
  for (double at : {-1e3, -3.0, 0.0, 1e-9, 1.5707963267948966, 100.0}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(d(sin(w), w), w = at) == std::cos(at));
  }
}

TEST_CASE("d cos(u) = -(du * sin(u))") {
  check_derivatives(cos(w * x + b), {-2.5, -0.3, 0.0, 0.7, 1.9, 3.1});
  for (double at : {-1e3, -3.0, 0.0, 1e-9, 3.141592653589793, 100.0}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(d(cos(w), w), w = at) == -std::sin(at));
  }
}

TEST_CASE("d tan(u) = du / square(cos(u))") {
  check_derivatives(tan(w * x / 4.0), {-2.5, -0.3, 0.0, 0.7, 1.9});
  for (double at : {-1.5, -0.5, 0.0, 1e-9, 1.0, 1.57}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(d(tan(w), w), w = at) ==
          doctest::Approx(1 + std::tan(at) * std::tan(at)).epsilon(1e-12));
  }
}

TEST_CASE("d tanh(u) = du * (1 - square(tanh(u)))") {
  check_derivatives(tanh(w * x - b), {-2.5, -0.3, 0.0, 0.7, 1.9, 3.1});
  for (double at : {-40.0, -2.0, 0.0, 1e-9, 0.5, 40.0}) {
    CAPTURE(at);
    const double c = std::cosh(at);
    CHECK(ctgrad::evaluate(d(tanh(w), w), w = at) == doctest::Approx(1 / (c * c)).epsilon(1e-12));
  }
}
