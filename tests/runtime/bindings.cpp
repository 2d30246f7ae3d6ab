#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <ctgrad.hpp>
#include <limits>
#include <stdexcept>
#include <vector>

#include "../support/raises.hpp"

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
  CTGRAD_CHECK_RAISES_WITH_AS(
      static_cast<void>(ctgrad::dataset(x = three, y = four)),
      "ctgrad: data columns have different lengths: 'x' has 3 points, 'y' has 4",
      std::invalid_argument);
  CTGRAD_CHECK_RAISES_AS(static_cast<void>(ctgrad::evaluate(mean(x * y), x = three, y = four)),
                         std::invalid_argument);
  // a single point next to a column is a broadcast, not a length mismatch
  CHECK(ctgrad::evaluate(mean(x * y), x = three, y = 2.0) == 4.0);
  CHECK(ctgrad::dataset(x = three, y = three).size() == 3);
}

namespace {
constexpr ctgrad::param<"v", 3> v;
constexpr ctgrad::param<"M", 2, 3> M;
constexpr ctgrad::data<"r", 3> r;
}  // namespace

TEST_CASE("vector and matrix parameters bind from arrays; a runtime length is checked") {
  const auto bv = (v = std::array{1.0, 2.0, 3.0});
  CHECK(bv.at(2) == 3.0);
  const auto nested = (M = std::array<std::array<float, 3>, 2>{{{1, 2, 3}, {4, 5, 6}}});
  const std::array<float, 6> row_major{1, 2, 3, 4, 5, 6};
  const auto flat = (M = row_major);
  CHECK(nested.value == flat.value);
  CHECK(flat.at(4) == 5.0f);
  const std::vector<double> three{1, 2, 3}, two{1, 2};
  CHECK((v = three).value == std::array{1.0, 2.0, 3.0});
  CTGRAD_CHECK_RAISES_WITH_AS(static_cast<void>(v = two),
                              "ctgrad: parameter 'v' has 3 components, the bound values 2",
                              std::invalid_argument);
  auto p = ctgrad::parameters(v = three, M = row_major);
  p[M][1][2] = 60.0f;
  CHECK(p[M][1][2] == 60.0f);
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(p[v])>, std::array<double, 3>>);
}

TEST_CASE("data rows bind as rows, as feature-major columns, or as one point") {
  const std::vector<std::array<double, 3>> rows{{1, 2, 3}, {4, 5, 6}};
  const auto a = (r = rows);
  CHECK(a.size() == 2);
  CHECK(a.at(1, 2) == 6.0);
  const std::array<double, 6> by_feature{1, 4, 2, 5, 3, 6};
  const auto c = (r = ctgrad::columns<3>(by_feature.data(), 2));
  CHECK(c.size() == 2);
  CHECK(c.at(1, 2) == 6.0);
  const auto point = (r = std::array{7.0, 8.0, 9.0});
  CHECK(point.size() == 1);
  CHECK(point.at(41, 1) == 8.0);
  CTGRAD_CHECK_RAISES_AS(static_cast<void>(r = ctgrad::columns<3>(by_feature.data(), 3, 2)),
                         std::invalid_argument);
  // rows and data of different lengths are still caught, naming both
  const std::vector<double> three{1, 2, 3};
  CTGRAD_CHECK_RAISES_WITH_AS(
      static_cast<void>(ctgrad::dataset(r = rows, y = three)),
      "ctgrad: data columns have different lengths: 'r' has 2 points, 'y' has 3",
      std::invalid_argument);
  CHECK(ctgrad::evaluate(mean(dot(v, r)), v = std::array{1.0, 1.0, 1.0}, r = rows) == 10.5);
}

