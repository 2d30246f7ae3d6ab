// expect: ctgrad: a parameter takes a floating-point value
// known-bad: gcc: param<>::operator= for a non-floating-point value is declared void, so g++ first reports 'invalid use of void expression' at the call and only then the ctgrad: message
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
