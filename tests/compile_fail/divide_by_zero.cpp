// expect: ctgrad: division by the compile-time constant 0
// Misuse: dividing by the constant 0_c.
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = w / 0_c;
#else
[[maybe_unused]] constexpr auto e = w / 2_c;
#endif
