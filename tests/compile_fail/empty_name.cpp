// expect: ctgrad: a parameter needs a name
// Misuse: a parameter with an empty name, param<"">, which would print as nothing.
#include <ctgrad.hpp>

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr ctgrad::param<""> w;
#else
[[maybe_unused]] constexpr ctgrad::param<"w"> w;
#endif
