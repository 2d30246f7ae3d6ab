// expect: ctgrad: log1p() of a compile-time constant that is not > -1
// Misuse: log(1 + u) of a constant at or below -1.
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = w * log1p(-1_c);
#else
[[maybe_unused]] constexpr auto e = w * log1p(-1_c / 2_c);
#endif
