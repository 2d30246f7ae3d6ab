#include <doctest/doctest.h>

#include <cmath>
#include <ctgrad.hpp>

#include "../support/properties.hpp"

namespace {
using namespace ctgrad::literals;
using ctgrad::pow;
using ctgrad::testing::check_derivatives;
using ctgrad::testing::w;
using ctgrad::testing::x;

static_assert(pow<0>(w) == 1_c && pow<1>(w) == w);
static_assert(pow<3>(2_c) == 8_c && pow<-2>(2_c) == 1_c / 4_c && pow<2>(-1_c / 3_c) == 1_c / 9_c);
static_assert(square(w) == pow<2>(w));
// Constant powers fold by squaring (issue 11: pow<1000>(-1_c) ran out of template depth), and
// the largest powers that fit in 64 bits fold exactly (pow<64>(2_c) is
// compile_fail/constant_overflow).
static_assert(pow<1000>(-1_c) == 1_c && pow<1001>(-1_c) == -1_c);
static_assert(pow<62>(2_c) == ctgrad::constant<std::intmax_t{1} << 62>);
static_assert(pow<-62>(-2_c) == ctgrad::constant<1, std::intmax_t{1} << 62>);
static_assert(pow<39>(3_c) == 4052555153018976267_c && pow<3>(-2_c / 3_c) == -8_c / 27_c);
// d pow<N>(u) = N * du * pow<N - 1>(u)
static_assert(d(pow<3>(w), w) == 3_c * square(w));
static_assert(d(square(w), w) == 2_c * w);
static_assert(d(pow<-1>(w), w) == -pow<-2>(w));
static_assert(d(square(w * x), w) == 2_c * x * (w * x));
}  // namespace

TEST_CASE("pow<N> evaluates by repeated squaring, exactly for small N") {
  CHECK(ctgrad::evaluate(pow<2>(w), w = 3.0) == 9.0);
  CHECK(ctgrad::evaluate(pow<5>(w), w = 2.0) == 32.0);
  CHECK(ctgrad::evaluate(pow<-3>(w), w = 2.0) == 0.125);
  CHECK(ctgrad::evaluate(pow<7>(w), w = 1.1) == doctest::Approx(std::pow(1.1, 7)).epsilon(1e-15));
  CHECK(ctgrad::evaluate(square(w), w = 1.0f / 3.0f) == (1.0f / 3.0f) * (1.0f / 3.0f));
}

TEST_CASE("d pow<N>(u) = N * du * pow<N - 1>(u), for positive and negative N") {
  check_derivatives(square(w * x - 1.0), {-2.5, -0.3, 0.7, 1.9, 3.1});
  check_derivatives(pow<3>(w + x), {-2.5, -0.3, 0.7, 1.9, 3.1});
  check_derivatives(pow<5>(w) * x, {-1.5, -0.3, 0.7, 1.2});
  check_derivatives(pow<-1>(w), {-2.5, -0.3, 0.7, 1.9, 3.1});
  check_derivatives(pow<-3>(w + 4.0) * x, {-2.5, -0.3, 0.7, 1.9, 3.1});
  // closed forms at several points, tiny and large included
  for (double at : {-2.0, -1e-2, 1e-3, 0.5, 7.0, 1e2}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(d(pow<4>(w), w), w = at) == doctest::Approx(4 * at * at * at));
    CHECK(ctgrad::evaluate(d(pow<-2>(w), w), w = at) == doctest::Approx(-2 / (at * at * at)));
    CHECK(ctgrad::evaluate(d(d(pow<3>(w), w), w), w = at) == doctest::Approx(6 * at));
  }
}

TEST_CASE("d sqrt(u) = du / (2 * sqrt(u))") {
  check_derivatives(sqrt(square(w) + x * x), {-2.5, -0.3, 0.7, 1.9, 3.1});
  for (double at : {1e-300, 1e-8, 0.25, 2.0, 1e300}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(d(sqrt(w), w), w = at) == doctest::Approx(0.5 / std::sqrt(at)));
  }
  static_assert(ctgrad::evaluate(sqrt(w), w = 2.25) == 1.5);
  static_assert(d(sqrt(w), w) == 1_c / (2_c * sqrt(w)));
  static_assert(sqrt(0_c) == 0_c && sqrt(1_c) == 1_c);
}
