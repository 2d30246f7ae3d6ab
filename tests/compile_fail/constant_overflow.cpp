// expect: ctgrad: overflow while folding a compile-time constant
// expect-errors: 1
// Misuse: a constant power whose value does not fit in 64 bits (2^64).
#include <ctgrad.hpp>

using namespace ctgrad::literals;

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto e = ctgrad::pow<64>(2_c);
#else
[[maybe_unused]] constexpr auto e = ctgrad::pow<62>(2_c);
#endif
