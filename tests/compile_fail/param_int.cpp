// expect: ctgrad: a parameter takes a floating-point value
// expect-name: param_named<'w'>
// Misuse: binding an int to a parameter.
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr std::array X{1.0, 2.0, 3.0, 4.0};
}  // namespace

double value() {
#ifdef CTGRAD_COMPILE_FAIL
  return evaluate(mean(w * x), w = 1, x = X);
#else
  return evaluate(mean(w * x), w = 1.0, x = X);
#endif
}
