// <ctgrad/eigen.hpp>: Eigen vectors and matrices as data (views, strides honoured) and parameters
// (copies), gradients back as Eigen. Built only when Eigen (libeigen3-dev) is found.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <ctgrad.hpp>
#include <ctgrad/eigen.hpp>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/raises.hpp"

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::param<"v", 3> v;
constexpr ctgrad::param<"W", 2, 3> W;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr ctgrad::data<"r", 3> r;

template <class Binding>
using storage_of = typename std::remove_cvref_t<Binding>::storage_type;

// Bit for bit, so that -0 and +0 (or two NaNs) are not mistaken for each other.
template <class T>
bool same_bits(const T& a, const T& b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <class A>
concept mappable = requires(A&& a) {
  ctgrad::eigen::map(std::forward<A>(a));
};

// A 4 x 3 matrix with M(i, j) = 10 i + j + 1, in column-major storage.
Eigen::MatrixXd sample() {
  Eigen::MatrixXd m(4, 3);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) m(i, j) = 10 * i + j + 1;
  return m;
}
}  // namespace

TEST_CASE("Eigen vectors bind as data columns, viewed with their strides") {
  Eigen::MatrixXd m = sample();
  Eigen::VectorXd plain = m.col(1);
  // A vector of unit inner stride is a contiguous column (the fast path); anything else keeps
  // its stride.
  static_assert(std::is_same_v<storage_of<decltype(x = plain)>, std::span<const double>>);
  static_assert(std::is_same_v<storage_of<decltype(x = m.col(1))>, std::span<const double>>);
  static_assert(
      std::is_same_v<storage_of<decltype(x = m.row(2))>, ctgrad::strided_column_view<double>>);

  const auto row = (x = m.row(2));  // a row of a column-major matrix: stride = rows
  REQUIRE(row.size() == 3);
  CHECK(row.storage.step == 4);
  CHECK(row.at(0) == 21.0);
  CHECK(row.at(2) == 23.0);
  m(2, 1) = -5;  // a view, not a copy
  CHECK(row.at(1) == -5.0);

  const auto inner = Eigen::Map<const Eigen::VectorXd, 0, Eigen::InnerStride<>>(
      m.data(), 6, Eigen::InnerStride<>(2));
  const auto by_two = (x = inner);
  CHECK(by_two.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) CHECK(by_two.at(i) == m.data()[2 * i]);
  const auto fixed_two =
      (x = Eigen::Map<const Eigen::VectorXd, 0, Eigen::InnerStride<3>>(m.data() + 1, 4));
  for (std::size_t i = 0; i < 4; ++i) CHECK(fixed_two.at(i) == m.data()[1 + 3 * i]);

  const Eigen::Ref<const Eigen::VectorXd> ref(plain);
  const auto by_ref = (x = ref);
  CHECK(by_ref.size() == 4);
  CHECK(by_ref.at(3) == 32.0);
  const auto segment = (x = plain.segment(1, 2));
  CHECK(segment.size() == 2);
  CHECK(segment.at(0) == 12.0);
  Eigen::Matrix<double, 4, 3, Eigen::RowMajor> row_major = sample();
  const auto column_of_row_major = (x = row_major.col(2));  // stride 3
  CHECK(column_of_row_major.at(3) == 33.0);
  Eigen::ArrayXf floats(3);
  floats << 1.5f, 2.5f, 3.5f;
  CHECK(ctgrad::evaluate(sum(x), x = floats) == 7.5f);

  // A matrix is not a column: refused at run time when its type allows one column or row (at
  // compile time otherwise: Matrix3d).
  CTGRAD_CHECK_RAISES_WITH_AS(static_cast<void>(x = m),
                              "ctgrad: data 'x' is a column, the bound Eigen matrix is 4 x 3",
                              std::invalid_argument);
}

