#include <doctest/doctest.h>

#include <array>
#include <ctgrad.hpp>
#include <tuple>

namespace {
using namespace ctgrad::literals;
using ctgrad::pow;
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;

// d nests: higher derivatives are expressions too, simplified at every step.
static_assert(d(d(pow<3>(w), w), w) == 6_c * w);
static_assert(d(d(d(pow<3>(w), w), w), w) == 6_c);
static_assert(d(d(d(d(pow<3>(w), w), w), w), w) == 0_c);
// Mixed partials agree: d/db d/dw == d/dw d/db for a smooth function.
constexpr auto f = w * w * b + exp(w * b);
static_assert(ctgrad::evaluate(d(d(f, w), b), w = 0.3, b = -0.7) ==
              ctgrad::evaluate(d(d(f, b), w), w = 0.3, b = -0.7));
// A subtree that does not mention the parameter is pruned to 0 before any rule runs.
static_assert(d(exp(sin(x) * b) + w, w) == 1_c);
// grad() and wrt()
static_assert(std::tuple_size_v<decltype(grad(f, w, b))> == 2);
static_assert(std::get<1>(grad(w * x + b, w, b)) == 1_c);
static_assert(decltype(wrt(w, b))::size == 2);
// derivative() is d() spelled out.
static_assert(ctgrad::derivative(w * x, w) == d(w * x, w));
}  // namespace

TEST_CASE("second derivatives match finite differences of first derivatives") {
  const std::array<double, 3> xs{0.5, 1.5, -2.0};
  const auto loss = mean(square(exp(w * x) - b));
  for (double at : {-0.5, 0.1, 0.8}) {
    const double h = 1e-5;
    const double numeric = (ctgrad::evaluate(d(loss, w), w = at + h, b = 0.3, x = xs) -
                            ctgrad::evaluate(d(loss, w), w = at - h, b = 0.3, x = xs)) /
                           (2 * h);
    CHECK(ctgrad::evaluate(d(d(loss, w), w), w = at, b = 0.3, x = xs) ==
          doctest::Approx(numeric).epsilon(1e-7));
  }
}
