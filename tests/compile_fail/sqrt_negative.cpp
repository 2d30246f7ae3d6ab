// expect: ctgrad: sqrt() of a negative compile-time constant
// Misuse: the square root of a negative constant.
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = w * sqrt(-2_c);
#else
[[maybe_unused]] constexpr auto e = w * sqrt(2_c);
#endif
