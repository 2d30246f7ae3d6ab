// expect: ctgrad: cannot differentiate with respect to a data variable
// expect-name: data_named<'x'>
// Misuse: asking value_and_grad for the gradient with respect to a data column.
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - w * x));
constexpr std::array X{1.0f, 2.0f, 3.0f, 4.0f};
constexpr std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
}  // namespace

float value() {
#ifdef CTGRAD_COMPILE_FAIL
  auto [value, grad] = ctgrad::value_and_grad(loss, wrt(w, x), w = 0.0f, x = X, y = Y);
#else
  auto [value, grad] = ctgrad::value_and_grad(loss, wrt(w), w = 0.0f, x = X, y = Y);
#endif
  return value + grad[w];
}
