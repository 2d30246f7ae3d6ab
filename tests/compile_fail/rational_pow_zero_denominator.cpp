// expect: ctgrad: pow<N, D>(u) with D = 0
// Misuse: a rational power with a zero denominator.
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = w * ctgrad::pow<1, 0>(w);
#else
[[maybe_unused]] constexpr auto e = w * ctgrad::pow<1, 3>(w);
#endif
