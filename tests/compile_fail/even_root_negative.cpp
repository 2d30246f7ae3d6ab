// expect: ctgrad: pow<N, D>() with an even D of a negative compile-time constant
// Misuse: a rational power with an even denominator of a negative constant.
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = w * pow<3, 2>(-4_c);
#else
[[maybe_unused]] constexpr auto e = w * pow<3, 2>(4_c);
#endif
