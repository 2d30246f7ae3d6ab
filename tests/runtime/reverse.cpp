// The reverse sweep: its numbers do not depend on whether a point was evaluated alone or in a
// SIMD packet, nor on how the data rows are laid out, and they are summed in the documented order.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <ctgrad.hpp>
#include <span>
#include <vector>

namespace {
using namespace ctgrad::literals;
constexpr ctgrad::param<"w", 3> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x", 3> x;
constexpr ctgrad::data<"y"> y;

template <class T>
T uniform(std::uint32_t& state) {
  state = state * 1664525u + 1013904223u;
  return static_cast<T>(state >> 8) / T(16777216) * T(4) - T(2);
}

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// The documented order (runtime/reduce.hpp) for one block: point i into lane i % 16, each lane
// from +0, then the used lanes left to right.
template <class T>
T ordered_sum(const std::vector<T>& terms) {
  std::array<T, 16> lanes{};
  for (std::size_t i = 0; i < terms.size(); ++i) lanes[i % 16] += terms[i];
  T s = lanes[0];
  for (std::size_t k = 1; k < 16 && k < terms.size(); ++k) s += lanes[k];
  return s;
}
}  // namespace

TEST_CASE_TEMPLATE("a packet of points gives the bits of points swept one at a time", T, float,
                   double) {
  // A loss with functions (lane by lane, or the SIMD implementations) and a shared residual.
  const auto loss = sum(log(1_c + exp(-(y * (dot(w, x) + b)))) + square(tanh(dot(w, x)) - y));
  // 1 to 3 points: the packets of 16 bytes that hold a few points whole.
  for (std::size_t n : {1, 2, 3, 6, 15, 16, 37, 1000}) {
    CAPTURE(n);
    std::uint32_t state = 11;
    std::vector<std::array<T, 3>> xs(n);
    std::vector<T> ys(n);
    for (std::size_t i = 0; i < n; ++i) {
      for (auto& c : xs[i]) c = uniform<T>(state);
      ys[i] = uniform<T>(state) > 0 ? T(1) : T(-1);
    }
    const std::array<T, 3> wv{T(0.3), T(-0.7), T(1.1)};
    const auto all = ctgrad::value_and_grad(loss, wrt(w, b), w = wv, b = T(0.2), x = xs, y = ys);
    std::vector<T> values(n), dw0(n), dw2(n), db(n);
    for (std::size_t i = 0; i < n; ++i) {  // one point at a time: the scalar path
      const std::span<const std::array<T, 3>> xi(&xs[i], 1);
      const std::span<const T> yi(&ys[i], 1);
      const auto one = ctgrad::value_and_grad(loss, wrt(w, b), w = wv, b = T(0.2), x = xi, y = yi);
      values[i] = one.value, dw0[i] = one.grad[w][0], dw2[i] = one.grad[w][2], db[i] = one.grad[b];
    }
    CHECK(same_bits(all.value, ordered_sum(values)));
    CHECK(same_bits(all.grad[w][0], ordered_sum(dw0)));
    CHECK(same_bits(all.grad[w][2], ordered_sum(dw2)));
    CHECK(same_bits(all.grad[b], ordered_sum(db)));
  }
}

TEST_CASE("rows, feature-major columns and strided columns give the same bits") {
  const std::size_t n = 53;
  std::uint32_t state = 5;
  std::vector<std::array<double, 3>> row_major(n);
  std::vector<double> ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& c : row_major[i]) c = uniform<double>(state);
    ys[i] = uniform<double>(state);
  }
  std::vector<double> feature_major(3 * n), padded(3 * 64, -99.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      feature_major[j * n + i] = row_major[i][j];
      padded[j * 64 + i] = row_major[i][j];
    }
  const auto loss = mean(square(y - tanh(dot(w, x) + b)));
  const std::array<double, 3> wv{0.5, -0.25, 1.5};
  const auto a = ctgrad::value_and_grad(loss, wrt(w, b), w = wv, b = 0.1, x = row_major, y = ys);
  const auto r = ctgrad::value_and_grad(loss, wrt(w, b), w = wv, b = 0.1,
                                        x = ctgrad::rows<3>(row_major[0].data(), n), y = ys);
  const auto c = ctgrad::value_and_grad(loss, wrt(w, b), w = wv, b = 0.1,
                                        x = ctgrad::columns<3>(feature_major.data(), n), y = ys);
  const auto s = ctgrad::value_and_grad(loss, wrt(w, b), w = wv, b = 0.1,
                                        x = ctgrad::columns<3>(padded.data(), n, 64), y = ys);
  for (const auto* other : {&r, &c, &s}) {
    CHECK(same_bits(a.value, other->value));
    for (std::size_t k = 0; k < 3; ++k) CHECK(same_bits(a.grad[w][k], other->grad[w][k]));
    CHECK(same_bits(a.grad[b], other->grad[b]));
  }
}

