// expect: ctgrad: cannot differentiate with respect to a constant or a number
// Misuse: differentiating with respect to a plain number (2.0).
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - w * x));
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto dloss = d(loss, 2.0);
#else
[[maybe_unused]] constexpr auto dloss = d(loss, w);
#endif
