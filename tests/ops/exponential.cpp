#include <doctest/doctest.h>

#include <cmath>
#include <ctgrad.hpp>
#include <limits>
#include <vector>

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

namespace {
using ctgrad::testing::check_on_vector;
static_assert(expm1(0_c) == 0_c && log1p(0_c) == 0_c && sigmoid(0_c) == 1_c / 2_c);
static_assert(d(expm1(w), w) == exp(w));
static_assert(d(log1p(w), w) == 1_c / (1_c + w));
static_assert(d(sigmoid(w), w) == sigmoid(w) * sigmoid(-w));
static_assert(d(softplus(w), w) == sigmoid(w));
static_assert(d(log_sigmoid(w), w) == sigmoid(-w));
static_assert(ctgrad::to_static_string(d(softplus(2_c * w), w)) == "2 * sigmoid(2 * w)");
static_assert(ctgrad::to_static_string(d(log1p(w * x), w)) == "x / (1 + w * x)");
// In constant expressions, with ctgrad's own implementations.
static_assert(ctgrad::evaluate(expm1(w), w = 0.0) == 0.0);
static_assert(ctgrad::evaluate(log1p(expm1(w)), w = 0.25) == 0.25);
static_assert(ctgrad::evaluate(sigmoid(w), w = 1000.0) == 1.0);
static_assert(ctgrad::evaluate(sigmoid(w), w = -1000.0) == 0.0);
static_assert(ctgrad::evaluate(softplus(w), w = 1000.0) == 1000.0);
static_assert(ctgrad::evaluate(log_sigmoid(w), w = -1000.0) == -1000.0);
static_assert(ctgrad::evaluate(d(log_sigmoid(w), w), w = -1000.0) == 1.0);

// log(1 + e^u) and friends in long double, the closed forms the stable ones must match.
long double softplus_ref(long double u) {
  return u > 0 ? u + std::log1p(std::exp(-u)) : std::log1p(std::exp(u));
}
long double sigmoid_ref(long double u) { return 1 / (1 + std::exp(-u)); }
}  // namespace

TEST_CASE("d expm1(u) = du * exp(u)") {
  check_derivatives(expm1(w * x), {-2.5, -0.3, 0.0, 0.7, 1.9});
  for (double at : {-40.0, -1.0, 0.0, 1e-12, -1e-300, 2.0, 30.0}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(expm1(w), w = at) == doctest::Approx(std::expm1(at)).epsilon(3e-16));
    CHECK(ctgrad::evaluate(d(expm1(w), w), w = at) == doctest::Approx(std::exp(at)).epsilon(3e-16));
  }
  CHECK(ctgrad::evaluate(expm1(w), w = 1e-300) == 1e-300);  // exp(u) - 1 would give 0
  check_on_vector([](auto u) { return expm1(u); }, {-1.5, 0.0, 0.75});
}

TEST_CASE("d log1p(u) = du / (1 + u); -inf at -1, NaN below") {
  check_derivatives(log1p(square(w) * x * x), {-2.5, -0.3, 0.0, 0.7, 1.9});
  for (double at : {-0.999999, -0.5, 0.0, 1e-15, 1.0, 1e300}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(log1p(w), w = at) == doctest::Approx(std::log1p(at)).epsilon(3e-16));
    CHECK(ctgrad::evaluate(d(log1p(w), w), w = at) == 1.0 / (1.0 + at));
  }
  CHECK(ctgrad::evaluate(log1p(w), w = 1e-20) == 1e-20);  // log(1 + u) would give 0
  CHECK(ctgrad::evaluate(log1p(w), w = -1.0) == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(ctgrad::evaluate(log1p(w), w = -2.0)));  // IEEE, never UB
  check_on_vector([](auto u) { return log1p(u); }, {-0.5, 0.0, 3.0});
}

