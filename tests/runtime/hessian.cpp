#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <ctgrad.hpp>
#include <stdexcept>
#include <vector>

#include "../support/raises.hpp"

namespace {
using namespace ctgrad::literals;
constexpr ctgrad::param<"w", 3> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::param<"c"> c;
constexpr ctgrad::data<"x", 3> x;
constexpr ctgrad::data<"y"> y;

const std::vector<std::array<double, 3>> xs{{1.0, 2.0, 3.0},  {0.5, -1.0, 2.0}, {2.0, 0.0, 1.0},
                                            {-1.0, 1.0, 1.0}, {0.3, 0.2, 0.1},  {1.0, 1.0, 0.0}};
const std::vector<double> ys{1.0, -1.0, 1.0, -1.0, 1.0, 1.0};
}  // namespace

TEST_CASE("the Hessian agrees with finite differences of the gradient") {
  const auto loss = mean(log(1_c + exp(-(y * (dot(w, x) + b))))) + 0.1 * square(b) * dot(w, w);
  const std::array<double, 3> wv{0.2, -0.4, 0.1};
  const double bv = 0.3;
  const auto h = ctgrad::hessian(loss, wrt(w, b), w = wv, b = bv, x = xs, y = ys);
  static_assert(decltype(h)::size() == 4);
  auto grad_at = [&](std::array<double, 4> p) {
    const auto g = ctgrad::value_and_grad(loss, wrt(w, b), w = std::array{p[0], p[1], p[2]},
                                          b = p[3], x = xs, y = ys)
                       .grad;
    return std::array{g[w][0], g[w][1], g[w][2], g[b]};
  };
  const std::array<double, 4> at{wv[0], wv[1], wv[2], bv};
  for (std::size_t j = 0; j < 4; ++j) {
    auto up = at, down = at;
    const double step = 1e-5;
    up[j] += step, down[j] -= step;
    const auto gu = grad_at(up), gd = grad_at(down);
    for (std::size_t i = 0; i < 4; ++i) {
      CAPTURE(i);
      CAPTURE(j);
      CHECK(h(i, j) == doctest::Approx((gu[i] - gd[i]) / (2 * step)).epsilon(1e-7));
      CHECK(h(i, j) == h(j, i));  // exactly symmetric
    }
  }
}

TEST_CASE("entries that are zero by structure are known at compile time and never computed") {
  // w and c do not interact, c enters linearly and b quadratically: of the 5 x 5 entries, the
  // 2 * 3 (w, c) pairs, the (c, c) one and the 2 (b, c) ones are 0 by structure
  const auto loss = mean(square(y - dot(w, x))) + square(b - 1_c) + c;
  static_assert(ctgrad::structural_zeros_v<decltype(loss), decltype(w), decltype(b), decltype(c)> ==
                2 * 3 + 2 * 3 + 1 + 2);
  const auto h = ctgrad::hessian(loss, wrt(w, b, c), w = std::array{0.1, 0.2, 0.3}, b = 0.5,
                                 c = 2.0, x = xs, y = ys);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(h(i, 4) == 0.0);
    CHECK(h(4, i) == 0.0);
  }
  for (std::size_t i = 0; i < 3; ++i) CHECK(h(i, 3) == 0.0);
  CHECK(h(3, 3) == 2.0);
  CHECK(h(0, 0) == doctest::Approx(2.0 * (1 + 0.25 + 4 + 1 + 0.09 + 1) / 6));
}

TEST_CASE("one Newton step solves linear least squares from any start") {
  const auto loss = mean(square(y - (dot(w, x) + b)));
  // the normal equations, solved independently in long double by Cramer-free elimination
  std::array<std::array<long double, 5>, 4> a{};
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const std::array<long double, 4> f{xs[i][0], xs[i][1], xs[i][2], 1.0L};
    for (std::size_t r = 0; r < 4; ++r) {
      for (std::size_t k = 0; k < 4; ++k) a[r][k] += f[r] * f[k];
      a[r][4] += f[r] * ys[i];
    }
  }
  for (std::size_t col = 0; col < 4; ++col)
    for (std::size_t r = 0; r < 4; ++r)
      if (r != col) {
        const long double f = a[r][col] / a[col][col];
        for (std::size_t k = 0; k < 5; ++k) a[r][k] -= f * a[col][k];
      }
  std::array<double, 4> solution{};
  for (std::size_t r = 0; r < 4; ++r) solution[r] = static_cast<double>(a[r][4] / a[r][r]);

  const auto data = ctgrad::dataset(x = xs, y = ys);
  for (double start : {0.0, -3.0, 100.0}) {
    CAPTURE(start);
    auto p = ctgrad::parameters(w = std::array{start, start, -start}, b = start);
    ctgrad::newton_step(loss, p, data);
    for (std::size_t k = 0; k < 3; ++k)
      CHECK(p[w][k] == doctest::Approx(solution[k]).epsilon(1e-12));
    CHECK(p[b] == doctest::Approx(solution[3]).epsilon(1e-12));
  }
}

TEST_CASE("a singular Hessian is refused and the parameters are left as they were") {
  const auto loss = mean(square(y - dot(w, x))) + 0.0 * c;  // c has no curvature
  auto p = ctgrad::parameters(w = std::array{0.1, 0.2, 0.3}, c = 1.0);
  const auto data = ctgrad::dataset(x = xs, y = ys);
  CTGRAD_CHECK_RAISES_AS(ctgrad::newton_step(loss, p, data), std::domain_error);
  CHECK(p[c] == 1.0);
  CHECK(p[w][0] == 0.1);
}