TEST_CASE("an N x K Eigen matrix binds as data rows in either storage order") {
  const Eigen::MatrixXd col_major = sample();
  const Eigen::Matrix<double, Eigen::Dynamic, 3, Eigen::RowMajor> row_major = col_major;
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> dynamic_rows =
      col_major;
  Eigen::MatrixXd wide(6, 5);
  wide.setZero();
  wide.block(1, 2, 4, 3) = col_major;
  // Column-major is feature-major (the fastest layout); row-major with K columns at compile
  // time is row-major data; anything else is gathered with its two strides.
  static_assert(
      std::is_same_v<storage_of<decltype(r = col_major)>, ctgrad::column_view<double, 3>>);
  static_assert(std::is_same_v<storage_of<decltype(r = row_major)>, ctgrad::row_view<double, 3>>);
  static_assert(
      std::is_same_v<storage_of<decltype(r = dynamic_rows)>, ctgrad::strided_row_view<double, 3>>);
  static_assert(std::is_same_v<storage_of<decltype(r = wide.block(1, 2, 4, 3))>,
                               ctgrad::column_view<double, 3>>);

  const auto every = [&](const auto& binding) {
    REQUIRE(binding.size() == 4);
    for (std::size_t i = 0; i < 4; ++i)
      for (std::size_t j = 0; j < 3; ++j)
        CHECK(binding.at(i, j) ==
              col_major(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)));
  };
  every(r = col_major);
  every(r = row_major);
  every(r = dynamic_rows);
  every(r = wide.block(1, 2, 4, 3));  // a block: stride between features 6
  every(r = wide.middleRows(1, 4).rightCols(3));
  every(r = col_major.transpose().transpose());  // through a transposed view of a transpose
  // A Map with an outer stride (leading dimension 6), and one with an inner stride too.
  every(r = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>>(wide.data() + 13, 4, 3,
                                                                       Eigen::OuterStride<>(6)));
  std::vector<double> spaced(2 * 12);
  for (std::size_t k = 0; k < 12; ++k) spaced[2 * k] = col_major.data()[k];
  every(r = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::Stride<Eigen::Dynamic, 2>>(
            spaced.data(), 4, 3, Eigen::Stride<Eigen::Dynamic, 2>(8, 2)));
  const Eigen::Ref<const Eigen::MatrixXd> ref(col_major);
  every(r = ref);
  // One row is one point.
  const auto point = (r = col_major.row(3));
  CHECK(point.size() == 1);
  CHECK(point.at(0, 2) == 33.0);

  CTGRAD_CHECK_RAISES_WITH_AS(
      static_cast<void>(r = wide),
      "ctgrad: data 'r' has 3 features (one column each), the bound Eigen matrix is 6 x 5",
      std::invalid_argument);
}

