// expect: ctgrad: this parameter set has no such parameter
// expect-name: param_named<'b'>
// expect-errors: 1
// Misuse: reading p[b] from a parameter set that holds only w.
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::param<"b"> b;
}  // namespace

double read() {
  auto p = ctgrad::parameters(w = 1.0);
#ifdef CTGRAD_COMPILE_FAIL
  return p[b];
#else
  return p[w];
#endif
}
