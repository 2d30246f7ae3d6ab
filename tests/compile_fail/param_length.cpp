// expect: ctgrad: the array bound to a shaped parameter (named in the condition above)
// expect-name: param_named<'w'>
// Misuse: binding an array of 7 values to a parameter of 8 components.
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w", 8> w;
}  // namespace

double value() {
#ifdef CTGRAD_COMPILE_FAIL
  const auto p = ctgrad::parameters(w = std::array<double, 7>{});
#else
  const auto p = ctgrad::parameters(w = std::array<double, 8>{});
#endif
  return p[w][0];
}