TEST_CASE("d sigmoid(u) = du * sigmoid(u) * sigmoid(-u), stable at +-1000") {
  check_derivatives(sigmoid(w * x - b), {-2.5, -0.3, 0.0, 0.7, 1.9, 3.1});
  for (double at : {-1000.0, -745.5, -40.0, -3.0, 0.0, 1e-9, 2.5, 36.0, 40.0, 1000.0}) {
    CAPTURE(at);
    const long double s = sigmoid_ref(at);
    CHECK(ctgrad::evaluate(sigmoid(w), w = at) ==
          doctest::Approx(static_cast<double>(s)).epsilon(4e-16));
    // sigmoid(u) (1 - sigmoid(u)) would be 0 from u = 37 on; the rule keeps its relative accuracy
    const double dsig = ctgrad::evaluate(d(sigmoid(w), w), w = at);
    CHECK(std::isfinite(dsig));
    CHECK(dsig == doctest::Approx(static_cast<double>(s * (1 - s))).epsilon(1e-15));
    CHECK(ctgrad::value_and_grad(sigmoid(w), wrt(w), w = at).grad[w] == dsig);
  }
  CHECK(ctgrad::evaluate(sigmoid(w), w = 1000.0) == 1.0);
  CHECK(ctgrad::evaluate(sigmoid(w), w = -1000.0) == 0.0);
  CHECK(ctgrad::evaluate(d(sigmoid(w), w), w = 40.0) > 0.0);
  CHECK(ctgrad::evaluate(sigmoid(w), w = 0.0f) == 0.5f);
  check_on_vector([](auto u) { return sigmoid(u); }, {-1000.0, 0.0, 3.0});
}

TEST_CASE(
    "d softplus(u) = du * sigmoid(u), d log_sigmoid(u) = du * sigmoid(-u); stable at +-1000") {
  check_derivatives(softplus(w * x - b), {-2.5, -0.3, 0.0, 0.7, 1.9, 3.1});
  check_derivatives(log_sigmoid(w * x + b), {-2.5, -0.3, 0.0, 0.7, 1.9, 3.1});
  for (double at : {-1000.0, -745.5, -40.0, -3.0, 0.0, 1e-9, 2.5, 40.0, 1000.0}) {
    CAPTURE(at);
    const double sp = static_cast<double>(softplus_ref(at));
    const double ls = static_cast<double>(-softplus_ref(-at));
    CHECK(ctgrad::evaluate(softplus(w), w = at) == doctest::Approx(sp).epsilon(4e-16));
    CHECK(ctgrad::evaluate(log_sigmoid(w), w = at) == doctest::Approx(ls).epsilon(4e-16));
    CHECK(ctgrad::evaluate(d(softplus(w), w), w = at) ==
          doctest::Approx(static_cast<double>(sigmoid_ref(at))).epsilon(4e-16));
    CHECK(ctgrad::evaluate(d(log_sigmoid(w), w), w = at) ==
          doctest::Approx(static_cast<double>(sigmoid_ref(-at))).epsilon(4e-16));
  }
  // exact to rounding far out (log(1 + exp(u)) overflows there)
  CHECK(ctgrad::evaluate(softplus(w), w = 1000.0) == 1000.0);
  CHECK(ctgrad::evaluate(softplus(w), w = -1000.0) == 0.0);
  CHECK(ctgrad::evaluate(log_sigmoid(w), w = -1000.0) == -1000.0);
  CHECK(ctgrad::evaluate(log_sigmoid(w), w = 1000.0) == 0.0);
  CHECK(ctgrad::evaluate(d(softplus(w), w), w = 1000.0) == 1.0);
  CHECK(ctgrad::evaluate(d(log_sigmoid(w), w), w = -1000.0) == 1.0);
  CHECK(ctgrad::evaluate(d(log_sigmoid(w), w), w = 1000.0) == 0.0);
  check_on_vector([](auto u) { return softplus(u) + log_sigmoid(u); }, {-1000.0, 0.5, 1000.0});
}

TEST_CASE("the stable functions evaluate whole packets with the bits of one point at a time") {
  // 16 points, summed in index order (runtime/reduce.hpp), evaluated as packets since the term
  // calls functions with a packet rule: the same bits as the points one by one
  std::vector<double> xs;
  for (int i = 0; i < 16; ++i) xs.push_back(-30.0 + 3.7 * i);
  const auto term = sigmoid(w * x) + softplus(x - w) + log_sigmoid(w - x) + expm1(w / x) +
                    log1p(square(w * x)) + sinh(w * x / 8.0) + cosh(x / 8.0);
  const auto [value, grad] = ctgrad::value_and_grad(sum(term), wrt(w), w = 0.3, x = xs);
  double by_hand = 0.0;
  for (double xi : xs) by_hand += ctgrad::evaluate(term, w = 0.3, x = xi);
  CHECK(value == by_hand);
  CHECK(ctgrad::evaluate(sum(term), w = 0.3, x = xs) == by_hand);
  double grad_by_hand = 0.0;
  for (double xi : xs) grad_by_hand += ctgrad::evaluate(d(term, w), w = 0.3, x = xi);
  CHECK(grad[w] == doctest::Approx(grad_by_hand).epsilon(1e-14));
}
