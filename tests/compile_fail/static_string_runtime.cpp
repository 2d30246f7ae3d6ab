// expect: ctgrad: to_static_string() needs an expression without runtime numbers
// Misuse: printing at compile time an expression that holds a runtime number (2.0).
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto text = to_static_string(w * 2.0);
#else
[[maybe_unused]] constexpr auto text = to_static_string(w * 2_c);
#endif