TEST_CASE("strided Eigen data give the bits of the same data contiguous (float and double)") {
  auto run = [](auto zero, std::size_t n) {
    using T = decltype(zero);
    using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto points = static_cast<Eigen::Index>(n);
    // Rows of 3 features and a target, as std::vectors (the reference) ...
    std::vector<std::array<T, 3>> rows(n);
    std::vector<T> targets(n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < 3; ++j)
        rows[i][j] = static_cast<T>(std::sin(0.37 * static_cast<double>(i * 3 + j) + 0.1));
      targets[i] = static_cast<T>(std::cos(0.11 * static_cast<double>(i)));
    }
    // ... and inside a larger column-major matrix (points along its columns, so a feature is a
    // row: stride 5) and a row-major one (a block: stride 7 between points).
    Matrix big(5, points + 2);
    big.setConstant(T(99));
    RowMajor across(points + 1, 7);
    across.setConstant(T(-99));
    for (Eigen::Index i = 0; i < points; ++i) {
      for (Eigen::Index j = 0; j < 3; ++j) {
        big(j + 1, i + 2) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
        across(i + 1, j + 2) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
      }
      big(4, i + 2) = targets[static_cast<std::size_t>(i)];
      across(i + 1, 6) = targets[static_cast<std::size_t>(i)];
    }
    const auto features = big.block(1, 2, 3, points).transpose();  // N x 3, strided points
    const auto target_row = big.row(4).tail(points);               // stride 5
    const auto features_rm = across.block(1, 2, points, 3);
    const auto target_col = across.col(6).tail(points);  // stride 7

    const auto loss = mean(log_cosh(y - (tanh(dot(v, r)) * w + b)));
    auto p = ctgrad::parameters(v = std::array<T, 3>{T(0.5), T(-0.25), T(0.125)}, w = T(1.5),
                                b = T(0.0625));
    const auto reference = ctgrad::value_and_grad(loss, wrt(v, w, b), p, r = rows, y = targets);
    const auto strided =
        ctgrad::value_and_grad(loss, wrt(v, w, b), p, r = features, y = target_row);
    const auto row_major =
        ctgrad::value_and_grad(loss, wrt(v, w, b), p, r = features_rm, y = target_col);
    static_assert(
        std::is_same_v<storage_of<decltype(r = features)>, ctgrad::strided_row_view<T, 3>>);
    CHECK(same_bits(reference.value, strided.value));
    CHECK(same_bits(reference.value, row_major.value));
    CHECK(same_bits(reference.grad.values, strided.grad.values));
    CHECK(same_bits(reference.grad.values, row_major.grad.values));
    CHECK(
        same_bits(ctgrad::evaluate(sum(y), y = targets), ctgrad::evaluate(sum(y), y = target_row)));
  };
  // 5 points: one partial packet (lanes past the end repeat the last point); 37: packets and a
  // scalar tail; 1000: blocks of packets.
  for (const std::size_t n : {std::size_t{5}, std::size_t{37}, std::size_t{1000}}) {
    CAPTURE(n);
    run(0.0f, n);
    run(0.0, n);
  }
}

TEST_CASE("sgd and train on Eigen data repeat the run on std::vector data bit for bit") {
  constexpr std::size_t n = 53;
  std::vector<float> xs(n), ys(n);
  Eigen::MatrixXf table(2, n + 1);  // x in row 0, y in row 1: both strided (stride 2)
  for (std::size_t i = 0; i < n; ++i) {
    xs[i] = static_cast<float>(i) / 10.0f;
    ys[i] = 3.0f * xs[i] - 1.0f + 0.01f * static_cast<float>(i % 7);
    table(0, static_cast<Eigen::Index>(i) + 1) = xs[i];
    table(1, static_cast<Eigen::Index>(i) + 1) = ys[i];
  }
  const auto loss = mean(square(y - (w * x + b)));
  auto from_vectors = ctgrad::parameters(w = 0.0f, b = 0.0f);
  auto from_eigen = from_vectors;
  const ctgrad::training_options options{.epochs = 30, .batch_size = 8, .shuffle = true, .seed = 5};
  const auto a = ctgrad::train(loss, from_vectors, ctgrad::dataset(x = xs, y = ys),
                               ctgrad::sgd{0.02f}, options);
  const auto eigen_data = ctgrad::dataset(x = table.row(0).tail(n), y = table.row(1).tail(n));
  const auto c = ctgrad::train(loss, from_eigen, eigen_data, ctgrad::sgd{0.02f}, options);
  CHECK(same_bits(a.loss, c.loss));
  CHECK(same_bits(from_vectors[w], from_eigen[w]));
  CHECK(same_bits(from_vectors[b], from_eigen[b]));

  // One sgd step by hand, the same.
  auto p = ctgrad::parameters(w = 0.5f, b = 0.25f);
  auto q = p;
  ctgrad::sgd{0.1f}.step(p, ctgrad::value_and_grad(loss, wrt(w, b), p, x = xs, y = ys).grad);
  ctgrad::sgd{0.1f}.step(q, ctgrad::value_and_grad(loss, wrt(w, b), q, eigen_data).grad);
  CHECK(same_bits(p[w], q[w]));
  CHECK(same_bits(p[b], q[b]));
}

