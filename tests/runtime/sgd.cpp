#include <doctest/doctest.h>

#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
}  // namespace

TEST_CASE("sgd applies p = p - lr * g, with lr rounded to the parameter's type") {
  auto p = ctgrad::parameters(w = 0.5f, b = 1.0);
  ctgrad::gradient<double, ctgrad::param<"w">, ctgrad::param<"b">> g{{-30.0, 2.0}};
  ctgrad::sgd{0.01}.step(p, g);
  CHECK(p[w] == 0.5f - 0.01f * -30.0f);
  CHECK(p[b] == 1.0 - 0.01 * 2.0);
}
