// expect: ctgrad: acos() of a compile-time constant outside [-1, 1]
// Misuse: the arc cosine of a constant outside [-1, 1].
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = w * acos(2_c);
#else
[[maybe_unused]] constexpr auto e = w * acos(1_c / 2_c);
#endif
