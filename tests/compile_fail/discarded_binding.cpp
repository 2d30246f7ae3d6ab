// expect: ctgrad: w = value makes a binding and does nothing by itself
// Misuse: the statement `w = 0.5;`, which binds nothing anywhere (a warning; an error here).
#include <ctgrad.hpp>

// The binding types are [[nodiscard]]: compilers warn, and this case makes the warning an error.
#pragma GCC diagnostic error "-Wunused-result"

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

void set() {
#ifdef CTGRAD_COMPILE_FAIL
  w = 0.5;
#else
  [[maybe_unused]] const auto binding = (w = 0.5);
#endif
}
