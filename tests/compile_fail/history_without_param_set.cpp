// expect: ctgrad: training_history takes the run's parameter set
// expect-errors: 1
// Misuse: a training history given a number instead of the parameter set, training_history{out,
// 0.5}.
#include <ctgrad.hpp>
#include <ctgrad/runtime/history.hpp>
#include <sstream>

namespace {
constexpr ctgrad::param<"w"> w;
}  // namespace

void record() {
  std::ostringstream out;
#ifdef CTGRAD_COMPILE_FAIL
  [[maybe_unused]] ctgrad::training_history history{out, 0.5};
#else
  [[maybe_unused]] ctgrad::training_history history{out, ctgrad::parameters(w = 0.5)};
#endif
}
