#include <doctest/doctest.h>

#include <array>
#include <ctgrad.hpp>
#include <vector>

#include "../support/finite_difference.hpp"

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
}  // namespace

TEST_CASE("value_and_grad equals separate evaluations of the loss and each partial") {
  const std::vector<double> xs{0.5, 1.5, -2.0, 3.0, 4.25};
  const std::vector<double> ys{1.0, 2.5, -3.0, 6.5, 9.0};
  const auto loss = mean(square(y - (w * x + b)));
  const auto [value, g] =
      ctgrad::value_and_grad(loss, wrt(w, b), w = 1.5, b = -0.5, x = xs, y = ys);
  CHECK(value == ctgrad::evaluate(loss, w = 1.5, b = -0.5, x = xs, y = ys));
  CHECK(g[w] == ctgrad::evaluate(d(loss, w), w = 1.5, b = -0.5, x = xs, y = ys));
  CHECK(g[b] == ctgrad::evaluate(d(loss, b), w = 1.5, b = -0.5, x = xs, y = ys));
  CHECK(g[w] == doctest::Approx(
                    ctgrad::testing::central_difference(loss, w, 1.5, b = -0.5, x = xs, y = ys)));
  CHECK(g[b] == doctest::Approx(
                    ctgrad::testing::central_difference(loss, b, -0.5, w = 1.5, x = xs, y = ys)));
  static_assert(decltype(g)::size() == 2);
}

TEST_CASE("grad() gives every partial derivative as expressions") {
  const auto loss = mean(square(y - (w * x + b)));
  const auto [dw, db] = grad(loss, w, b);
  CHECK(dw == d(loss, w));
  CHECK(db == d(loss, b));
}

TEST_CASE("the seed's first step, in float") {
  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  const std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
  const auto [value, g] =
      ctgrad::value_and_grad(mean(square(y - w * x)), wrt(w), w = 0.0f, x = X, y = Y);
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(value)>, float>);
  CHECK(value == 30.0f);
  CHECK(g[w] == -30.0f);
}
