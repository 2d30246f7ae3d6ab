// expect: ctgrad: a parameter is named twice in wrt()
// expect-name: param_named<'w'>
// Misuse: naming the same parameter twice in wrt().
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - w * x));
constexpr std::array X{1.0f, 2.0f, 3.0f, 4.0f};
constexpr std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
}  // namespace

float slope() {
#ifdef CTGRAD_COMPILE_FAIL
  auto [value, grad] = ctgrad::value_and_grad(loss, wrt(w, w), w = 0.0f, x = X, y = Y);
#else
  auto [value, grad] = ctgrad::value_and_grad(loss, wrt(w), w = 0.0f, x = X, y = Y);
#endif
  return value + grad[w];
}
