#include <doctest/doctest.h>

#include <cmath>
#include <ctgrad.hpp>
#include <limits>

#include "../support/properties.hpp"

namespace {
using namespace ctgrad::literals;
using ctgrad::pow;
using ctgrad::testing::b;
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

namespace {
using ctgrad::testing::check_on_vector;
// pow<N, D>: reduced, sqrt for 1/2, integer pow for D = 1, constants folded when rational
static_assert(pow<2, 4>(w) == sqrt(w) && pow<4, 2>(w) == square(w) && pow<3, -3>(w) == pow<-1>(w));
static_assert(pow<3, 2>(4_c) == 8_c && pow<2, 3>(-8_c / 27_c) == 4_c / 9_c &&
              pow<1, 3>(-1_c) == -1_c);
static_assert(!ctgrad::is_rational_v<decltype(pow<1, 3>(2_c))>);  // irrational: a node
static_assert(cbrt(-8_c) == -2_c && cbrt(27_c / 64_c) == 3_c / 4_c && cbrt(0_c) == 0_c);
static_assert(pow(w, 2_c) == square(w) && pow(w, 1_c / 2_c) == sqrt(w) && pow(w, 0_c) == 1_c);
// d pow<N/D>(u) = N/D * du * pow<(N - D)/D>(u)
static_assert(d(pow<3, 2>(w), w) == 3_c / 2_c * sqrt(w));
static_assert(d(pow<1, 3>(w), w) == 1_c / 3_c * pow<-2, 3>(w));
static_assert(ctgrad::to_static_string(d(pow<2, 3>(w), w)) == "2/3 * pow<-1/3>(w)");
static_assert(d(cbrt(w), w) == 1_c / (3_c * square(cbrt(w))));
static_assert(d(hypot(w, x), w) == w / hypot(w, x));
// In constant expressions
static_assert(ctgrad::evaluate(cbrt(w), w = -27.0) == -3.0);
static_assert(ctgrad::evaluate(pow<2, 3>(w), w = -8.0) == 4.0);
static_assert(ctgrad::evaluate(pow(w, 0.5), w = 0.25) == 0.5);
static_assert(ctgrad::evaluate(hypot(w, 4.0), w = 3.0) == 5.0);
}  // namespace

TEST_CASE("d cbrt(u) = du / (3 * square(cbrt(u))), negative bases too") {
  check_derivatives(cbrt(w * x + 0.25), {-2.5, -0.3, 0.7, 1.9});
  for (double at : {-1e300, -27.0, -0.001, 1e-300, 0.125, 64.0}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(cbrt(w), w = at) == std::cbrt(at));
    CHECK(ctgrad::evaluate(d(cbrt(w), w), w = at) ==
          doctest::Approx(1 / (3 * std::cbrt(at) * std::cbrt(at))));
  }
  CHECK(ctgrad::evaluate(d(cbrt(w), w), w = 0.0) == std::numeric_limits<double>::infinity());
  check_on_vector([](auto u) { return cbrt(u); }, {-8.0, 0.5, 3.0});
}

TEST_CASE("pow<N, D>: rational compile-time exponents, real odd roots of negative bases") {
  check_derivatives(pow<3, 2>(w * w + x * x), {-2.5, -0.3, 0.7, 1.9});
  check_derivatives(pow<2, 3>(w * x - 3.0), {-2.5, -0.3, 0.7, 1.9});  // negative bases
  check_derivatives(pow<-1, 3>(w + 4.0), {-2.5, -0.3, 0.7, 1.9});
  for (double at : {-8.0, -0.125, 0.001, 2.0, 1e100}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(pow<2, 3>(w), w = at) ==
          doctest::Approx(std::cbrt(at) * std::cbrt(at)).epsilon(1e-15));
    CHECK(ctgrad::evaluate(pow<5, 3>(w), w = at) ==
          doctest::Approx(std::pow(std::cbrt(at), 5)).epsilon(1e-15));
    CHECK(ctgrad::evaluate(d(pow<2, 3>(w), w), w = at) ==
          doctest::Approx(2.0 / 3.0 / std::cbrt(at)).epsilon(1e-15));
  }
  CHECK(ctgrad::evaluate(pow<3, 4>(w), w = 16.0) == 8.0);
  CHECK(ctgrad::evaluate(pow<1, 3>(w), w = 1e300) == std::cbrt(1e300));  // n/d kept exact
  CHECK(std::isnan(ctgrad::evaluate(pow<3, 2>(w), w = -4.0)));           // even root: IEEE NaN
  CHECK(ctgrad::evaluate(pow<1, 3>(w), w = -8.0f) == doctest::Approx(-2.0f));
  check_on_vector([](auto u) { return pow<5, 3>(u); }, {-2.0, 0.5, 3.0});
}

TEST_CASE("pow(u, r): a real exponent known at run time, and a variable one") {
  const double r = 2.7;
  check_derivatives(pow(w * w + 1.0, r), {-2.5, -0.3, 0.0, 0.7, 1.9});
  check_derivatives(pow(x * x + 1.0, w), {-2.5, -0.3, 0.0, 0.7, 1.9});  // d/dv: pow * log(u)
  check_derivatives(pow(2.0, w * x), {-2.5, -0.3, 0.0, 0.7, 1.9});
  for (double at : {1e-300, 0.5, 1.0, 3.0, 1e10}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(pow(w, r), w = at) == std::pow(at, r));
    CHECK(ctgrad::evaluate(d(pow(w, r), w), w = at) ==
          doctest::Approx(r * std::pow(at, r - 1)).epsilon(1e-15));
    CHECK(ctgrad::evaluate(d(pow(at, w), w), w = r) ==
          doctest::Approx(std::pow(at, r) * std::log(at)).epsilon(1e-15));
  }
  CHECK(std::isnan(ctgrad::evaluate(pow(w, r), w = -2.0)));  // IEEE: negative base, real power
  CHECK(ctgrad::evaluate(pow(w, 3.0), w = -2.0) == -8.0);
  CHECK(ctgrad::to_string(d(pow(w, r), w)) ==
        "2.7000000000000002 * pow(w, 2.7000000000000002 - 1)");
  check_on_vector([](auto u) { return pow(u, 1.5); }, {0.25, 1.0, 3.0});
}

TEST_CASE("d hypot(u, v) = (u * du + v * dv) / hypot(u, v), no overflow in between") {
  check_derivatives(hypot(w, x), {-2.5, -0.3, 0.7, 1.9});
  check_derivatives(hypot(w * x, w - 1.0), {-2.5, -0.3, 0.7, 1.9});
  CHECK(ctgrad::evaluate(hypot(w, 1e300), w = 1e300) == std::hypot(1e300, 1e300));
  CHECK(ctgrad::evaluate(d(hypot(w, 1e300), w), w = 1e300) == doctest::Approx(std::sqrt(0.5)));
  CHECK(ctgrad::evaluate(hypot(w, 3.0), w = 4.0) == 5.0);
  // at the origin the cone has no derivative: 0 / 0, the IEEE NaN (torch.hypot gives NaN too)
  CHECK(std::isnan(ctgrad::evaluate(d(hypot(w, b), w), w = 0.0, b = 0.0)));
  check_on_vector([](auto u) { return hypot(u, 2.0 * u + 1.0); }, {-2.0, 0.5, 3.0});
}
