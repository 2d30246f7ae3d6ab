#include <doctest/doctest.h>

#include <array>
#include <ctgrad.hpp>
#include <stdexcept>
#include <vector>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
}  // namespace

TEST_CASE("columns are viewed, not copied; temporary std::arrays are owned") {
  std::vector<float> v{1, 2, 3};
  const auto bound = (x = v);
  v[1] = 20;  // a view sees the change
  CHECK(bound.at(1) == 20.0f);
  CHECK(bound.size() == 3);
  const auto owned = (x = std::array{1.0, 2.0});
  static_assert(std::is_same_v<decltype(owned.storage), std::array<double, 2>>);
  CHECK(owned.at(1) == 2.0);
  const auto point = (x = 5.0f);
  CHECK(point.size() == 1);
  CHECK(point.at(123) == 5.0f);
}

TEST_CASE("parameter sets are read and written by name") {
  auto p = ctgrad::parameters(w = 1.0f, b = 2.0);
  CHECK(p[w] == 1.0f);
  p[b] = 3.5;
  CHECK(p[b] == 3.5);
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(p[w])>, float>);
  static_assert(decltype(p)::size() == 2);
}

TEST_CASE("columns of different lengths are rejected, naming both") {
  const std::vector<double> three{1, 2, 3};
  const std::vector<double> four{1, 2, 3, 4};
  CHECK_THROWS_WITH_AS(static_cast<void>(ctgrad::dataset(x = three, y = four)),
                       "ctgrad: data columns have different lengths: 'x' has 3 points, 'y' has 4",
                       std::invalid_argument);
  CHECK_THROWS_AS(static_cast<void>(ctgrad::evaluate(mean(x * y), x = three, y = four)),
                  std::invalid_argument);
  // a single point next to a column is a broadcast, not a length mismatch
  CHECK(ctgrad::evaluate(mean(x * y), x = three, y = 2.0) == 4.0);
  CHECK(ctgrad::dataset(x = three, y = three).size() == 3);
}
