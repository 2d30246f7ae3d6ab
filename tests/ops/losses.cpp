// Losses built from the functions: Huber, binary cross-entropy from logits, log-cosh. Values and
// gradients against their closed forms (PyTorch's definitions: torch 1.13 gives the same
// numbers, quoted where checked), at the pieces' joins and far out.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <ctgrad.hpp>
#include <vector>

#include "../support/properties.hpp"

namespace {
using namespace ctgrad::literals;
using ctgrad::testing::b;
using ctgrad::testing::check_derivatives;
using ctgrad::testing::check_on_vector;
using ctgrad::testing::w;
using ctgrad::testing::x;

static_assert(ctgrad::evaluate(huber(w), w = 0.5) == 0.125);
static_assert(ctgrad::evaluate(huber(w, 2_c), w = -3.0) == 2.0 * (3.0 - 1.0));
static_assert(ctgrad::evaluate(d(binary_cross_entropy_with_logits(w, x), w), w = 0.0, x = 0.3) ==
              0.5 - 0.3);
static_assert(d(binary_cross_entropy_with_logits(w, x), w) == sigmoid(w) - x);

double huber_ref(double r, double delta) {
  return std::fabs(r) < delta ? 0.5 * r * r : delta * (std::fabs(r) - 0.5 * delta);
}
double huber_slope(double r, double delta) { return std::fmax(-delta, std::fmin(delta, r)); }
}  // namespace

TEST_CASE("huber(r, delta): r^2 / 2 inside, delta (|r| - delta / 2) outside, slope clamp(r)") {
  // points where no w x_i - b is near +-delta, where the second derivative jumps
  check_derivatives(huber(w * x - b), {-2.5, -0.3, 0.3, 0.7, 1.9});
  check_derivatives(huber(w * x - b, 0.5), {-2.5, -0.3, 0.3, 0.7, 1.9});
  for (double delta : {1.0, 0.5, 3.0}) {
    for (double r : {-5.0, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 3.0, 1e6}) {
      CAPTURE(delta);
      CAPTURE(r);
      CHECK(ctgrad::evaluate(huber(w, b), w = r, b = delta) == huber_ref(r, delta));
      // at |r| == delta both pieces have slope r (torch: HuberLoss grad 1.0 at r = delta = 1)
      CHECK(ctgrad::evaluate(d(huber(w, b), w), w = r, b = delta) == huber_slope(r, delta));
      CHECK(ctgrad::value_and_grad(huber(w, b), wrt(w), w = r, b = delta).grad[w] ==
            huber_slope(r, delta));
    }
  }
  // torch.nn.functional.huber_loss([1, -1, 0.5, 2], 0, reduction='none'): 0.5 0.5 0.125 1.5
  const std::array<double, 4> rs{1.0, -1.0, 0.5, 2.0};
  const std::array<double, 4> torch{0.5, 0.5, 0.125, 1.5};
  for (std::size_t k = 0; k < 4; ++k) CHECK(ctgrad::evaluate(huber(w), w = rs[k]) == torch[k]);
  check_on_vector([](auto u) { return huber(u); }, {-2.0, 0.5, 1.5});
}

TEST_CASE("binary_cross_entropy_with_logits(z, y): finite far out, derivative sigmoid(z) - y") {
  check_derivatives(binary_cross_entropy_with_logits(w * x + b, 0.3), {-2.5, -0.3, 0.0, 0.7, 1.9});
  for (double y : {0.0, 0.3, 1.0}) {
    for (double z : {-1000.0, -40.0, -2.0, 0.0, 1e-9, 3.0, 40.0, 1000.0}) {
      CAPTURE(y);
      CAPTURE(z);
      // the textbook form in long double, where it does not overflow
      const long double s = 1 / (1 + std::exp(-static_cast<long double>(z)));
      const long double textbook = -(y * std::log(s) + (1 - y) * std::log1p(-s));
      const double value = ctgrad::evaluate(binary_cross_entropy_with_logits(w, b), w = z, b = y);
      CHECK(std::isfinite(value));
      if (std::fabs(z) < 40)
        CHECK(value == doctest::Approx(static_cast<double>(textbook)).epsilon(1e-15));
      const double slope =
          ctgrad::evaluate(d(binary_cross_entropy_with_logits(w, b), w), w = z, b = y);
      CHECK(slope == doctest::Approx(static_cast<double>(s - y)).epsilon(1e-15));
    }
  }
  // torch: z = [1000, -1000, 0], y = 0.3 gives 700, 300, 0.69315 and gradients 0.7, -0.3, 0.2
  CHECK(ctgrad::evaluate(binary_cross_entropy_with_logits(w, 0.3), w = 1000.0) ==
        doctest::Approx(700.0).epsilon(1e-15));
  CHECK(ctgrad::evaluate(binary_cross_entropy_with_logits(w, 0.3), w = -1000.0) ==
        doctest::Approx(300.0).epsilon(1e-15));
  CHECK(ctgrad::evaluate(binary_cross_entropy_with_logits(w, 0.3), w = 0.0) == std::log(2.0));
  CHECK(ctgrad::evaluate(d(binary_cross_entropy_with_logits(w, 0.3), w), w = 0.0) == 0.5 - 0.3);
  check_on_vector([](auto u) { return binary_cross_entropy_with_logits(u, 0.25); },
                  {-1000.0, 0.0, 2.0});
}

TEST_CASE("log_cosh(r): no overflow past |r| = 710, derivative tanh(r)") {
  check_derivatives(log_cosh(w * x - b), {-2.5, -0.3, 0.0, 0.7, 1.9});
  for (double r : {-1000.0, -30.0, -1.0, 0.0, 1e-8, 0.5, 20.0, 1000.0}) {
    CAPTURE(r);
    const long double want = std::log(std::cosh(static_cast<long double>(r)));
    CHECK(ctgrad::evaluate(log_cosh(w), w = r) ==
          doctest::Approx(static_cast<double>(want)).epsilon(1e-15));
    CHECK(ctgrad::evaluate(d(log_cosh(w), w), w = r) ==
          doctest::Approx(std::tanh(r)).epsilon(1e-15));
  }
  CHECK(ctgrad::evaluate(log_cosh(w), w = 1000.0) == doctest::Approx(1000.0 - std::log(2.0)));
  CHECK(ctgrad::evaluate(d(log_cosh(w), w), w = 0.0) == 0.0);
  check_on_vector([](auto u) { return log_cosh(u); }, {-800.0, 0.0, 2.0});
}

TEST_CASE("the losses reduced over data: value_and_grad against finite differences") {
  const std::vector<double> xs{0.5, -1.25, 2.0, 0.125, -3.5, 40.0, -40.0};
  const std::vector<double> ys{1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.0};
  constexpr ctgrad::data<"y"> y;
  for (double at : {-2.0, 0.1, 1.5}) {
    CAPTURE(at);
    CHECK(ctgrad::check_gradient(mean(binary_cross_entropy_with_logits(w * x + b, y)), wrt(w, b),
                                 ctgrad::relative_tolerance{1e-7}, w = at, b = 0.2, x = xs,
                                 y = ys));
    CHECK(ctgrad::check_gradient(mean(huber(y - w * x, 0.5) + log_cosh(y - b * x)), wrt(w, b),
                                 ctgrad::relative_tolerance{1e-7}, w = at, b = 0.3, x = xs,
                                 y = ys));
  }
}
