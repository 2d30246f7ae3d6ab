#include <doctest/doctest.h>

#include <cmath>
#include <ctgrad.hpp>
#include <limits>

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

namespace {
using ctgrad::testing::check_on_vector;
static_assert(atan(0_c) == 0_c && asin(0_c) == 0_c && acos(1_c) == 0_c);
static_assert(sinh(0_c) == 0_c && cosh(0_c) == 1_c);
static_assert(d(atan(w), w) == 1_c / (1_c + square(w)));
static_assert(d(asin(w), w) == 1_c / sqrt((1_c - w) * (1_c + w)));
static_assert(d(acos(w), w) == -(1_c / sqrt((1_c - w) * (1_c + w))));
static_assert(d(sinh(w), w) == cosh(w) && d(cosh(w), w) == sinh(w));
static_assert(ctgrad::to_static_string(d(asin(2_c * w), w)) ==
              "2 / sqrt((1 - 2 * w) * (1 + 2 * w))");
// In constant expressions, with ctgrad's own functions.
static_assert(ctgrad::evaluate(asin(w), w = 1.0) == 1.5707963267948966);
static_assert(ctgrad::evaluate(acos(w), w = -1.0) == 3.141592653589793);
static_assert(ctgrad::evaluate(cosh(w) - sinh(w), w = 0.5) - 0.6065306597126334 < 1e-16);
}  // namespace

TEST_CASE("d atan(u) = du / (1 + square(u))") {
  check_derivatives(atan(w * x - b), {-2.5, -0.3, 0.0, 0.7, 1.9, 3.1});
  for (double at : {-1e300, -3.0, 0.0, 1e-9, 1.0, 1e8}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(atan(w), w = at) == std::atan(at));
    CHECK(ctgrad::evaluate(d(atan(w), w), w = at) == doctest::Approx(1 / (1 + at * at)));
  }
  check_on_vector([](auto u) { return atan(u); }, {-2.0, 0.0, 0.5});
}

TEST_CASE("d asin(u) = du / sqrt((1 - u) * (1 + u)), d acos(u) = -that; near and at +-1") {
  check_derivatives(asin(w * x / 4.0), {-0.5, -0.3, 0.0, 0.1, 0.35});
  check_derivatives(acos(w * x / 4.0 + 0.1), {-0.5, -0.3, 0.0, 0.1, 0.2});
  // near +-1 the finite differences would cross the edge: closed forms instead, which
  // 1 / sqrt(1 - u * u) would miss through cancellation
  for (double at : {-1.0 + 0x1p-52, -0.999999, -0.5, 0.0, 1e-9, 0.5, 0.999999, 1.0 - 0x1p-53}) {
    CAPTURE(at);
    const long double slope = 1 / std::sqrt((1 - static_cast<long double>(at)) * (1 + at));
    CHECK(ctgrad::evaluate(asin(w), w = at) == std::asin(at));
    CHECK(ctgrad::evaluate(acos(w), w = at) == std::acos(at));
    CHECK(ctgrad::evaluate(d(asin(w), w), w = at) ==
          doctest::Approx(static_cast<double>(slope)).epsilon(1e-15));
    CHECK(ctgrad::evaluate(d(acos(w), w), w = at) ==
          doctest::Approx(static_cast<double>(-slope)).epsilon(1e-15));
  }
  // at +-1 the derivative is infinite; outside [-1, 1] the IEEE result, NaN, never UB
  CHECK(ctgrad::evaluate(d(asin(w), w), w = 1.0) == std::numeric_limits<double>::infinity());
  CHECK(ctgrad::evaluate(d(acos(w), w), w = -1.0) == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(ctgrad::evaluate(acos(w), w = 2.0)));
  CHECK(std::isnan(ctgrad::evaluate(asin(w), w = -3.0)));
  check_on_vector([](auto u) { return asin(u) + acos(u / 2.0); }, {-0.9, 0.0, 0.5});
}

TEST_CASE("d sinh(u) = du * cosh(u), d cosh(u) = du * sinh(u)") {
  check_derivatives(sinh(w * x - b), {-2.5, -0.3, 0.0, 0.7, 1.9});
  check_derivatives(cosh(w * x - b), {-2.5, -0.3, 0.0, 0.7, 1.9});
  for (double at : {-710.0, -30.0, -1.0, 0.0, 1e-12, 0.3, 2.0, 22.5, 700.0}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(sinh(w), w = at) == doctest::Approx(std::sinh(at)).epsilon(5e-16));
    CHECK(ctgrad::evaluate(cosh(w), w = at) == doctest::Approx(std::cosh(at)).epsilon(5e-16));
    CHECK(ctgrad::evaluate(d(sinh(w), w), w = at) == ctgrad::evaluate(cosh(w), w = at));
  }
  CHECK(ctgrad::evaluate(sinh(w), w = 1e-300) == 1e-300);
  CHECK(ctgrad::evaluate(cosh(w), w = 1000.0) == std::numeric_limits<double>::infinity());
  check_on_vector([](auto u) { return sinh(u) * cosh(u); }, {-2.0, 0.0, 0.5});
}
