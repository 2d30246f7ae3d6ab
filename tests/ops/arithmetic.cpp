#include <doctest/doctest.h>

#include <ctgrad.hpp>
#include <type_traits>

#include "../support/properties.hpp"

namespace {
using namespace ctgrad::literals;
using ctgrad::testing::b;
using ctgrad::testing::check_derivatives;
using ctgrad::testing::check_same_value;
using ctgrad::testing::w;
using ctgrad::testing::x;

template <class A, class B>
constexpr bool same = std::is_same_v<A, B>;

// Constant folding, exactly, in rationals.
static_assert(same<decltype(1_c + 2_c), ctgrad::rational<3, 1>>);
static_assert(same<decltype(1_c / 3_c - 1_c / 2_c), ctgrad::rational<-1, 6>>);
static_assert(same<decltype(-(2_c * 3_c)), ctgrad::rational<-6, 1>>);
// Neutral and absorbing elements.
static_assert(0_c + w == w && w + 0_c == w && w - 0_c == w);
static_assert(0_c - w == -w);
static_assert(1_c * w == w && w * 1_c == w);
static_assert(0_c * w == 0_c && w * 0_c == 0_c);
static_assert(w / 1_c == w && 0_c / w == 0_c && w / w == 1_c);
static_assert(-(-w) == w);
static_assert(w - w == 0_c && (w * x) - (w * x) == 0_c);
static_assert(w + w == 2_c * w);
// Constant factors gather leftmost; a factor of -1 becomes a unary minus.
static_assert(w * 3_c == 3_c * w);
static_assert(2_c * (3_c * w) == 6_c * w);
static_assert((2_c * w) * (3_c * x) == 6_c * w * x);
static_assert(2_c * -w == -2_c * w);
static_assert(-1_c * w == -w && w * -1_c == -w);
static_assert(-(2_c * w) == -2_c * w);
static_assert(w / -1_c == -w);
// Signs move into the operator.
static_assert(w + -x == w - x && w - -x == w + x);
static_assert(w - (-2_c * x) == w + 2_c * x);
static_assert(-w + x == x - w);

// d(w * x, w) reduces all the way to x, with no 1 * x or + 0 left.
static_assert(d(w * x, w) == x);
static_assert(d(w + x, w) == 1_c && d(x - w, w) == -1_c);
static_assert(d(-w, w) == -1_c);
static_assert(d(w * x + b, b) == 1_c);
static_assert(d(x, w) == 0_c);
}  // namespace

TEST_CASE("simplification never changes a value") {
  check_same_value(0_c + w * x, [](double w_, double, double x_) { return 0 + w_ * x_; },
                   {-1.5, 0.3, 2});
  check_same_value(w * x * 1_c, [](double w_, double, double x_) { return w_ * x_ * 1; },
                   {-1.5, 0.3, 2});
  check_same_value((2_c * w) * (3_c * x),
                   [](double w_, double, double x_) { return 2 * w_ * 3 * x_; }, {-1.5, 0.3, 2});
  check_same_value(-(-(w - x)), [](double w_, double, double x_) { return w_ - x_; },
                   {-1.5, 0.3, 2});
  check_same_value(w + -x, [](double w_, double, double x_) { return w_ + -x_; }, {-1.5, 0.3, 2});
  check_same_value(-w + b, [](double w_, double b_, double) { return -w_ + b_; }, {-1.5, 0.3, 2});
  check_same_value(w / -1_c + b / 2_c, [](double w_, double b_, double) { return -w_ + b_ / 2; },
                   {-1.5, 0.3, 2});
  check_same_value(x * 2.5 - w / 0.5,
                   [](double w_, double, double x_) { return x_ * 2.5 - w_ / 0.5; },
                   {-1.5, 0.3, 2});
}

TEST_CASE("d(u + v) = du + dv") {
  check_derivatives(w * x + w * w, {-2.5, -0.3, 0.7, 1.9, 3.1});
  check_derivatives(square(w + b), {-2.5, 0.7, 3.1});
}

TEST_CASE("d(u - v) = du - dv") {
  check_derivatives(x - w * w, {-2.5, -0.3, 0.7, 1.9, 3.1});
  check_derivatives(w * w * w - w * x, {-2.5, 0.7, 3.1});
}

TEST_CASE("d(u * v) = du * v + u * dv") {
  check_derivatives(w * x * w, {-2.5, -0.3, 0.7, 1.9, 3.1});
  check_derivatives((w + x) * (w - b) * 3.0, {-2.5, 0.7, 3.1});
  // closed form: d(w^2 x) = 2 w x
  for (double at : {-2.0, 0.5, 3.0})
    for (double xi : ctgrad::testing::sample_x)
      CHECK(ctgrad::evaluate(d(w * w * x, w), w = at, x = xi) == doctest::Approx(2 * at * xi));
}

TEST_CASE("d(u / v) = du / v - u * dv / (v * v)") {
  check_derivatives(x / w, {-2.5, -0.3, 0.7, 1.9, 3.1});
  check_derivatives(w / (x + 4.0), {-2.5, -0.3, 0.7, 1.9, 3.1});
  check_derivatives((w * w + 1_c) / (w + b), {-0.3, 0.7, 1.9});
  // closed form: d(x / w) = -x / w^2, also at tiny and large w
  for (double at : {-3.0, 1e-3, 0.5, 1e3})
    for (double xi : ctgrad::testing::sample_x)
      CHECK(ctgrad::evaluate(d(x / w, w), w = at, x = xi) == doctest::Approx(-xi / (at * at)));
}

TEST_CASE("d(-u) = -du") {
  check_derivatives(-(w * x), {-2.5, 0.7, 3.1});
  check_derivatives(-(w * w) * x, {-2.5, 0.7, 3.1});
}

TEST_CASE("runtime numbers mix with expressions on either side") {
  CHECK(ctgrad::evaluate(2 * w + 1, w = 3.0) == 7.0);
  CHECK(ctgrad::evaluate(1.0 - w / 4.0f, w = 2.0) == 0.5);
  CHECK(ctgrad::evaluate(d(3.0 * w * w, w), w = 2.0) == 12.0);
}
