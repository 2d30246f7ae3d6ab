// expect: ctgrad: dataset() takes data bindings such as x = X
// Misuse: giving dataset() a parameter binding (parameters belong in parameters()).
#include <array>
#include <ctgrad.hpp>

namespace {
[[maybe_unused]] constexpr ctgrad::param<"w"> w;
constexpr ctgrad::data<"x"> x;
constexpr std::array X{1.0f, 2.0f, 3.0f, 4.0f};
}  // namespace

std::size_t points() {
#ifdef CTGRAD_COMPILE_FAIL
  auto train_data = ctgrad::dataset(x = X, w = 0.0f);
#else
  auto train_data = ctgrad::dataset(x = X);
#endif
  return train_data.size();
}