TEST_CASE("parameters bind from Eigen vectors and matrices, copied, strides honoured") {
  const Eigen::MatrixXd m = sample();
  const Eigen::Vector3d fixed(1, 2, 3);
  const Eigen::VectorXd dynamic = fixed;
  CHECK((v = fixed).value == std::array{1.0, 2.0, 3.0});
  CHECK((v = dynamic).value == std::array{1.0, 2.0, 3.0});
  CHECK((v = m.row(1)).value == std::array{11.0, 12.0, 13.0});  // strided: not data()[0..2]
  CHECK((v = 2.0 * fixed).value == std::array{2.0, 4.0, 6.0});  // an expression
  CHECK((v = Eigen::Vector3f(1, 2, 3)).value == std::array{1.0f, 2.0f, 3.0f});

  const std::array<std::array<double, 3>, 2> expected{{{1, 2, 3}, {11, 12, 13}}};
  const Eigen::Matrix<double, 2, 3, Eigen::RowMajor> row_major = m.topRows(2);
  CHECK((W = m.topRows(2)).value == expected);  // column-major storage, a block
  CHECK((W = row_major).value == expected);
  CHECK((W = m.topRows(2) * Eigen::Matrix3d::Identity()).value == expected);  // a product
  CHECK((W = m.transpose().leftCols(2).transpose()).value == expected);

  CTGRAD_CHECK_RAISES_WITH_AS(static_cast<void>(v = Eigen::VectorXd(4)),
                              "ctgrad: parameter 'v' has 3 components, the bound values 4",
                              std::invalid_argument);
  CTGRAD_CHECK_RAISES_WITH_AS(static_cast<void>(v = Eigen::MatrixXd(3, 3)),
                              "ctgrad: parameter 'v' is a vector, the bound Eigen matrix is 3 x 3",
                              std::invalid_argument);
  CTGRAD_CHECK_RAISES_WITH_AS(static_cast<void>(W = m),
                              "ctgrad: parameter 'W' is 2 x 3, the bound Eigen matrix is 4 x 3",
                              std::invalid_argument);
  CTGRAD_CHECK_RAISES_WITH_AS(static_cast<void>(W = Eigen::MatrixXd(row_major.transpose())),
                              "ctgrad: parameter 'W' is 2 x 3, the bound Eigen matrix is 3 x 2",
                              std::invalid_argument);
}

TEST_CASE("gradients and parameters come back as Eigen vectors and matrices") {
  const Eigen::MatrixXd m = sample();
  const Eigen::Vector3d start(0.5, -1.0, 2.0);
  auto p = ctgrad::parameters(v = start, W = m.topRows(2));
  const auto loss = mean(square(component_sum(matvec(W, r)) - dot(v, r)));
  const auto g = ctgrad::value_and_grad(loss, wrt(v, W), p, r = m).grad;
  const Eigen::Vector3d gv = ctgrad::eigen::to_eigen(g[v]);
  const Eigen::Matrix<double, 2, 3> gW = ctgrad::eigen::to_eigen(g[W]);
  for (std::size_t k = 0; k < 3; ++k) CHECK(gv(static_cast<Eigen::Index>(k)) == g[v][k]);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      CHECK(gW(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) == g[W][i][j]);
  CHECK(ctgrad::eigen::to_eigen(p[v]) == start);
  CHECK(ctgrad::eigen::to_eigen(p[W]) == m.topRows(2));

  // map views a parameter in place: an update written through Eigen is the parameter's.
  ctgrad::eigen::map(p[v]) -= 0.5 * gv;
  for (std::size_t k = 0; k < 3; ++k)
    CHECK(p[v][k] == start(static_cast<Eigen::Index>(k)) - 0.5 * g[v][k]);
  const auto kept = g[v];
  CHECK(ctgrad::eigen::map(kept).dot(start) == gv.dot(start));
  static_assert(mappable<std::array<double, 3>&>);
  static_assert(!mappable<std::array<double, 3>>);  // a temporary such as g[v]: would dangle
}