TEST_CASE("parameters outside the reductions, and several reductions, get their share") {
  // loss = mean(r)^2 / mean(x0^2) + 0.5 * |w|^2: the outer part is a function of two reductions
  const auto loss =
      square(mean(y - dot(w, x))) / mean(x[0_i] * x[0_i] + b * b) + 0.5 * squared_norm(w);
  const std::vector<std::array<double, 3>> xs{{1, 2, 3}, {0.5, -1, 2}, {2, 0, 1}, {-1, 1, 1}};
  const std::vector<double> ys{1, -2, 3, 0.5};
  CHECK(ctgrad::check_gradient(loss, wrt(w, b), w = std::array{0.1, -0.2, 0.3}, b = 0.7, x = xs,
                               y = ys));
  const auto g = ctgrad::value_and_grad(loss, wrt(w, b), w = std::array{0.1, -0.2, 0.3}, b = 0.7,
                                        x = xs, y = ys);
  CHECK(g.grad[b] == doctest::Approx(ctgrad::evaluate(d(loss, b), w = std::array{0.1, -0.2, 0.3},
                                                      b = 0.7, x = xs, y = ys)));
}

TEST_CASE("a loss without data, and a gradient taken at compile time") {
  constexpr auto loss = square(w[0_i] - 1_c) + 100_c * square(w[1_i] - square(w[0_i]));
  constexpr auto g = ctgrad::value_and_grad(loss, wrt(w), w = std::array{1.0, 1.0, 5.0}).grad[w];
  static_assert(g[0] == 0.0 && g[1] == 0.0 && g[2] == 0.0);  // Rosenbrock's minimum
  const auto away = ctgrad::value_and_grad(loss, wrt(w), w = std::array{-1.2, 1.0, 0.0}).grad[w];
  CHECK(away[0] == doctest::Approx(-215.6));
  CHECK(away[1] == doctest::Approx(-88.0));
}

TEST_CASE_TEMPLATE("a subexpression used twice gets one adjoint, the sum of its uses", T, float,
                   double) {
  // z = v u appears twice. Its adjoint is 1 + 2z (the uses' contributions, summed first, as
  // PyTorch accumulates a tensor's gradient), passed to v once: (1 + 2z) u per point, which is
  // not always u + 2z u, what passing each use down separately would give.
  constexpr ctgrad::param<"v"> v;
  constexpr ctgrad::data<"u"> u;
  const auto z = v * u;
  const auto loss = sum(square(z) + z);
  std::uint32_t state = 3;
  std::size_t differs = 0;
  for (std::size_t n : {std::size_t{1}, std::size_t{37}}) {
    std::vector<T> us(n);
    std::vector<T> per_point(n);
    const T vv = T(0.7);
    for (std::size_t i = 0; i < n; ++i) {
      us[i] = uniform<T>(state);
      const T zi = vv * us[i];
      per_point[i] = (T(1) + T(2) * zi) * us[i];
      differs += !same_bits(per_point[i], us[i] + T(2) * zi * us[i]);
    }
    const auto g = ctgrad::value_and_grad(loss, wrt(v), v = vv, u = us);
    CHECK(same_bits(g.grad[v], ordered_sum(per_point)));
  }
  CHECK(differs > 0);  // the data tell the two ways apart
}

TEST_CASE("run-time numbers of the same type are different leaves") {
  // 0.5 * (w0 * x0) and 0.25 * (w0 * x0) have the same type; only their numbers differ.
  constexpr ctgrad::param<"v"> v;
  constexpr ctgrad::data<"u"> u;
  const auto loss = mean(0.5 * (v * u) + 0.25 * (v * u) + 2.0 * square(v));
  const std::vector<double> us{1.0, 2.0, -4.0, 0.5};
  const auto g = ctgrad::value_and_grad(loss, wrt(v), v = 3.0, u = us);
  // d/dv: mean(0.75 u) + 4 v = 0.75 * (-0.125) + 12
  CHECK(g.grad[v] == doctest::Approx(0.75 * -0.125 + 12.0));
  CHECK(g.value == doctest::Approx(0.75 * 3.0 * -0.125 + 18.0));
}

TEST_CASE("a term that is a single leaf, and a parameter in two places") {
  constexpr ctgrad::param<"v"> v;
  constexpr ctgrad::data<"u"> u;
  const std::vector<double> us{1.0, 2.0, 3.0};
  const auto leaf = ctgrad::value_and_grad(mean(u) * v, wrt(v), v = 2.5, u = us);
  CHECK(leaf.value == 5.0);
  CHECK(leaf.grad[v] == 2.0);
  // v in a shared node and on its own: d/dv mean(v u + v u + v) = 2 mean(u) + 1
  const auto both = ctgrad::value_and_grad(mean(v * u + v * u + v), wrt(v), v = 2.5, u = us);
  CHECK(both.grad[v] == 5.0);
  CHECK(ctgrad::check_gradient(mean(exp(v * u) * (v * u) + v), wrt(v), v = 0.3, u = us));
}
