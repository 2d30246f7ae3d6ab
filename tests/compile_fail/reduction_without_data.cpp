// expect: ctgrad: mean()/sum() of an expression with no data variable
// Misuse: a reduction over an expression that mentions no data column.
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto penalty = mean(w * w);
#else
[[maybe_unused]] constexpr auto penalty = mean(w * x);
#endif
