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

static_assert(exp(0_c) == 1_c && log(1_c) == 0_c);
static_assert(d(exp(w), w) == exp(w));
static_assert(d(exp(3_c * w), w) == 3_c * exp(3_c * w));
static_assert(d(log(w), w) == 1_c / w);
static_assert(ctgrad::to_static_string(d(log(w * x), w)) == "x / (w * x)");
// In constant expressions, with ctgrad's own exp and log.
static_assert(ctgrad::evaluate(exp(w), w = 0.0) == 1.0);
static_assert(ctgrad::evaluate(log(w), w = 1.0) == 0.0);
static_assert(ctgrad::evaluate(log(exp(w)), w = 0.75) == 0.75);
}  // namespace

TEST_CASE("d exp(u) = du * exp(u)") {
  check_derivatives(exp(w * x), {-2.5, -0.3, 0.0, 0.7, 1.9});
  check_derivatives(exp(-square(w - x)) * b, {-2.5, -0.3, 0.7, 1.9, 3.1});
  for (double at : {-20.0, -1.0, 0.0, 1e-8, 2.0, 30.0}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(d(exp(w), w), w = at) == std::exp(at));
    CHECK(ctgrad::evaluate(d(exp(2_c * w), w), w = at) == doctest::Approx(2 * std::exp(2 * at)));
  }
}

TEST_CASE("d log(u) = du / u") {
  check_derivatives(log(square(w) + x * x), {-2.5, -0.3, 0.7, 1.9, 3.1});
  check_derivatives(log(w + 4.0) * x, {-2.5, -0.3, 0.7, 1.9, 3.1});
  // near the pole, where finite differences fail, the closed form still holds
  for (double at : {1e-300, 1e-12, 1e-3, 1.0, 1e100}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(d(log(w), w), w = at) == 1.0 / at);
    CHECK(ctgrad::evaluate(d(d(log(w), w), w), w = at) == -1.0 / (at * at));  // -inf at 1e-300
  }
  CHECK(std::isnan(ctgrad::evaluate(log(w), w = -1.0)));
}
