// expect: ctgrad: the _c literal takes decimal digits and one '.' only
// expect-errors: 1
// Misuse: an exponent in a _c literal (1e3_c).
#include <ctgrad.hpp>

using namespace ctgrad::literals;

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = 1e3_c;
#else
[[maybe_unused]] constexpr auto e = 1000_c;
#endif
