#include <doctest/doctest.h>

#include <array>
#include <ctgrad.hpp>
#include <vector>

#include "../support/properties.hpp"
#include "../support/raises.hpp"

namespace {
using namespace ctgrad::literals;
using ctgrad::testing::b;
using ctgrad::testing::w;
using ctgrad::testing::x;
constexpr ctgrad::data<"y"> y;

// d mean(u) = mean(du); a term that does not vary over the data leaves the reduction.
static_assert(d(mean(w * x), w) == mean(x));
static_assert(d(mean(w * w + x), w) == 2_c * w);
// d sum(u) = sum(du); a constant term is summed N times.
static_assert(d(sum(w * x), w) == sum(x));
static_assert(d(sum(w * w + x), w) == ctgrad::data_size{} * (2_c * w));
static_assert(d(mean(x), w) == 0_c);

constexpr std::array<double, 3> three{1.0, 2.0, 4.0};
static_assert(ctgrad::evaluate(sum(x), x = three) == 7.0);
static_assert(ctgrad::evaluate(mean(x), x = three) == 7.0 / 3.0);
static_assert(ctgrad::evaluate(d(sum(w * w + x), w), w = 1.5, x = three) == 9.0);
}  // namespace

TEST_CASE("sum and mean over columns of every supported kind") {
  const std::vector<double> v{1, 2, 3, 4};
  const std::array<double, 4> a{1, 2, 3, 4};
  const double raw[] = {1, 2, 3, 4};
  CHECK(ctgrad::evaluate(sum(x), x = v) == 10.0);
  CHECK(ctgrad::evaluate(sum(x), x = a) == 10.0);
  CHECK(ctgrad::evaluate(sum(x), x = std::span<const double>(v)) == 10.0);
  CHECK(ctgrad::evaluate(sum(x), x = ctgrad::column(raw, 4)) == 10.0);
  CHECK(ctgrad::evaluate(mean(x), x = std::array{1.0, 2.0, 3.0, 4.0}) == 2.5);
  CHECK(ctgrad::evaluate(mean(x * y), x = v, y = a) == 7.5);
}

TEST_CASE("the chain rule through reductions") {
  ctgrad::testing::check_derivatives(square(x - w) * (x + b), {-2.5, -0.3, 0.7, 1.9, 3.1});
  const std::vector<double> xs{0.5, 1.5, -2.0};
  for (double at : {-1.0, 0.25, 2.0}) {
    const double numeric =
        ctgrad::testing::central_difference(sum(square(w * x - 1.0)), w, at, x = xs);
    CHECK(ctgrad::evaluate(d(sum(square(w * x - 1.0)), w), w = at, x = xs) ==
          doctest::Approx(numeric));
    const double numeric_n = ctgrad::testing::central_difference(sum(w * w + x), w, at, x = xs);
    CHECK(ctgrad::evaluate(d(sum(w * w + x), w), w = at, x = xs) == doctest::Approx(numeric_n));
  }
}

TEST_CASE("an empty column: sum is 0, mean is an error") {
  const std::vector<double> none;
  CHECK(ctgrad::evaluate(sum(x), x = none) == 0.0);
  CTGRAD_CHECK_RAISES_WITH_AS(static_cast<void>(ctgrad::evaluate(mean(x), x = none)),
                              doctest::Contains("ctgrad: mean() over no data"),
                              std::invalid_argument);
}
