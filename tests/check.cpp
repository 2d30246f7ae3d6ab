#include <doctest/doctest.h>

#include <array>
#include <ctgrad.hpp>

namespace {
using namespace ctgrad::literals;
using ctgrad::pow;
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr std::array X{1.0f, 2.0f, 3.0f, 4.0f};
constexpr std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
constexpr std::array<double, 5> Xd{0.5, -1.0, 2.0, 3.5, 0.25};
constexpr std::array<double, 5> Yd{1.0, 0.5, -2.0, 1.5, 3.0};

// The reach documented beside check_gradient: 600 points of the seed's loss fit the default
// constant-evaluation budget of clang 14 and g++ 12 (issue 11: clang stopped at 500 before the
// reverse sweep). The data are built in a constant evaluation of their own.
constexpr auto many_points = [](double scale) {
  std::array<double, 600> v{};
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = scale * static_cast<double>(i % 7 + 1);
  return v;
};
constexpr auto X600 = many_points(1.0);
constexpr auto Y600 = many_points(2.0);
static_assert(ctgrad::check_gradient(mean(square(y - w * x)), wrt(w), w = 0.5, x = X600, y = Y600));

// The examples' losses, checked against finite differences by the compiler.
static_assert(ctgrad::check_gradient(mean(square(y - w * x)), wrt(w), w = 0.0f, x = X, y = Y));
static_assert(ctgrad::check_gradient(mean(square(y - w * x)), wrt(w), w = 1.3f, x = X, y = Y));
static_assert(ctgrad::check_gradient(mean(square(y - (w * x + b))), wrt(w, b), w = 0.5, b = -0.2,
                                     x = Xd, y = Yd));

// Every function, through the chain rule, at a few points (tight tolerance: exact math).
template <class E>
constexpr bool checks_at(E e, double a, double c) {
  if constexpr (ctgrad::has_data_v<E>)
    return ctgrad::check_gradient(mean(e), wrt(w, b), ctgrad::relative_tolerance{1e-7}, w = a,
                                  b = c, x = Xd);
  else
    return ctgrad::check_gradient(e, wrt(w, b), ctgrad::relative_tolerance{1e-7}, w = a, b = c);
}
constexpr auto every_function = exp(w * x) + log(square(w) + 1_c) + sqrt(square(x) + b * b) +
                                sin(w * b) + cos(w + x) + tan(w / 4_c) + tanh(b * x) +
                                pow<-2>(w + 3_c) + x / (w + 2_c);
static_assert(checks_at(every_function, 0.3, 0.7));
static_assert(checks_at(every_function, -0.8, 1.9));
static_assert(checks_at(every_function, 1.1, -0.4));
static_assert(checks_at(exp(w * x), 0.0, 0.0) && checks_at(log(w * w + x * x), 0.5, 0.0));
static_assert(checks_at(sqrt(w * w + 1e-3), 1e-4, 0.0));

// An operation with a deliberately wrong derivative rule is caught: cube(u) claims 2 u du.
struct wrong_cube_op : ctgrad::function_operation {
  [[maybe_unused]] static constexpr std::string_view name = "wrong_cube";
  template <class T>
  static constexpr T apply(T u) noexcept {
    return u * u * u;
  }
  template <std::size_t>
  static constexpr auto pullback(auto a, auto, auto u) noexcept {
    return 2_c * u * a;
  }
};
template <ctgrad::expression E>
constexpr auto wrong_cube(E u) {
  return ctgrad::make_node<wrong_cube_op>(u);
}
static_assert(!ctgrad::check_gradient(mean(wrong_cube(w * x)), wrt(w), w = 0.7, x = Xd));
static_assert(!ctgrad::check_gradient(mean(wrong_cube(w * x) + y), wrt(w), w = 1.0, x = Xd,
                                      y = Yd));
static_assert(ctgrad::check_gradient(mean(pow<3>(w * x) + y), wrt(w), w = 0.7, x = Xd, y = Yd));

// The hand-written numpy gradient of the seed: sum instead of mean, N = 4 times too large.
constexpr auto hand_numpy = sum(2_c * x * (w * x - y));
constexpr auto hand_right = mean(2_c * x * (w * x - y));
constexpr auto loss = mean(square(y - w * x));
constexpr auto numpy_check =
    ctgrad::compare_gradient(d(loss, w), hand_numpy, w = 0.0f, x = X, y = Y);
static_assert(!numpy_check.agrees && numpy_check.num == 4 && numpy_check.den == 1);
static_assert(ctgrad::gradient_matches<ctgrad::compare_gradient(d(loss, w), hand_right, w = 0.0f,
                                                                x = X, y = Y)>);
}  // namespace

TEST_CASE("gradient checks also run at run time") {
  CHECK(ctgrad::check_gradient(mean(square(y - w * x)), wrt(w), w = 0.25, x = Xd, y = Yd));
  const auto c = ctgrad::compare_gradient(d(mean(x * w * w), w), mean(x * w), w = 1.5, x = Xd);
  CHECK_FALSE(c.agrees);
  CHECK(c.num == 1);
  CHECK(c.den == 2);
}
