// Vector and matrix operations: shapes, simplification, values against hand loops, and every
// derivative rule (in reverse form) against central finite differences.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <ctgrad.hpp>
#include <type_traits>
#include <vector>

namespace {
using namespace ctgrad::literals;
constexpr ctgrad::param<"w", 3> w;
constexpr ctgrad::param<"v", 4> v;
constexpr ctgrad::param<"W", 4, 3> W;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x", 3> x;
constexpr ctgrad::data<"y"> y;

template <class E, class S>
constexpr bool has_shape = std::is_same_v<ctgrad::shape_of_t<E>, S>;

// Shapes follow the operations.
static_assert(has_shape<decltype(w), ctgrad::shape<3>> &&
              has_shape<decltype(W), ctgrad::shape<4, 3>>);
static_assert(has_shape<decltype(dot(w, x)), ctgrad::shape<>>);
static_assert(has_shape<decltype(W * x), ctgrad::shape<4>>);
static_assert(has_shape<decltype(tanh(W * x) + v), ctgrad::shape<4>>);
static_assert(has_shape<decltype(b * w), ctgrad::shape<3>>);  // a scalar broadcasts
static_assert(has_shape<decltype(w[1_i]), ctgrad::shape<>>);
static_assert(has_shape<decltype(squared_norm(W)), ctgrad::shape<>>);
static_assert(has_shape<decltype(mean(x * y)), ctgrad::shape<3>>);

// d with respect to a vector is an expression of the vector's shape.
static_assert(d(dot(w, x), w) == x);
static_assert(d(dot(w, x), b) == 0_c);
static_assert(d(mean(square(y - dot(w, x))), w) == mean(-2_c * x * (y - dot(w, x))));
static_assert(has_shape<decltype(d(mean(square(y - dot(w, x))), w)), ctgrad::shape<3>>);
static_assert(d(w[1_i], w) == ctgrad::scatter<1, ctgrad::shape<3>>(1_c));
static_assert(d(component_sum(w), w) == ctgrad::broadcast<ctgrad::shape<3>>(1_c));
static_assert(d(squared_norm(w), w) == 2_c * w);
static_assert(d(dot(v, W* x), W) == ctgrad::outer(v, x));
// a scalar parameter broadcast over a vector receives the sum of its adjoint's components
static_assert(d(dot(v, W* x + b), b) == component_sum(v));

// Components are taken through element-wise operations, reductions and outer products.
static_assert(ctgrad::component<2>(mean(x * y)) == mean(x[2_i] * y));
static_assert(ctgrad::component<1>(b * w + x) == b * w[1_i] + x[1_i]);
static_assert(ctgrad::component<5>(ctgrad::outer(v, x)) == v[1_i] * x[2_i]);
static_assert(ctgrad::component<0>(ctgrad::scatter<1, ctgrad::shape<3>>(b)) == 0_c);
static_assert(ctgrad::to_static_string(w[1_i] * x[0_i]) == "w[1] * x[0]");
static_assert(ctgrad::to_static_string(W * x) == "W * x");

// Values, in constant expressions.
constexpr std::array<double, 3> wv{0.5, -1.0, 2.0};
constexpr std::array<std::array<double, 3>, 4> Wv{
    {{1.0, 2.0, 3.0}, {-1.0, 0.5, 0.0}, {0.25, 0.0, -2.0}, {4.0, 1.0, 1.0}}};
constexpr std::array<double, 3> xv{1.5, 2.0, -0.5};
static_assert(ctgrad::evaluate(dot(w, x), w = wv, x = xv) == 0.75 - 2.0 - 1.0);
static_assert(ctgrad::evaluate(W * x, W = Wv, x = xv)[0] == 1.5 + 4.0 - 1.5);
static_assert(ctgrad::evaluate(squared_norm(w), w = wv) == 0.25 + 1.0 + 4.0);
static_assert(ctgrad::evaluate(w[2_i], w = wv) == 2.0);
}  // namespace

