// Deep and wide expressions compile with default compiler limits (no fold expression over a
// list of nodes: clang stops at 256 terms) and in time linear in their size, and still give the
// right numbers. CI builds this file with g++ and clang.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <ctgrad.hpp>
#include <vector>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;

// e_0 = x, e_k = tanh(w * e_(k-1) + b)
template <int Depth>
constexpr auto chain() {
  if constexpr (Depth == 0)
    return x;
  else
    return tanh(w * chain<Depth - 1>() + b);
}

// The same chain by hand, for the reference.
double chain_value(int depth, double wv, double bv, double xv) {
  double e = xv;
  for (int k = 0; k < depth; ++k) e = std::tanh(wv * e + bv);
  return e;
}
}  // namespace

TEST_CASE("a tanh chain of depth 50: gradient against central differences") {
  const std::vector<double> xs{0.5, -1.0, 2.0, 0.25, -0.75};
  const std::vector<double> ys{0.1, -0.2, 0.3, 0.0, 0.5};
  constexpr auto loss = mean(square(y - chain<50>()));
  const auto r = ctgrad::value_and_grad(loss, wrt(w, b), w = 0.9, b = 0.1, x = xs, y = ys);
  auto loss_at = [&](double wv, double bv) {
    double s = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const double e = ys[i] - chain_value(50, wv, bv, xs[i]);
      s += e * e;
    }
    return s / static_cast<double>(xs.size());
  };
  const double h = 1e-6;
  CHECK(r.value == doctest::Approx(loss_at(0.9, 0.1)).epsilon(1e-14));
  CHECK(r.grad[w] ==
        doctest::Approx((loss_at(0.9 + h, 0.1) - loss_at(0.9 - h, 0.1)) / (2 * h)).epsilon(1e-7));
  CHECK(r.grad[b] ==
        doctest::Approx((loss_at(0.9, 0.1 + h) - loss_at(0.9, 0.1 - h)) / (2 * h)).epsilon(1e-7));
}

TEST_CASE("the symbolic derivative of a depth-8 chain evaluates to the swept gradient") {
  const std::vector<double> xs{0.5, -1.0, 2.0};
  const std::vector<double> ys{0.1, -0.2, 0.3};
  constexpr auto loss = mean(square(y - chain<8>()));
  const double swept =
      ctgrad::value_and_grad(loss, wrt(w), w = 0.8, b = 0.2, x = xs, y = ys).grad[w];
  CHECK(ctgrad::evaluate(d(loss, w), w = 0.8, b = 0.2, x = xs, y = ys) ==
        doctest::Approx(swept).epsilon(1e-13));
}
