// expect: ctgrad: d(e, w) differentiates a ctgrad expression; the first argument is a plain number
// expect-errors: 1
// Misuse: differentiating a plain number, d(2.0, w).
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] const auto e = d(2.0, w);
#else
[[maybe_unused]] const auto e = d(2.0 * w, w);
#endif
