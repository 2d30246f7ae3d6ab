// expect: ctgrad: cannot differentiate with respect to a data variable
// expect-name: data_named<'x'>
// Misuse: differentiating with respect to a data column; only a param<> is a differentiation
// variable.
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - w * x));
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
[[maybe_unused]] constexpr auto dloss = d(loss, x);
#else
[[maybe_unused]] constexpr auto dloss = d(loss, w);
#endif
