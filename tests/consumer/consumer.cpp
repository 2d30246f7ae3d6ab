// A program that uses an installed ctgrad as any project would: the seed notebook's loss and its
// gradient at w = 0 (30 and -30), printed with the version so that the test can check both.
// Built with CTGRAD_SECOND_UNIT, it also calls second_unit.cpp, which includes ctgrad too and
// computes the same gradient: the two units link only if no header defines a non-inline entity.
#include <array>
#include <cstdio>

#include <ctgrad.hpp>

#ifdef CTGRAD_EXPECT_CPLUSPLUS
// The consumer's own standard is kept, not lowered to the C++20 that ctgrad needs.
static_assert(__cplusplus >= CTGRAD_EXPECT_CPLUSPLUS, "the consumer's -std was overridden");
#endif

#ifdef CTGRAD_SECOND_UNIT
float second_unit_gradient();
#endif

int main() {
  constexpr ctgrad::param<"w"> w;
  constexpr ctgrad::data<"x"> x;
  constexpr ctgrad::data<"y"> y;
  constexpr auto loss = mean(square(y - w * x));

  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  const std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
  auto [value, grad] = ctgrad::value_and_grad(loss, wrt(w), w = 0.0f, x = X, y = Y);
  std::printf("ctgrad %s: loss %g, gradient %g\n", CTGRAD_VERSION_STRING, value, grad[w]);
#ifdef CTGRAD_SECOND_UNIT
  std::printf("second unit: gradient %g\n", second_unit_gradient());
#endif
}
