// abs, relu, max, min, sign, step: values, constant folding, the subgradients at the kinks
// (PyTorch's, checked against torch 1.13), finite differences away from them, and packets.
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
using ctgrad::testing::check_on_vector;
using ctgrad::testing::w;
using ctgrad::testing::x;

// Constants fold
static_assert(abs(-2_c) == 2_c && abs(3_c / 4_c) == 3_c / 4_c && abs(0_c) == 0_c);
static_assert(relu(-2_c) == 0_c && relu(5_c / 2_c) == 5_c / 2_c);
static_assert(sign(-7_c) == -1_c && sign(0_c) == 0_c && step(0_c) == 0_c && step(3_c) == 1_c);
static_assert(max(2_c, -3_c) == 2_c && min(2_c, -3_c) == -3_c && max(w, w) == w);
// The derivative rules, with their conventions at the kink
static_assert(d(abs(w), w) == sign(w));
static_assert(d(relu(w), w) == step(w));
static_assert(d(sign(w), w) == 0_c && d(step(w), w) == 0_c);
static_assert(ctgrad::to_static_string(d(max(w, x), w)) == "1/2 * (1 + sign(w - x))");
static_assert(ctgrad::to_static_string(d(min(w, x), w)) == "1/2 * (1 - sign(w - x))");
static_assert(ctgrad::to_static_string(d(max(x, w), w)) == "1/2 * (1 - sign(x - w))");
static_assert(ctgrad::to_static_string(abs(w - x)) == "abs(w - x)");
// In constant expressions
static_assert(ctgrad::evaluate(abs(w) + relu(w) + max(w, 1.0) + min(w, 1.0), w = -2.0) ==
              2.0 + 0.0 + 1.0 - 2.0);
static_assert(ctgrad::evaluate(d(abs(w), w), w = 0.0) == 0.0);
static_assert(ctgrad::evaluate(d(max(w, b), w), w = 1.0, b = 1.0) == 0.5);
}  // namespace

TEST_CASE("abs and relu: values, and the derivative at 0 is 0 (sign(0) = 0, step(0) = 0)") {
  check_derivatives(abs(w * x - b), {-2.5, -0.3, 0.2, 0.7, 1.9});
  check_derivatives(relu(w * x - b), {-2.5, -0.3, 0.2, 0.7, 1.9});
  for (double at : {-3.5, -1e-300, -0.0, 0.0, 1e-300, 2.0}) {
    CAPTURE(at);
    CHECK(ctgrad::evaluate(abs(w), w = at) == std::fabs(at));
    CHECK(ctgrad::evaluate(relu(w), w = at) == (at > 0 ? at : 0.0));
    CHECK(ctgrad::evaluate(d(abs(w), w), w = at) == (at > 0 ? 1.0 : at < 0 ? -1.0 : 0.0));
    CHECK(ctgrad::evaluate(d(relu(w), w), w = at) == (at > 0 ? 1.0 : 0.0));
    CHECK(ctgrad::value_and_grad(abs(w) + relu(w), wrt(w), w = at).grad[w] == (at > 0   ? 2.0
                                                                               : at < 0 ? -1.0
                                                                                        : 0.0));
  }
  CHECK(!std::signbit(ctgrad::evaluate(abs(w), w = -0.0)));
  CHECK(!std::signbit(ctgrad::evaluate(relu(w), w = -0.0)));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(ctgrad::evaluate(abs(w), w = nan)));
  CHECK(std::isnan(ctgrad::evaluate(relu(w), w = nan)));  // as torch.relu
  CHECK(std::isnan(ctgrad::evaluate(sign(w), w = nan)));
  check_on_vector([](auto u) { return abs(u) + relu(u - 1.0); }, {-2.0, 0.5, 3.0});
}

TEST_CASE("max and min: at a tie each side gets half the derivative (torch.maximum)") {
  check_derivatives(max(w * x, b), {-2.5, -0.3, 0.2, 0.7, 1.9});
  check_derivatives(min(w * x, b) * x, {-2.5, -0.3, 0.2, 0.7, 1.9});
  for (double at : {-1.0, 0.5, 1.0, 2.0}) {
    CAPTURE(at);
    const double tie = at == 1.0 ? 0.5 : 0.0;
    CHECK(ctgrad::evaluate(max(w, b), w = at, b = 1.0) == std::fmax(at, 1.0));
    CHECK(ctgrad::evaluate(min(w, b), w = at, b = 1.0) == std::fmin(at, 1.0));
    const auto gmax = ctgrad::value_and_grad(max(w, b), wrt(w, b), w = at, b = 1.0).grad;
    CHECK(gmax[w] == (at > 1.0 ? 1.0 : tie));
    CHECK(gmax[b] == (at < 1.0 ? 1.0 : tie));
    const auto gmin = ctgrad::value_and_grad(min(w, b), wrt(w, b), w = at, b = 1.0).grad;
    CHECK(gmin[w] == (at < 1.0 ? 1.0 : tie));
    CHECK(gmin[b] == (at > 1.0 ? 1.0 : tie));
    CHECK(ctgrad::evaluate(d(max(w, b), w), w = at, b = 1.0) == gmax[w]);
  }
  // max(u, u) is u itself, so its derivative is 1, as PyTorch's halves add up to
  CHECK(ctgrad::evaluate(d(max(w, w), w), w = 2.0) == 1.0);
  // a NaN operand gives NaN, on either side (as torch.maximum, unlike fmax)
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(ctgrad::evaluate(max(w, b), w = nan, b = 1.0)));
  CHECK(std::isnan(ctgrad::evaluate(max(w, b), w = 1.0, b = nan)));
  CHECK(std::isnan(ctgrad::evaluate(min(w, b), w = nan, b = 1.0)));
  CHECK(std::isnan(ctgrad::evaluate(min(w, b), w = 1.0, b = nan)));
  check_on_vector([](auto u) { return max(u, 1.0 - u) + min(u, 0.5 * u); }, {-2.0, 0.25, 3.0});
}

TEST_CASE("piecewise functions evaluate packets with the bits of one point at a time") {
  std::vector<double> xs;
  for (int i = 0; i < 16; ++i) xs.push_back(-4.0 + 0.5 * i);  // 0 and the tie x = w among them
  const auto term = abs(x - w) + relu(x) + max(x, w) * min(x, -w) + sign(x) + step(x - w);
  double by_hand = 0.0;
  for (double xi : xs) by_hand += ctgrad::evaluate(term, w = 0.5, x = xi);
  const auto [value, grad] = ctgrad::value_and_grad(sum(term), wrt(w), w = 0.5, x = xs);
  CHECK(value == by_hand);
  double grad_by_hand = 0.0;
  for (double xi : xs) grad_by_hand += ctgrad::evaluate(d(term, w), w = 0.5, x = xi);
  CHECK(grad[w] == grad_by_hand);
  std::vector<float> fs(xs.begin(), xs.end());
  float fby_hand = 0.0f;
  for (float xi : fs) fby_hand += ctgrad::evaluate(term, w = 0.5f, x = xi);
  CHECK(ctgrad::evaluate(sum(term), w = 0.5f, x = fs) == fby_hand);
}
