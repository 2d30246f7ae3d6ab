// expect: ctgrad: an arithmetic operator needs a ctgrad expression or a plain number on each side
// Misuse: multiplying an expression by something that is neither an expression nor a number.
#include <ctgrad.hpp>
#include <string>

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

void build() {
#ifdef CTGRAD_COMPILE_FAIL
  [[maybe_unused]] auto e = w * std::string("a");
#else
  [[maybe_unused]] auto e = w * 2.0;
#endif
}
