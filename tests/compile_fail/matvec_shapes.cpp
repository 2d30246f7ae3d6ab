// expect: ctgrad: a matrix-vector product W * x needs an m x n matrix and a vector of n
// expect-name: shape<16, 8>
// Misuse: W * x with a 16 x 8 matrix and a vector of 7 components.
#include <ctgrad.hpp>

namespace {
constexpr ctgrad::param<"W", 16, 8> W;
#ifdef CTGRAD_COMPILE_FAIL
constexpr ctgrad::data<"x", 7> x;
#else
constexpr ctgrad::data<"x", 8> x;
#endif
}  // namespace

[[maybe_unused]] constexpr auto hidden = tanh(W * x);
