// expect: ctgrad: the expression uses a variable that has no value bound
// expect-name: param_named<'w'>
// Misuse: evaluating a loss without a value for its parameter w.
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
  return evaluate(loss, x = X, y = Y);
#else
  return evaluate(loss, w = 0.0f, x = X, y = Y);
#endif
}
