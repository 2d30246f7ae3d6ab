// expect: ctgrad: the gradient does not match the exact derivative
// expect-name: hand_gradient_is_off_by_factor<4, 1>
// Misuse: a hand-written gradient that sums where the loss takes a mean, so it is N = 4 times
// too large (the seed notebook's numpy gradient).
#include <array>
#include <ctgrad.hpp>

using namespace ctgrad::literals;

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - w * x));
constexpr std::array X{1.f, 2.f, 3.f, 4.f};
constexpr std::array Y{2.f, 4.f, 6.f, 8.f};
}  // namespace

#ifdef CTGRAD_COMPILE_FAIL
static_assert(ctgrad::gradient_matches<ctgrad::compare_gradient(
                  d(loss, w), sum(2_c * x * (w * x - y)), w = 0.0f, x = X, y = Y)>);
#else
static_assert(ctgrad::gradient_matches<ctgrad::compare_gradient(
                  d(loss, w), mean(2_c * x * (w * x - y)), w = 0.0f, x = X, y = Y)>);
#endif
