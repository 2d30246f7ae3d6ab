// expect: ctgrad: a reduction inside a reduction (e.g. mean(x - mean(x))) is not supported
// Misuse: a reduction inside a reduction (centering by the mean).
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"m"> m;
constexpr ctgrad::data<"x"> x;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto variance = mean(square(x - mean(x)));
#else
[[maybe_unused]] constexpr auto variance = mean(square(x - m));
#endif
