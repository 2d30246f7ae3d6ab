// expect: ctgrad: asin() of a compile-time constant outside [-1, 1]
// Misuse: the arc sine of a constant outside [-1, 1].
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = w * asin(-3_c);
#else
[[maybe_unused]] constexpr auto e = w * asin(-1_c);
#endif
