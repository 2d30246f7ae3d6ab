// expect: ctgrad: a name is bound twice in one call
// expect-name: param_named<'w'>
// Misuse: binding the same parameter twice in one evaluation.
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
  return evaluate(loss, w = 0.0f, x = X, y = Y, w = 1.0f);
#else
  return evaluate(loss, w = 0.0f, x = X, y = Y);
#endif
}
