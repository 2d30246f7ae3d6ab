// expect: ctgrad: this gradient was not taken with respect to that parameter
// expect-name: param_named<'b'>
// Misuse: reading the partial derivative of a parameter that wrt() did not name.
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - (w * x + b)));
constexpr std::array X{1.0f, 2.0f, 3.0f, 4.0f};
constexpr std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
}  // namespace

float slope() {
  auto [value, grad] = ctgrad::value_and_grad(loss, wrt(w), w = 0.0f, b = 0.0f, x = X, y = Y);
#ifdef CTGRAD_COMPILE_FAIL
  return value + grad[b];
#else
  return value + grad[w];
#endif
}
