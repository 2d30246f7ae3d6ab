// expect: ctgrad: cannot differentiate with respect to a constant
// Misuse: differentiating with respect to a compile-time constant (2_c).
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - w * x));
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto dloss = d(loss, 2_c);
#else
[[maybe_unused]] constexpr auto dloss = d(loss, w);
#endif
