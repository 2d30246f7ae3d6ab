// expect: ctgrad: a data column (named in the condition above) is used outside mean()/sum()
// expect-name: data_named<'x'>
// Misuse: a data column bound to a whole column, used outside any reduction.
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr std::array X{1.0, 2.0, 3.0, 4.0};
}  // namespace

double value() {
#ifdef CTGRAD_COMPILE_FAIL
  return evaluate(w * x, w = 1.0, x = X);
#else
  return evaluate(mean(w * x), w = 1.0, x = X);
#endif
}
