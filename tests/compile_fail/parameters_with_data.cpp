// expect: ctgrad: parameters() takes parameter bindings such as w = 0.0f
// Misuse: giving parameters() a data binding (data belongs in dataset()).
#include <array>
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"w"> w;
[[maybe_unused]] constexpr ctgrad::data<"x"> x;
constexpr std::array X{1.0f, 2.0f, 3.0f, 4.0f};
}  // namespace

float initial() {
#ifdef CTGRAD_COMPILE_FAIL
  auto p = ctgrad::parameters(w = 0.0f, x = X);
#else
  auto p = ctgrad::parameters(w = 0.0f);
#endif
  return p[w] + static_cast<float>(X.size());
}
