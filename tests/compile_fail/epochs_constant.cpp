// expect: ctgrad: train needs a positive number of epochs
// only: clang: clang's diagnose_if sees a constant argument; g++ cannot
// expect-errors: 1
// Misuse: training for 0 epochs, a constant (at run time: std::invalid_argument).
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr std::array X{1.0, 2.0};
}  // namespace

double fit() {
  auto p = ctgrad::parameters(w = 1.0);
#ifdef CTGRAD_COMPILE_FAIL
  return ctgrad::train(mean(square(w * x)), p, ctgrad::dataset(x = X), ctgrad::sgd{0.1}, 0);
#else
  return ctgrad::train(mean(square(w * x)), p, ctgrad::dataset(x = X), ctgrad::sgd{0.1}, 1);
#endif
}