TEST_CASE("sgd and validate see every component") {
  auto p = ctgrad::parameters(v = std::array{1.0, 2.0, 3.0}, b = 0.5);
  const std::vector<std::array<double, 3>> rows{{1, 0, 0}, {0, 1, 0}};
  const std::vector<double> ys{1.0, 2.0};
  const auto loss = mean(square(y - (dot(v, r) + b)));
  const auto g = ctgrad::value_and_grad(loss, wrt(v, b), p, r = rows, y = ys).grad;
  const auto before = p[v];
  ctgrad::sgd{0.5}.step(p, g);
  for (std::size_t k = 0; k < 3; ++k) CHECK(p[v][k] == before[k] - 0.5 * g[v][k]);
  p[v][1] = std::numeric_limits<double>::infinity();
  CTGRAD_CHECK_RAISES_WITH_AS(static_cast<void>(ctgrad::validate(p)),
                              "ctgrad: parameter 'v' is not finite at index 1 (inf)",
                              std::invalid_argument);
  std::vector<std::array<double, 3>> bad{{1, 0, 0}, {0, std::nan(""), 0}};
  CTGRAD_CHECK_RAISES_WITH_AS(static_cast<void>(ctgrad::validate(ctgrad::dataset(r = bad))),
                              "ctgrad: data rows 'r' is not finite at index 4 (nan)",
                              std::invalid_argument);
}

TEST_CASE("braced lists bind as std::arrays would: copied") {
  // Issue 11: x = {1.0, 2.0} was 58 lines of overload failure; it is a copied column now.
  constexpr ctgrad::param<"v", 2> v;
  constexpr ctgrad::data<"r", 2> r;
  static_assert(ctgrad::evaluate(mean(w * x), w = 2.0, x = {1.0, 2.0}) == 3.0);
  static_assert(ctgrad::evaluate(dot(v, r), v = {1.0, 2.0}, r = {3.0, 4.0}) == 11.0);
  const auto column = (x = {1.0f, 2.0f, 4.0f});  // owned: nothing dangles after the statement
  CHECK(ctgrad::evaluate(sum(x), column) == 7.0f);
  auto p = ctgrad::parameters(v = {0.5, -0.25});
  CHECK(p[v] == std::array{0.5, -0.25});
}

TEST_CASE("strided columns and rows are read with their strides, giving the contiguous bits") {
  // 37 points: packets of points and a scalar tail; 3: one partial packet.
  for (const std::size_t n : {std::size_t{37}, std::size_t{3}}) {
    std::vector<double> contiguous(n), spaced(3 * n, -1.0);
    std::vector<std::array<double, 3>> by_point(n);
    std::vector<double> by_point_spaced(5 * n,
                                        -1.0);  // 5 values between points, 2 between features
    for (std::size_t i = 0; i < n; ++i) {
      contiguous[i] = std::sin(0.3 * static_cast<double>(i));
      spaced[3 * i] = contiguous[i];
      for (std::size_t j = 0; j < 3; ++j) {
        by_point[i][j] = std::cos(0.7 * static_cast<double>(3 * i + j));
        by_point_spaced[5 * i + 2 * j] = by_point[i][j];
      }
    }
    const auto strided = (x = ctgrad::column(spaced.data(), n, 3));
    CHECK(strided.size() == n);
    CHECK(strided.at(n - 1) == contiguous[n - 1]);
    const auto loss = mean(square(y - tanh(dot(v, r)) * x));
    const auto params = ctgrad::parameters(v = std::array{0.5, -0.25, 2.0});
    const auto a =
        ctgrad::value_and_grad(loss, wrt(v), params, x = contiguous, y = contiguous, r = by_point);
    const auto c =
        ctgrad::value_and_grad(loss, wrt(v), params, strided, y = contiguous,
                               r = ctgrad::strided_rows<3>(by_point_spaced.data(), n, 5, 2));
    CHECK(std::memcmp(&a.value, &c.value, sizeof a.value) == 0);
    CHECK(std::memcmp(a.grad.values.data(), c.grad.values.data(), sizeof a.grad.values) == 0);
  }
}
