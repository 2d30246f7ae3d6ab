#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <ctgrad.hpp>
#include <limits>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {
using namespace ctgrad::literals;
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
}  // namespace

TEST_CASE("the evaluation type follows the bound values") {
  const std::array<float, 2> xf{1.0f, 2.0f};
  const std::array<double, 2> xd{1.0, 2.0};
  static_assert(std::is_same_v<decltype(ctgrad::evaluate(mean(w * x), w = 1.0f, x = xf)), float>);
  static_assert(std::is_same_v<decltype(ctgrad::evaluate(mean(w * x), w = 1.0, x = xd)), double>);
  static_assert(std::is_same_v<decltype(ctgrad::evaluate(mean(w * x), w = 1.0, x = xf)), double>);
  static_assert(std::is_same_v<decltype(ctgrad::evaluate(2_c * 3_c)), double>);
  // a double literal in the expression is rounded to float for float evaluation
  CHECK(ctgrad::evaluate(w * 0.1, w = 1.0f) == 0.1f);
  CHECK(ctgrad::evaluate(w / 3_c, w = 1.0f) == 1.0f / 3.0f);
}

TEST_CASE("a model evaluates at a single data point") {
  CHECK(ctgrad::evaluate(w * x + b, w = 2.0, b = 1.0, x = 5.0) == 11.0);
  auto p = ctgrad::parameters(w = 2.0f, b = -1.0f);
  CHECK(ctgrad::evaluate(w * x + b, p, x = 5.0f) == 9.0f);
}

TEST_CASE("expressions mixing reductions and parameters evaluate in one pass") {
  const std::vector<double> xs{1, 2, 3, 4};
  const std::vector<double> ys{3, 5, 7, 9};
  CHECK(ctgrad::evaluate(mean(x) * w + sum(y) / mean(y), w = 2.0, x = xs, y = ys) == 5.0 + 4.0);
  CHECK(ctgrad::evaluate(mean(square(y - (w * x + b))), w = 2.0, b = 1.0, x = xs, y = ys) == 0.0);
}

TEST_CASE("evaluation works in constant expressions") {
  constexpr std::array<double, 3> xs{1, 2, 3};
  constexpr double v = ctgrad::evaluate(sum(square(x - w)), w = 2.0, x = xs);
  static_assert(v == 2.0);
  CHECK(v == 2.0);
}

namespace {
// exp with a call counter: shows how often evaluation computes a subexpression per point.
struct counted_exp_op : ctgrad::function_operation {
  [[maybe_unused]] static constexpr std::string_view name = "counted_exp";
  static inline long calls = 0;
  template <class T>
  static T apply(T u) noexcept {
    ++calls;
    return std::exp(u);
  }
  // the rule reuses the value from the forward pass, so exp runs once per point
  template <std::size_t>
  static constexpr auto pullback(auto a, auto out, auto) noexcept {
    return a * out;
  }
};
template <ctgrad::expression E>
constexpr auto counted_exp(E u) {
  return ctgrad::make_node<counted_exp_op>(u);
}
}  // namespace

TEST_CASE("a subexpression shared by the loss and its gradient is computed once per point") {
  // loss = mean(square(y - e)), d loss/dw = mean(-2 * x * e * (y - e)) with e = counted_exp(w * x)
  const auto loss = mean(square(y - counted_exp(w * x)));
  for (std::size_t n : {std::size_t{5}, std::size_t{16}, std::size_t{100}, std::size_t{4099}}) {
    CAPTURE(n);
    std::vector<double> xs(n, 0.5), ys(n, 1.0);
    counted_exp_op::calls = 0;
    const auto r = ctgrad::value_and_grad(loss, wrt(w), w = 0.3, x = xs, y = ys);
    CHECK(counted_exp_op::calls == static_cast<long>(n));
    CHECK(r.grad[w] == doctest::Approx(-2 * 0.5 * std::exp(0.15) * (1 - std::exp(0.15))));
  }
}

