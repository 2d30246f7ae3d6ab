// expect: ctgrad: bool is not a number in ctgrad arithmetic
// Misuse: adding a bool to an expression (bool is not a number to ctgrad).
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

void build() {
#ifdef CTGRAD_COMPILE_FAIL
  [[maybe_unused]] auto e = w + true;
#else
  [[maybe_unused]] auto e = w + 1.0;
#endif
}
