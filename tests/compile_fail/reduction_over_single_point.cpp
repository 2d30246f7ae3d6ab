// expect: ctgrad: mean()/sum() needs data: bind at least one data column
// Misuse: evaluating a reduction with only a single point bound to its data variable.
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr std::array X{2.0};
}  // namespace

double value() {
#ifdef CTGRAD_COMPILE_FAIL
  return evaluate(mean(w * x), w = 1.0, x = 2.0) + X[0];
#else
  return evaluate(mean(w * x), w = 1.0, x = X) + X[0];
#endif
}
