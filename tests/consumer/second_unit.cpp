// The second translation unit of the two-unit consumer (see consumer.cpp): the same loss, so
// that both units instantiate the same templates, and ctgrad.hpp included whole.
#include <array>

#include <ctgrad.hpp>

float second_unit_gradient() {
  constexpr ctgrad::param<"w"> w;
  constexpr ctgrad::data<"x"> x;
  constexpr ctgrad::data<"y"> y;
  constexpr auto loss = mean(square(y - w * x));

  const std::array X{1.0f, 2.0f, 3.0f, 4.0f};
  const std::array Y{2.0f, 4.0f, 6.0f, 8.0f};
  return ctgrad::value_and_grad(loss, wrt(w), w = 0.0f, x = X, y = Y).grad[w];
}
