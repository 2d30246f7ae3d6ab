// expect: ctgrad: log() of a compile-time constant that is not positive
// Misuse: the logarithm of a constant that is not positive.
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = w * log(-2_c);
#else
[[maybe_unused]] constexpr auto e = w * log(2_c);
#endif
