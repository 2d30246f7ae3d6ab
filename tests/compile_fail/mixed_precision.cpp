// expect: ctgrad: data columns of different scalar types (e.g. float and double) in one evaluation
// Misuse: a float column and a double column in one evaluation.
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr ctgrad::data<"y"> y;
constexpr auto loss = mean(square(y - w * x));
constexpr std::array X{1.0f, 2.0f, 3.0f, 4.0f};
constexpr std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
[[maybe_unused]] constexpr std::array Yd{2.0, 4.0, 6.0, 8.0};
}  // namespace

auto value() {
#ifdef CTGRAD_COMPILE_FAIL
  return evaluate(loss, w = 0.0f, x = X, y = Yd);
#else
  return evaluate(loss, w = 0.0f, x = X, y = Y);
#endif
}
