// expect: ctgrad: the _c literal does not fit in 64 bits
// expect-errors: 1
// Misuse: a _c literal larger than 64-bit integers hold.
#include <ctgrad.hpp>

using namespace ctgrad::literals;

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = 99999999999999999999_c;
#else
[[maybe_unused]] constexpr auto e = 999999999999999999_c;
#endif