TEST_CASE("a reduction adds its terms as written, constant factors included") {
  // mean(-2 * x * (y - w * x)) is ((-2 * x) * (y - w * x)) at every point, summed in order.
  using namespace ctgrad::literals;
  std::uint32_t state = 7;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 16777216.0f * 6.0f - 3.0f;
  };
  for (std::size_t n = 1; n <= 16; ++n) {
    std::vector<float> xs(n), ys(n);
    for (std::size_t i = 0; i < n; ++i) xs[i] = next(), ys[i] = next();
    const float wv = next();
    float by_hand = 0;
    for (std::size_t i = 0; i < n; ++i) by_hand += -2.0f * xs[i] * (ys[i] - wv * xs[i]);
    by_hand /= static_cast<float>(n);
    CAPTURE(n);
    CHECK(ctgrad::evaluate(mean(-2_c * x * (y - w * x)), w = wv, x = xs, y = ys) == by_hand);
    CHECK(ctgrad::evaluate(mean(x / 4_c), x = xs) == ctgrad::evaluate(mean(x), x = xs) / 4.0f);
  }
}

TEST_CASE("a bare variable is an expression too") {
  CHECK(ctgrad::evaluate(w, w = 2.0) == 2.0);
  CHECK(ctgrad::evaluate(x, x = 3.0f) == 3.0f);
  CHECK(ctgrad::evaluate(d(w * b, w), w = 1.0, b = 3.0) == 3.0);  // d(w * b, w) is b
  const auto [db] = grad(w * b, b);
  CHECK(db == w);
  static_assert(!std::is_assignable_v<const ctgrad::param<"w">&, const ctgrad::param<"w">&>);
}

TEST_CASE("a reduction starts from +0, and a fraction stays at every term") {
  using namespace ctgrad::literals;
  const double big = std::numeric_limits<double>::max();
  const std::vector<double> zero{0.0};
  const std::vector<double> none;
  const std::vector<double> two_big{big, big};
  CHECK(!std::signbit(ctgrad::evaluate(mean(-x), x = zero)));  // as -0 + ... would give: +0
  CHECK(!std::signbit(ctgrad::evaluate(sum(-x), x = none)));
  CHECK(!std::signbit(ctgrad::evaluate(sum(-2_c * x * w), w = 1.0, x = zero)));
  // 1/2 * big + 1/2 * big is big; taking 1/2 out would overflow to inf first
  CHECK(ctgrad::evaluate(sum(1_c / 2_c * x), x = two_big) == big);
}

// Issue 11: taking the -2 out of mean(-2 * x * r) regrouped (-2 * x) * r into -2 * (x * r),
// which loses the last bit where x * r is subnormal, and gave a finite sum where the terms
// overflow. Evaluation is term by term now; these data failed before.
template <class T>
void check_term_by_term(T tiny, T huge) {
  using namespace ctgrad::literals;
  const std::vector<T> xs{tiny, T(0.75) * tiny, T(3)};
  const std::vector<T> ys{T(0.5), T(0.25), T(-1)};
  const T wv = 0;
  T by_hand = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const T term = (T(-2) * xs[i]) * (ys[i] - wv * xs[i]);
    by_hand = by_hand + term;
  }
  by_hand = by_hand / T(3);
  const auto dloss = d(mean(square(y - w * x)), w);
  static_assert(dloss == mean(-2_c * x * (y - w * x)));
  CHECK(ctgrad::evaluate(dloss, w = wv, x = xs, y = ys) == by_hand);
  // A single subnormal product: (-2 * x) * 0.5 is -x exactly; -2 * (x * 0.5) is not.
  const std::vector<T> one_x{tiny}, one_y{T(0.5)};
  CHECK(ctgrad::evaluate(dloss, w = wv, x = one_x, y = one_y) == -tiny);
  CHECK(ctgrad::value_and_grad(mean(square(y - w * x)), wrt(w), w = wv, x = one_x, y = one_y)
            .grad[w] == -tiny);
  // Near overflow (constant<2>, not 2_c: clang 14 leaves a consteval literal call inside a
  // doctest CHECK in a template unevaluated, an undefined symbol at link time): 2 * huge is inf, so
  // the terms are +inf and -inf and their sum is NaN, as a plain loop gives; the factor taken out
  // would have given 2 * (huge - huge) = 0.
  const std::vector<T> big{huge, -huge}, ones{T(1), T(1)};
  CHECK(std::isnan(ctgrad::evaluate(sum(ctgrad::constant<2> * x * y), x = big, y = ones)));
  CHECK(ctgrad::evaluate(sum(x * y), x = big, y = ones) == T(0));
}

TEST_CASE("subnormal and near-overflow data are evaluated term by term, in float and double") {
  check_term_by_term<float>(0x1.000002p-126f, std::numeric_limits<float>::max());
  check_term_by_term<double>(0x1.0000000000001p-1022, std::numeric_limits<double>::max());
}
