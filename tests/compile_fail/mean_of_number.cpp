// expect: ctgrad: mean() and sum() take a ctgrad expression over data, not a plain number
// expect-errors: 1
// Misuse: ctgrad::mean of a plain number.
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::data<"x"> x;
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] const auto e = ctgrad::mean(2.0);
#else
[[maybe_unused]] const auto e = ctgrad::mean(2.0 * x);
#endif
