// expect: ctgrad: the expression inside mean()/sum() simplified to a compile-time constant
// expect-errors: 1
// Misuse: mean(x - x), which simplification folds to mean(0).
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = mean(x - x);
#else
[[maybe_unused]] constexpr auto e = mean(x - w);
#endif
