// expect: ctgrad: the rows bound to data (named in the condition above) do not have
// expect-name: data_named<'x'>
// Misuse: binding rows of 2 features to data rows of 3.
#include <array>
#include <ctgrad.hpp>
#include <vector>

namespace {
constexpr ctgrad::param<"w", 3> w;
constexpr ctgrad::data<"x", 3> x;
}  // namespace

double value() {
#ifdef CTGRAD_COMPILE_FAIL
  const std::vector<std::array<double, 2>> rows{{1, 2}};
#else
  const std::vector<std::array<double, 3>> rows{{1, 2, 3}};
#endif
  return ctgrad::evaluate(mean(dot(w, x)), w = std::array{1.0, 2.0, 3.0}, x = rows);
}
