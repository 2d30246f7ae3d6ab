// expect: ctgrad: the expression uses a variable that has no value bound
// expect-name: param_named<'w'>
// expect-errors: 1
// Misuse: evaluating a loss with nothing bound (one error, for the first unbound variable).
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr std::array X{1.0, 2.0};
}  // namespace

double value() {
#ifdef CTGRAD_COMPILE_FAIL
  return ctgrad::evaluate(mean(w * x));
#else
  return ctgrad::evaluate(mean(w * x), w = 1.0, x = X);
#endif
}
