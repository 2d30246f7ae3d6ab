// expect: ctgrad: binding a temporary container to a data column would leave a dangling view
// Misuse: binding a temporary std::vector to a data column (the binding is a view).
#include <array>
#include <ctgrad.hpp>
#include <vector>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - w * x));
constexpr std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
}  // namespace

float value() {
  const std::vector<float> X{1.0f, 2.0f, 3.0f, 4.0f};
#ifdef CTGRAD_COMPILE_FAIL
  return evaluate(loss, w = 0.0f, x = std::vector<float>{1.0f, 2.0f, 3.0f, 4.0f}, y = Y);
#else
  return evaluate(loss, w = 0.0f, x = X, y = Y);
#endif
}