TEST_CASE("matrix operations compute what a hand loop computes, bit for bit") {
  std::array<double, 4> mv{};  // W x
  for (std::size_t i = 0; i < 4; ++i) {
    double s = Wv[i][0] * xv[0];
    for (std::size_t j = 1; j < 3; ++j) s += Wv[i][j] * xv[j];
    mv[i] = s;
  }
  CHECK(ctgrad::evaluate(W * x, W = Wv, x = xv) == mv);
  CHECK(ctgrad::evaluate(ctgrad::matvec(W, x), W = Wv, x = xv) == mv);
  const std::array<double, 4> av{0.5, -2.0, 1.0, 3.0};
  std::array<double, 3> tv{};  // W^T v
  for (std::size_t j = 0; j < 3; ++j) {
    double s = Wv[0][j] * av[0];
    for (std::size_t i = 1; i < 4; ++i) s += Wv[i][j] * av[i];
    tv[j] = s;
  }
  CHECK(ctgrad::evaluate(ctgrad::transposed_matvec(W, v), W = Wv, v = av) == tv);
  const auto o = ctgrad::evaluate(ctgrad::outer(v, x), v = av, x = xv);
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 3; ++j) CHECK(o[i][j] == av[i] * xv[j]);
  // a matrix parameter binds from a flat (row-major) array as well as from a nested one
  const std::array<double, 12> flat{1.0, 2.0, 3.0, -1.0, 0.5, 0.0, 0.25, 0.0, -2.0, 4.0, 1.0, 1.0};
  CHECK(ctgrad::evaluate(W * x, W = flat, x = xv) == mv);
}

namespace {
// Every component of value_and_grad's gradient against central differences of the loss, and
// against the symbolic d() evaluated.
template <class E, class... Ps, class... Bs>
void check_all(const E& loss, ctgrad::wrt_t<Ps...> variables, const Bs&... bindings) {
  CHECK(ctgrad::check_gradient(loss, variables, ctgrad::relative_tolerance{1e-7}, bindings...));
  const auto g = ctgrad::value_and_grad(loss, variables, bindings...).grad;
  auto agrees = [&](auto p) {
    const auto symbolic = ctgrad::evaluate(d(loss, p), bindings...);
    const auto swept = g[p];
    for (std::size_t k = 0; k < ctgrad::shape_of_t<decltype(p)>::size; ++k) {
      const double s = ctgrad::detail::flat_at(symbolic, k);
      const double r = ctgrad::detail::flat_at(swept, k);
      CHECK(std::abs(s - r) <= 1e-12 * std::max(1.0, std::abs(s)));
    }
  };
  (agrees(Ps{}), ...);
}

const std::vector<std::array<double, 3>> rows{
    {1.0, 2.0, 3.0}, {0.5, -1.0, 2.0}, {2.0, 0.0, 1.0}, {-1.0, 1.0, 1.0}, {0.3, 0.2, 0.1}};
const std::vector<double> targets{1.0, -2.0, 3.0, 0.5, 5.0};
}  // namespace

TEST_CASE("derivative rules of the shaped operations agree with finite differences") {
  const std::array<double, 4> vv{0.5, -0.4, 0.3, 0.2};
  for (double scale : {-1.0, 0.1, 0.7}) {
    CAPTURE(scale);
    const std::array<double, 3> ws{scale, -0.2, 0.3 * scale};
    auto Ws = Wv;
    for (auto& row : Ws)
      for (auto& c : row) c *= scale;
    check_all(mean(square(y - (dot(w, x) + b))), wrt(w, b), w = ws, b = 0.5, x = rows, y = targets);
    check_all(mean(square(y - (dot(v, tanh(W * x + b)) + b))), wrt(W, v, b), W = Ws, v = vv,
              b = 0.1 * scale, x = rows, y = targets);
    check_all(mean(log(1_c + exp(-(y * dot(w, x))))) + 0.01 * squared_norm(w), wrt(w), w = ws,
              x = rows, y = targets);
    check_all(mean(square(w[0_i] * x[2_i] - component_sum(w * x) / y)), wrt(w), w = ws, x = rows,
              y = targets);
    check_all(mean(dot(ctgrad::transposed_matvec(W, v), x) * y), wrt(W, v), W = Ws, v = vv,
              x = rows, y = targets);
    check_all(mean(component_sum(exp(ctgrad::outer(v, x) * scale))), wrt(v), v = vv, x = rows);
    check_all(mean(square(dot(w / (x * x + 1_c), x) - y)), wrt(w), w = ws, x = rows, y = targets);
  }
}
